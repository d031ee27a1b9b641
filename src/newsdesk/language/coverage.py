"""A story's coverage by language: how many of its independent reports are in each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from newsdesk.language.codes import base_language

UNKNOWN = "und"      # ISO 639-2 "undetermined": a report whose language nothing told


def language_counts(languages: Iterable[str | None]) -> dict[str, int]:
    """Reports per language (ISO 639-1, UNKNOWN where none), most first, ties by code."""
    counts = Counter(base_language(code) or UNKNOWN for code in languages)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def coverage_line(counts: dict[str, int]) -> str:
    """"en 4 · es 2 · fr 1"."""
    return " · ".join(f"{code} {n}" for code, n in counts.items())
