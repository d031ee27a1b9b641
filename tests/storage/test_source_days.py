"""Migration 10 on a desk that already holds articles: the per-source day counts start from what is stored
(reprints left out), on SQLite and PostgreSQL, and the triggers keep them from there."""

from datetime import datetime, timedelta, timezone

import newsdesk.storage.store as store
from newsdesk.model import NewArticle
from newsdesk.storage import open_storage
from newsdesk.storage.migrations import MIGRATIONS

DAY = datetime(2026, 5, 4, 9, tzinfo=timezone.utc)


def _day_counts(storage) -> dict[tuple[int, str], int]:
    return {(r["source_id"], r["day"]): r["n"] for r in storage.db.query("SELECT * FROM source_day_counts") if r["n"]}


def _old_source(storage) -> int:
    """A source added on a desk of schema 9 (today's `add_source` reads tables that came later)."""
    storage.db.execute("INSERT INTO sources (feed_url, title, added_at) VALUES (?, ?, ?)",
                       ("https://outlet.example/feed", "Outlet", DAY.isoformat()))
    return storage.db.query("SELECT id FROM sources")[0]["id"]


def _article(storage, n, source, when):
    return storage.insert_article(NewArticle(url=f"https://outlet.example/{n}", text=f"text {n}", text_hash=f"h{n}",
                                             source_id=source, first_seen_at=when))


def _old_article(storage, n, source, when):
    """An article stored on a desk of schema 9 (today's `insert_article` writes columns that came later)."""
    return storage.db.insert("INSERT INTO articles (url, source_id, first_seen_at, text, text_hash) VALUES (?, ?, ?, ?, ?)",
                             (f"https://outlet.example/{n}", source, when.isoformat(), f"text {n}", f"h{n}"))


def test_upgrading_a_desk_counts_its_stored_originals(db_url, monkeypatch):
    monkeypatch.setattr(store, "MIGRATIONS", [m for m in MIGRATIONS if m[0] < 10])
    old = open_storage(db_url)
    source = _old_source(old)
    ids = [_old_article(old, n, source, DAY + timedelta(days=n // 3)) for n in range(6)]
    old.mark_copy(ids[1], ids[0], 0.9, "minhash")
    old.close()
    monkeypatch.setattr(store, "MIGRATIONS", MIGRATIONS)
    upgraded = open_storage(db_url)
    try:
        assert _day_counts(upgraded) == {(source, "2026-05-04"): 2, (source, "2026-05-05"): 3}
    finally:
        upgraded.close()


def test_after_the_upgrade_the_triggers_count_on(db_url, monkeypatch):
    monkeypatch.setattr(store, "MIGRATIONS", [m for m in MIGRATIONS if m[0] < 10])
    old = open_storage(db_url)
    source = _old_source(old)
    first = _old_article(old, 0, source, DAY)
    old.close()
    monkeypatch.setattr(store, "MIGRATIONS", MIGRATIONS)
    upgraded = open_storage(db_url)
    try:
        copy = _article(upgraded, 1, source, DAY)
        upgraded.mark_copy(copy, first, 0.9, "minhash")
        _article(upgraded, 2, source, DAY + timedelta(hours=20))
        assert _day_counts(upgraded) == {(source, "2026-05-04"): 1, (source, "2026-05-05"): 1}
    finally:
        upgraded.close()
