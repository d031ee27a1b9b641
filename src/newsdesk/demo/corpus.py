"""The demo corpus, stored as corpus.json beside this module."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path


@dataclass
class Outlet:
    id: str                 # slug, e.g. "harbour-herald"
    name: str               # "The Harbour Herald"
    language: str           # "en", "fr", ...
    country: str
    feed_format: str        # "rss20" | "atom10" | "rss10" | "json11": each outlet's feed uses its own format
    kind: str = ""          # "wire", "broadsheet", "tabloid", "regional", "business", "technology"
    tagline: str = ""


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
    section: str = "News"

    def version(self, revision: int = 0) -> Revision:
        """The version a reader sees when the desk serves `revision` (0 = as first published);
        asking beyond the last revision gives the latest one."""
        if revision <= 0 or not self.revisions:
            return Revision(at=self.published, title=self.title, paragraphs=self.paragraphs)
        return self.revisions[min(revision, len(self.revisions)) - 1]


@dataclass
class Corpus:
    outlets: list[Outlet]
    articles: list[DemoArticle]
    events: dict[str, str]            # event id -> one-line description

    def outlet(self, outlet_id: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.id == outlet_id:
                return outlet
        raise KeyError(outlet_id)

    def article(self, article_id: str) -> DemoArticle:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)

    def articles_of(self, outlet_id: str) -> list[DemoArticle]:
        """The outlet's articles, newest first."""
        mine = [a for a in self.articles if a.outlet == outlet_id]
        return sorted(mine, key=lambda a: a.published, reverse=True)

    def articles_about(self, event_id: str) -> list[DemoArticle]:
        """The event's articles, oldest first."""
        return sorted((a for a in self.articles if a.event == event_id), key=lambda a: a.published)

    def latest(self) -> datetime | None:
        """The last moment in the corpus: its newest publication or revision (None when it has no articles)."""
        return max([a.published for a in self.articles] + [r.at for a in self.articles for r in a.revisions],
                   default=None)

    def moved_to(self, now: datetime) -> Corpus:
        """The corpus with every time moved by the same whole number of days, so that its latest moment falls
        within the day before `now`: the newest article reads as hours old, and times of day (and the texts'
        "this morning", "last night") stay as written."""
        latest = self.latest()
        if latest is None:
            return self
        days = timedelta(days=math.floor((now - latest) / timedelta(days=1)))
        articles = [replace(a, published=a.published + days,
                            revisions=[replace(r, at=r.at + days) for r in a.revisions]) for a in self.articles]
        return replace(self, articles=articles)


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"corpus time without a timezone: {value!r}")
    return parsed.astimezone(timezone.utc)


def load_corpus(path: str | Path | None = None, *, now: datetime | None = None) -> Corpus:
    """Read corpus.json (or `path`) into dataclasses; times come back timezone-aware UTC, as written or, given
    `now`, moved to end within the day before it (Corpus.moved_to)."""
    if path is None:
        text = resources.files("newsdesk.demo").joinpath("corpus.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = json.loads(text)
    outlets = [Outlet(**o) for o in data["outlets"]]
    articles = []
    for a in data["articles"]:
        revisions = [Revision(at=_time(r["at"]), title=r["title"], paragraphs=list(r["paragraphs"]))
                     for r in a.get("revisions", [])]
        articles.append(DemoArticle(
            id=a["id"], outlet=a["outlet"], event=a["event"], title=a["title"], author=a.get("author"),
            published=_time(a["published"]), paragraphs=list(a["paragraphs"]),
            reprint_of=a.get("reprint_of"), revisions=revisions, section=a.get("section", "News"),
        ))
    corpus = Corpus(outlets=outlets, articles=articles, events=dict(data["events"]))
    known_outlets = {o.id for o in outlets}
    for article in articles:
        if article.outlet not in known_outlets or article.event not in corpus.events:
            raise ValueError(f"corpus article {article.id} names an unknown outlet or event")
    return corpus if now is None else corpus.moved_to(now)
