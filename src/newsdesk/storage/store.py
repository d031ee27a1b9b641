"""Every SQL statement newsdesk runs lives here."""

from __future__ import annotations

import json
import math
import re
import unicodedata
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newsdesk.storage.database import Database, ReadOnlyError, StorageError
from newsdesk.storage.migrations import MIGRATIONS, PG_TEXT_LIMIT, statements
from newsdesk.model import (
    Article, Candidate, FetchKind, FetchLogEntry, FetchOutcome, NewArticle, Revision, SearchGroup, SearchHit,
    SearchResults, Source, SourceStatus, Story,
)
from newsdesk.timeutil import from_iso, to_iso, utcnow

_SOURCE_TIMES = ("added_at", "last_fetch_at", "last_error_at", "next_fetch_at")
_ARTICLE_TIMES = ("published_at", "updated_at", "first_seen_at")
_STORY_TIMES = ("created_at", "updated_at", "first_published", "last_updated", "page_written_at")


def pack_html(html: bytes | str) -> bytes:
    """How fetched pages are kept (compressed where the CPU-heavy work runs, not in the writer)."""
    return zlib.compress(html.encode("utf-8") if isinstance(html, str) else html, 6)


class SourceExists(StorageError):
    pass


class SearchError(StorageError):
    """A search query that cannot be run; the message is for the user."""


MAX_ID = 2 ** 63 - 1       # the largest id SQLite's INTEGER and PostgreSQL's BIGINT hold


def row_id(key: int | str) -> int | None:
    """The row id `key` is or spells in ASCII digits, or None when no row can have it (a number beyond MAX_ID
    would overflow SQLite's binding and be compared as numeric by PostgreSQL)."""
    if isinstance(key, str):
        digits = key.lstrip("0")
        if not (key.isascii() and key.isdigit()) or len(digits) > len(str(MAX_ID)):
            return None
        key = int(key)
    return key if 1 <= key <= MAX_ID else None


MAX_SEARCH_TERMS = 32
SEARCH_WINDOW = 1000      # the most recent matches one query ranks


@dataclass
class SearchTerm:
    words: list[str]         # one word, or the words of a "quoted phrase"
    prefix: bool = False     # the word also matches as the start of a longer word (typed as `word*`)


def parse_search_query(query: str) -> list[SearchTerm]:
    """Words and "quoted phrases" of what the user typed; a word ending in `*` (three letters or more) also
    matches longer words. Nothing of it reaches FTS syntax but the words themselves."""
    if not isinstance(query, str):
        raise SearchError("the search query must be text")
    text = unicodedata.normalize("NFC", query)
    terms: list[SearchTerm] = []
    for index, part in enumerate(text.split('"')):
        if index % 2:
            words = _WORD.findall(part)
            if words:
                terms.append(SearchTerm(words))
        else:
            terms.extend(SearchTerm([word], prefix=bool(star) and len(word) >= 3)
                         for word, star in _PREFIXED_WORD.findall(part))
    if not terms:
        raise SearchError("type one or more words to search for")
    if len(terms) > MAX_SEARCH_TERMS:
        raise SearchError(f"the query is too long: at most {MAX_SEARCH_TERMS} words or phrases")
    return terms


_WORD = re.compile(r"[^\W_]+")
_PREFIXED_WORD = re.compile(r"([^\W_]+)(\*?)")
_HIT_MARKS = "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=35, MinWords=15, MaxFragments=2, " \
             "FragmentDelimiter=\" … \"'"


class _SqliteMatch:
    """FTS5: each word or phrase quoted, so nothing the user typed is read as query syntax."""
    article_from = "article_fts"
    article_filtered_from = "article_fts JOIN articles a ON a.id = article_fts.rowid"
    article_id = "article_fts.rowid"
    article_match = "article_fts MATCH ?"
    article_order = "article_fts.rowid"
    article_rank = "-bm25(article_fts, 10.0, 1.0, 2.0)"
    story_from = "story_fts"
    story_filtered_from = "story_fts JOIN stories s ON s.id = story_fts.rowid"
    story_id = "story_fts.rowid"
    story_match = "story_fts MATCH ?"
    story_order = "story_fts.rowid"
    story_rank = "-bm25(story_fts, 10.0, 2.0)"
    article_snippet = ("SELECT rowid AS id, snippet(article_fts, 1, char(2), char(3), '…', 24) AS snippet "
                       "FROM article_fts WHERE article_fts MATCH ? AND rowid IN ({ids})")
    story_snippet = ("SELECT rowid AS id, snippet(story_fts, 1, char(2), char(3), '…', 24) AS snippet FROM story_fts "
                     "WHERE story_fts MATCH ? AND rowid IN ({ids})")

    def __init__(self, terms: list[SearchTerm]):
        self.params = [" ".join('"' + " ".join(t.words) + '"' + ("*" if t.prefix else "") for t in terms)]


class _PostgresMatch:
    """tsquery built by functions from each word or phrase, never parsed from the user's text."""
    article_id = "a.id"
    article_match = "a.search_vector @@ tq.q"
    article_order = "a.id"
    article_rank = "ts_rank_cd(a.search_vector, tq.q)"
    story_id = "ss.story_id"
    story_match = "ss.search_vector @@ tq.q"
    story_order = "ss.story_id"
    story_rank = "ts_rank_cd(ss.search_vector, tq.q)"

    def __init__(self, terms: list[SearchTerm]):
        parts, self.params = [], []
        for term in terms:
            if term.prefix:
                parts.append("to_tsquery('english', ?)")
                self.params.append(f"'{term.words[0]}':*")
            elif len(term.words) > 1:
                parts.append("phraseto_tsquery('english', ?)")
                self.params.append(" ".join(term.words))
            else:
                parts.append("plainto_tsquery('english', ?)")
                self.params.append(term.words[0])
        query = f"(SELECT {' && '.join(parts)} AS q) tq"
        self.article_from = self.article_filtered_from = f"articles a CROSS JOIN {query}"
        self.story_from = f"story_search ss CROSS JOIN {query}"
        self.story_filtered_from = f"story_search ss JOIN stories s ON s.id = ss.story_id CROSS JOIN {query}"
        self.article_snippet = (f"SELECT a.id AS id, ts_headline('english', left(a.text, {PG_TEXT_LIMIT}), tq.q, "
                                f"{_HIT_MARKS}) AS snippet FROM {self.article_from} WHERE a.id IN ({{ids}})")
        self.story_snippet = (f"SELECT ss.story_id AS id, ts_headline('english', COALESCE(ss.summary, ''), tq.q, "
                              f"{_HIT_MARKS}) AS snippet FROM {self.story_from} WHERE ss.story_id IN ({{ids}})")


def _rank_key(independent: int, last_updated: datetime | None) -> float:
    """Orders stories as independent * 0.5 ** (age in hours / 12) does, whatever the time now."""
    hours = last_updated.timestamp() / 3600 if last_updated else 0.0
    return (math.log2(independent) if independent > 0 else -1e9) + hours / 12


def _page_summary(page_json: str | None) -> str:
    """The summary sentences of a stored story page, as one text."""
    try:
        page = json.loads(page_json or "")
    except ValueError:
        return ""
    items = page.get("summary") if isinstance(page, dict) else None
    if not isinstance(items, list):
        return ""
    return " ".join(str(i.get("text", "")) if isinstance(i, dict) else str(i) for i in items)


def _source(row: dict[str, Any]) -> Source:
    row = dict(row)
    for key in _SOURCE_TIMES:
        row[key] = from_iso(row[key])
    row["enabled"] = bool(row["enabled"])
    row["last_status"] = SourceStatus(row["last_status"]) if row["last_status"] is not None else None
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

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    def schema_version(self) -> int:
        if "schema_migrations" not in self._table_names():
            return 0
        rows = self.db.query("SELECT MAX(version) AS v FROM schema_migrations")
        return int(rows[0]["v"] or 0)

    def _table_names(self) -> set[str]:
        if self.db.dialect == "sqlite":
            rows = self.db.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                 "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        else:
            rows = self.db.query("SELECT table_name AS name FROM information_schema.tables "
                                 "WHERE table_schema = current_schema()")
        return {row["name"] for row in rows}

    def _usable_version(self) -> int:
        """The schema version, once the database is known to be newsdesk's (or empty) and not from a newer
        newsdesk; otherwise StorageError, before anything is written."""
        version, latest = self.schema_version(), MIGRATIONS[-1][0]
        if version > latest:
            raise StorageError(f"the database has schema version {version}, newer than this newsdesk knows "
                               f"({latest}): upgrade newsdesk")
        foreign = sorted(self._table_names() - {"schema_migrations"}) if version == 0 else []
        if foreign:
            raise StorageError(f"not a newsdesk database: it holds tables of another application "
                               f"({', '.join(foreign[:5])}); nothing was written to it, choose another database")
        return version

    def migrate(self) -> list[int]:
        """Bring the schema up to date in one transaction: a set-up that fails leaves the database as it was."""
        current = self._usable_version()
        if current == MIGRATIONS[-1][0]:
            if not self.read_only:
                self.db.use_wal()
            return []
        if self.read_only:
            raise ReadOnlyError(f"the database has schema version {current} and needs upgrading to "
                                f"{MIGRATIONS[-1][0]}, but it is read-only: open it once with write access")
        self.db.use_wal()
        applied = []
        with self.db.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                            "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
            current = self._usable_version()       # another process may have migrated meanwhile
            for version, description, sql in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements(sql, self.db.dialect):
                    self.db.execute(statement)
                if version == 4:            # fill the new tables from what is already stored
                    self.reindex_search()
                    self.rebuild_story_rank()
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

    def _sources(self, where: str = "", params: Sequence[Any] = (), counts: bool = True) -> list[Source]:
        count = "(SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id)" if counts else "0"
        rows = self.db.query(
            f"SELECT s.*, {count} AS article_count FROM sources s {where} ORDER BY s.folder, s.title, s.id", params)
        return [_source(r) for r in rows]

    def get_source(self, key: int | str) -> Source | None:
        """By id, by feed URL, or by exact title."""
        source_id = row_id(key)
        if source_id is not None:
            found = self._sources("WHERE s.id = ?", (source_id,))
        elif isinstance(key, str):
            found = self._sources("WHERE s.feed_url = ? OR s.title = ?", (key, key))
        else:
            found = []
        return found[0] if found else None

    def list_sources(self, *, with_counts: bool = True) -> list[Source]:
        """All subscriptions; `with_counts=False` leaves article_count 0 and skips counting (which reads an
        index entry per stored article: ~7 ms at 100,000 articles), for lists that show only names."""
        return self._sources(counts=with_counts)

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
            row["kind"], row["outcome"] = FetchKind(row["kind"]), FetchOutcome(row["outcome"])
        return [FetchLogEntry(**r) for r in rows]

    # -- articles -----------------------------------------------------------------------------------------

    def _articles(self, where: str, params: Sequence[Any], tail: str = "") -> list[Article]:
        rows = self.db.query(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a LEFT JOIN copies c ON c.copy_id = a.id {where} {tail}",
            params)
        return [_article(r) for r in rows]

    def get_article(self, article_id: int) -> Article | None:
        if row_id(article_id) is None:
            return None
        found = self._articles("WHERE a.id = ?", (article_id,))
        return found[0] if found else None

    def get_article_by_url(self, url: str) -> Article | None:
        found = self._articles("WHERE a.url = ?", (url,))
        return found[0] if found else None

    def list_articles(self, *, source: str | int | None = None, limit: int = 50, offset: int = 0,
                      include_copies: bool = True) -> list[Article]:
        clauses, params = [], []
        if source is not None:
            source_id = row_id(source)
            if source_id is not None:
                clauses.append("a.source_id = ?")
                params.append(source_id)
            elif isinstance(source, int):
                return []
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

    def first_revisions(self, article_ids: Sequence[int]) -> dict[int, tuple[str | None, str]]:
        """(title, text) of each article as the desk first saw it, for those of these articles that it holds
        later revisions of."""
        if not article_ids:
            return {}
        marks = ", ".join("?" for _ in article_ids)
        rows = self.db.query(
            "SELECT article_id, title, text FROM revisions WHERE id IN (SELECT MIN(id) FROM revisions "
            f"WHERE article_id IN ({marks}) GROUP BY article_id HAVING COUNT(*) > 1)", list(article_ids))
        return {r["article_id"]: (r["title"], r["text"]) for r in rows}

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
            self._unindex_story(old_id)
            self.db.execute("DELETE FROM story_rank WHERE story_id = ?", (old_id,))
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

    def articles_without_story(self) -> list[int]:
        """Ids of the articles in no story, oldest first (stored before a crash, or while stories were off)."""
        rows = self.db.query("SELECT a.id FROM articles a WHERE NOT EXISTS "
                             "(SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id) ORDER BY a.id")
        return [r["id"] for r in rows]

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
        with self.db.transaction():
            self.db.execute(
                "UPDATE stories SET headline = ?, page_json = ?, page_written_at = ?, first_published = ?, "
                "last_updated = ?, article_count = ?, independent_count = ?, reprint_count = ?, "
                "centroid = COALESCE(?, centroid) WHERE id = ?",
                (headline, page_json, to_iso(utcnow()), to_iso(first_published), to_iso(last_updated),
                 article_count, independent_count, reprint_count, centroid, story_id))
            self._index_story(story_id, headline, page_json)
            self.db.execute(
                "INSERT INTO story_rank (story_id, rank_key, last_updated, centroid) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (story_id) DO UPDATE SET rank_key = excluded.rank_key, "
                "last_updated = excluded.last_updated, centroid = COALESCE(excluded.centroid, story_rank.centroid)",
                (story_id, _rank_key(independent_count, last_updated), to_iso(last_updated), centroid))

    def story_centroids_near(self, when: datetime, span: timedelta, limit: int = 1000) -> list[tuple[int, bytes]]:
        """(story id, centroid) of live stories last updated within `span` of `when`, newest first: what
        finding related stories needs, without reading the stories themselves."""
        rows = self.db.query("SELECT story_id, centroid FROM story_rank WHERE centroid IS NOT NULL "
                             "AND last_updated BETWEEN ? AND ? ORDER BY last_updated DESC LIMIT ?",
                             (to_iso(when - span), to_iso(when + span), int(limit)))
        return [(r["story_id"], r["centroid"]) for r in rows]

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

    def stories_near_in_time(self, when: datetime, span: timedelta, limit: int = 1000) -> list[Story]:
        """Written stories whose last update falls within `span` of `when` (candidates for related stories)."""
        return self._stories("WHERE merged_into IS NULL AND page_json IS NOT NULL AND centroid IS NOT NULL "
                             "AND last_updated BETWEEN ? AND ?", (to_iso(when - span), to_iso(when + span)),
                             f"ORDER BY last_updated DESC LIMIT {int(limit)}")

    def top_stories(self, *, limit: int = 20, offset: int = 0, since: datetime | None = None) -> list[Story]:
        """Ranked by independent sources and recency: a story loses half its weight every 12 hours."""
        ids, _ = self.rank_stories(limit=limit, offset=offset, since=since)
        return self.stories_by_ids(ids)

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

    # -- search -------------------------------------------------------------------------------------------

    def reindex_search(self) -> int:
        """Rebuild the full-text index from stored articles and story pages; returns the rows indexed."""
        with self.db.transaction():
            if self.db.dialect == "sqlite":
                self.db.execute("INSERT INTO article_fts (article_fts) VALUES ('rebuild')")
                self.db.execute("DELETE FROM story_fts")
            else:
                self.db.execute("DELETE FROM story_search")
            rows = self.db.query("SELECT id, headline, page_json FROM stories "
                                 "WHERE page_json IS NOT NULL AND merged_into IS NULL")
            for row in rows:
                self._index_story(row["id"], row["headline"], row["page_json"], replace=False)
            if self.db.dialect == "postgresql":
                self.db.execute("REINDEX INDEX articles_search")
        return self.count_articles() + len(rows)

    def _unindex_story(self, story_id: int) -> None:
        if self.db.dialect == "sqlite":
            self.db.execute("DELETE FROM story_fts WHERE rowid = ?", (story_id,))
        else:
            self.db.execute("DELETE FROM story_search WHERE story_id = ?", (story_id,))

    def optimize_search(self) -> None:
        """Merge the search index into as few segments as it can (SQLite: queries run several times faster
        after a bulk load; run it after large imports or nightly). PostgreSQL keeps its GIN index itself."""
        if self.db.dialect == "sqlite":
            with self.db.transaction():
                self.db.execute("INSERT INTO article_fts (article_fts) VALUES ('optimize')")
                self.db.execute("INSERT INTO story_fts (story_fts) VALUES ('optimize')")
        else:
            self.db.execute("ANALYZE articles")
            self.db.execute("ANALYZE story_search")

    def _index_story(self, story_id: int, headline: str | None, page_json: str, *, replace: bool = True) -> None:
        summary = _page_summary(page_json)
        if self.db.dialect == "sqlite":
            if replace:
                self._unindex_story(story_id)
            self.db.execute("INSERT INTO story_fts (rowid, headline, summary) VALUES (?, ?, ?)",
                            (story_id, headline, summary))
        else:
            self.db.execute("INSERT INTO story_search (story_id, headline, summary) VALUES (?, ?, ?) "
                            "ON CONFLICT (story_id) DO UPDATE SET headline = excluded.headline, "
                            "summary = excluded.summary", (story_id, headline, summary))

    def search(self, query: str, *, since: datetime | None = None, until: datetime | None = None,
               source_id: int | None = None, limit: int = 20, offset: int = 0) -> SearchResults:
        """Articles and stories matching `query`, grouped by story; groups ranked by their best match.
        `limit`/`offset` count groups. Words are all required; "quoted words" form a phrase; `word*` matches
        words that start so. A query matching more than SEARCH_WINDOW articles (or stories)
        ranks the most recent SEARCH_WINDOW of them (`capped` is then True)."""
        terms = parse_search_query(query)
        limit, offset = max(0, min(int(limit), 200)), max(0, int(offset))
        match = _SqliteMatch(terms) if self.db.dialect == "sqlite" else _PostgresMatch(terms)
        art_where, art_params = [match.article_match], [*match.params]
        story_where, story_params = [match.story_match], [*match.params]     # merged stories leave the index
        if since is not None:
            art_where.append("COALESCE(a.published_at, a.first_seen_at) >= ?")
            art_params.append(to_iso(since))
            story_where.append("s.last_updated >= ?")
            story_params.append(to_iso(since))
        if until is not None:
            art_where.append("COALESCE(a.published_at, a.first_seen_at) <= ?")
            art_params.append(to_iso(until))
            story_where.append("s.first_published <= ?")
            story_params.append(to_iso(until))
        if source_id is not None:
            art_where.append("a.source_id = ?")
            art_params.append(source_id)
            story_where.append("EXISTS (SELECT 1 FROM story_articles y JOIN articles z ON z.id = y.article_id "
                               "WHERE y.story_id = s.id AND z.source_id = ?)")
            story_params.append(source_id)
        try:
            article_from = match.article_filtered_from if len(art_where) > 1 else match.article_from
            story_from = match.story_filtered_from if len(story_where) > 1 else match.story_from
            rows = self.db.query(
                # hits: the most recent matching articles, keyed by story (minus the article id when in none);
                # matched: the most recent matching stories; grouped: both by key, ranked by their best match
                f"WITH hits AS MATERIALIZED (SELECT {match.article_id} AS id, "
                f"COALESCE(sa.story_id, -{match.article_id}) AS key, {match.article_rank} AS rank "
                f"FROM {article_from} LEFT JOIN story_articles sa ON sa.article_id = {match.article_id} "
                f"WHERE {' AND '.join(art_where)} ORDER BY {match.article_order} DESC LIMIT {SEARCH_WINDOW}), "
                f"matched AS MATERIALIZED (SELECT {match.story_id} AS key, {match.story_rank} AS rank "
                f"FROM {story_from} WHERE {' AND '.join(story_where)} "
                f"ORDER BY {match.story_order} DESC LIMIT {SEARCH_WINDOW}), "
                "grouped AS MATERIALIZED (SELECT key, MAX(rank) AS best, COUNT(id) AS hit_count, "
                "MAX(story_rank) AS story_rank FROM (SELECT key, id, rank, NULL AS story_rank FROM hits "
                "UNION ALL SELECT key, NULL, rank, rank FROM matched) u GROUP BY key), "
                "page AS MATERIALIZED (SELECT * FROM grouped ORDER BY best DESC, key LIMIT ? OFFSET ?), "
                "top AS (SELECT key, id, rank, ROW_NUMBER() OVER (PARTITION BY key ORDER BY rank DESC, id) AS place "
                "FROM hits WHERE key IN (SELECT key FROM page)), "
                "counts AS (SELECT (SELECT COUNT(*) FROM grouped) AS total, "
                "(SELECT COUNT(*) FROM hits) AS article_matches, (SELECT COUNT(*) FROM matched) AS story_matches) "
                # a row per hit shown (a group's best three; one row for a group without hits), each with the
                # counts; the counts alone when the page is empty
                "SELECT c.total, c.article_matches, c.story_matches, p.key, p.best, p.hit_count, p.story_rank, "
                "st.headline, t.rank AS hit_rank, art.id AS hit_id, art.title, art.outlet, art.published_at "
                "FROM counts c LEFT JOIN page p ON TRUE LEFT JOIN stories st ON st.id = p.key "
                "LEFT JOIN top t ON t.key = p.key AND t.place <= 3 LEFT JOIN articles art ON art.id = t.id "
                "ORDER BY p.best DESC, p.key, t.rank DESC, t.id", [*art_params, *story_params, limit, offset])
            groups = self._search_page(match, rows)
        except StorageError as exc:
            raise SearchError(f"search for {query[:80]!r} failed: {exc}") from exc
        return SearchResults(query=query, total=rows[0]["total"], groups=groups,
                             capped=SEARCH_WINDOW in (rows[0]["article_matches"], rows[0]["story_matches"]))

    def _search_page(self, match: _SqliteMatch | _PostgresMatch, rows: list[dict[str, Any]]) -> list[SearchGroup]:
        """The groups of the page's rows, in order, with the snippets of their hits and matching stories."""
        groups: dict[int, SearchGroup] = {}
        matched: list[int] = []
        for row in rows:
            key = row["key"]
            if key is None:
                continue
            group = groups.get(key)
            if group is None:
                group = groups[key] = SearchGroup(story_id=key if key > 0 else None, headline=row["headline"],
                                                  hits=[], rank=float(row["best"]), hit_count=row["hit_count"])
                if row["story_rank"] is not None:
                    matched.append(key)
            if row["hit_id"] is not None:     # an article row missing from a stale index is left out
                group.hits.append(SearchHit(article_id=row["hit_id"], story_id=group.story_id,
                                            title=row["title"] or "", outlet=row["outlet"],
                                            published_at=from_iso(row["published_at"]), snippet="",
                                            rank=float(row["hit_rank"])))
        hits = [hit for group in groups.values() for hit in group.hits]
        snippets = self._snippets(match.article_snippet, match, [hit.article_id for hit in hits])
        for hit in hits:
            hit.snippet = snippets.get(hit.article_id, "")
        story_snippets = self._snippets(match.story_snippet, match, matched)
        for key in matched:
            groups[key].snippet = story_snippets.get(key, "")
        return list(groups.values())

    def _snippets(self, sql: str, match: _SqliteMatch | _PostgresMatch, row_ids: list[int]) -> dict[int, str]:
        """Snippets of these rows in one query: row id → snippet."""
        if not row_ids:
            return {}
        rows = self.db.query(sql.format(ids=", ".join("?" for _ in row_ids)), [*match.params, *row_ids])
        return {r["id"]: r["snippet"] or "" for r in rows}

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

    # Failed admin logins: the login limit, shared by every web worker process.

    def login_failures(self, client: str, since: datetime, *, lock: bool = False) -> list[datetime]:
        """When `client` failed to log in after `since`, oldest first. With `lock` (inside a transaction) no
        other connection records a failure until the transaction ends, so a check and the failure it records
        are one step; SQLite's write transaction already is that."""
        if lock and self.db.dialect == "postgresql":
            self.db.execute("LOCK TABLE login_failures IN EXCLUSIVE MODE")
        rows = self.db.query("SELECT at FROM login_failures WHERE client = ? AND at > ? ORDER BY at",
                             (client, to_iso(since)))
        return [from_iso(r["at"]) for r in rows]

    def record_login_failure(self, client: str, at: datetime, *, forget_before: datetime,
                             keep: int = 10_000) -> None:
        """Keep a failed login. Failures before `forget_before` are deleted on the way, and so are the oldest
        beyond `keep`: a flood of addresses cannot grow the table without bound."""
        with self.db.transaction():
            self.db.execute("INSERT INTO login_failures (client, at) VALUES (?, ?)", (client, to_iso(at)))
            self.db.execute("DELETE FROM login_failures WHERE at < ?", (to_iso(forget_before),))
            self.db.execute("DELETE FROM login_failures WHERE at < (SELECT at FROM login_failures "
                            "ORDER BY at DESC LIMIT 1 OFFSET ?)", (keep - 1,))

    def clear_login_failures(self, client: str) -> None:
        self.db.execute("DELETE FROM login_failures WHERE client = ?", (client,))

    # Reading for the web: light rows, one query per kind of thing a page shows.

    def rank_stories(self, *, limit: int = 20, offset: int = 0, since: datetime | None = None,
                     source_id: int | None = None, language: str | None = None) -> tuple[list[int], int]:
        """Story ids in `top_stories` order, and how many stories there are to rank.
        Reads only the ranking columns; `source_id`/`language` keep stories with an article from that source
        or in that language."""
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
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.query(f"SELECT r.story_id FROM story_rank r {where} "
                             "ORDER BY r.rank_key DESC, r.last_updated DESC, r.story_id DESC LIMIT ? OFFSET ?",
                             (*params, limit, offset))
        total = self.db.query(f"SELECT COUNT(*) AS n FROM story_rank r {where}", params)[0]["n"]
        return [r["story_id"] for r in rows], int(total)

    def stories_by_ids(self, ids: Sequence[int]) -> list[Story]:
        """The stories with these ids, in the order given (missing ids skipped)."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        found = {s.id: s for s in self._stories(f"WHERE id IN ({marks})", list(ids))}
        return [found[i] for i in ids if i in found]

    def articles_by_ids(self, ids: Sequence[int], *, with_text: bool = True) -> dict[int, Article]:
        """Articles by id; without text (text '' and no minhash) when `with_text` is False."""
        if not ids:
            return {}
        columns = _ARTICLE_COLUMNS if with_text else _ARTICLE_COLUMNS.replace("a.text,", "'' AS text,").replace(
            "a.minhash,", "NULL AS minhash,")
        marks = ", ".join("?" for _ in ids)
        rows = self.db.query(f"SELECT {columns} FROM articles a LEFT JOIN copies c ON c.copy_id = a.id "
                             f"WHERE a.id IN ({marks})", list(dict.fromkeys(ids)))
        return {r["id"]: _article(r) for r in rows}

    def story_article_briefs(self, story_id: int) -> list[Article]:
        """A story's articles without their text, oldest first."""
        columns = _ARTICLE_COLUMNS.replace("a.text,", "'' AS text,").replace("a.minhash,", "NULL AS minhash,")
        rows = self.db.query(
            f"SELECT {columns} FROM articles a LEFT JOIN copies c ON c.copy_id = a.id "
            "JOIN story_articles sa ON sa.article_id = a.id WHERE sa.story_id = ? "
            "ORDER BY COALESCE(a.published_at, a.first_seen_at), a.id", (story_id,))
        return [_article(r) for r in rows]

    def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        """article id → story id, for those articles that are in a story."""
        if not article_ids:
            return {}
        marks = ", ".join("?" for _ in article_ids)
        rows = self.db.query(f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})",
                             list(dict.fromkeys(article_ids)))
        return {r["article_id"]: r["story_id"] for r in rows}

    def story_neighbours(self, when: datetime, span: timedelta, limit: int = 1000) -> list[Story]:
        """Like `stories_near_in_time` without the page text (page_json and page_written_at are None): candidates
        for related stories, read from the narrow story_rank table."""
        rows = self.db.query(
            "SELECT s.id, s.slug, s.headline, s.created_at, s.updated_at, s.first_published, r.last_updated, "
            "s.article_count, s.independent_count, s.reprint_count, s.merged_into, NULL AS page_json, "
            "NULL AS page_written_at, r.centroid FROM story_rank r JOIN stories s ON s.id = r.story_id "
            f"WHERE r.centroid IS NOT NULL AND r.last_updated BETWEEN ? AND ? ORDER BY r.last_updated DESC "
            f"LIMIT {int(limit)}", (to_iso(when - span), to_iso(when + span)))
        for row in rows:
            for key in _STORY_TIMES:
                row[key] = from_iso(row[key])
        return [Story(**r) for r in rows]

    def story_languages(self) -> list[str]:
        """The languages articles are in: a skip scan over the articles_language index (one probe per language,
        not one row per article)."""
        rows = self.db.query(
            "WITH RECURSIVE langs(language) AS (SELECT MIN(language) FROM articles UNION ALL "
            "SELECT (SELECT MIN(a.language) FROM articles a WHERE a.language > langs.language) FROM langs "
            "WHERE langs.language IS NOT NULL) SELECT language FROM langs WHERE language IS NOT NULL")
        return [r["language"] for r in rows]

    def story_centroid_rows(self, *, written_after: datetime | None = None, limit: int = 50_000
                            ) -> list[tuple[int, datetime | None, bytes]]:
        """(story id, last updated, centroid) of live stories, most recently updated first; with `written_after`
        only those whose page was written after it (what changed since an earlier read)."""
        if written_after is None:
            rows = self.db.query("SELECT story_id, last_updated, centroid FROM story_rank WHERE centroid IS NOT NULL "
                                 "ORDER BY last_updated DESC LIMIT ?", (int(limit),))
        else:
            rows = self.db.query("SELECT r.story_id, r.last_updated, r.centroid FROM stories s "
                                 "JOIN story_rank r ON r.story_id = s.id WHERE s.page_written_at > ? "
                                 "AND r.centroid IS NOT NULL ORDER BY r.last_updated DESC LIMIT ?",
                                 (to_iso(written_after), int(limit)))
        return [(r["story_id"], from_iso(r["last_updated"]), r["centroid"]) for r in rows]

    def last_page_written(self) -> datetime | None:
        """When a story page was last written (an index probe): a version for caches of story data."""
        return from_iso(self.db.query("SELECT MAX(page_written_at) AS w FROM stories")[0]["w"])

    def story_assignments_since(self, since: datetime | None) -> list[tuple[int, int]]:
        """(article id, story id) of the articles put into a story after `since` (all when None), in the order
        they were put there: what the story grouper replays after its last checkpoint."""
        where, params = ("WHERE added_at > ?", (to_iso(since),)) if since is not None else ("", ())
        rows = self.db.query(f"SELECT article_id, story_id FROM story_articles {where} ORDER BY added_at, article_id",
                             params)
        return [(r["article_id"], r["story_id"]) for r in rows]
