"""What the pages and the API show, read from storage in a few batched queries and cached by version."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from newsdesk.coverage import coverage_json
from newsdesk.language import base_language
from newsdesk.model import Article, Coverage, OwnView, Source, Story
from newsdesk.storage import Storage, open_storage
from newsdesk.synthesize import page_version
from newsdesk.timeutil import to_utc
from newsdesk.web.entity_data import story_entities_json
from newsdesk.web.languages import story_languages_json
from newsdesk.web.related import CentroidIndex, nearest
from newsdesk.web.why_data import story_why_json

PAGE_SIZE = 20
SEARCH_TTL = 30.0      # seconds a page of search results is served again before the query runs anew
ENTITIES_TTL = 5.0     # seconds a story's entities are served again before they are read anew
COVERAGE_TTL = 5.0     # seconds a story's coverage by side is served again (labels change without a page write)
STORYLINE_TTL = 10.0   # seconds a story's storyline block is served again (the linker runs after the page is written)


class StorePool:
    """One storage connection per thread: FastAPI runs plain endpoints in a thread pool, and a shared SQLite
    connection would serialise every reader behind one lock."""

    def __init__(self, storage: Storage | str):
        self._given = storage if isinstance(storage, Storage) else None
        self.url = storage if isinstance(storage, str) else _url_of(storage)
        self._local = threading.local()
        self._opened: list[Storage] = []
        self._lock = threading.Lock()
        if self._given is None:
            self._given = open_storage(self.url)      # migrates once, up front
            self._opened.append(self._given)

    def get(self) -> Storage:
        if self.url is None:
            return self._given
        store = getattr(self._local, "storage", None)
        if store is None:
            store = open_storage(self.url, migrate=False)
            self._local.storage = store
            with self._lock:
                self._opened.append(store)
        return store

    @property
    def main(self) -> Storage:
        return self._given

    @property
    def dialect(self) -> str:
        return self._given.db.dialect

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                try:
                    store.close()
                except Exception:
                    pass
            self._opened.clear()


def _url_of(storage: Storage) -> str | None:
    db = storage.db
    if getattr(db, "dialect", "") == "sqlite":
        return None if db.path == ":memory:" else db.path
    return getattr(db, "url", None)


class LRU:
    def __init__(self, size: int = 512, ttl: float | None = None):
        self.size, self.ttl = size, ttl
        self._items: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            if self.ttl is not None and hit[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return hit[1]

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + (self.ttl or 0), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _time(value: str | None) -> datetime | None:
    return to_utc(datetime.fromisoformat(value)) if value else None


def iso(value: datetime | None) -> str | None:
    return to_utc(value).isoformat() if value else None


@dataclass
class StoryCard:
    """One story in a list: what the home page, the feeds and the stories API show."""
    id: int
    slug: str
    headline: str
    summary: list[dict]
    independent_count: int
    reprint_count: int
    article_count: int
    outlets: list[str]
    first_published: datetime | None
    last_updated: datetime | None
    image_article_id: int | None

    def as_json(self) -> dict:
        return {"id": self.id, "slug": self.slug, "headline": self.headline,
                "summary": " ".join(s["text"] for s in self.summary),
                "independent_count": self.independent_count, "reprint_count": self.reprint_count,
                "article_count": self.article_count, "outlets": self.outlets,
                "first_published": iso(self.first_published), "last_updated": iso(self.last_updated),
                "image": f"/images/{self.image_article_id}" if self.image_article_id else None,
                "url": f"/stories/{self.slug}", "api_url": f"/api/v1/stories/{self.id}"}


class Reader:
    """The read side of the web layer, with the caches that keep pages fast."""

    def __init__(self, pool: StorePool):
        self.pool = pool
        self._cards = LRU(4096)        # (story id, page_written_at) → StoryCard
        self._docs = LRU(512)          # (story id, page_written_at, updated_at) → story document
        self._ranks = LRU(256, ttl=5.0)
        self._languages = LRU(1, ttl=60.0)
        self._sources = LRU(2, ttl=5.0)
        self._related = LRU(2048, ttl=30.0)    # (story id, updated_at) → related stories
        self._entities = LRU(2048, ttl=ENTITIES_TTL)    # story id → its entities
        self._coverage = LRU(2048, ttl=COVERAGE_TTL)    # story id → its coverage by side
        self._storylines = LRU(2048, ttl=STORYLINE_TTL)  # story id → its storyline block (or False: in none)
        self._searches = LRU(1024, ttl=SEARCH_TTL)
        self.centroids = CentroidIndex(pool.get)

    @property
    def storage(self) -> Storage:
        return self.pool.get()

    # -- lists of stories ---------------------------------------------------------------------------------

    def forget_rankings(self) -> None:
        """Rank again on the next request (a story was hidden, pinned, merged or split)."""
        self._ranks = LRU(256, ttl=5.0)

    def top(self, page: int = 1, *, source_id: int | None = None, language: str | None = None,
            per_page: int = PAGE_SIZE, view: OwnView | None = None) -> tuple[list[StoryCard], int]:
        """A page of the ranking; `view` (a user's own) leaves out the stories out of it."""
        view = view if view is not None and view.hides_anything else None     # one cache for who hides nothing
        key = (page, source_id, language, per_page, view)
        ranked = self._ranks.get(key)          # the ranking and its cards, up to five seconds old
        if ranked is None:
            ids, total = self.storage.rank_stories(limit=per_page, offset=(page - 1) * per_page,
                                                   source_id=source_id, language=language,
                                                   view=view)
            ranked = (self.cards(self.storage.stories_by_ids(ids)), total)
            self._ranks.put(key, ranked)
        return ranked

    def cards(self, stories: list[Story]) -> list[StoryCard]:
        found: dict[int, StoryCard] = {}
        missing: list[Story] = []
        for story in stories:
            card = self._cards.get((story.id, story.page_written_at))
            if card is None:
                missing.append(story)
            else:
                found[story.id] = card
        if missing:
            pages = {s.id: json.loads(s.page_json) for s in missing if s.page_json}
            leads = [p.get("headline_article_id") for p in pages.values() if p.get("headline_article_id")]
            articles = self.storage.articles_by_ids(leads, with_text=False)
            for story in missing:
                if story.id not in pages:
                    continue
                page = pages[story.id]
                lead = articles.get(page.get("headline_article_id"))
                card = StoryCard(id=story.id, slug=story.slug, headline=story.headline or page.get("headline", ""),
                                 summary=page.get("summary", []), independent_count=story.independent_count,
                                 reprint_count=story.reprint_count, article_count=story.article_count,
                                 outlets=page.get("independent", []), first_published=story.first_published,
                                 last_updated=story.last_updated,
                                 image_article_id=lead.id if lead and lead.image_url else None)
                self._cards.put((story.id, story.page_written_at), card)
                found[story.id] = card
        return [found[s.id] for s in stories if s.id in found]

    def languages(self) -> list[str]:
        found = self._languages.get("all")
        if found is None:
            found = self.storage.story_languages()
            self._languages.put("all", found)
        return found

    # -- one story ----------------------------------------------------------------------------------------

    def story(self, key: str) -> Story | None:
        story = self.storage.get_story(key)
        return story if story is not None and story.page_json else None

    def story_document(self, story: Story) -> dict:
        """Everything on a story page but why each article joined (`story_why`), as data (the API's story,
        without "version", and the template's input), with every source and the whole timeline; "version" is
        the version of the page's JSON, which says how its timeline is read."""
        return self._story_document(story)[0]

    def story_why(self, story: Story, article_ids: Sequence[int]) -> list[dict]:
        """Why each of these articles of the story joined it (in the order given)."""
        articles = self._story_document(story)[1]
        by_id = {a.id: a for a in articles}
        return story_why_json(self.storage, story.id, [by_id[i] for i in article_ids if i in by_id],
                              outlets={a.id: a.outlet for a in articles})

    def _story_document(self, story: Story) -> tuple[dict, list]:
        cache_key = (story.id, story.page_written_at, story.updated_at)
        found = self._docs.get(cache_key)
        if found is None:
            storage = self.storage
            page = json.loads(story.page_json)
            articles = storage.story_article_briefs(story.id)
            copies = storage.copy_outlets([a.id for a in articles])
            sources = [{"article_id": a.id, "outlet": a.outlet or "unknown outlet", "title": a.title, "url": a.url,
                        "author": a.author, "published": iso(a.time), "reprint_of": a.original_id,
                        "also_published_by": copies.get(a.id, []), "lang": base_language(a.language)}
                       for a in articles]
            doc = {"id": story.id, "slug": story.slug, **page, "sources": sources, **story_languages_json(articles),
                   "article_count": story.article_count, "independent_count": story.independent_count,
                   "reprint_count": story.reprint_count, "page_written_at": iso(story.page_written_at),
                   "version": page_version(page)}
            found = (doc, articles)
            self._docs.put(cache_key, found)
        storyline = self.storyline(story.id)
        shown = {e["id"] for e in storyline["events"]} if storyline else set()
        return ({**found[0], "related": [r for r in self.related(story) if r["id"] not in shown],
                 "entities": self.entities(story.id), **coverage_json(self.coverage(story.id)),
                 "storyline": storyline}, found[1])

    def storyline(self, story_id: int) -> dict | None:
        """The storyline block of a story page (None: in none), up to STORYLINE_TTL seconds old."""
        found = self._storylines.get(story_id)
        if found is None:
            from newsdesk.web.storyline_data import storyline_brief

            found = storyline_brief(self.storage, story_id) or False
            self._storylines.put(story_id, found)
        return found or None

    def coverage(self, story_id: int) -> Coverage:
        """The story's coverage by the labels of its sources, up to COVERAGE_TTL seconds old."""
        found = self._coverage.get(story_id)
        if found is None:
            from newsdesk.pipeline import stories_coverage

            found = stories_coverage(self.storage, [story_id])[story_id]
            self._coverage.put(story_id, found)
        return found

    def entities(self, story_id: int) -> list[dict]:
        """The story's entities, up to ENTITIES_TTL seconds old: they are stored beside its page (at most one
        batch of the NER after it), so they are not cached with the page."""
        found = self._entities.get(story_id)
        if found is None:
            found = story_entities_json(self.storage, story_id)
            self._entities.put(story_id, found)
        return found

    def related(self, story: Story) -> list[dict]:
        """The related stories (pipeline.related_stories), scored against the centroid index in memory when it
        covers the story's time; only the best few candidates are read from storage."""
        from newsdesk.pipeline import rank_by_centroid, related_stories

        if story.centroid is None or story.last_updated is None:
            return []
        key = (story.id, story.updated_at)
        found = self._related.get(key)
        if found is not None:
            return found
        span = timedelta(days=7)
        mine = np.frombuffer(story.centroid, dtype=np.float32)
        when, width = story.last_updated.timestamp(), span.total_seconds()
        snapshot = self.centroids.snapshot()

        def ranked(want: int) -> list[tuple[int, float]]:
            if snapshot is not None and snapshot.covers(when - width):
                return nearest(snapshot, mine, when - width, when + width, want)
            # not read yet, or older than the stories it holds
            return rank_by_centroid(self.storage.story_centroids(around=story.last_updated, span=span), mine, want)

        chosen = related_stories(self.storage, story, span=span, ranked=ranked)
        cards = {c.id: c for c in self.cards([r.story for r in chosen])}
        found = [{"id": r.story.id, "slug": r.story.slug, "headline": r.story.headline,
                  "outlet": cards[r.story.id].outlets[0] if r.story.id in cards and cards[r.story.id].outlets
                  else None, "last_updated": iso(r.story.last_updated), "similarity": r.similarity} for r in chosen]
        self._related.put(key, found)
        return found

    # -- search -------------------------------------------------------------------------------------------

    def by_meaning(self, query: str) -> list:
        """Stories near what the query means, in any language the multilingual model reads
        (pipeline.stories_by_meaning), up to SEARCH_TTL seconds old."""
        from newsdesk.pipeline import stories_by_meaning

        key = ("meaning", " ".join(query.split()))
        found = self._searches.get(key)
        if found is None:
            found = stories_by_meaning(self.storage, query)
            self._searches.put(key, found)
        return found

    def search(self, query: str, *, since: datetime | None = None, until: datetime | None = None,
               source_id: int | None = None, page: int = 1, per_page: int = 20, entity_id: int | None = None,
               view: OwnView | None = None):
        """One page of grouped search results, up to SEARCH_TTL seconds old: readers page through results, open
        one and come back, and popular queries repeat. Errors (ValueError, SearchUnavailable) are not cached."""
        from newsdesk.web.search import run_search

        view = view if view is not None and view.hides_anything else None
        key = (query.strip(), since, until, source_id, page, per_page, entity_id, view)
        found = self._searches.get(key)
        if found is None:
            found = run_search(self.storage, query, since=since, until=until, source_id=source_id, page=page,
                               per_page=per_page, entity_id=entity_id, view=view)
            self._searches.put(key, found)
        return found

    # -- articles and sources -----------------------------------------------------------------------------

    def article(self, article_id: int) -> Article | None:
        return self.storage.get_article(article_id)

    def sources(self, *, fresh: bool = False, counts: bool = False) -> list[Source]:
        """The subscriptions; up to five seconds old unless `fresh` (the list pages' filters use the cache).
        Article counts (a count over every stored article) only when `counts`."""
        found = None if fresh else self._sources.get(counts)
        if found is None:
            found = self.storage.list_sources(with_counts=counts)
            self._sources.put(counts, found)
        return found


def article_json(article: Article, *, story_id: int | None = None, with_text: bool = True) -> dict:
    data = {"id": article.id, "url": article.url, "title": article.title, "outlet": article.outlet,
            "source_id": article.source_id, "author": article.author, "published": iso(article.published_at),
            "updated": iso(article.updated_at), "first_seen": iso(article.first_seen_at),
            "language": article.language, "lang": base_language(article.language), "image": f"/images/{article.id}" if article.image_url else None,
            "reprint_of": article.original_id, "story_id": story_id, "revision_count": article.revision_count,
            "full_text": article.full_text}
    if with_text:
        data["text"] = article.text
    return data


def source_json(source: Source) -> dict:
    return {"id": source.id, "title": source.name, "feed_url": source.feed_url, "site_url": source.site_url,
            "folder": source.folder, "format": source.format, "language": source.language,
            "enabled": source.enabled, "disabled_reason": source.disabled_reason,
            "last_fetch_at": iso(source.last_fetch_at), "last_status": source.last_status,
            "last_error": source.last_error, "last_error_at": iso(source.last_error_at),
            "error_count": source.error_count, "next_fetch_at": iso(source.next_fetch_at),
            "article_count": source.article_count, "labels": source.labels}
