"""Parse RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 and JSON Feed 1.x into one shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class FeedError(Exception):
    """The body is not a usable feed. The message says why, for the user."""


@dataclass
class FeedEntry:
    id: str                        # guid / atom id / json id; falls back to the link
    url: str | None                # the article link, absolute
    title: str | None = None
    author: str | None = None
    published: datetime | None = None   # timezone-aware UTC
    updated: datetime | None = None     # timezone-aware UTC
    summary: str | None = None          # teaser (may be HTML)
    content_html: str | None = None     # full content when the feed carries it
    image_url: str | None = None
    categories: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    format: str                    # "rss20", "rss10", "rss09x", "atom10", "json11", ...
    title: str | None
    site_url: str | None
    language: str | None
    entries: list[FeedEntry]
    warnings: list[str] = field(default_factory=list)   # recoverable problems (e.g. malformed XML but entries found)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    raise NotImplementedError
