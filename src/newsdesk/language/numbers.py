"""Numbers as English reads them: "6,1" → "6.1", "3.000" and "3 000" → "3000" in the languages that write a
decimal comma, so that a report's figures meet the same figures in a report in another language."""

from __future__ import annotations

import re

# Languages whose decimal separator is a comma (and whose thousands are grouped by a point or a space).
DECIMAL_COMMA = frozenset({"bg", "ca", "cs", "da", "de", "el", "es", "et", "fi", "fr", "hr", "hu", "id", "it",
                           "lt", "lv", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv", "tr", "uk", "vi"})
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[. \u00a0\u202f]\d{3})+(?![\d]|,\d)")
_DECIMAL = re.compile(r"(?<![\d,])(\d+),(\d+)(?![\d,])")


def english_numerals(text: str, language: str | None) -> str:
    """The text with its numbers written the English way when `language` writes a decimal comma; as it is
    otherwise."""
    if not text or language not in DECIMAL_COMMA:
        return text
    text = _GROUPED.sub(lambda m: re.sub(r"[. \u00a0\u202f]", "", m.group(0)), text)
    return _DECIMAL.sub(r"\1.\2", text)
