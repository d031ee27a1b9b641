"""Following: users' watchlists (indexed by entity, source, folder, story and their query's terms), the stories
each has matched, what the matcher reads of new articles and stories, and users' block/keep rules."""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from newsdesk.model import AlertEvent, Rule, RuleAction, RuleKind, WatchKind, Watchlist
from newsdesk.storage.database import Database
from newsdesk.storage.search import _PostgresMatch, _SqliteMatch, parse_search_query
from newsdesk.timeutil import from_iso, to_iso, utcnow

_CHUNK = 500
# A query watchlist none of whose words can key it (only prefix words, or only stop words) is filed under this
# term and checked against every batch of new articles.
UNKEYED = "*"
_WORD = re.compile(r"[^\W_]+")
_WATCH_COLUMNS = ("id, user_id, kind, value, label, events, created_at, quiet_start, quiet_end, min_gap_hours, "
                  "webhook_url, webhook_secret, webhook_failures, webhook_disabled, email, "
                  "feed_token_hash IS NOT NULL AS has_feed")


def _marks(items: Sequence) -> str:
    return ", ".join("?" * len(items))


def _chunks(items: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def watchlist_from_row(row: dict[str, Any]) -> Watchlist:
    return Watchlist(
        id=row["id"], user_id=row["user_id"], kind=WatchKind(row["kind"]), value=row["value"], label=row["label"],
        events=frozenset(AlertEvent(e) for e in row["events"].split(",") if e),
        created_at=from_iso(row["created_at"]), quiet_start=row["quiet_start"], quiet_end=row["quiet_end"],
        min_gap_hours=row["min_gap_hours"], webhook_url=row["webhook_url"], webhook_secret=row["webhook_secret"],
        webhook_failures=row["webhook_failures"], webhook_disabled=row["webhook_disabled"], email=row["email"],
        has_feed=bool(row["has_feed"]))


class AlertStore:
    db: Database
    _stems: OrderedDict | None = None

    # -- watchlists --------------------------------------------------------------------------------------------

    def add_watchlist(self, user_id: int, kind: WatchKind, value: str, label: str, events: Iterable[AlertEvent], *,
                      terms: Iterable[str] = (), query_terms: list | None = None, folder: str | None = None,
                      quiet: tuple[int, int] | None = None, min_gap_hours: float | None = None,
                      webhook_url: str | None = None, webhook_secret: str | None = None, email: str | None = None,
                      story_sources: int | None = None) -> Watchlist:
        """A new watchlist with its index entries; a story watchlist knows its story from now (its sources
        now are what "grows" counts from)."""
        now = to_iso(utcnow())
        ident = int(value) if kind in (WatchKind.ENTITY, WatchKind.SOURCE, WatchKind.STORY) else None
        with self.db.transaction():
            watchlist_id = self.db.insert(
                "INSERT INTO watchlists (user_id, kind, value, label, entity_id, source_id, story_id, folder, "
                "query_terms, events, quiet_start, quiet_end, min_gap_hours, webhook_url, webhook_secret, email, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (user_id, str(kind), value, label, ident if kind == WatchKind.ENTITY else None,
                 ident if kind == WatchKind.SOURCE else None, ident if kind == WatchKind.STORY else None, folder,
                 json.dumps(query_terms) if query_terms is not None else None,
                 ",".join(sorted(str(e) for e in events)), quiet[0] if quiet else None, quiet[1] if quiet else None,
                 min_gap_hours, webhook_url, webhook_secret, email, now))
            self.db.executemany("INSERT INTO watchlist_terms (term, watchlist_id) VALUES (?, ?)",
                                [(term, watchlist_id) for term in sorted(set(terms))])
            if kind == WatchKind.STORY:
                self.db.execute("INSERT INTO watched_stories (watchlist_id, story_id, sources, seen_at) "
                                "VALUES (?, ?, ?, ?)", (watchlist_id, ident, story_sources or 0, now))
        return self.get_watchlist(watchlist_id)

    def get_watchlist(self, watchlist_id: int) -> Watchlist | None:
        rows = self.db.query(f"SELECT {_WATCH_COLUMNS} FROM watchlists WHERE id = ?", (watchlist_id,))
        return watchlist_from_row(rows[0]) if rows else None

    def watchlists(self, user_id: int) -> list[Watchlist]:
        rows = self.db.query(f"SELECT {_WATCH_COLUMNS} FROM watchlists WHERE user_id = ? ORDER BY id", (user_id,))
        return [watchlist_from_row(r) for r in rows]

    def watchlists_by_ids(self, ids: Iterable[int]) -> dict[int, Watchlist]:
        found: dict[int, Watchlist] = {}
        for chunk in _chunks(sorted(set(ids))):
            for r in self.db.query(f"SELECT {_WATCH_COLUMNS} FROM watchlists WHERE id IN ({_marks(chunk)})", chunk):
                found[r["id"]] = watchlist_from_row(r)
        return found

    def delete_watchlist(self, user_id: int, watchlist_id: int) -> bool:
        """Delete one of the user's watchlists (with its alerts and their pushes); False when the user has none
        with that id."""
        with self.db.transaction():
            return self.db.execute("DELETE FROM watchlists WHERE id = ? AND user_id = ?", (watchlist_id, user_id)) > 0

    def count_watchlists(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM watchlists")[0]["n"])

    def has_watchlists(self) -> bool:
        return bool(self.db.query("SELECT 1 AS one FROM watchlists LIMIT 1"))

    def set_watchlist_feed(self, watchlist_id: int, token_hash: str | None) -> None:
        self.db.execute("UPDATE watchlists SET feed_token_hash = ? WHERE id = ?", (token_hash, watchlist_id))

    def watchlist_by_feed(self, token_hash: str) -> Watchlist | None:
        rows = self.db.query(f"SELECT {_WATCH_COLUMNS} FROM watchlists WHERE feed_token_hash = ?", (token_hash,))
        return watchlist_from_row(rows[0]) if rows else None

    def update_watchlist(self, watchlist_id: int, *, events: Iterable[AlertEvent], quiet: tuple[int, int] | None,
                         min_gap_hours: float | None, email: str | None,
                         hook: tuple[str | None, str | None] | None = None) -> None:
        """What counts, the limits and the e-mail of a watchlist; with `hook`, a new (url, secret), enabled."""
        sql = "UPDATE watchlists SET events = ?, quiet_start = ?, quiet_end = ?, min_gap_hours = ?, email = ?"
        params: list[Any] = [",".join(sorted(str(e) for e in events)), quiet[0] if quiet else None,
                             quiet[1] if quiet else None, min_gap_hours, email]
        if hook is not None:
            sql += ", webhook_url = ?, webhook_secret = ?, webhook_failures = 0, webhook_disabled = NULL"
            params += list(hook)
        self.db.execute(sql + " WHERE id = ?", (*params, watchlist_id))

    def set_webhook(self, watchlist_id: int, url: str | None, secret: str | None) -> None:
        """A new hook (or none), enabled, with no failures counted."""
        self.db.execute("UPDATE watchlists SET webhook_url = ?, webhook_secret = ?, webhook_failures = 0, "
                        "webhook_disabled = NULL WHERE id = ?", (url, secret, watchlist_id))

    def enable_webhook(self, watchlist_id: int) -> None:
        self.db.execute("UPDATE watchlists SET webhook_failures = 0, webhook_disabled = NULL WHERE id = ?",
                        (watchlist_id,))

    def webhook_failed(self, watchlist_id: int, disable_after: int, reason: str, *, at_once: bool = False) -> str | None:
        """Count a failed attempt of the watchlist's hook; at `disable_after` in a row (or `at_once`) the hook is
        disabled and its waiting pushes given up. Returns the reason it was disabled, when it was."""
        with self.db.transaction():
            self.db.execute("UPDATE watchlists SET webhook_failures = webhook_failures + 1 WHERE id = ?",
                            (watchlist_id,))
            rows = self.db.query("SELECT webhook_failures, webhook_disabled FROM watchlists WHERE id = ?",
                                 (watchlist_id,))
            if not rows or rows[0]["webhook_disabled"]:
                return None
            failures = rows[0]["webhook_failures"]
            if not at_once and failures < disable_after:
                return None
            why = (f"disabled after {failures} failed attempts in a row; the last: {reason}" if not at_once
                   else f"disabled: {reason}")
            self.db.execute("UPDATE watchlists SET webhook_disabled = ? WHERE id = ?", (why, watchlist_id))
            self.db.execute("UPDATE alert_deliveries SET state = 'failed', last_error = ? WHERE watchlist_id = ? "
                            "AND channel = 'webhook' AND state = 'pending'", (why, watchlist_id))
            return why

    def webhook_succeeded(self, watchlist_id: int) -> None:
        self.db.execute("UPDATE watchlists SET webhook_failures = 0 WHERE id = ? AND webhook_failures > 0",
                        (watchlist_id,))

    # -- what the matcher reads --------------------------------------------------------------------------------

    def alert_articles(self, article_ids: Sequence[int]) -> list[dict[str, Any]]:
        """The articles among these that are in a story: id, story_id, source_id, folder, outlet, title, url,
        first_seen_at, copy (a reprint)."""
        found = []
        for chunk in _chunks(sorted(set(article_ids))):
            found += self.db.query(
                "SELECT a.id, sa.story_id, a.source_id, s.folder, a.outlet, a.title, a.url, a.first_seen_at, "
                "CASE WHEN c.copy_id IS NULL THEN 0 ELSE 1 END AS copy FROM articles a "
                "JOIN story_articles sa ON sa.article_id = a.id LEFT JOIN sources s ON s.id = a.source_id "
                f"LEFT JOIN copies c ON c.copy_id = a.id WHERE a.id IN ({_marks(chunk)})", chunk)
        for r in found:
            r["first_seen_at"] = from_iso(r["first_seen_at"])
        return found

    def grouped_articles_after(self, article_id: int, limit: int = 20_000) -> list[int]:
        """Ids of the articles in a story above `article_id`, in order."""
        rows = self.db.query("SELECT article_id FROM story_articles WHERE article_id > ? ORDER BY article_id LIMIT ?",
                             (article_id, limit))
        return [r["article_id"] for r in rows]

    def alert_stories(self, story_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Live stories with a written page: id → slug, headline, independent_count, page (the page JSON, parsed)."""
        found = {}
        for chunk in _chunks(sorted(set(story_ids))):
            for r in self.db.query("SELECT id, slug, headline, independent_count, page_json FROM stories "
                                   f"WHERE id IN ({_marks(chunk)}) AND merged_into IS NULL "
                                   "AND page_json IS NOT NULL", chunk):
                try:
                    r["page"] = json.loads(r.pop("page_json"))
                except ValueError:
                    r["page"] = {}
                found[r["id"]] = r
        return found

    def article_terms(self, article_ids: Sequence[int]) -> dict[int, set[str]]:
        """The terms the search index holds for each article (stemmed as the index stems them)."""
        found: dict[int, set[str]] = {}
        for chunk in _chunks(sorted(set(article_ids))):
            if self.db.dialect == "postgresql":
                for r in self.db.query("SELECT id, unnest(tsvector_to_array(search_vector)) AS term FROM articles "
                                       f"WHERE id IN ({_marks(chunk)})", chunk):
                    found.setdefault(r["id"], set()).add(r["term"])
                continue
            rows = self.db.query(f"SELECT id, title, text, outlet FROM articles WHERE id IN ({_marks(chunk)})", chunk)
            words = {r["id"]: set(_WORD.findall(f"{r['title'] or ''} {r['outlet'] or ''} {r['text']}".lower()))
                     for r in rows}
            stems = self._stem_words({w for ws in words.values() for w in ws})
            for article_id, ws in words.items():
                found[article_id] = {t for w in ws for t in stems.get(w, ())}
        return found

    def index_tokens(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """word → the terms the search index makes of it (none for a stop word on PostgreSQL)."""
        words = set(words)
        if self.db.dialect == "postgresql":
            found: dict[str, list[str]] = {w: [] for w in words}
            for chunk in _chunks(sorted(words)):
                rows = self.db.query("SELECT w, unnest(tsvector_to_array(to_tsvector('english', w))) AS term "
                                     f"FROM (VALUES {', '.join('(CAST(? AS TEXT))' for _ in chunk)}) AS v(w)", chunk)
                for r in rows:
                    found[r["w"]].append(r["term"])
            return {w: tuple(terms) for w, terms in found.items()}
        return self._stem_words(words)

    def _stem_words(self, words: set[str]) -> dict[str, tuple[str, ...]]:
        """SQLite: each word through the index's own tokenizer (a temporary FTS5 table), remembered."""
        if self._stems is None:
            self._stems = OrderedDict()
        cache = self._stems
        missing = sorted(w for w in words if w not in cache)
        for chunk in _chunks(missing):
            with self.db.transaction():
                self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.alert_words USING fts5(w, tokenize="
                                "'porter unicode61 remove_diacritics 2')")
                self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.alert_words_v USING "
                                "fts5vocab(temp, alert_words, instance)")
                self.db.executemany("INSERT INTO temp.alert_words (rowid, w) VALUES (?, ?)",
                                    list(enumerate(chunk, 1)))
                made: dict[int, list[str]] = {}
                for r in self.db.query("SELECT doc, term FROM temp.alert_words_v"):
                    made.setdefault(r["doc"], []).append(r["term"])
                self.db.execute("DELETE FROM temp.alert_words")
            for k, word in enumerate(chunk, 1):
                cache[word] = tuple(made.get(k, ()))
        while len(cache) > 200_000:
            cache.popitem(last=False)
        return {w: cache[w] for w in words if w in cache}

    def watchlists_by_terms(self, terms: Iterable[str]) -> dict[int, str]:
        """Query watchlists keyed by any of these terms, and those no term keys: watchlist id → its key."""
        wanted = sorted(set(terms) | {UNKEYED})
        found: dict[int, str] = {}
        for chunk in _chunks(wanted):
            found.update((r["watchlist_id"], r["term"]) for r in self.db.query(
                f"SELECT term, watchlist_id FROM watchlist_terms WHERE term IN ({_marks(chunk)})", chunk))
        return found

    def query_watchlists(self, ids: Iterable[int]) -> dict[int, tuple[str, list]]:
        """Of these watchlists, the queries: id → (the query, its parsed terms [[tokens, prefix], …])."""
        found = {}
        for chunk in _chunks(sorted(set(ids))):
            for r in self.db.query(f"SELECT id, value, query_terms FROM watchlists WHERE id IN ({_marks(chunk)}) "
                                   "AND kind = 'query'", chunk):
                found[r["id"]] = (r["value"], json.loads(r["query_terms"] or "[]"))
        return found

    def storyline_watchlists(self, storyline_ids: Iterable[int]) -> list[Watchlist]:
        """The watchlists following these storylines."""
        values = sorted({str(i) for i in storyline_ids})
        found: list[Watchlist] = []
        for chunk in _chunks(values):
            rows = self.db.query(f"SELECT {_WATCH_COLUMNS} FROM watchlists WHERE kind = 'storyline' "
                                 f"AND value IN ({_marks(chunk)}) ORDER BY id", chunk)
            found += [watchlist_from_row(r) for r in rows]
        return found

    def watchlists_following(self, *, entity_ids: Iterable[int] = (), source_ids: Iterable[int] = (),
                             folders: Iterable[str] = ()) -> set[int]:
        """Watchlists of these entities, sources and folders."""
        found: set[int] = set()
        for column, values in (("entity_id", sorted(set(entity_ids))), ("source_id", sorted(set(source_ids))),
                               ("folder", sorted(set(folders)))):
            for chunk in _chunks(values):
                found |= {r["id"] for r in self.db.query(
                    f"SELECT id FROM watchlists WHERE {column} IN ({_marks(chunk)})", chunk)}
        return found

    def articles_matching(self, query: str, article_ids: Sequence[int]) -> set[int]:
        """Which of these articles the search query matches, by the search's own index and syntax."""
        terms = parse_search_query(query)
        found: set[int] = set()
        for chunk in _chunks(sorted(set(article_ids))):
            if self.db.dialect == "sqlite":
                match = _SqliteMatch(terms)
                rows = self.db.query(f"SELECT rowid AS id FROM article_fts WHERE article_fts MATCH ? "
                                     f"AND rowid IN ({_marks(chunk)})", [*match.params, *chunk])
            else:
                match = _PostgresMatch(terms)
                rows = self.db.query(f"SELECT a.id FROM {match.article_from} WHERE {match.article_match} "
                                     f"AND a.id IN ({_marks(chunk)})", [*match.params, *chunk])
            found |= {r["id"] for r in rows}
        return found

    def watched(self, story_ids: Iterable[int]) -> dict[tuple[int, int], dict[str, Any]]:
        """(watchlist id, story id) → sources, seen_at, last_alert_at: what each watchlist knows of these stories. Rows of
        stories merged into one of these are moved to it first."""
        ids = sorted(set(story_ids))
        found: dict[tuple[int, int], dict[str, Any]] = {}
        for chunk in _chunks(ids):
            merged = self.db.query(f"SELECT id, merged_into FROM stories WHERE merged_into IN ({_marks(chunk)})", chunk)
            for m in merged:
                self._move_watched(m["id"], m["merged_into"])
            for r in self.db.query("SELECT watchlist_id, story_id, sources, seen_at, last_alert_at FROM "
                                   f"watched_stories WHERE story_id IN ({_marks(chunk)})", chunk):
                r["last_alert_at"] = from_iso(r["last_alert_at"])
                r["seen_at"] = from_iso(r["seen_at"])
                found[(r["watchlist_id"], r["story_id"])] = r
        return found

    def _move_watched(self, old: int, new: int) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM watched_stories WHERE story_id = ? AND watchlist_id IN "
                            "(SELECT watchlist_id FROM watched_stories WHERE story_id = ?)", (old, new))
            self.db.execute("UPDATE watched_stories SET story_id = ? WHERE story_id = ?", (new, old))
            self.db.execute("UPDATE watchlists SET story_id = ?, value = ? WHERE story_id = ?", (new, str(new), old))

    def forget_watched(self, before: datetime) -> int:
        """Forget the stories watchlists matched but have not seen move since `before` (a story watchlist keeps
        its story)."""
        return self.db.execute(
            "DELETE FROM watched_stories WHERE seen_at < ? AND watchlist_id NOT IN "
            "(SELECT id FROM watchlists WHERE kind = 'story')", (to_iso(before),))

    # -- block and keep rules ----------------------------------------------------------------------------------

    def add_rule(self, user_id: int, action: RuleAction, kind: RuleKind, value: str, label: str) -> Rule:
        with self.db.transaction():
            self.db.execute("INSERT INTO user_rules (user_id, action, kind, value, label, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, action, kind, value) DO NOTHING",
                            (user_id, str(action), str(kind), value, label, to_iso(utcnow())))
            row = self.db.query("SELECT id FROM user_rules WHERE user_id = ? AND action = ? AND kind = ? "
                                "AND value = ?", (user_id, str(action), str(kind), value))
        return Rule(row[0]["id"], user_id, action, kind, value, label)

    def rules(self, user_ids: int | Iterable[int]) -> list[Rule]:
        ids = [user_ids] if isinstance(user_ids, int) else sorted(set(user_ids))
        found = []
        for chunk in _chunks(ids):
            found += [Rule(r["id"], r["user_id"], RuleAction(r["action"]), RuleKind(r["kind"]), r["value"], r["label"])
                      for r in self.db.query("SELECT id, user_id, action, kind, value, label FROM user_rules "
                                             f"WHERE user_id IN ({_marks(chunk)}) ORDER BY id", chunk)]
        return found

    def delete_rule(self, user_id: int, rule_id: int) -> bool:
        return self.db.execute("DELETE FROM user_rules WHERE id = ? AND user_id = ?", (rule_id, user_id)) > 0

    def story_article_sources(self, story_ids: Iterable[int]) -> dict[int, list[tuple[int, int | None, bool]]]:
        """story id → (article id, source id, is a reprint) of its articles."""
        found: dict[int, list] = {}
        for chunk in _chunks(sorted(set(story_ids))):
            for r in self.db.query(
                    "SELECT sa.story_id, a.id, a.source_id, CASE WHEN c.copy_id IS NULL THEN 0 ELSE 1 END AS copy "
                    "FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                    f"LEFT JOIN copies c ON c.copy_id = a.id WHERE sa.story_id IN ({_marks(chunk)})", chunk):
                found.setdefault(r["story_id"], []).append((r["id"], r["source_id"], bool(r["copy"])))
        return found

    def article_sources(self, article_ids: Iterable[int]) -> dict[int, int | None]:
        found = {}
        for chunk in _chunks(sorted(set(article_ids))):
            for r in self.db.query(f"SELECT id, source_id FROM articles WHERE id IN ({_marks(chunk)})", chunk):
                found[r["id"]] = r["source_id"]
        return found
