from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class ExtractionError(Exception):
    """No article could be read from the document; the message says why (not HTML, PDF, no text...)."""


@dataclass
class Extracted:
    text: str                        # paragraphs separated by blank lines
    title: str | None = None
    author: str | None = None
    published: datetime | None = None   # timezone-aware UTC (date-only values at 00:00 UTC)
    site_name: str | None = None
    language: str | None = None         # ISO 639-1 when known
    canonical_url: str | None = None
    image_url: str | None = None
    description: str | None = None


def extract_article(html: bytes | str, url: str | None = None) -> Extracted:
    raise NotImplementedError
