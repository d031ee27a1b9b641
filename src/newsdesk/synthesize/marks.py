"""Marks of a poor summary sentence that the writer scores (`writer.FEATURES`), read in the sentence's language:
a quotation, the first person, no final stop, an opening pronoun or conjunction. English's marks are the ones
the weights were fitted with; French, Spanish, German, Italian, Portuguese and Dutch have their own words and
quotation marks (their opening words are `standalone.CONTEXT_WORDS`')."""

from __future__ import annotations

import re

from newsdesk.synthesize.standalone import points_back

_QUOTE = re.compile(r"[\"“”]")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|we|We|my|My|our|Our|me|us)\b")
_FINISHED = re.compile(r"[.!?][\"'”’)\]]*$")
_PRONOUN = re.compile(r"^(?:He|She|It|They|This|That|These|Those|But|And|However|Still|Meanwhile|His|Her|"
                      r"Their|Its|Also|So|Yet|Instead)\b")

_QUOTE_WIDE = re.compile(r"[\"“”«»„]")
_FINISHED_WIDE = re.compile(r"[.!?…][\s\"'”’»“«)\]]*$")
_FIRST_PERSON_WIDE = {
    "fr": re.compile(r"\b(?:[Jj]e|[Jj]['’]|[Nn]ous|[Nn]otre|[Nn]os|[Mm]on|[Mm]a|[Mm]es|[Mm]oi)\b"),
    "es": re.compile(r"\b(?:[Yy]o|[Nn]osotros|[Nn]osotras|[Nn]uestro|[Nn]uestra|[Nn]uestros|[Nn]uestras|[Mm]i|[Mm]is)\b"),
    "de": re.compile(r"\b(?:[Ii]ch|[Ww]ir|[Uu]nser|[Uu]nsere|[Mm]ein|[Mm]eine|[Mm]ich|[Mm]ir|[Uu]ns)\b"),
    "it": re.compile(r"\b(?:[Ii]o|[Nn]oi|[Nn]ostro|[Nn]ostra|[Mm]io|[Mm]ia|[Mm]i)\b"),
    "pt": re.compile(r"\b(?:[Ee]u|[Nn]ós|[Nn]osso|[Nn]ossa|[Mm]eu|[Mm]inha)\b"),
    "nl": re.compile(r"\b(?:[Ii]k|[Ww]ij|[Ww]e|[Oo]ns|[Oo]nze|[Mm]ijn|[Mm]ij)\b"),
}


def _own_words(language: str | None) -> bool:
    return language in _FIRST_PERSON_WIDE


def quotes(text: str, language: str | None = None) -> bool:
    return bool((_QUOTE_WIDE if _own_words(language) else _QUOTE).search(text))


def first_person(text: str, language: str | None = None) -> bool:
    return bool(_FIRST_PERSON_WIDE.get(language or "", _FIRST_PERSON).search(text))


def finished(text: str, language: str | None = None) -> bool:
    """Whether the text ends on a full stop (inside its closing quotation marks)."""
    return bool((_FINISHED_WIDE if _own_words(language) else _FINISHED).search(text))


def opens_on_pronoun(text: str, language: str | None = None) -> bool:
    return points_back(text, language) if _own_words(language) else bool(_PRONOUN.match(text))
