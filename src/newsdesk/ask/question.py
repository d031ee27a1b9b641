"""What a question asks for: its content terms and the kind of answer it wants (a number, a time, a name)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.synthesize import entities, numbers, terms

# Words of the question itself, not of what it is about.
_ASKING = frozenset(terms("happen happened happening tell know sources source report reported reports story "
                          "article articles news exactly kind type"))

_TIME = re.compile(r"\b(?:today|yesterday|tomorrow|tonight|morning|afternoon|evening|night|noon|midnight|"
                   r"hours?|minutes?|days?|weeks?|months?|years?|ago|since|until|later|earlier|"
                   r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|"
                   r"june|july|august|september|october|november|december|spring|summer|autumn|winter|"
                   r"\d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)|(?:19|20)\d\d)\b", re.IGNORECASE)


class Kind:
    NUMBER = "number"
    TIME = "time"
    NAME = "name"
    ANY = "any"


_KINDS = ((re.compile(r"^\s*(?:how (?:many|much|old|long|far|big|large|high|deep|fast)|what (?:number|share|"
                      r"percentage|proportion|amount|figure|sum|price|magnitude|death toll|toll)|at what (?:speed|"
                      r"price|rate))\b", re.I), Kind.NUMBER),
          (re.compile(r"^\s*(?:when|what (?:time|day|date|year|month)|on what (?:day|date)|in what (?:year|month)|"
                      r"by when)\b", re.I), Kind.TIME),
          (re.compile(r"^\s*(?:who|whom|whose|which (?:company|companies|country|countries|city|cities|person|"
                      r"people|party|parties|official|officials|agency|agencies|group|groups|team|teams|firm|"
                      r"firms)|where|in which (?:city|country|town|region|state))\b", re.I), Kind.NAME))


@dataclass
class Question:
    text: str
    terms: list[str]        # its content terms, stemmed, without the words of asking
    kind: str


def read_question(text: str) -> Question:
    text = " ".join(text.split())
    kind = next((k for pattern, k in _KINDS if pattern.search(text)), Kind.ANY)
    found = [t for t in dict.fromkeys(terms(text)) if t not in _ASKING]
    return Question(text, found, kind)


_COUNTED = re.compile(r"(?:\$|£|€)?\d[\d,.]*%?|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                      r"dozens?|hundreds?|thousands?|millions?|billions?)\b", re.I)


def counts_term(sentence: str, question_terms: list[str]) -> bool:
    """Whether a number in the sentence counts one of the question's terms ("212 passengers", "$4m in damages"):
    one of them within the three words after it."""
    wanted = set(question_terms)
    for match in _COUNTED.finditer(sentence):
        after = terms(" ".join(sentence[match.end():].split()[:3]))
        if any(t in wanted or any(len(t) >= 4 and (w.startswith(t) or t.startswith(w)) for w in wanted)
               for t in after):
            return True
    return False


def fits(kind: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of thing the question asks for."""
    if kind == Kind.NUMBER:
        return bool(numbers(sentence)) or bool(re.search(r"\b(?:no one|nobody|none|dozens|hundreds|thousands|"
                                                         r"millions|half|a third|a quarter)\b", sentence, re.I))
    if kind == Kind.TIME:
        return bool(_TIME.search(sentence))
    if kind == Kind.NAME:
        return bool(entities(sentence))
    return True
