"""Text written by others (feeds, pages, servers' error messages) made safe to show in a terminal."""

from __future__ import annotations

import json
import re
from typing import Any

from rich.console import Console

# C0 controls but tab and newline, DEL, C1 controls (0x9b alone starts a CSI sequence), and the bidi embeddings,
# overrides and isolates that make a line read other than it is written.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What `_UNSAFE` holds beyond the C0 controls, which JSON escapes itself and XML cannot carry.
_UNSAFE_IN_DATA = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """`text` without the characters a terminal would act on instead of showing; None is ''."""
    return "" if text is None else _UNSAFE.sub("", str(text))


# Rich's markup reads `[` followed by this as a tag (rich.markup.RE_TAGS). In the text between tags it reads
# `\[` as `[`, so a backslash before any other `[` must be doubled too: `rich.markup.escape` leaves it alone.
_RICH_TAG = re.compile(r"\[[a-z#/@][^[]*?]")
_BACKSLASHES_AND_BRACKET = re.compile(r"(\\*)\[")
_TRAILING_BACKSLASHES = re.compile(r"\\+\Z")


def escaped(text: object) -> str:
    """`text` as Rich markup that shows it literally: printable, and its brackets and backslashes escaped."""
    plain = printable(text)

    def bracket(match: re.Match[str]) -> str:
        backslashes = match.group(1)
        if _RICH_TAG.match(plain, match.end() - 1):
            return backslashes * 2 + "\\["
        return backslashes + ("\\" if backslashes else "") + "["

    markup = _BACKSLASHES_AND_BRACKET.sub(bracket, plain)
    return _TRAILING_BACKSLASHES.sub(lambda m: m.group() * 2, markup)    # else they would escape the next tag


def json_for_terminal(data: Any) -> str:
    """`data` as indented JSON whose control and bidi characters are \\u escapes, so nothing is lost."""
    dumped = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_DATA.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def xml_for_terminal(document: str) -> str:
    """An XML document whose control and bidi characters are character references, so nothing is lost."""
    return _UNSAFE_IN_DATA.sub(lambda m: f"&#x{ord(m.group()):x};", document)


def make_console(**options: Any) -> Console:
    """A console as the commands print with: emoji codes off, so a title holding ":fire:" shows just that."""
    return Console(emoji=False, **options)
