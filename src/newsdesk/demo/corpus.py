"""The demo corpus, stored as corpus.json beside this module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Outlet:
    id: str                 # slug, e.g. "harbour-herald"
    name: str               # "The Harbour Herald"
    language: str           # "en", "fr", ...
    country: str
    feed_format: str        # "rss20" | "atom10" | "rss10" | "json11": each outlet's feed uses its own format


@dataclass
class Revision:
    at: datetime            # when the outlet updated the article
    title: str
    paragraphs: list[str]


@dataclass
class DemoArticle:
    id: str                 # slug unique in the corpus
    outlet: str             # Outlet.id
    event: str              # the event it reports (ground truth for grouping)
    title: str
    author: str | None
    published: datetime
    paragraphs: list[str]
    reprint_of: str | None = None     # DemoArticle.id of the wire original this is a reprint of
    revisions: list[Revision] = field(default_factory=list)   # later versions, oldest first


@dataclass
class Corpus:
    outlets: list[Outlet]
    articles: list[DemoArticle]
    events: dict[str, str]            # event id -> one-line description


def load_corpus() -> Corpus:
    raise NotImplementedError
