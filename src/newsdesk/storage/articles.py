"""Articles, their revisions and LSH bands.

Each text is kept once: the current one in `articles`, earlier ones in their revisions (the latest revision's
text is NULL while it is the article's current text)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from newsdesk.model import Article, NewArticle, Revision
from newsdesk.storage.database import Database
from newsdesk.storage.pages import PageStore
from newsdesk.storage.rows import row_id
from newsdesk.timeutil import from_iso, to_iso, utcnow

_ARTICLE_TIMES = ("published_at", "updated_at", "first_seen_at")
_ARTICLE_HEAD = ("a.id, a.url, a.source_id, a.outlet, a.entry_id, a.title, a.author, a.published_at, "
                 "a.updated_at, a.first_seen_at, a.language, a.image_url, a.summary")
_ARTICLE_TAIL = ("a.text_hash, a.shingle_count, a.full_text, a.extraction_error, a.revision_count, "
                 "c.original_id AS original_id, c.method AS copy_method, c.similarity AS copy_similarity")
ARTICLE_COLUMNS = f"{_ARTICLE_HEAD}, a.text, a.minhash, {_ARTICLE_TAIL}"
ARTICLE_BRIEF_COLUMNS = f"{_ARTICLE_HEAD}, '' AS text, NULL AS minhash, {_ARTICLE_TAIL}"    # for lists
ARTICLE_FROM = "articles a LEFT JOIN copies c ON c.copy_id = a.id"
_ARTICLE_INSERT = ("id", "url", "source_id", "outlet", "entry_id", "title", "author", "published_at", "updated_at",
                   "first_seen_at", "language", "image_url", "summary", "text", "text_hash", "shingle_count",
                   "minhash", "full_text", "extraction_error")
_REVISION_INSERT = ("article_id", "fetched_at", "title", "text", "text_hash", "html_packed", "html_dictionary")


def _article_values(new: NewArticle, now: str) -> tuple:
    """The article's row after its id, in `_ARTICLE_INSERT`'s order."""
    return (new.url, new.source_id, new.outlet, new.entry_id, new.title, new.author, to_iso(new.published_at),
            to_iso(new.updated_at), to_iso(new.first_seen_at) or now, new.language, new.image_url, new.summary,
            new.text, new.text_hash, new.shingle_count, new.minhash, int(new.full_text), new.extraction_error)


def article_from_row(row: dict[str, Any]) -> Article:
    row = dict(row)
    for key in _ARTICLE_TIMES:
        row[key] = from_iso(row[key])
    row["full_text"] = bool(row["full_text"])
    return Article(**row)


def select_articles(db: Database, where: str, params: Sequence[Any], tail: str = "") -> list[Article]:
    """Articles (with their copy link) of `FROM articles a … {where} {tail}`."""
    rows = db.query(f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM} {where} {tail}", params)
    return [article_from_row(r) for r in rows]


# A revision with its text: its own, or the article's current one.
_REVISION_TEXT = "r.article_id, r.title, COALESCE(r.text, a.text) AS text"
_REVISION_FROM = "revisions r JOIN articles a ON a.id = r.article_id"


class ArticleStore(PageStore):
    db: Database

    def get_article(self, article_id: int) -> Article | None:
        if row_id(article_id) is None:
            return None
        found = select_articles(self.db, "WHERE a.id = ?", (article_id,))
        return found[0] if found else None

    def get_article_by_url(self, url: str) -> Article | None:
        found = select_articles(self.db, "WHERE a.url = ?", (url,))
        return found[0] if found else None

    def stored_urls(self, urls: list[str]) -> set[str]:
        """Those of the URLs an article has."""
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            found.update(r["url"] for r in self.db.query(f"SELECT url FROM articles WHERE url IN ({marks})", chunk))
        return found

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
        return select_articles(self.db, where, (*params, limit, offset),
                               "ORDER BY COALESCE(a.published_at, a.first_seen_at) DESC, a.id DESC LIMIT ? OFFSET ?")

    def count_articles(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM articles")[0]["n"])

    def insert_article(self, new: NewArticle) -> int:
        """Store a new article with its first revision and LSH bands, atomically."""
        now = to_iso(utcnow())
        with self.db.transaction():
            article_id = self.db.insert(
                f"INSERT INTO articles ({', '.join(_ARTICLE_INSERT[1:])}) "
                f"VALUES ({', '.join('?' for _ in _ARTICLE_INSERT[1:])})", _article_values(new, now))
            self._add_revision(article_id, new, now)
            self._set_bands(article_id, new.band_keys)
        return article_id

    def insert_articles(self, news: list[NewArticle]) -> list[int]:
        """Store many new articles (none of their URLs stored yet) with their first revisions and LSH bands, in
        one transaction, each table's rows written at once (COPY on PostgreSQL); their ids, in order."""
        if not news:
            return []
        now = to_iso(utcnow())
        with self.db.transaction():
            ids = self.db.reserve_ids("articles", len(news))
            self.db.copy_rows("articles", _ARTICLE_INSERT, [(i, *_article_values(n, now)) for i, n in zip(ids, news)])
            revisions = []
            for article_id, new in zip(ids, news):
                html, dictionary = self.pack_page(new.html)
                revisions.append((article_id, now, new.title, None, new.text_hash, html, dictionary))
            self.db.copy_rows("revisions", _REVISION_INSERT, revisions)
            self.db.copy_rows("lsh_bands", ("band_key", "article_id"),
                              [(key, i) for i, n in zip(ids, news) for key in n.band_keys])
        return ids

    def add_revision(self, article_id: int, new: NewArticle) -> None:
        """The article at the same URL changed: keep the old text as history, make the new one current."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.execute(
                "UPDATE revisions SET text = (SELECT text FROM articles WHERE id = ?) WHERE id = "
                "(SELECT MAX(id) FROM revisions WHERE article_id = ?) AND text IS NULL", (article_id, article_id))
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
        """The article's latest revision: its text is the article's current one (NULL here)."""
        html, dictionary = self.pack_page(new.html)
        self.db.execute(
            f"INSERT INTO revisions ({', '.join(_REVISION_INSERT)}) VALUES (?, ?, ?, NULL, ?, ?, ?)",
            (article_id, now, new.title, new.text_hash, html, dictionary))

    def _set_bands(self, article_id: int, band_keys: list[int]) -> None:
        if band_keys:
            self.db.executemany("INSERT INTO lsh_bands (band_key, article_id) VALUES (?, ?)",
                                [(key, article_id) for key in band_keys])

    def pages_for_reextraction(self, after_id: int = 0, limit: int = 200) -> list[tuple[int, str, bytes]]:
        """(article id, url, latest fetched HTML) for articles whose page was kept, in id order."""
        rows = self.db.query(
            "SELECT a.id, a.url, r.html_packed, r.html_dictionary FROM articles a JOIN revisions r ON r.id = "
            "(SELECT MAX(id) FROM revisions WHERE article_id = a.id) "
            "WHERE a.id > ? AND r.html_packed IS NOT NULL ORDER BY a.id LIMIT ?", (after_id, limit))
        return [(r["id"], r["url"], self.unpack_page(r["html_packed"], r["html_dictionary"])) for r in rows]

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
                "UPDATE revisions SET text = NULL, text_hash = ? WHERE id = "
                "(SELECT MAX(id) FROM revisions WHERE article_id = ?)", (new.text_hash, article_id))
            self.db.execute("DELETE FROM lsh_bands WHERE article_id = ?", (article_id,))
            self._set_bands(article_id, new.band_keys)

    def first_revisions(self, article_ids: Sequence[int]) -> dict[int, tuple[str | None, str]]:
        """(title, text) of each article as the desk first saw it, for those of these articles that it holds
        later revisions of."""
        if not article_ids:
            return {}
        marks = ", ".join("?" for _ in article_ids)
        rows = self.db.query(
            f"SELECT {_REVISION_TEXT} FROM {_REVISION_FROM} WHERE r.id IN (SELECT MIN(id) FROM revisions "
            f"WHERE article_id IN ({marks}) GROUP BY article_id HAVING COUNT(*) > 1)", list(article_ids))
        return {r["article_id"]: (r["title"], r["text"]) for r in rows}

    def versions_at(self, article_ids: Sequence[int], at: datetime) -> dict[int, tuple[str | None, str]]:
        """(title, text) of each of these articles as the desk held it at `at`: its latest revision fetched by
        then. Articles first fetched after `at` are left out."""
        found: dict[int, tuple[str | None, str]] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.query(
                f"SELECT {_REVISION_TEXT} FROM {_REVISION_FROM} WHERE r.id IN (SELECT MAX(id) FROM revisions "
                f"WHERE article_id IN ({marks}) AND fetched_at <= ? GROUP BY article_id)", [*chunk, to_iso(at)])
            found.update({r["article_id"]: (r["title"], r["text"]) for r in rows})
        return found

    def revisions(self, article_id: int) -> list[Revision]:
        rows = self.db.query(
            f"SELECT r.id, r.fetched_at, r.text_hash, r.html_packed, r.html_dictionary, {_REVISION_TEXT} "
            f"FROM {_REVISION_FROM} WHERE r.article_id = ? ORDER BY r.fetched_at, r.id", (article_id,))
        result = []
        for row in rows:
            html = self.unpack_page(row.pop("html_packed"), row.pop("html_dictionary"))
            row["fetched_at"] = from_iso(row["fetched_at"])
            result.append(Revision(**row, html=html))
        return result

    def articles_by_ids(self, ids: Sequence[int], *, with_text: bool = True) -> dict[int, Article]:
        """Articles by id; without text (text '' and no minhash) when `with_text` is False."""
        if not ids:
            return {}
        columns = ARTICLE_COLUMNS if with_text else ARTICLE_BRIEF_COLUMNS
        marks = ", ".join("?" for _ in ids)
        rows = self.db.query(f"SELECT {columns} FROM {ARTICLE_FROM} WHERE a.id IN ({marks})", list(dict.fromkeys(ids)))
        return {r["id"]: article_from_row(r) for r in rows}

    def story_languages(self) -> list[str]:
        """The languages articles are in: a skip scan over the articles_language index (one probe per language,
        not one row per article)."""
        rows = self.db.query(
            "WITH RECURSIVE langs(language) AS (SELECT MIN(language) FROM articles UNION ALL "
            "SELECT (SELECT MIN(a.language) FROM articles a WHERE a.language > langs.language) FROM langs "
            "WHERE langs.language IS NOT NULL) SELECT language FROM langs WHERE language IS NOT NULL")
        return [r["language"] for r in rows]
