"""What a backfilled desk holds, read over a connection of its own (the run may still be going)."""

from __future__ import annotations

from contextlib import closing

from newsdesk.storage import open_storage


def records_done(db: str) -> int:
    try:
        with closing(open_storage(db, migrate=False, create=False)) as storage:
            return sum(storage.backfill_progress().values())
    except Exception:      # not made yet, or mid-migration
        return 0


def stories(db: str) -> set[frozenset[str]]:
    with closing(open_storage(db, migrate=False, create=False)) as storage:
        by_story: dict[int, set[str]] = {}
        for article in storage.list_articles(limit=100_000):
            story = storage.story_of(article.id)
            by_story.setdefault(story, set()).add(article.url)
        return {frozenset(urls) for urls in by_story.values()}


def article_count(db: str) -> int:
    with closing(open_storage(db, migrate=False, create=False)) as storage:
        return len(storage.list_articles(limit=100_000))
