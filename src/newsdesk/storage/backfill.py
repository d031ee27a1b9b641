"""A backfill's record: how far each input was read, the bad records it met, and the bulk writes of its
grouping."""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.model import Article
from newsdesk.storage.articles import select_articles
from newsdesk.storage.database import Database
from newsdesk.timeutil import to_iso, utcnow


class BackfillStore:
    db: Database

    def backfill_progress(self) -> dict[str, int]:
        """Input key → records of it already done (stored, skipped or counted bad)."""
        return {r["input_key"]: r["done"] for r in self.db.query("SELECT input_key, done FROM backfill_inputs")}

    def record_backfill_progress(self, done: dict[str, int], errors: Iterable[tuple[str, str]] = ()) -> None:
        """Move the inputs' counts on and keep the bad records (origin, message) met since; callers do this in
        the transaction that stored the records, so progress and articles move together."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO backfill_inputs (input_key, done, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (input_key) DO UPDATE SET done = excluded.done, updated_at = excluded.updated_at",
                [(key, count, now) for key, count in done.items()])
            self.db.executemany("INSERT INTO backfill_errors (origin, message, at) VALUES (?, ?, ?)",
                                [(origin, message[:1000], now) for origin, message in errors])

    def backfill_errors(self, limit: int | None = None) -> list[tuple[str, str]]:
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        return [(r["origin"], r["message"])
                for r in self.db.query(f"SELECT origin, message FROM backfill_errors ORDER BY id{tail}")]

    def backfill_error_count(self) -> int:
        return self.db.query("SELECT COUNT(*) AS n FROM backfill_errors")[0]["n"]

    def ungrouped_articles(self) -> list[Article]:
        """The articles in no story (with their copy link), oldest id first."""
        return select_articles(self.db, "WHERE NOT EXISTS (SELECT 1 FROM story_articles sa "
                                        "WHERE sa.article_id = a.id)", (), "ORDER BY a.id")

    def assign_stories(self, rows: list[tuple[int, int, float | None]]) -> None:
        """Put many articles (article id, story id, score) into stories at once; the articles were in none."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.executemany("INSERT INTO story_articles (article_id, story_id, score, added_at) "
                                "VALUES (?, ?, ?, ?)", [(a, s, score, now) for a, s, score in rows])
