"""What each user has read and starred, and what each hides.

An article is read by a user when it was marked read, or when it was first seen before the user's `read_before`
mark ("mark all as read" moves it) and was not marked unread since. So reading state grows with what users
do, not with users × articles, and an unread count reads only the articles seen after the mark. Reprints
(articles in `copies`) are never counted: a reader sees the original once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from newsdesk.model import OwnView, StoryRead, UnreadCounts
from newsdesk.storage.database import Database
from newsdesk.storage.own_view import article_out_of_view, in_view
from newsdesk.timeutil import from_iso, to_iso, utcnow

# The most ids one statement binds (SQLite's default limit is 32,766 variables).
_CHUNK = 500
_ORIGINAL = "NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)"


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _marks(ids: Sequence[int]) -> str:
    return ", ".join("?" * len(ids))


class ReadingStore:
    db: Database

    # -- articles ----------------------------------------------------------------------------------------------

    def mark_articles(self, user_id: int, article_ids: Sequence[int], *, read: bool | None = None,
                      starred: bool | None = None) -> int:
        """Mark articles read or unread and/or starred or not; ids of no article are skipped. The number of
        articles marked."""
        if read is None and starred is None:
            return 0
        now = to_iso(utcnow())
        marked = 0
        with self.db.transaction():
            for chunk in _chunks(sorted(set(article_ids))):
                existing = [r["id"] for r in self.db.query(
                    f"SELECT id FROM articles WHERE id IN ({_marks(chunk)})", chunk)]
                for article_id in existing:
                    self.db.execute(
                        "INSERT INTO article_marks (user_id, article_id, is_read, starred, marked_at) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, article_id) DO UPDATE SET "
                        "is_read = COALESCE(excluded.is_read, article_marks.is_read), "
                        "starred = CASE WHEN CAST(? AS INTEGER) IS NULL THEN article_marks.starred ELSE excluded.starred END, "
                        "marked_at = excluded.marked_at",
                        (user_id, article_id, None if read is None else int(read), int(bool(starred)), now,
                         None if starred is None else int(starred)))
                marked += len(existing)
        return marked

    def article_states(self, user_id: int, read_before: datetime, article_ids: Sequence[int]) -> dict[int, tuple[bool, bool]]:
        """article id -> (read, starred) for the given articles."""
        states: dict[int, tuple[bool, bool]] = {}
        mark = to_iso(read_before)
        for chunk in _chunks(list(article_ids)):
            rows = self.db.query(
                f"SELECT a.id, a.first_seen_at, m.is_read, m.starred FROM articles a "
                f"LEFT JOIN article_marks m ON m.article_id = a.id AND m.user_id = ? WHERE a.id IN ({_marks(chunk)})",
                (user_id, *chunk))
            for r in rows:
                read = bool(r["is_read"]) if r["is_read"] is not None else r["first_seen_at"] < mark
                states[r["id"]] = (read, bool(r["starred"]))
        return states

    def unread_article_ids(self, user_id: int, read_before: datetime, *, source_ids: Sequence[int] | None = None,
                           limit: int = 1000, older_first: bool = False) -> list[int]:
        """The user's unread original articles (of these sources), newest first unless `older_first`."""
        scope, params = self._scope(source_ids)
        order = "ASC" if older_first else "DESC"
        rows = self.db.query(
            f"SELECT a.id FROM articles a LEFT JOIN article_marks m ON m.article_id = a.id AND m.user_id = ? "
            f"WHERE {_ORIGINAL}{scope} AND ((a.first_seen_at >= ? AND (m.is_read IS NULL OR m.is_read = 0)) "
            f"OR (a.first_seen_at < ? AND m.is_read = 0)) ORDER BY a.first_seen_at {order}, a.id {order} LIMIT ?",
            (user_id, *params, to_iso(read_before), to_iso(read_before), limit))
        return [r["id"] for r in rows]

    def story_unread_counts(self, user_id: int, read_before: datetime, story_ids: Sequence[int],
                            view: OwnView | None = None) -> dict[int, int]:
        """story id -> the user's unread original articles in it (those in the user's `view`), for the given
        stories (those with none are left out): one query for a page of story cards."""
        counts: dict[int, int] = {}
        mark = to_iso(read_before)
        shown, shown_params = in_view(article_out_of_view(self.db.dialect, view))
        for chunk in _chunks(list(dict.fromkeys(story_ids))):
            rows = self.db.query(
                f"SELECT sa.story_id, COUNT(*) AS n FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                f"LEFT JOIN article_marks m ON m.article_id = a.id AND m.user_id = ? "
                f"WHERE sa.story_id IN ({_marks(chunk)}) AND {_ORIGINAL} "
                f"AND ((a.first_seen_at >= ? AND (m.is_read IS NULL OR m.is_read = 0)) "
                f"OR (a.first_seen_at < ? AND m.is_read = 0)){shown} GROUP BY sa.story_id",
                (user_id, *chunk, mark, mark, *shown_params))
            counts.update({r["story_id"]: int(r["n"]) for r in rows})
        return counts

    def starred_article_ids(self, user_id: int, limit: int = 1000) -> list[int]:
        rows = self.db.query(
            "SELECT m.article_id FROM article_marks m JOIN articles a ON a.id = m.article_id "
            "WHERE m.user_id = ? AND m.starred = 1 ORDER BY a.first_seen_at DESC, a.id DESC LIMIT ?",
            (user_id, limit))
        return [r["article_id"] for r in rows]

    def unread_counts(self, user_id: int, read_before: datetime, view: OwnView | None = None) -> UnreadCounts:
        """Unread original articles (in the user's `view`), in all and per source: those seen after the user's
        mark, less those marked read, plus those before it marked unread. What was seen after the mark is added
        up from the per-day counts (`originals_seen_since`) unless the view decides article by article (a blocked
        entity or query; a kept one from a hidden source), which only counting the articles themselves can tell."""
        mark = to_iso(read_before)
        shown, shown_params = in_view(article_out_of_view(self.db.dialect, view))
        per_article = view is not None and bool(view.block_entities or view.block_queries or (
            view.hidden_sources and (view.keep_entities or view.keep_queries)))
        if per_article:
            by_source: dict[int, int] = {}
        else:
            hidden = view.hidden_sources - view.keep_sources if view is not None else frozenset()
            by_source = {s: n for s, n in self.originals_seen_since(read_before).items() if s not in hidden}

        def add(rows: list[dict[str, Any]], sign: int) -> None:
            for r in rows:
                if r["source_id"] is not None:
                    by_source[r["source_id"]] = by_source.get(r["source_id"], 0) + sign * int(r["n"])

        if per_article:     # by source, so that each source's articles since the mark are one index range
            add(self.db.query(f"SELECT a.source_id, COUNT(*) AS n FROM articles a WHERE a.source_id IN "
                              f"(SELECT id FROM sources) AND a.first_seen_at >= ? AND {_ORIGINAL}{shown} "
                              f"GROUP BY a.source_id", (mark, *shown_params)), 1)
        add(self.db.query(f"SELECT a.source_id, COUNT(*) AS n FROM article_marks m JOIN articles a "
                          f"ON a.id = m.article_id WHERE m.user_id = ? AND m.is_read = 1 AND a.first_seen_at >= ? "
                          f"AND a.source_id IN (SELECT id FROM sources) AND {_ORIGINAL}{shown} GROUP BY a.source_id",
                          (user_id, mark, *shown_params)), -1)
        add(self.db.query(f"SELECT a.source_id, COUNT(*) AS n FROM article_marks m JOIN articles a "
                          f"ON a.id = m.article_id WHERE m.user_id = ? AND m.is_read = 0 AND a.first_seen_at < ? "
                          f"AND a.source_id IN (SELECT id FROM sources) AND {_ORIGINAL}{shown} GROUP BY a.source_id",
                          (user_id, mark, *shown_params)), 1)
        by_source = {source: n for source, n in by_source.items() if n > 0}
        return UnreadCounts(sum(by_source.values()), by_source)

    def mark_all_read(self, user_id: int, before: datetime | None = None,
                      source_ids: Sequence[int] | None = None) -> None:
        """Every article first seen before `before` (default: now) read, in all or only of these sources."""
        before_iso = to_iso(before or utcnow())
        with self.db.transaction():
            if source_ids is None:
                self.db.execute("UPDATE users SET read_before = ? WHERE id = ? AND read_before < ?",
                                (before_iso, user_id, before_iso))
                self.db.execute("UPDATE article_marks SET is_read = NULL WHERE user_id = ? AND article_id IN "
                                "(SELECT id FROM articles WHERE first_seen_at < ?)", (user_id, before_iso))
                self.db.execute("DELETE FROM article_marks WHERE user_id = ? AND is_read IS NULL AND starred = 0",
                                (user_id,))
                return
            mark = self.db.query("SELECT read_before FROM users WHERE id = ?", (user_id,))
            if not mark:
                return
            scope, params = self._scope(source_ids)
            self.db.execute(
                f"INSERT INTO article_marks (user_id, article_id, is_read, starred, marked_at) "
                f"SELECT ?, a.id, 1, 0, ? FROM articles a WHERE a.first_seen_at < ?{scope} "
                f"AND (a.first_seen_at >= ? OR EXISTS (SELECT 1 FROM article_marks m WHERE m.user_id = ? "
                f"AND m.article_id = a.id AND m.is_read = 0)) "
                f"ON CONFLICT (user_id, article_id) DO UPDATE SET is_read = 1, marked_at = excluded.marked_at",
                (user_id, to_iso(utcnow()), before_iso, *params, mark[0]["read_before"], user_id))

    @staticmethod
    def _scope(source_ids: Sequence[int] | None) -> tuple[str, list[Any]]:
        if source_ids is None:
            return "", []
        ids = list(source_ids) or [-1]
        return f" AND a.source_id IN ({_marks(ids)})", ids

    # -- stories -----------------------------------------------------------------------------------------------

    def mark_story_read(self, user_id: int, story_id: int, seen_articles: Sequence[int],
                        at: datetime | None = None) -> None:
        """The user read the story's page as written from `seen_articles`."""
        self.db.execute(
            "INSERT INTO story_reads (user_id, story_id, read_at, seen_articles, starred) VALUES (?, ?, ?, ?, 0) "
            "ON CONFLICT (user_id, story_id) DO UPDATE SET read_at = excluded.read_at, "
            "seen_articles = excluded.seen_articles",
            (user_id, story_id, to_iso(at or utcnow()), json.dumps(sorted(set(seen_articles)))))

    def mark_story_unread(self, user_id: int, story_id: int) -> None:
        with self.db.transaction():
            self.db.execute("UPDATE story_reads SET read_at = NULL, seen_articles = NULL "
                            "WHERE user_id = ? AND story_id = ?", (user_id, story_id))
            self.db.execute("DELETE FROM story_reads WHERE user_id = ? AND story_id = ? AND starred = 0",
                            (user_id, story_id))

    def star_story(self, user_id: int, story_id: int, starred: bool) -> None:
        self.db.execute(
            "INSERT INTO story_reads (user_id, story_id, starred) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, story_id) DO UPDATE SET starred = excluded.starred",
            (user_id, story_id, int(starred)))

    def story_reads(self, user_id: int, story_ids: Sequence[int]) -> dict[int, StoryRead]:
        reads: dict[int, StoryRead] = {}
        for chunk in _chunks(list(story_ids)):
            rows = self.db.query(f"SELECT story_id, read_at, seen_articles, starred FROM story_reads "
                                 f"WHERE user_id = ? AND story_id IN ({_marks(chunk)})", (user_id, *chunk))
            for r in rows:
                reads[r["story_id"]] = StoryRead(r["story_id"], from_iso(r["read_at"]),
                                                 json.loads(r["seen_articles"] or "[]"), bool(r["starred"]))
        return reads

    def starred_story_ids(self, user_id: int, limit: int = 1000) -> list[int]:
        rows = self.db.query("SELECT story_id FROM story_reads WHERE user_id = ? AND starred = 1 "
                             "ORDER BY story_id DESC LIMIT ?", (user_id, limit))
        return [r["story_id"] for r in rows]

    def stories_read_by(self, user_id: int, limit: int = 10_000) -> dict[int, StoryRead]:
        """Every story the user has read, most recently read first."""
        rows = self.db.query("SELECT story_id, read_at, seen_articles, starred FROM story_reads "
                             "WHERE user_id = ? AND read_at IS NOT NULL ORDER BY read_at DESC LIMIT ?",
                             (user_id, limit))
        return {r["story_id"]: StoryRead(r["story_id"], from_iso(r["read_at"]), json.loads(r["seen_articles"] or "[]"),
                                         bool(r["starred"])) for r in rows}

    def stories_updated_since_read(self, user_id: int, limit: int = 200) -> list[tuple[int, datetime]]:
        """(story id, when it last changed) of the stories the user read that changed after their read, the
        most recently changed first; merged stories left out."""
        rows = self.db.query(
            "SELECT s.id, s.updated_at FROM story_reads r JOIN stories s ON s.id = r.story_id "
            "WHERE r.user_id = ? AND r.read_at IS NOT NULL AND s.updated_at > r.read_at AND s.merged_into IS NULL "
            "ORDER BY s.updated_at DESC, s.id DESC LIMIT ?", (user_id, limit))
        return [(r["id"], from_iso(r["updated_at"])) for r in rows]

    # -- hidden sources and folders ----------------------------------------------------------------------------

    def set_hidden(self, user_id: int, kind: str, value: str, hidden: bool) -> None:
        if hidden:
            self.db.execute("INSERT INTO user_hidden (user_id, kind, value) VALUES (?, ?, ?) "
                            "ON CONFLICT (user_id, kind, value) DO NOTHING", (user_id, kind, value))
        else:
            self.db.execute("DELETE FROM user_hidden WHERE user_id = ? AND kind = ? AND value = ?",
                            (user_id, kind, value))

    def hidden_by_users(self, user_ids: Iterable[int]) -> dict[int, dict[str, set[str]]]:
        """user id -> kind -> what the user hides, for those of these users who hide anything."""
        found: dict[int, dict[str, set[str]]] = {}
        for chunk in _chunks(sorted(set(user_ids))):
            for r in self.db.query(f"SELECT user_id, kind, value FROM user_hidden WHERE user_id IN ({_marks(chunk)})",
                                   chunk):
                found.setdefault(r["user_id"], {"source": set(), "folder": set()}).setdefault(r["kind"], set()).add(
                    r["value"])
        return found

    def hidden(self, user_id: int) -> dict[str, set[str]]:
        """kind ("source": source ids as text, "folder": folder names) -> what the user hides."""
        found: dict[str, set[str]] = {"source": set(), "folder": set()}
        for r in self.db.query("SELECT kind, value FROM user_hidden WHERE user_id = ?", (user_id,)):
            found.setdefault(r["kind"], set()).add(r["value"])
        return found
