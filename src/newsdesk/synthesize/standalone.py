"""Whether a sentence of a report can be shown on its own, away from the sentences around it.

A sentence that opens on a word pointing back ("He", "They", "The move", "But", "Not everyone"), that is a
fragment ("What wasn't: passwords, PINs…", an opening in lower case) or that quotes someone named only by a
pronoun ("'We will rebuild,' he said.") or by no one (a sentence that is all quotation) reads wrongly once it
is lifted out of its article: the writer shows it only together with the sentence before it, as one
attributed unit, or not at all.
"""

from __future__ import annotations

import re

# Pronouns, determiners and conjunctions that point at something said before.
POINTING_OPENERS = frozenset("""
he she it they them him his her hers its their theirs this that these those such
and but or so yet nor also however still meanwhile instead then thus therefore moreover besides otherwise
furthermore nevertheless nonetheless likewise similarly accordingly indeed
""".split())

# "The <noun>" openings that refer back to a thing named before ("The move", "The company").
BACK_REFERENCE_NOUNS = frozenset("""
move decision company firm deal plan announcement statement incident measure proposal report change
agreement bill ruling attack case group agency spokesperson spokesman spokeswoman man woman official
minister couple pair victim suspect latter former same news development step
""".split())

# Openings that answer something shown before ("Not everyone was so forgiving.", "Others disagreed.").
_ANSWERING = re.compile(r"^(?:not (?:everyone|everybody|all|so)|others?\b|another\b|both\b|neither\b|either\b|"
                        r"the other\b|the rest\b|some\b(?! \d)|many\b(?= (?:of them|were|are|have|had|did)\b)|"
                        r"here[’']?s\b|there[’']?s (?:more|another)|because\b(?! of)[^,]*$|even so|by contrast|in contrast|in response|"
                        r"as a result|in addition|at the same time|on the other hand)", re.IGNORECASE)
# Words inside a sentence that point back: "to do so", "as well" (not "as well as").
_POINTING_INSIDE = re.compile(r"\b(?:do|did|does|doing) so\b|\bas well\b(?! as)", re.IGNORECASE)
# Someone spoken of as he or she; needs naming in the sentence ("both his grandfather and his father").
_PERSONAL = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.IGNORECASE)
_NAME = re.compile(r"(?<=\s)[A-Z][a-z’'\-]+")
# A short clause ending in a colon at the start ("What wasn't: ...", "The upshot: ...").
_COLON_FRAGMENT = re.compile(r"^[^:.!?\"“”]{1,30}:\s")
# A sentence that is nothing but a quotation: its speaker is not named in it.
_BARE_QUOTATION = re.compile(r"^[\"“][^\"“”]*[\"”][.!?…]?$")
# A quotation whose speaker is only a pronoun ("..., he said.", "she told reporters").
_PRONOUN_SPEAKER = re.compile(r"[,”\"]\s*(?:he|she|they|it)\s+(?:said|says|added|told|wrote|explained|"
                              r"argued|insisted|warned|noted|continued|replied|asked)\b", re.IGNORECASE)
_OPENING_PUNCTUATION = " \t\"'“‘(—–-…"
_WORD = re.compile(r"[A-Za-z][A-Za-z’']*")


def _opening_words(text: str, count: int = 2) -> list[str]:
    words = _WORD.findall(text.lstrip(_OPENING_PUNCTUATION)[:80])[:count]
    return [w.lower().replace("’", "'").split("'")[0] for w in words]


def needs_context(text: str) -> bool:
    """Whether the sentence needs the sentence before it to be understood (see the module docstring)."""
    stripped = text.lstrip(_OPENING_PUNCTUATION)
    if not stripped:
        return False
    if stripped[0].islower():
        return True
    if _COLON_FRAGMENT.match(stripped) or _ANSWERING.match(stripped):
        return True
    words = _opening_words(stripped)
    if not words:
        return False
    if words[0] in POINTING_OPENERS:
        return True
    if len(words) == 2 and words[0] == "the" and words[1] in BACK_REFERENCE_NOUNS:
        return True
    if _PRONOUN_SPEAKER.search(text) or _BARE_QUOTATION.match(text.strip()) or _POINTING_INSIDE.search(text):
        return True
    return bool(_PERSONAL.search(text)) and not _names_someone(stripped)


def _names_someone(text: str) -> bool:
    """Whether a capitalised word other than the first names someone or something the pronoun can stand for."""
    return any(word.lower() not in _NOT_NAMES for word in _NAME.findall(text))


_NOT_NAMES = frozenset("""
the a an in on at for of to and but he she his her it they this that these those after before when while as if
mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december i we you
""".split())
