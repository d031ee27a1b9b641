"""Whether a sentence of a report can be shown on its own, away from the sentences around it.

A sentence that opens on a word pointing back ("He", "They", "The move", "But", "Not everyone"), that is a
fragment ("What wasn't: passwords, PINs…", an opening in lower case) or that quotes someone named only by a
pronoun ("'We will rebuild,' he said.") or by no one (a sentence that is all quotation) reads wrongly once it
is lifted out of its article: the writer shows it only together with the sentence before it, as one
attributed unit, or not at all.

A sentence in French, Spanish, German, Italian, Portuguese or Dutch is read with its language's words
(`CONTEXT_WORDS`: "Il", "Pero", "Aber", "Cette décision", "a-t-il déclaré", …); any other with English's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def needs_context(text: str, language: str | None = None) -> bool:
    """Whether the sentence needs the sentence before it to be understood (see the module docstring), read
    with the words of its `language` (ISO 639-1; English's for None and languages without their own)."""
    words = CONTEXT_WORDS.get(language or "")
    if words is not None:
        return words.needs_context(text)
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


@dataclass(frozen=True)
class ContextWords:
    """One language's words for the rules above."""
    openers: frozenset[str]          # pronouns, demonstratives and conjunctions that point back
    back_nouns: frozenset[str]       # "Cette décision", "Dieser Schritt": a demonstrative and one of these
    demonstratives: frozenset[str]
    article_nouns: frozenset[str]    # "La décision", "Der Schritt": the definite article and one of these
    articles: frozenset[str]
    answering: re.Pattern[str]       # "Pas tous", "Por su parte", "Außerdem"
    pronoun_speaker: re.Pattern[str]     # "…», a-t-il déclaré", "…“, sagte er"
    personal: re.Pattern[str] | None     # he / she, to be named in the sentence (None: nouns are capitalised)
    not_names: frozenset[str]

    def needs_context(self, text: str) -> bool:
        stripped = text.lstrip(_OPENING_PUNCTUATION_WIDE)
        if not stripped:
            return False
        if stripped[0].islower():
            return True
        if _COLON_FRAGMENT.match(stripped) or self.answering.match(stripped):
            return True
        words = [w.lower().replace("’", "'") for w in _WORD_WIDE.findall(stripped[:80])[:2]]
        if not words:
            return False
        first = words[0].split("'")[0] if "'" in words[0] and len(words[0].split("'")[0]) > 1 else words[0]
        if first in self.openers or words[0] in self.openers:
            return True
        if len(words) == 2 and ((words[0] in self.demonstratives and words[1] in self.back_nouns)
                                or (words[0] in self.articles and words[1] in self.article_nouns)):
            return True
        if self.pronoun_speaker.search(text) or _BARE_QUOTATION_WIDE.match(text.strip()):
            return True
        if self.personal is None or not self.personal.search(text):
            return False
        return not any(w.lower() not in self.not_names for w in _NAME_WIDE.findall(stripped))


_OPENING_PUNCTUATION_WIDE = _OPENING_PUNCTUATION + "«»„¿¡"
_WORD_WIDE = re.compile(r"[^\W\d_][\w’'-]*")
_NAME_WIDE = re.compile(r"(?<=\s)[A-ZÀ-ÖØ-Þ][^\W\d_]+")
_BARE_QUOTATION_WIDE = re.compile(r"^[\"“«„][^\"“”«»„]*[\"”»“][.!?…]?$")
_SAID = {
    "fr": r"(?:dit|déclaré|ajouté|expliqué|affirmé|assuré|estimé|précisé|souligné|averti|indiqué|répondu)",
    "es": r"(?:dijo|afirmó|añadió|explicó|aseguró|declaró|señaló|advirtió|indicó|agregó|respondió)",
    "de": r"(?:sagte|erklärte|betonte|fügte|warnte|meinte|schrieb|antwortete|sagt|erklärt)",
    "it": r"(?:detto|dichiarato|aggiunto|spiegato|affermato|sottolineato|ha detto|ha aggiunto)",
    "pt": r"(?:disse|afirmou|acrescentou|explicou|declarou|garantiu|alertou|respondeu)",
    "nl": r"(?:zei|verklaarde|voegde|schreef|waarschuwde|antwoordde|zegt)",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONTEXT_WORDS = {
    "fr": ContextWords(
        openers=_words("il elle ils elles lui leur eux cela ça ceci celui celle ceux celles mais et ou donc or "
                       "pourtant cependant toutefois néanmoins puis ensuite ainsi alors aussi également sinon "
                       "d'ailleurs"),
        back_nouns=_words("décision mesure annonce accord projet plan texte entreprise société groupe ministre "
                          "homme femme incident attaque affaire rapport proposition réforme loi étape dernier "
                          "dernière"),
        demonstratives=_words("ce cet cette ces"), articles=_words("le la"),
        article_nouns=_words("décision mesure annonce démarche étape initiative"),
        answering=re.compile(r"^(?:pas (?:tous|tout le monde)|d['’]autres\b|certains\b|les autres\b|en revanche|"
                             r"par ailleurs|de plus|en outre|en effet|quant à|pour sa part|pour leur part|"
                             r"malgré tout|du coup|c['’]est pourquoi|à l['’]inverse|au contraire)", re.IGNORECASE),
        pronoun_speaker=re.compile(rf"[,»”\"]\s*(?:a|ont|avait)-t?-?(?:il|elle|ils|elles)\s+{_SAID['fr']}\b|"
                                   r"[,»”\"]\s*[a-zéèû]+-t?-?(?:il|elle|ils|elles)\b", re.IGNORECASE),
        personal=re.compile(r"\b(?:elle|lui|il(?! y a\b| faut\b| s['’]agit\b))\b", re.IGNORECASE),
        not_names=_words("le la les un une il elle ils elles ce cette mais et selon après avant")),
    "es": ContextWords(
        openers=_words("él ella ellos ellas esto eso aquello este esta estos estas ese esa pero y o e ni sin "
                       "embargo además también así entonces aun asimismo luego"),
        back_nouns=_words("decisión medida anuncio acuerdo proyecto plan texto empresa compañía grupo ministro "
                          "ministra hombre mujer incidente ataque caso informe propuesta reforma ley paso"),
        demonstratives=_words("este esta estos estas ese esa"), articles=_words("el la"),
        article_nouns=_words("decisión medida anuncio paso iniciativa"),
        answering=re.compile(r"^(?:no todos|otros\b|otras\b|algunos\b|algunas\b|por su parte|en cambio|"
                             r"por otro lado|sin embargo|a su vez|por ello|por eso|de hecho|aun así|no obstante)",
                             re.IGNORECASE),
        pronoun_speaker=re.compile(rf"[,»”\"—]\s*{_SAID['es']}(?:\s+(?:él|ella))?\s*[.;]?$", re.IGNORECASE),
        personal=re.compile(r"\b(?:él|ella)\b", re.IGNORECASE),
        not_names=_words("el la los las un una él ella este esta pero y según tras")),
    "de": ContextWords(
        openers=_words("er sie es ihm ihn ihr ihnen sein seine ihre dies dieser diese dieses dabei dazu davon "
                       "damit darum deshalb daher deswegen aber und oder doch jedoch dennoch trotzdem außerdem "
                       "zudem auch allerdings sonst stattdessen so"),
        back_nouns=_words("entscheidung maßnahme ankündigung abkommen vereinbarung plan schritt unternehmen firma "
                          "konzern gruppe minister ministerin mann frau vorfall angriff fall bericht vorschlag "
                          "reform gesetz"),
        demonstratives=_words("dieser diese dieses"), articles=_words("der die das"),
        article_nouns=_words("entscheidung maßnahme ankündigung schritt vorstoß"),
        answering=re.compile(r"^(?:nicht alle|andere\b|einige\b|manche\b|dagegen|hingegen|im gegenzug|"
                             r"darüber hinaus|auf der anderen seite)", re.IGNORECASE),
        pronoun_speaker=re.compile(rf"[,“«\"]\s*{_SAID['de']}\s+(?:er|sie)\b", re.IGNORECASE),
        personal=None, not_names=frozenset()),
    "it": ContextWords(
        openers=_words("lui lei loro esso essa questo questa questi queste ciò quello quella ma e o però "
                       "tuttavia inoltre anche quindi poi dunque invece infatti"),
        back_nouns=_words("decisione misura annuncio accordo progetto piano testo azienda società gruppo ministro "
                          "ministra uomo donna incidente attacco caso rapporto proposta riforma legge"),
        demonstratives=_words("questo questa questi queste"), articles=_words("il la lo"),
        article_nouns=_words("decisione misura annuncio passo iniziativa"),
        answering=re.compile(r"^(?:non tutti|altri\b|alcuni\b|d['’]altra parte|allo stesso tempo|per questo)",
                             re.IGNORECASE),
        pronoun_speaker=re.compile(rf"[,»”\"]\s*(?:ha|hanno)\s+{_SAID['it']}\s*[.;]?$", re.IGNORECASE),
        personal=re.compile(r"\b(?:lui|lei)\b", re.IGNORECASE),
        not_names=_words("il lo la i gli le un una lui lei questo questa ma e secondo dopo")),
    "pt": ContextWords(
        openers=_words("ele ela eles elas isso isto esse essa este esta mas e ou porém contudo todavia também "
                       "além então assim"),
        back_nouns=_words("decisão medida anúncio acordo projeto plano texto empresa companhia grupo ministro "
                          "ministra homem mulher incidente ataque caso relatório proposta reforma lei"),
        demonstratives=_words("este esta esse essa"), articles=_words("o a"),
        article_nouns=_words("decisão medida anúncio passo iniciativa"),
        answering=re.compile(r"^(?:nem todos|outros\b|outras\b|alguns\b|algumas\b|por outro lado|"
                             r"além disso|no entanto|por isso|ainda assim)", re.IGNORECASE),
        pronoun_speaker=re.compile(rf"[,»”\"—]\s*{_SAID['pt']}(?:\s+(?:ele|ela))?\s*[.;]?$", re.IGNORECASE),
        personal=re.compile(r"\b(?:ele|ela)\b", re.IGNORECASE),
        not_names=_words("o a os as um uma ele ela este esta mas e segundo após")),
    "nl": ContextWords(
        openers=_words("hij zij ze hem haar hun dit dat deze die maar en of dus toch echter ook bovendien "
                       "daarom daardoor daarna"),
        back_nouns=_words("besluit beslissing maatregel aankondiging akkoord plan voorstel bedrijf groep minister "
                          "man vrouw incident aanval zaak rapport hervorming wet stap"),
        demonstratives=_words("deze dit"), articles=_words("de het"),
        article_nouns=_words("beslissing besluit maatregel aankondiging stap"),
        answering=re.compile(r"^(?:niet iedereen|anderen\b|sommigen\b|daarnaast|desondanks|"
                             r"aan de andere kant)", re.IGNORECASE),
        pronoun_speaker=re.compile(rf"[,”\"]\s*{_SAID['nl']}\s+(?:hij|zij|ze)\b", re.IGNORECASE),
        personal=re.compile(r"\b(?:hij|zij)\b", re.IGNORECASE),
        not_names=_words("de het een hij zij ze deze dit die dat maar en volgens na")),
}


def points_back(text: str, language: str | None) -> bool:
    """Whether the sentence opens on a word of its language that points back (the writer's "pronoun" mark)."""
    words = CONTEXT_WORDS.get(language or "")
    if words is None:
        return False
    first = _WORD_WIDE.findall(text.lstrip(_OPENING_PUNCTUATION_WIDE)[:40])[:1]
    return bool(first) and first[0].lower() in words.openers
