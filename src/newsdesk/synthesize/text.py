"""Words of a sentence as the writer compares them: content terms, numbers and proper nouns."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from newsdesk.language import function_words

STOPWORDS = frozenset("""
a about above according across after again against ago all almost also although always am among an and
another any are around as at be became because become been before being below between both but by can
could did do does doing done down during each either else even ever every few for from further get gets
got had has have having he her here hers him himself his how however i if in into is it its itself just
last least less like many may me might more most mr mrs ms much must my near no nor not now of off on
once one only onto or other our ours out over own per perhaps rather said same say says she should since
so some such than that the their them then there these they this those though through thus to told too
toward under until up upon us very via was we were what when where whether which while who whom whose
why will with within without would yet you your
""".split())

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?%?")
_CAPITAL = re.compile(r"\b(?:[A-Z]\.){2,}|\b[A-Z][A-Za-z'’\-]*[A-Za-z]")
_SMALL_NUMBERS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                  "sixteen seventeen eighteen nineteen twenty").split()
# The exact counts the news writes out in words, "one" to "twenty".
COUNT_WORDS = {word: str(value) for value, word in enumerate(_SMALL_NUMBERS, 1)}
_NUMBER_WORDS = {**{word: COUNT_WORDS[word] for word in _SMALL_NUMBERS[:12]}, "dozen": "12",
                 "hundred": "100", "thousand": "1000", "million": "million", "billion": "billion"}
_COMMON_CAPS = frozenset("""
the a an and but he she it they we i in on at for of to this that these those his her its their our there here
after before when while as if mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday january
february march april june july august september october november december president
""".split())


def stem(word: str) -> str:
    if len(word) <= 3 or word[0].isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + repl
    return word


_WIDE_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*")


def terms(text: str, language: str | None = None) -> list[str]:
    """The content terms of a sentence: its words less the function words of its `language` (English's, and
    English stems, when it is None or has no list of its own)."""
    own = function_words(language)
    if own:
        return [token for token in _WIDE_TOKEN.findall(text.lower().replace("’", "'"))
                if token not in own and (len(token) > 1 or token.isdigit())]
    return [stem(token) for token in _TOKEN.findall(text.lower().replace("’", "'").replace("'s ", " "))
            if token not in STOPWORDS and (len(token) > 1 or token.isdigit())]


def repeats(a: set[str], b: set[str], overlap: float = 0.6, contained: float = 0.8) -> bool:
    """Whether two sentences' content terms (`terms`) say the same: they share `overlap` of all their terms,
    or the shorter's terms are `contained` in the longer."""
    if not a or not b:
        return False
    shared = len(a & b)
    return shared / len(a | b) >= overlap or shared / min(len(a), len(b)) >= contained


def number_value(written: str) -> str | None:
    """One number as `numbers` normalises it ("1,200" is "1200", "6.50" is "6.5", "$40" is "40", "seven" is
    "7"), or None when it is none: a year (four digits from 19 or 20, without a comma) or not a number."""
    if written.lower() in COUNT_WORDS:
        return COUNT_WORDS[written.lower()]
    if not _NUMBER.fullmatch(written):
        return None
    value = written.strip("$%").replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    if not value or ("," not in written and len(value) == 4 and value[:2] in ("19", "20")):
        return None
    return value


def numbers(text: str) -> set[str]:
    found = {value for raw in _NUMBER.findall(text) if (value := number_value(raw))}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS and word not in ("one",):
            found.add(_NUMBER_WORDS[word])
    return found


def entities(text: str) -> set[str]:
    """Capitalised words that do not open the sentence: a cheap stand-in for named entities."""
    found = set()
    for match in _CAPITAL.finditer(text):
        word = match.group(0).lower().replace("’", "'").replace(".", "")
        if match.start() == 0 or word in _COMMON_CAPS or len(word) < 2:
            continue
        found.add(word.removesuffix("'s"))
    return found


def title_key(title: str | None) -> str:
    """A title's words, lower-cased: two titles that differ only in case and punctuation share it."""
    return " ".join(re.findall(r"\w+", (title or "").lower()))


_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")


def lowercase_words(texts: list[str]) -> set[str]:
    """The words these texts write in lower case: what counts as an ordinary word in a story."""
    return {word for text in texts for word in _LOWER_WORD.findall(text)}


def shouts(text: str, ordinary: set[str]) -> bool:
    """Whether text sets ordinary words in capitals for emphasis ("2.3 MILLION customers", "Are YOU
    affected?"): one such word of four letters or more, or two of any length. A word is ordinary when the
    story's articles also write it in lower case (`lowercase_words`), so acronyms (NATO, FBI) never count,
    and one that is also a word (WHO) only beside another."""
    caps = [word for word in _CAPS_WORD.findall(text) if word.lower() in ordinary]
    return len(caps) >= 2 or any(len(word) >= 4 for word in caps)


def tfidf_vectors(documents: list[list[str]]) -> np.ndarray:
    """L2-normalised sublinear TF-IDF rows, the documents themselves giving the document frequencies."""
    vocabulary: dict[str, int] = {}
    for document in documents:
        for term in document:
            vocabulary.setdefault(term, len(vocabulary))
    matrix = np.zeros((len(documents), max(len(vocabulary), 1)), dtype=np.float32)
    df = np.zeros(max(len(vocabulary), 1), dtype=np.float32)
    for row, document in enumerate(documents):
        for term, count in Counter(document).items():
            column = vocabulary[term]
            matrix[row, column] = 1.0 + math.log(count)
            df[column] += 1
    idf = np.log((1.0 + len(documents)) / (1.0 + df)) + 1.0
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)
