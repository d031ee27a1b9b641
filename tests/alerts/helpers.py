"""A small desk for the alerts tests: users, sources, and stories built straight in storage with the page JSON
the story writer stores (headline, summary, timeline, independent outlets), so each test says exactly which
articles arrived or changed."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from newsdesk.model import NewArticle, Role
from newsdesk.storage import Storage

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def user(storage: Storage, name: str, role: Role = Role.READER):
    return storage.add_user(name, "argon2-not-used", role, fever_key=None, session_generation="g",
                            read_before=T0 - timedelta(days=3))


class Desk:
    """Articles and stories in storage; `story()` and `report()` return the ids the matcher is handed."""

    def __init__(self, storage: Storage):
        self.storage = storage
        self.sources = {s.name: s.id for s in storage.list_sources()}
        self.n = storage.count_articles()

    def source(self, name: str, folder: str | None = None) -> int:
        if name not in self.sources:
            src = self.storage.add_source(f"http://127.0.0.1:9/{name.replace(' ', '-')}.xml", title=name, folder=folder)
            self.sources[name] = src.id
        return self.sources[name]

    def article(self, outlet: str, title: str, text: str, *, folder: str | None = None,
                published: datetime | None = None) -> int:
        self.n += 1
        return self.storage.insert_article(NewArticle(
            url=f"http://127.0.0.1:9/a/{self.n}", text=text, text_hash=hashlib.sha1(text.encode()).hexdigest(),
            source_id=self.source(outlet, folder), outlet=outlet, title=title,
            published_at=published or T0 + timedelta(minutes=self.n)))

    def story(self, headline: str, reports: list[tuple[str, str, str]], *, folder: str | None = None) -> tuple[int, list[int]]:
        """A new story of these (outlet, title, text) reports; returns (story id, article ids)."""
        ids = [self.article(o, t, x, folder=folder) for o, t, x in reports]
        story_id = self.storage.create_story(headline.lower().replace(" ", "-")[:40])
        for a in ids:
            self.storage.assign_story(a, story_id, 1.0)
        self.write(story_id)
        return story_id, ids

    def report(self, story_id: int, outlet: str, title: str, text: str) -> int:
        """A new report joins the story (its page written again)."""
        article_id = self.article(outlet, title, text)
        self.storage.assign_story(article_id, story_id, 1.0)
        self.write(story_id)
        return article_id

    def update(self, story_id: int, article_id: int, title: str, when: datetime | None = None) -> None:
        """A report's notable update: the page's timeline carries it."""
        self.write(story_id, updates={article_id: (title, when or T0 + timedelta(hours=5))})

    def write(self, story_id: int, updates: dict | None = None) -> None:
        articles = self.storage.story_articles(story_id)
        outlets = list(dict.fromkeys(a.outlet for a in articles if a.original_id is None))
        timeline = [[a.time.isoformat(), a.id, a.outlet, a.title, "published"] for a in articles]
        for article_id, (title, when) in (updates or getattr(self, "_updates", {}).get(story_id, {})).items():
            timeline.append([when.isoformat(), article_id, next(a.outlet for a in articles if a.id == article_id),
                             title, "updated"])
        if updates:
            self.__dict__.setdefault("_updates", {}).setdefault(story_id, {}).update(updates)
        page = {"version": 2, "headline": articles[0].title, "summary": [{"text": articles[0].text.split(". ")[0].rstrip(".") + ".",
                "article_id": articles[0].id, "outlet": articles[0].outlet, "also": []}],
                "timeline": timeline, "independent": outlets, "reprints": []}
        self.storage.save_story_page(story_id, headline=articles[0].title, page_json=json.dumps(page),
                                     first_published=articles[0].time, last_updated=articles[-1].time,
                                     article_count=len(articles), independent_count=len(outlets), reprint_count=0)
