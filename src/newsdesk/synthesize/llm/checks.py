"""The checks a generated sentence passes before it is shown: the numbers and names it states must be in the
story's sources."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdesk.extract import raw_sentences
from newsdesk.synthesize import text as textutil

_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                 "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
                 "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
                 "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                 "eighty": "80", "ninety": "90", "dozen": "12", "hundred": "hundred", "thousand": "thousand",
                 "million": "million", "billion": "billion", "trillion": "trillion"}
_CAPITALISED = re.compile(r"(?<![\w'’])(?:[A-Z]\.){2,}|(?<![\w'’])[A-Z][\w'’\-]*\w")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’.\-]*[a-z0-9]|[a-z0-9]")


def figures(text: str) -> set[str]:
    """The numbers a sentence states, digits or words, normalised ("2,000" and "2000"; "six" and "6")."""
    found = set()
    for raw in _DIGITS.findall(text):
        value = raw.rstrip(",").replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value.lstrip("0") or "0")
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
        elif word.endswith("s") and word[:-1] in ("hundred", "thousand", "million", "billion", "dozen"):
            found.add(_NUMBER_WORDS[word[:-1]])
    return found


def _word_key(word: str) -> str:
    word = word.lower().replace("’", "'").replace(".", "")
    return word.removesuffix("'s").removesuffix("'")


def source_words(texts: Sequence[str]) -> set[str]:
    """Every word of the sources, lower-cased, with its stem and the parts of hyphenated words."""
    words: set[str] = set()
    for text in texts:
        for raw in _WORD.findall(text.lower()):
            key = _word_key(raw)
            for part in {key, *key.split("-")}:
                if part:
                    words.add(part)
                    words.add(textutil.stem(part))
    return words


def names(sentence: str) -> set[str]:
    """Capitalised words that do not open the sentence and are not common words: a cheap stand-in for the
    names, places and organisations it mentions."""
    found = set()
    for match in _CAPITALISED.finditer(sentence):
        if not sentence[:match.start()].strip(" \"“‘'([*"):
            continue
        key = _word_key(match.group(0))
        acronym = match.group(0).replace(".", "").isupper()
        if len(key) < 2 or (not acronym and (key in textutil.STOPWORDS or key in _COMMON_NAMES)):
            continue
        found.add(key)
    return found


_COMMON_NAMES = frozenset(textutil._COMMON_CAPS) | {"may"}


def missing_names(sentence: str, words: set[str]) -> list[str]:
    missing = []
    for name in sorted(names(sentence)):
        parts = [p for p in name.split("-") if p]
        if name in words or textutil.stem(name) in words:
            continue
        if parts and all(p in words or textutil.stem(p) in words for p in parts):
            continue
        missing.append(name)
    return missing


def split_generated(text: str) -> list[str]:
    return [s.strip() for s in raw_sentences(text) if s.strip()]
