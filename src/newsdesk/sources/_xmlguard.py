"""No DTD tricks in feeds or OPML: entity declarations (billion laughs, quadratic blowup, XXE) are refused
before any parser sees them, and feedparser's strict parser refuses them again by itself.

`create_parser` makes this module usable as a SAX reader by name (feeds.py points feedparser at it): expat
through defusedxml, refusing every entity declaration. External DTDs may be named (old RSS 0.91 feeds name
Netscape's) because expat never loads them: feedparser turns off external entity loading."""

from __future__ import annotations

import re

from defusedxml.expatreader import DefusedExpatParser
from feedparser.encodings import convert_to_utf8

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_FIRST_ELEMENT = re.compile(rb"<\w")
_PROLOG_SPACE = re.compile(rb"[ \t\r\n]*")
_BOM8 = b"\xef\xbb\xbf"
ENTITIES = "declares XML entities"
INLINE_DTD = "carries an inline DTD"


def create_parser(*args, **kwargs) -> DefusedExpatParser:
    return DefusedExpatParser(*args, forbid_dtd=False, forbid_entities=True, forbid_external=False, **kwargs)


def dtd_problem(body: bytes, content_type: str = "application/xml") -> str | None:
    """ENTITIES or INLINE_DTD when the document has a DTD internal subset, else None.

    The document is decoded by feedparser's rules (BOM, HTTP charset, XML declaration, UTF-16/32, EBCDIC),
    so no encoding hides a declaration, and searched where a parser would honour one: the prolog as XML
    tokenises it (comments and processing instructions skipped properly) and everything before the first
    `<name` (where feedparser's loose parser takes its entities from)."""
    try:
        text = convert_to_utf8({"content-type": content_type}, body, {})
    except Exception:
        text = body.replace(b"\x00", b"")
    first = _FIRST_ELEMENT.search(text)
    if _ENTITY_DECL.search(text[: first.end() if first else len(text)]):
        return ENTITIES
    subset = _internal_subset(text)
    if subset is None:
        return None
    return ENTITIES if _ENTITY_DECL.search(subset) else INLINE_DTD


def _internal_subset(text: bytes) -> bytes | None:
    """The DOCTYPE's internal subset and what follows it, if the prolog has a DOCTYPE with one."""
    pos = len(_BOM8) if text.startswith(_BOM8) else 0
    while True:
        pos = _PROLOG_SPACE.match(text, pos).end()
        if text.startswith(b"<?", pos):
            end = text.find(b"?>", pos + 2)
        elif text.startswith(b"<!--", pos):
            end = text.find(b"-->", pos + 4)
        elif text[pos:pos + 9].upper() == b"<!DOCTYPE":
            break
        else:
            return None
        if end < 0:
            return None
        pos = text.find(b">", end) + 1
    quote = None
    for index in range(pos + 9, len(text)):
        char = text[index:index + 1]
        if quote:
            if char == quote:
                quote = None
        elif char in (b'"', b"'"):
            quote = char
        elif char == b"[":
            return text[index:]
        elif char == b">":
            return None
    return None
