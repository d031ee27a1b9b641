"""Every SQL statement newsdesk runs lives here."""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from newsdesk.storage.database import Database, StorageError
from newsdesk.storage.migrations import MIGRATIONS, statements
from newsdesk.storage.records import (
    Article, Candidate, FetchLogEntry, NewArticle, Revision, Source, Story,
)
from newsdesk.timeutil import from_iso, to_iso, utcnow

_SOURCE_TIMES = ("added_at", "last_fetch_at", "last_error_at", "next_fetch_at")
_ARTICLE_TIMES = ("published_at", "updated_at", "first_seen_at")
_STORY_TIMES = ("created_at", "updated_at", "first_published", "last_updated", "page_written_at")


class SourceExists(StorageError):
    pass


def _source(row: dict[str, Any]) -> Source:
    row = dict(row)
    for key in _SOURCE_TIMES:
        row[key] = from_iso(row[key])
    row["enabled"] = bool(row["enabled"])
    return Source(**row)


def _article(row: dict[str, Any]) -> Article:
    row = dict(row)
    for key in _ARTICLE_TIMES:
        row[key] = from_iso(row[key])
    row["full_text"] = bool(row["full_text"])
    return Article(**row)


_ARTICLE_COLUMNS = """a.id, a.url, a.source_id, a.outlet, a.entry_id, a.title, a.author, a.published_at,
    a.updated_at, a.first_seen_at, a.language, a.image_url, a.summary, a.text, a.text_hash, a.shingle_count,
    a.minhash, a.full_text, a.extraction_error, a.revision_count,
    c.original_id AS original_id, c.method AS copy_method, c.similarity AS copy_similarity"""


class Storage:
    def __init__(self, db: Database):
        self.db = db

    # -- schema -------------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                        "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
        rows = self.db.query("SELECT MAX(version) AS v FROM schema_migrations")
        return int(rows[0]["v"] or 0)

    def migrate(self) -> list[int]:
        """Bring the schema up to date; each migration runs in its own transaction."""
        applied = []
        current = self.schema_version()
        for version, description, sql in MIGRATIONS:
            if version <= current:
                continue
            with self.db.transaction():
                for statement in statements(sql, self.db.dialect):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                                (version, description, to_iso(utcnow())))
            applied.append(version)
        return applied

    def close(self) -> None:
        self.db.close()

    def transaction(self):
        return self.db.transaction()

    # -- sources ------------------------------------------------------------------------------------------

    def add_source(self, feed_url: str, *, title: str | None = None, site_url: str | None = None,
                   folder: str | None = None, format: str | None = None, language: str | None = None) -> Source:
        if self.db.query("SELECT id FROM sources WHERE feed_url = ?", (feed_url,)):
            raise SourceExists(f"already subscribed to {feed_url}")
        source_id = self.db.insert(
            "INSERT INTO sources (feed_url, title, site_url, folder, format, language, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (feed_url, title, site_url, folder, format, language, to_iso(utcnow())))
        return self.get_source(source_id)

    def _sources(self, where: str = "", params: Sequence[Any] = ()) -> list[Source]:
        rows = self.db.query(
            "SELECT s.*, (SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id) AS article_count "
            f"FROM sources s {where} ORDER BY s.folder, s.title, s.id", params)
        return [_source(r) for r in rows]

    def get_source(self, key: int | str) -> Source | None:
        """By id, by feed URL, or by exact title."""
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            found = self._sources("WHERE s.id = ?", (int(key),))
        else:
            found = self._sources("WHERE s.feed_url = ? OR s.title = ?", (key, key))
        return found[0] if found else None

    def list_sources(self) -> list[Source]:
        return self._sources()

    def due_sources(self, now: datetime) -> list[Source]:
        return self._sources("WHERE s.enabled = 1 AND (s.next_fetch_at IS NULL OR s.next_fetch_at <= ?)",
                             (to_iso(now),))

    def update_source(self, source_id: int, **fields: Any) -> None:
        allowed = {"title", "site_url", "folder", "format", "language", "enabled", "disabled_reason", "etag",
                   "last_modified", "last_fetch_at", "last_status", "last_error", "last_error_at",
                   "error_count", "next_fetch_at"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown source fields: {sorted(unknown)}")
        values = [to_iso(v) if isinstance(v, datetime) else v for v in fields.values()]
        values = [int(v) if isinstance(v, bool) else v for v in values]
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(f"UPDATE sources SET {assignments} WHERE id = ?", (*values, source_id))

    def remove_source(self, source_id: int, *, purge: bool = False) -> int:
        """Unsubscribe. Articles stay (attributed by outlet name) unless `purge`; returns articles deleted."""
        with self.db.transaction():
            deleted = 0
            if purge:
                deleted = self.db.execute("DELETE FROM articles WHERE source_id = ?", (source_id,))
            self.db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return deleted

    # -- fetch log ----------------------------------------------------------------------------------------

    def log_fetch(self, *, source_id: int | None, url: str, kind: str, outcome: str,
                  http_status: int | None = None, error: str | None = None, article_id: int | None = None,
                  duration_ms: float | None = None) -> None:
        self.db.execute(
            "INSERT INTO fetch_log (source_id, url, kind, at, outcome, http_status, error, article_id, duration_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (source_id, url, kind, to_iso(utcnow()), outcome, http_status, error, article_id, duration_ms))

    def fetch_log(self, *, source_id: int | None = None, limit: int = 50, errors_only: bool = False
                  ) -> list[FetchLogEntry]:
        clauses, params = [], []
        if source_id is not None:
            clauses.append("source_id = ?")
            params.append(source_id)
        if errors_only:
            clauses.append("outcome = 'error'")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.query(f"SELECT * FROM fetch_log {where} ORDER BY id DESC LIMIT ?", (*params, limit))
        for row in rows:
            row["at"] = from_iso(row["at"])
        return [FetchLogEntry(**r) for r in rows]

    # -- articles -----------------------------------------------------------------------------------------

    def _articles(self, where: str, params: Sequence[Any], tail: str = "") -> list[Article]:
        rows = self.db.query(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a LEFT JOIN copies c ON c.copy_id = a.id {where} {tail}",
            params)
        return [_article(r) for r in rows]

    def get_article(self, article_id: int) -> Article | None:
        found = self._articles("WHERE a.id = ?", (article_id,))
        return found[0] if found else None

    def get_article_by_url(self, url: str) -> Article | None:
        found = self._articles("WHERE a.url = ?", (url,))
        return found[0] if found else None

    def list_articles(self, *, source: str | int | None = None, limit: int = 50, offset: int = 0,
                      include_copies: bool = True) -> list[Article]:
        clauses, params = [], []
        if source is not None:
            if isinstance(source, int) or str(source).isdigit():
                clauses.append("a.source_id = ?")
                params.append(int(source))
            else:
                clauses.append("(a.outlet = ? OR a.source_id IN (SELECT id FROM sources WHERE title = ? OR feed_url = ?))")
                params.extend([source, source, source])
        if not include_copies:
            clauses.append("c.copy_id IS NULL")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._articles(where, (*params, limit, offset),
                              "ORDER BY COALESCE(a.published_at, a.first_seen_at) DESC, a.id DESC LIMIT ? OFFSET ?")

    def count_articles(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM articles")[0]["n"])

    def count_copies(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM copies")[0]["n"])

    def insert_article(self, new: NewArticle) -> int:
        """Store a new article with its first revision and LSH bands, atomically."""
        now = to_iso(utcnow())
        with self.db.transaction():
            article_id = self.db.insert(
                "INSERT INTO articles (url, source_id, outlet, entry_id, title, author, published_at, updated_at, "
                "first_seen_at, language, image_url, summary, text, text_hash, shingle_count, minhash, full_text, "
                "extraction_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new.url, new.source_id, new.outlet, new.entry_id, new.title, new.author, to_iso(new.published_at),
                 to_iso(new.updated_at), now, new.language, new.image_url, new.summary, new.text, new.text_hash,
                 new.shingle_count, new.minhash, int(new.full_text), new.extraction_error))
            self._add_revision(article_id, new, now)
            self._set_bands(article_id, new.band_keys)
        return article_id

    def add_revision(self, article_id: int, new: NewArticle) -> None:
        """The article at the same URL changed: keep the old text as history, make the new one current."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.execute(
                "UPDATE articles SET title = ?, author = COALESCE(?, author), updated_at = ?, "
                "published_at = COALESCE(published_at, ?), language = COALESCE(?, language), "
                "image_url = COALESCE(?, image_url), summary = COALESCE(?, summary), text = ?, text_hash = ?, "
                "shingle_count = ?, minhash = ?, full_text = ?, extraction_error = ?, "
                "revision_count = revision_count + 1 WHERE id = ?",
                (new.title, new.author, to_iso(new.updated_at) or now, to_iso(new.published_at), new.language,
                 new.image_url, new.summary, new.text, new.text_hash, new.shingle_count, new.minhash,
                 int(new.full_text), new.extraction_error, article_id))
            self._add_revision(article_id, new, now)
            self.db.execute("DELETE FROM lsh_bands WHERE article_id = ?", (article_id,))
            self._set_bands(article_id, new.band_keys)

    def _add_revision(self, article_id: int, new: NewArticle, now: str) -> None:
        self.db.execute(
            "INSERT INTO revisions (article_id, fetched_at, title, text, text_hash, html_zlib) VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, now, new.title, new.text, new.text_hash, new.html_zlib))

    def _set_bands(self, article_id: int, band_keys: list[int]) -> None:
        if band_keys:
            self.db.executemany("INSERT INTO lsh_bands (band_key, article_id) VALUES (?, ?)",
                                [(key, article_id) for key in band_keys])

    def pages_for_reextraction(self, after_id: int = 0, limit: int = 200) -> list[tuple[int, str, bytes]]:
        """(article id, url, latest fetched HTML) for articles whose page was kept, in id order."""
        rows = self.db.query(
            "SELECT a.id, a.url, r.html_zlib FROM articles a JOIN revisions r ON r.id = "
            "(SELECT MAX(id) FROM revisions WHERE article_id = a.id) "
            "WHERE a.id > ? AND r.html_zlib IS NOT NULL ORDER BY a.id LIMIT ?", (after_id, limit))
        return [(r["id"], r["url"], zlib.decompress(r["html_zlib"])) for r in rows]

    def replace_extraction(self, article_id: int, new: NewArticle) -> None:
        """Same page, better extraction: the current text and the latest revision change, no new revision."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE articles SET text = ?, text_hash = ?, shingle_count = ?, minhash = ?, full_text = 1, "
                "extraction_error = NULL, title = COALESCE(title, ?), author = COALESCE(author, ?), "
                "published_at = COALESCE(published_at, ?), language = COALESCE(language, ?), "
                "image_url = COALESCE(image_url, ?) WHERE id = ?",
                (new.text, new.text_hash, new.shingle_count, new.minhash, new.title, new.author,
                 to_iso(new.published_at), new.language, new.image_url, article_id))
            self.db.execute(
                "UPDATE revisions SET text = ?, text_hash = ? WHERE id = "
                "(SELECT MAX(id) FROM revisions WHERE article_id = ?)", (new.text, new.text_hash, article_id))
            self.db.execute("DELETE FROM lsh_bands WHERE article_id = ?", (article_id,))
            self._set_bands(article_id, new.band_keys)

    def revisions(self, article_id: int) -> list[Revision]:
        rows = self.db.query("SELECT * FROM revisions WHERE article_id = ? ORDER BY fetched_at, id", (article_id,))
        result = []
        for row in rows:
            html = row.pop("html_zlib")
            row["fetched_at"] = from_iso(row["fetched_at"])
            result.append(Revision(**row, html=zlib.decompress(html) if html else None))
        return result

    # -- duplicates ---------------------------------------------------------------------------------------

    def _candidates(self, where: str, params: Sequence[Any]) -> list[Candidate]:
        rows = self.db.query(
            "SELECT a.id, COALESCE(a.published_at, a.first_seen_at) AS t, a.shingle_count, a.minhash, "
            "c.original_id, COALESCE(o.published_at, o.first_seen_at) AS ot FROM articles a "
            "LEFT JOIN copies c ON c.copy_id = a.id LEFT JOIN articles o ON o.id = c.original_id "
            f"WHERE {where}", params)
        return [Candidate(id=r["id"], time=from_iso(r["t"]), shingle_count=r["shingle_count"],
                          minhash=r["minhash"], original_id=r["original_id"], original_time=from_iso(r["ot"]))
                for r in rows]

    def articles_with_hash(self, text_hash: str, exclude_id: int | None = None) -> list[Candidate]:
        return self._candidates("a.text_hash = ? AND a.id != ?", (text_hash, exclude_id or -1))

    def lsh_candidates(self, band_keys: list[int], exclude_id: int | None = None, limit: int = 20
                       ) -> list[Candidate]:
        if not band_keys:
            return []
        marks = ", ".join("?" for _ in band_keys)
        return self._candidates(
            f"a.id IN (SELECT b.article_id FROM lsh_bands b WHERE b.band_key IN ({marks}) AND b.article_id != ? "
            f"GROUP BY b.article_id ORDER BY COUNT(*) DESC LIMIT ?)",
            (*band_keys, exclude_id or -1, limit))

    def mark_copy(self, copy_id: int, original_id: int, similarity: float, method: str) -> None:
        """Link `copy_id` to its original. Copies of the copy follow it to the same original."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.execute("DELETE FROM copies WHERE copy_id = ?", (original_id,))
            self.db.execute("UPDATE copies SET original_id = ? WHERE original_id = ?", (original_id, copy_id))
            self.db.execute("DELETE FROM copies WHERE copy_id = ?", (copy_id,))
            self.db.execute(
                "INSERT INTO copies (copy_id, original_id, similarity, method, detected_at) VALUES (?, ?, ?, ?, ?)",
                (copy_id, original_id, similarity, method, now))

    def copies_of(self, original_id: int) -> list[Article]:
        return self._articles("WHERE c.original_id = ?", (original_id,),
                              "ORDER BY COALESCE(a.published_at, a.first_seen_at), a.id")

    def copy_outlets(self, original_ids: list[int]) -> dict[int, list[str]]:
        """For each original, the outlets that published copies of it ("also published by …")."""
        if not original_ids:
            return {}
        marks = ", ".join("?" for _ in original_ids)
        rows = self.db.query(
            "SELECT c.original_id, COALESCE(a.outlet, s.title, a.url) AS outlet FROM copies c "
            "JOIN articles a ON a.id = c.copy_id LEFT JOIN sources s ON s.id = a.source_id "
            f"WHERE c.original_id IN ({marks}) ORDER BY COALESCE(a.published_at, a.first_seen_at)", original_ids)
        found: dict[int, list[str]] = {}
        for row in rows:
            names = found.setdefault(row["original_id"], [])
            if row["outlet"] not in names:
                names.append(row["outlet"])
        return found

    # -- stories ------------------------------------------------------------------------------------------

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
            self.db.execute("UPDATE story_articles SET story_id = ? WHERE story_id = ?", (into_id, old_id))
            self.db.execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into_id, old_id))
            self.db.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (into_id, now, old_id))
            self.db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (now, into_id))

    def _stories(self, where: str, params: Sequence[Any], tail: str = "") -> list[Story]:
        rows = self.db.query(f"SELECT * FROM stories {where} {tail}", params)
        for row in rows:
            for key in _STORY_TIMES:
                row[key] = from_iso(row[key])
        return [Story(**r) for r in rows]

    def get_story(self, key: int | str) -> Story | None:
        """By id or slug, following merges to the story that holds the articles now."""
        if isinstance(key, int) or str(key).isdigit():
            found = self._stories("WHERE id = ?", (int(key),))
        else:
            found = self._stories("WHERE slug = ?", (key,))
        seen = set()
        while found and found[0].merged_into and found[0].id not in seen:
            seen.add(found[0].id)
            found = self._stories("WHERE id = ?", (found[0].merged_into,))
        return found[0] if found else None

    def story_of(self, article_id: int) -> int | None:
        rows = self.db.query("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))
        return rows[0]["story_id"] if rows else None

    def story_articles(self, story_id: int) -> list[Article]:
        return self._articles("JOIN story_articles sa ON sa.article_id = a.id WHERE sa.story_id = ?", (story_id,),
                              "ORDER BY COALESCE(a.published_at, a.first_seen_at), a.id")

    def stories_touched_since(self, since: datetime) -> list[int]:
        rows = self.db.query("SELECT id FROM stories WHERE merged_into IS NULL AND updated_at >= ? "
                             "AND (page_written_at IS NULL OR page_written_at < updated_at)", (to_iso(since),))
        return [r["id"] for r in rows]

    def save_story_page(self, story_id: int, *, headline: str, page_json: str, first_published: datetime | None,
                        last_updated: datetime | None, article_count: int, independent_count: int,
                        reprint_count: int, centroid: bytes | None = None) -> None:
        self.db.execute(
            "UPDATE stories SET headline = ?, page_json = ?, page_written_at = ?, first_published = ?, "
            "last_updated = ?, article_count = ?, independent_count = ?, reprint_count = ?, "
            "centroid = COALESCE(?, centroid) WHERE id = ?",
            (headline, page_json, to_iso(utcnow()), to_iso(first_published), to_iso(last_updated), article_count,
             independent_count, reprint_count, centroid, story_id))

    def stories_near_in_time(self, when: datetime, span: timedelta, limit: int = 1000) -> list[Story]:
        """Written stories whose last update falls within `span` of `when` (candidates for related stories)."""
        return self._stories("WHERE merged_into IS NULL AND page_json IS NOT NULL AND centroid IS NOT NULL "
                             "AND last_updated BETWEEN ? AND ?", (to_iso(when - span), to_iso(when + span)),
                             f"ORDER BY last_updated DESC LIMIT {int(limit)}")

    def top_stories(self, *, limit: int = 20, offset: int = 0, since: datetime | None = None) -> list[Story]:
        """Ranked by independent sources and recency: a story loses half its weight every 12 hours."""
        clauses = ["merged_into IS NULL", "page_json IS NOT NULL"]
        params: list[Any] = []
        if since is not None:
            clauses.append("last_updated >= ?")
            params.append(to_iso(since))
        stories = self._stories("WHERE " + " AND ".join(clauses), params, "ORDER BY last_updated DESC LIMIT 2000")
        newest = max((s.last_updated for s in stories if s.last_updated), default=utcnow())

        def weight(s: Story) -> tuple[float, datetime]:
            age_h = ((newest - s.last_updated).total_seconds() / 3600) if s.last_updated else 1e6
            return (s.independent_count * 0.5 ** (age_h / 12), s.last_updated or s.created_at)

        return sorted(stories, key=weight, reverse=True)[offset:offset + limit]

    def save_vectors(self, model: str, vectors: dict[int, bytes]) -> None:
        if vectors:
            self.db.executemany("INSERT INTO article_vectors (article_id, model, vector) VALUES (?, ?, ?) "
                                "ON CONFLICT (article_id) DO UPDATE SET model = excluded.model, vector = excluded.vector",
                                [(k, model, v) for k, v in vectors.items()])

    def vectors(self, article_ids: list[int], model: str) -> dict[int, bytes]:
        if not article_ids:
            return {}
        marks = ", ".join("?" for _ in article_ids)
        rows = self.db.query(f"SELECT article_id, vector FROM article_vectors WHERE model = ? AND article_id IN ({marks})",
                             (model, *article_ids))
        return {r["article_id"]: r["vector"] for r in rows}

    def save_grouper_state(self, state: bytes) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM grouper_state WHERE id = 1")
            self.db.execute("INSERT INTO grouper_state (id, saved_at, state) VALUES (1, ?, ?)", (to_iso(utcnow()), state))

    def grouper_state(self) -> bytes | None:
        rows = self.db.query("SELECT state FROM grouper_state WHERE id = 1")
        return rows[0]["state"] if rows else None

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
                self.db.execute("DELETE FROM grouper_state")
            else:
                ids = [a for a, _ in pairs]
                for chunk in range(0, len(ids), 500):
                    part = ids[chunk:chunk + 500]
                    self.db.execute(f"DELETE FROM story_articles WHERE article_id IN ({', '.join('?' for _ in part)})",
                                    part)
        return pairs

    # Desk settings: values the desk keeps for itself (the admin password hash, session secret, tokens).

    def get_setting(self, key: str) -> str | None:
        rows = self.db.query("SELECT value FROM desk_settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        with self.db.transaction():
            self.db.execute("INSERT INTO desk_settings (key, value, updated_at) VALUES (?, ?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                            (key, value, to_iso(utcnow())))

    def delete_setting(self, key: str) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM desk_settings WHERE key = ?", (key,))
