"""Row ids as users type them: the one check of what can be an id."""

from __future__ import annotations

MAX_ID = 2 ** 63 - 1       # the largest id SQLite's INTEGER and PostgreSQL's BIGINT hold


def row_id(key: int | str) -> int | None:
    """The row id `key` is or spells in ASCII digits, or None when no row can have it (a number beyond MAX_ID
    would overflow SQLite's binding and be compared as numeric by PostgreSQL)."""
    if isinstance(key, str):
        digits = key.lstrip("0")
        if not (key.isascii() and key.isdigit()) or len(digits) > len(str(MAX_ID)):
            return None
        key = int(key)
    return key if 1 <= key <= MAX_ID else None
