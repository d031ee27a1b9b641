"""Full-text search: the index of articles and story summaries (FTS5 on SQLite, tsvector on PostgreSQL) and
the grouped, ranked query over it."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsdesk.model import OwnView, SearchGroup, SearchHit, SearchResults, Span
from newsdesk.storage.database import Database, StorageError
from newsdesk.storage.migrations import PG_TEXT_LIMIT
from newsdesk.timeutil import from_iso, to_iso


class SearchError(StorageError):
    """A search query that cannot be run; the message is for the user."""


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
# The database marks each match between these two characters; _spans turns them into Spans.
_START, _STOP = "\x02", "\x03"
_HIT_MARKS = "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=35, MinWords=15, MaxFragments=2, " \
             "FragmentDelimiter=\" … \"'"


def _spans(marked: str) -> tuple[str, list[Span]]:
    """The plain text of a snippet the database marked, and where its marked matches are in it. A start with
    no stop ends at the end of the text; a stray stop is dropped."""
    parts: list[str] = []
    spans: list[Span] = []
    length, start = 0, None
    for piece in re.split(f"([{_START}{_STOP}])", marked):
        if piece == _START:
            start = length if start is None else start
        elif piece == _STOP:
            if start is not None:
                spans.append(Span(start, length))
                start = None
        else:
            parts.append(piece)
            length += len(piece)
    if start is not None:
        spans.append(Span(start, length))
    return "".join(parts), spans


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
                       "FROM article_fts WHERE article_fts MATCH ? AND rowid IN")
    story_snippet = ("SELECT rowid AS id, snippet(story_fts, 1, char(2), char(3), '…', 24) AS snippet FROM story_fts "
                     "WHERE story_fts MATCH ? AND rowid IN")

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
        self.tsquery = " && ".join(parts)
        query = f"(SELECT {self.tsquery} AS q) tq"
        self.article_from = self.article_filtered_from = f"articles a CROSS JOIN {query}"
        self.story_from = f"story_search ss CROSS JOIN {query}"
        self.story_filtered_from = f"story_search ss JOIN stories s ON s.id = ss.story_id CROSS JOIN {query}"
        self.article_snippet = (f"SELECT a.id AS id, ts_headline('english', left(a.text, {PG_TEXT_LIMIT}), tq.q, "
                                f"{_HIT_MARKS}) AS snippet FROM {self.article_from} WHERE a.id IN")
        self.story_snippet = (f"SELECT ss.story_id AS id, ts_headline('english', COALESCE(ss.summary, ''), tq.q, "
                              f"{_HIT_MARKS}) AS snippet FROM {self.story_from} WHERE ss.story_id IN")


def matching_ids_sql(dialect: str, query: str, *, stories: bool = False) -> tuple[str, list[str]]:
    """A subquery selecting the ids of the articles (or of the stories, by headline and summary) that a search
    query matches, by the search's own index and syntax, and its parameters. SearchError for a bad query."""
    terms = parse_search_query(query)
    if dialect == "sqlite":
        match = _SqliteMatch(terms)
        table = "story_fts" if stories else "article_fts"
        return f"SELECT rowid FROM {table} WHERE {table} MATCH ?", match.params
    pg = _PostgresMatch(terms)
    if stories:
        return f"SELECT sm.story_id FROM story_search sm WHERE sm.search_vector @@ ({pg.tsquery})", pg.params
    return f"SELECT am.id FROM articles am WHERE am.search_vector @@ ({pg.tsquery})", pg.params


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


def unindex_story(db: Database, story_id: int) -> None:
    if db.dialect == "sqlite":
        db.execute("DELETE FROM story_fts WHERE rowid = ?", (story_id,))
    else:
        db.execute("DELETE FROM story_search WHERE story_id = ?", (story_id,))


def index_story(db: Database, story_id: int, headline: str | None, page_json: str, *, replace: bool = True) -> None:
    summary = _page_summary(page_json)
    if db.dialect == "sqlite":
        if replace:
            unindex_story(db, story_id)
        db.execute("INSERT INTO story_fts (rowid, headline, summary) VALUES (?, ?, ?)", (story_id, headline, summary))
    else:
        db.execute("INSERT INTO story_search (story_id, headline, summary) VALUES (?, ?, ?) "
                   "ON CONFLICT (story_id) DO UPDATE SET headline = excluded.headline, "
                   "summary = excluded.summary", (story_id, headline, summary))


class SearchStore:
    db: Database

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
                index_story(self.db, row["id"], row["headline"], row["page_json"], replace=False)
            if self.db.dialect == "postgresql":
                self.db.execute("REINDEX INDEX articles_search")
        return int(self.db.query("SELECT COUNT(*) AS n FROM articles")[0]["n"]) + len(rows)

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

    def search(self, query: str, *, since: datetime | None = None, until: datetime | None = None,
               source_id: int | None = None, limit: int = 20, offset: int = 0,
               entity_id: int | None = None, view: OwnView | None = None) -> SearchResults:
        """Articles and stories matching `query`, grouped by story; groups ranked by their best match.
        `limit`/`offset` count groups. Words are all required; "quoted words" form a phrase; `word*` matches
        words that start so. A query matching more than SEARCH_WINDOW articles (or stories)
        ranks the most recent SEARCH_WINDOW of them (`capped` is then True). `entity_id` keeps the articles
        and stories naming that entity; `view` leaves out what is out of a user's own view (an article hit, and a
        story with every hit of it)."""
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
        if entity_id is not None:      # articles naming the entity, and stories whose reports name it
            art_where.append(f"{match.article_id} IN (SELECT article_id FROM article_entities WHERE entity_id = ?)")
            art_params.append(entity_id)
            story_where.append("EXISTS (SELECT 1 FROM story_entities x WHERE x.story_id = s.id AND x.entity_id = ?)")
            story_params.append(entity_id)
        editor_hides = bool(self.db.query("SELECT 1 FROM story_overrides WHERE hidden = 1 LIMIT 1"))
        if (view is not None and view.hides_anything) or editor_hides:
            from newsdesk.storage.own_view import article_out_of_view, story_out_of_view
            hidden_article = article_out_of_view(self.db.dialect, view, match.article_id, "a.source_id")
            if hidden_article is not None:
                art_where.append(f"NOT {hidden_article[0]}")
                art_params += hidden_article[1]
            hidden_story = story_out_of_view(self.db.dialect, view, "sa.story_id")
            art_where.append(f"(sa.story_id IS NULL OR NOT {hidden_story[0]})")
            art_params += hidden_story[1]
            hidden_story = story_out_of_view(self.db.dialect, view, "s.id")
            story_where.append(f"NOT {hidden_story[0]}")
            story_params += hidden_story[1]
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
            hit.snippet, hit.highlights = snippets.get(hit.article_id, ("", []))
        story_snippets = self._snippets(match.story_snippet, match, matched)
        for key in matched:
            groups[key].snippet, groups[key].highlights = story_snippets.get(key, ("", []))
        return list(groups.values())

    def _snippets(self, sql: str, match: _SqliteMatch | _PostgresMatch, row_ids: list[int]
                  ) -> dict[int, tuple[str, list[Span]]]:
        """Snippets of these rows in one query (`sql` ends in `IN`, the row ids follow): row id → (plain text,
        matches)."""
        if not row_ids:
            return {}
        rows = self.db.query(f"{sql} ({', '.join('?' for _ in row_ids)})", [*match.params, *row_ids])
        return {r["id"]: _spans(r["snippet"] or "") for r in rows}
