"""Stories: membership, pages and the ranking table."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from newsdesk.model import Article, ArticleOutline, OwnView, Story, StoryCentroid
from newsdesk.storage.articles import ARTICLE_BRIEF_COLUMNS, ARTICLE_FROM, article_from_row, select_articles
from newsdesk.storage.database import Database
from newsdesk.storage.grouper_state import GROUPER_TABLES
from newsdesk.storage.own_view import story_out_of_view
from newsdesk.storage.rows import row_id
from newsdesk.storage.search import index_story, unindex_story
from newsdesk.timeutil import from_iso, to_iso, utcnow

_STORY_TIMES = ("created_at", "updated_at", "first_published", "last_updated", "page_written_at")


def _rank_key(independent: int, last_updated: datetime | None) -> float:
    """Orders stories as independent * 0.5 ** (age in hours / 12) does, whatever the time now."""
    hours = last_updated.timestamp() / 3600 if last_updated else 0.0
    return (math.log2(independent) if independent > 0 else -1e9) + hours / 12


class StoryStore:
    db: Database

    def create_story(self, slug_base: str) -> int:
        """A new story; its slug (`slug_base-ID`) never changes, whatever its headline becomes."""
        now = to_iso(utcnow())
        with self.db.transaction():
            story_id = self.db.insert(
                "INSERT INTO stories (slug, created_at, updated_at) VALUES (?, ?, ?)", (f"pending-{uuid.uuid4().hex}", now, now))
            self.db.execute("UPDATE stories SET slug = ? WHERE id = ?", (f"{slug_base}-{story_id}", story_id))
        return story_id

    def assign_story(self, article_id: int, story_id: int, score: float | None) -> None:
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.execute("DELETE FROM story_articles WHERE article_id = ?", (article_id,))
            self.db.execute("INSERT INTO story_articles (article_id, story_id, score, added_at) VALUES (?, ?, ?, ?)",
                            (article_id, story_id, score, now))
            self.db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (now, story_id))

    def merge_stories(self, old_id: int, into_id: int) -> None:
        """`old_id` joins `into_id`; the old id and slug keep resolving to the merged story."""
        now = to_iso(utcnow())
        with self.db.transaction():
            unindex_story(self.db, old_id)
            self.db.execute("DELETE FROM story_rank WHERE story_id = ?", (old_id,))
            self.db.execute("UPDATE story_articles SET story_id = ? WHERE story_id = ?", (into_id, old_id))
            self.db.execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into_id, old_id))
            self.db.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (into_id, now, old_id))
            self.db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (now, into_id))
            self.carry_storyline_event(old_id, into_id)

    def stories_merged_into(self, story_id: int) -> list[int]:
        """The stories that redirect to this one."""
        return [r["id"] for r in self.db.query("SELECT id FROM stories WHERE merged_into = ? ORDER BY id", (story_id,))]

    def redirect_stories(self, story_ids: Sequence[int], into_id: int | None) -> None:
        """Point these stories at `into_id` (None: they stand on their own again, as before a merge)."""
        with self.db.transaction():
            for story_id in story_ids:
                self.db.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?",
                                (into_id, to_iso(utcnow()), story_id))

    def _stories(self, where: str, params: Sequence[Any], tail: str = "") -> list[Story]:
        rows = self.db.query(f"SELECT * FROM stories {where} {tail}", params)
        for row in rows:
            for key in _STORY_TIMES:
                row[key] = from_iso(row[key])
        return [Story(**r) for r in rows]

    def get_story(self, key: int | str) -> Story | None:
        """By id or slug, following merges to the story that holds the articles now."""
        story_id = row_id(key)
        if story_id is not None:
            found = self._stories("WHERE id = ?", (story_id,))
        elif isinstance(key, str):
            found = self._stories("WHERE slug = ?", (key,))
        else:
            found = []
        seen = set()
        while found and found[0].merged_into and found[0].id not in seen:
            seen.add(found[0].id)
            found = self._stories("WHERE id = ?", (found[0].merged_into,))
        return found[0] if found else None

    def story_of(self, article_id: int) -> int | None:
        rows = self.db.query("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))
        return rows[0]["story_id"] if rows else None

    def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        """article id → story id, for those articles that are in a story."""
        if not article_ids:
            return {}
        ids = list(dict.fromkeys(article_ids))
        marks = ", ".join("?" for _ in ids)
        rows = self.db.query(f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", ids)
        return {r["article_id"]: r["story_id"] for r in rows}

    def articles_without_story(self) -> list[int]:
        """Ids of the articles in no story, oldest first (stored before a crash, or while stories were off)."""
        rows = self.db.query("SELECT a.id FROM articles a WHERE NOT EXISTS "
                             "(SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id) ORDER BY a.id")
        return [r["id"] for r in rows]

    def story_articles(self, story_id: int) -> list[Article]:
        return select_articles(self.db, "JOIN story_articles sa ON sa.article_id = a.id WHERE sa.story_id = ?",
                               (story_id,), "ORDER BY COALESCE(a.published_at, a.first_seen_at), a.id")

    def story_article_briefs(self, story_id: int) -> list[Article]:
        """A story's articles without their text, oldest first."""
        rows = self.db.query(
            f"SELECT {ARTICLE_BRIEF_COLUMNS} FROM {ARTICLE_FROM} "
            "JOIN story_articles sa ON sa.article_id = a.id WHERE sa.story_id = ? "
            "ORDER BY COALESCE(a.published_at, a.first_seen_at), a.id", (story_id,))
        return [article_from_row(r) for r in rows]

    def story_article_outlines(self, story_ids: Sequence[int]) -> dict[int, list[ArticleOutline]]:
        """Per story, its articles without their text (id, outlet, original when a reprint, first seen, last
        changed): what the home page's marks of changes since a read count."""
        found: dict[int, list[ArticleOutline]] = {}
        ids = list(dict.fromkeys(story_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.query(
                "SELECT sa.story_id, a.id, a.outlet, c.original_id, a.first_seen_at, CASE WHEN a.revision_count > 1 "
                "THEN (SELECT MAX(r.fetched_at) FROM revisions r WHERE r.article_id = a.id) END AS revised_at "
                "FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                f"LEFT JOIN copies c ON c.copy_id = a.id WHERE sa.story_id IN ({marks}) "
                "ORDER BY sa.story_id, a.first_seen_at, a.id", chunk)
            for r in rows:
                found.setdefault(r["story_id"], []).append(ArticleOutline(
                    r["id"], r["outlet"], r["original_id"], from_iso(r["first_seen_at"]), from_iso(r["revised_at"])))
        return found

    def stories_touched_since(self, since: datetime) -> list[int]:
        rows = self.db.query("SELECT id FROM stories WHERE merged_into IS NULL AND updated_at >= ? "
                             "AND (page_written_at IS NULL OR page_written_at < updated_at)", (to_iso(since),))
        return [r["id"] for r in rows]

    def save_story_page(self, story_id: int, *, headline: str, page_json: str, first_published: datetime | None,
                        last_updated: datetime | None, article_count: int, independent_count: int,
                        reprint_count: int, centroid: bytes | None = None) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE stories SET headline = ?, page_json = ?, page_written_at = ?, first_published = ?, "
                "last_updated = ?, article_count = ?, independent_count = ?, reprint_count = ?, "
                "centroid = COALESCE(?, centroid) WHERE id = ?",
                (headline, page_json, to_iso(utcnow()), to_iso(first_published), to_iso(last_updated),
                 article_count, independent_count, reprint_count, centroid, story_id))
            index_story(self.db, story_id, headline, page_json)
            self.db.execute(
                "INSERT INTO story_rank (story_id, rank_key, last_updated, centroid) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (story_id) DO UPDATE SET rank_key = excluded.rank_key, "
                "last_updated = excluded.last_updated, centroid = COALESCE(excluded.centroid, story_rank.centroid)",
                (story_id, _rank_key(independent_count, last_updated), to_iso(last_updated), centroid))

    def rebuild_story_rank(self) -> int:
        """Fill story_rank again from the stories table; returns the stories ranked."""
        with self.db.transaction():
            self.db.execute("DELETE FROM story_rank")
            rows = self.db.query("SELECT id, independent_count, last_updated, centroid FROM stories "
                                 "WHERE merged_into IS NULL AND page_json IS NOT NULL")
            self.db.executemany(
                "INSERT INTO story_rank (story_id, rank_key, last_updated, centroid) VALUES (?, ?, ?, ?)",
                [(r["id"], _rank_key(r["independent_count"], from_iso(r["last_updated"])), r["last_updated"],
                  r["centroid"]) for r in rows])
        return len(rows)

    def story_centroids(self, *, around: datetime | None = None, span: timedelta = timedelta(),
                        written_after: datetime | None = None, limit: int = 1000) -> list[StoryCentroid]:
        """The centroids of live stories, most recently updated first, read from the narrow story_rank table:
        with `around` only those last updated within `span` of it (candidates for related stories), with
        `written_after` only those whose page was written after it (what changed since an earlier read)."""
        joins, clauses, params = "", ["r.centroid IS NOT NULL"], []
        if around is not None:
            clauses.append("r.last_updated BETWEEN ? AND ?")
            params += [to_iso(around - span), to_iso(around + span)]
        if written_after is not None:
            joins = "JOIN stories s ON s.id = r.story_id"
            clauses.append("s.page_written_at > ?")
            params.append(to_iso(written_after))
        rows = self.db.query(f"SELECT r.story_id, r.last_updated, r.centroid FROM story_rank r {joins} "
                             f"WHERE {' AND '.join(clauses)} ORDER BY r.last_updated DESC LIMIT ?",
                             (*params, int(limit)))
        return [StoryCentroid(r["story_id"], from_iso(r["last_updated"]), r["centroid"]) for r in rows]

    def rank_stories(self, *, limit: int = 20, offset: int = 0, since: datetime | None = None,
                     source_id: int | None = None, language: str | None = None,
                     view: OwnView | None = None) -> tuple[list[int], int]:
        """Story ids in `top_stories` order, and how many stories there are to rank.
        Reads only the ranking columns; `source_id`/`language` keep stories with an article from that source
        or in that language; `view` leaves out the stories out of a user's own view."""
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("r.last_updated >= ?")
            params.append(to_iso(since))
        if source_id is not None:
            clauses.append("r.story_id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a "
                           "ON a.id = sa.article_id WHERE a.source_id = ?)")
            params.append(source_id)
        if language:
            clauses.append("r.story_id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a "
                           "ON a.id = sa.article_id WHERE a.language = ?)")
            params.append(language)
        hidden = story_out_of_view(self.db.dialect, view, "r.story_id")     # the user's and the editors'
        clauses.append(f"NOT {hidden[0]}")
        params += hidden[1]
        # A person's corrections: pinned stories come first.
        overrides = "LEFT JOIN story_overrides o ON o.story_id = r.story_id"
        where = f"WHERE {' AND '.join(clauses)}"
        rows = self.db.query(f"SELECT r.story_id FROM story_rank r {overrides} {where} "
                             "ORDER BY COALESCE(o.pinned, 0) DESC, r.rank_key DESC, r.last_updated DESC, "
                             "r.story_id DESC LIMIT ? OFFSET ?", (*params, limit, offset))
        total = self.db.query(f"SELECT COUNT(*) AS n FROM story_rank r {overrides} {where}", params)[0]["n"]
        return [r["story_id"] for r in rows], int(total)

    def top_stories(self, *, limit: int = 20, offset: int = 0, since: datetime | None = None) -> list[Story]:
        """Ranked by independent sources and recency: a story loses half its weight every 12 hours."""
        ids, _ = self.rank_stories(limit=limit, offset=offset, since=since)
        return self.stories_by_ids(ids)

    def stories_by_ids(self, ids: Sequence[int]) -> list[Story]:
        """The stories with these ids, in the order given (missing ids skipped)."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        found = {s.id: s for s in self._stories(f"WHERE id IN ({marks})", list(ids))}
        return [found[i] for i in ids if i in found]

    def last_page_written(self) -> datetime | None:
        """When a story page was last written (an index probe): a version for caches of story data."""
        return from_iso(self.db.query("SELECT MAX(page_written_at) AS w FROM stories")[0]["w"])

    def clear_stories(self, since: datetime | None = None) -> list[tuple[int, int | None]]:
        """Forget the story membership of articles published since `since` (all when None), for a regroup.
        Returns (article id, story it was in) in time order."""
        where, params = "", ()
        if since is not None:
            where, params = "WHERE COALESCE(a.published_at, a.first_seen_at) >= ?", (to_iso(since),)
        rows = self.db.query(
            f"SELECT a.id, sa.story_id FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id {where} "
            "ORDER BY COALESCE(a.published_at, a.first_seen_at), a.id", params)
        pairs = [(r["id"], r["story_id"]) for r in rows]
        with self.db.transaction():
            if since is None:
                self.db.execute("DELETE FROM story_articles")
                for table in GROUPER_TABLES:
                    self.db.execute(f"DELETE FROM {table}")
            else:
                ids = [a for a, _ in pairs]
                for chunk in range(0, len(ids), 500):
                    part = ids[chunk:chunk + 500]
                    self.db.execute(f"DELETE FROM story_articles WHERE article_id IN ({', '.join('?' for _ in part)})",
                                    part)
        return pairs

    def story_assignments_since(self, since: datetime | None) -> list[tuple[int, int]]:
        """(article id, story id) of the articles put into a story after `since` (all when None), in the order
        they were put there: what the story grouper replays after its last checkpoint."""
        where, params = ("WHERE added_at > ?", (to_iso(since),)) if since is not None else ("", ())
        rows = self.db.query(f"SELECT article_id, story_id FROM story_articles {where} ORDER BY added_at, article_id",
                             params)
        return [(r["article_id"], r["story_id"]) for r in rows]

    def story_assignments_published_since(self, since: datetime | None) -> list[tuple[int, int]]:
        """(article id, story id) of the articles in a story published since `since` (all when None), oldest
        first: what a grouper that starts again from the stored stories needs of them."""
        where, params = "", ()
        if since is not None:
            where, params = "WHERE COALESCE(a.published_at, a.first_seen_at) >= ?", (to_iso(since),)
        rows = self.db.query("SELECT sa.article_id, sa.story_id FROM story_articles sa JOIN articles a "
                             f"ON a.id = sa.article_id {where} ORDER BY COALESCE(a.published_at, a.first_seen_at), "
                             "a.id", params)
        return [(r["article_id"], r["story_id"]) for r in rows]
