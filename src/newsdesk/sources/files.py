"""Local documents for bulk loads and backfills: an HTML file, a directory of them, or JSONL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass
class LocalDocument:
    origin: str                    # "path" or "path:line" — where it came from, for messages
    url: str | None = None
    title: str | None = None
    html: str | None = None
    text: str | None = None
    published: datetime | None = None
    source: str | None = None      # outlet name


@dataclass
class LocalDocumentError:
    origin: str
    message: str


def iter_documents(path: Path) -> Iterator[LocalDocument | LocalDocumentError]:
    raise NotImplementedError
