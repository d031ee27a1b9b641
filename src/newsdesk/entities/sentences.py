"""The sentences of a text that can hold a name, the only ones the recogniser reads: a name is written with a
capital, so a sentence whose one capital is a common first word ("The council said it would…", "He added
that…") names nothing the desk keeps. News text loses about a fifth of its length this way (the generated
bench articles, whose sentences nearly all name someone, 7%); docs/research/entities.md has what it saves and
the names it changes."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

# A sentence: up to a full stop, question or exclamation mark (and closing quotes or brackets) before white
# space, or to the end of its line. Splitting too often ("Dr." before a name) only keeps more text.
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"'”’)\]]*(?=\s)|$)", re.MULTILINE)
_EDGES = "\"'“”‘’()[]{}«»,;:.!?-—–…*"
_GAP = "\n\n"          # where sentences were left out: a paragraph break, which no name crosses


@cache
def _common_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def can_name(sentence: str) -> bool:
    """A capitalised word past the sentence's first word, or a first word in capitals ("US", a dateline) or
    that is no common word ("Hikvision said…", not "The", "He", "Meanwhile")."""
    first = True
    for word in sentence.split():
        core = word.strip(_EDGES)
        if not core:
            continue
        if core[0].isupper() and (not first or core.isupper() and len(core) > 1
                                  or core.lower() not in _common_words()):
            return True
        if any(c.isalpha() for c in core):
            first = False
    return False


class NameBearing:
    """A text less its sentences that cannot hold a name (`text`), and the way back from an offset in it to
    the same character of the whole text (`original`)."""

    def __init__(self, whole: str) -> None:
        parts: list[str] = []
        length = 0
        self._starts: list[int] = []      # where each run of kept sentences begins here…
        self._origins: list[int] = []     # …and in the whole text
        run_end: int | None = None
        for match in _SENTENCE.finditer(whole):
            if not can_name(match.group()):
                run_end = None
                continue
            if run_end is None:
                joint = _GAP if parts else ""
                self._starts.append(length + len(joint))
                self._origins.append(match.start())
            else:
                joint = whole[run_end:match.start()]
            parts += [joint, match.group()]
            length += len(joint) + len(match.group())
            run_end = match.end()
        self.text = "".join(parts)

    def original(self, offset: int) -> int:
        run = max(0, bisect_right(self._starts, offset) - 1)
        return self._origins[run] + offset - self._starts[run]
