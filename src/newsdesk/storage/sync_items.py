"""What the sync APIs hand to reader apps: original articles and live stories paged by id, and each user's read
state of stories.

A story (one item in the "Stories" feed) is unread for a user when its page was written after the user's
`read_before` mark and the user has not read it since; read, it turns unread again when an outlet the user had
seen no report from brings an independent report (not a reprint) to it. A story can be marked
unread explicitly, below the mark as well: its read row then has no `read_at` and `seen_articles` = "[]".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from newsdesk.model import Article, OwnView, Story
from newsdesk.storage.articles import select_articles
from newsdesk.storage.database import Database
from newsdesk.storage.own_view import article_out_of_view, in_view, story_out_of_view
from newsdesk.timeutil import to_iso, utcnow

_CHUNK = 500
_EXPLICIT_UNREAD = "[]"


def _marks(ids: Sequence[Any]) -> str:
    return ", ".join("?" * len(ids))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _window(after_id: int | None, before_id: int | None, column: str) -> tuple[str, list[Any], str]:
    """The id clause and order of a page: above `after_id` oldest first, below `before_id` newest first."""
    if after_id is not None:
        return f" AND {column} > ?", [after_id], "ASC"
    if before_id is not None:
        return f" AND {column} < ?", [before_id], "DESC"
    return "", [], "ASC"


class SyncItemStore:
    db: Database

    # -- articles ----------------------------------------------------------------------------------------------

    def original_articles(self, source_ids: Sequence[int], *, after_id: int | None = None,
                          before_id: int | None = None, ids: Sequence[int] | None = None,
                          limit: int = 50, view: OwnView | None = None) -> list[Article]:
        """Original articles (no reprints) of these sources in the user's `view`, with their text: those with an
        id above `after_id` (oldest id first), below `before_id` (newest id first), or among `ids`; at most
        `limit`."""
        sources = list(source_ids)
        if not sources or (ids is not None and not ids):
            return []
        # `+a.source_id`: no index on it, so SQLite walks the ids in order and stops at `limit` instead of
        # reading every article of these sources and sorting them
        where = f"WHERE c.copy_id IS NULL AND +a.source_id IN ({_marks(sources)})"
        params: list[Any] = list(sources)
        if ids is not None:
            chosen = sorted(set(ids))
            where += f" AND a.id IN ({_marks(chosen)})"
            params += chosen
            order = "ASC"
        else:
            clause, extra, order = _window(after_id, before_id, "a.id")
            where += clause
            params += extra
        shown, shown_params = in_view(article_out_of_view(self.db.dialect, view))
        return select_articles(self.db, where + shown, (*params, *shown_params, limit),
                               f"ORDER BY a.id {order} LIMIT ?")

    def article_id_range(self) -> tuple[int, int]:
        """(lowest, highest) article id; (1, 0) on a desk without articles."""
        row = self.db.query("SELECT MIN(id) AS lo, MAX(id) AS hi FROM articles")[0]
        return (int(row["lo"]), int(row["hi"])) if row["lo"] is not None else (1, 0)

    def count_original_articles(self, source_ids: Sequence[int]) -> int:
        """Original articles of these sources: every article less every reprint, less the originals of the
        other sources (hidden ones, and articles whose source was removed). Two small counts and one over what
        is left out, rather than a reprint probe per article."""
        sources = set(source_ids)
        if not sources:
            return 0
        every = int(self.db.query("SELECT COUNT(*) AS n FROM articles")[0]["n"])
        copies = int(self.db.query("SELECT COUNT(*) AS n FROM copies")[0]["n"])
        others = [r["id"] for r in self.db.query("SELECT id FROM sources") if r["id"] not in sources]
        scope = f"a.source_id IS NULL OR a.source_id IN ({_marks(others)})" if others else "a.source_id IS NULL"
        outside = int(self.db.query(
            f"SELECT COUNT(*) AS n FROM articles a WHERE ({scope}) "
            f"AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)", others)[0]["n"])
        return every - copies - outside

    def unread_original_ids(self, user_id: int, read_before: datetime, source_ids: Sequence[int],
                            limit: int = 10_000, view: OwnView | None = None) -> list[int]:
        """The user's unread original articles of these sources, newest id first: those seen after the mark
        and not marked read (a range of the (source, first seen) index a source), and those before it marked
        unread (the user's own marks)."""
        sources = list(source_ids)
        if not sources:
            return []
        mark = to_iso(read_before)
        shown, shown_params = in_view(article_out_of_view(self.db.dialect, view))
        after = self.db.query(
            f"SELECT a.id FROM articles a LEFT JOIN article_marks m ON m.article_id = a.id AND m.user_id = ? "
            f"WHERE a.source_id IN ({_marks(sources)}) AND a.first_seen_at >= ? "
            f"AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id) AND (m.is_read IS NULL OR m.is_read = 0)"
            f"{shown}", (user_id, *sources, mark, *shown_params))
        before = self.db.query(
            f"SELECT a.id FROM article_marks m JOIN articles a ON a.id = m.article_id WHERE m.user_id = ? "
            f"AND m.is_read = 0 AND a.first_seen_at < ? AND a.source_id IN ({_marks(sources)}) "
            f"AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id){shown}",
            (user_id, mark, *sources, *shown_params))
        return sorted({r["id"] for r in after} | {r["id"] for r in before}, reverse=True)[:limit]

    def starred_original_ids(self, user_id: int, source_ids: Sequence[int], limit: int = 10_000,
                             view: OwnView | None = None) -> list[int]:
        """The user's starred articles of these sources (in their `view`), newest id first."""
        sources = list(source_ids)
        if not sources:
            return []
        shown, shown_params = in_view(article_out_of_view(self.db.dialect, view))
        rows = self.db.query(
            f"SELECT m.article_id FROM article_marks m JOIN articles a ON a.id = m.article_id "
            f"WHERE m.user_id = ? AND m.starred = 1 AND a.source_id IN ({_marks(sources)}){shown} "
            f"ORDER BY m.article_id DESC LIMIT ?", (user_id, *sources, *shown_params, limit))
        return [r["article_id"] for r in rows]

    def original_ids_among(self, ids: Sequence[int], source_ids: Sequence[int]) -> list[int]:
        """Those of `ids` that are original articles of these sources."""
        sources, chosen = list(source_ids), sorted(set(ids))
        if not sources or not chosen:
            return []
        rows = self.db.query(
            f"SELECT a.id FROM articles a WHERE a.id IN ({_marks(chosen)}) AND a.source_id IN ({_marks(sources)}) "
            f"AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)", (*chosen, *sources))
        return [r["id"] for r in rows]

    # -- stories -----------------------------------------------------------------------------------------------

    def live_stories(self, *, after_id: int | None = None, before_id: int | None = None,
                     ids: Sequence[int] | None = None, limit: int = 50, view: OwnView | None = None) -> list[Story]:
        """Stories with a written page that were not merged into another (those in the ranking) and are in the
        user's `view`, by id as `original_articles` pages articles."""
        shown, shown_params = in_view(story_out_of_view(self.db.dialect, view, "story_id"))
        if ids is not None:
            chosen = sorted(set(ids))
            if not chosen:
                return []
            rows = self.db.query(f"SELECT story_id FROM story_rank WHERE story_id IN ({_marks(chosen)}){shown} "
                                 f"ORDER BY story_id LIMIT ?", (*chosen, *shown_params, limit))
        else:
            clause, params, order = _window(after_id, before_id, "story_id")
            rows = self.db.query(f"SELECT story_id FROM story_rank WHERE 1 = 1{clause}{shown} "
                                 f"ORDER BY story_id {order} LIMIT ?", (*params, *shown_params, limit))
        return self.stories_by_ids([r["story_id"] for r in rows])

    def live_story_ids(self) -> list[int]:
        return [r["story_id"] for r in self.db.query("SELECT story_id FROM story_rank ORDER BY story_id")]

    def count_live_stories(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM story_rank")[0]["n"])

    def story_article_ids(self, story_ids: Sequence[int]) -> dict[int, list[int]]:
        """story id -> the ids of every article in it now (reprints too), for the stories that have any."""
        found: dict[int, list[int]] = {}
        for chunk in _chunks(sorted(set(story_ids))):
            for r in self.db.query(f"SELECT story_id, article_id FROM story_articles WHERE story_id IN "
                                   f"({_marks(chunk)}) ORDER BY article_id", chunk):
                found.setdefault(r["story_id"], []).append(r["article_id"])
        return found

    def story_independent_sources(self, story_ids: Sequence[int]) -> dict[int, set[int]]:
        """story id -> the sources of its original reports (reprints left out), for the stories that have any."""
        found: dict[int, set[int]] = {}
        for chunk in _chunks(sorted(set(story_ids))):
            for r in self.db.query(
                    f"SELECT DISTINCT sa.story_id, a.source_id FROM story_articles sa JOIN articles a "
                    f"ON a.id = sa.article_id WHERE sa.story_id IN ({_marks(chunk)}) AND a.source_id IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)", chunk):
                found.setdefault(r["story_id"], set()).add(r["source_id"])
        return found

    def _story_members(self, story_ids: Sequence[int]) -> dict[int, list[tuple[int, str, bool]]]:
        """story id -> (article id, outlet, is a reprint) of each of its articles."""
        found: dict[int, list[tuple[int, str, bool]]] = {}
        for chunk in _chunks(sorted(set(story_ids))):
            for r in self.db.query(
                    f"SELECT sa.story_id, a.id, COALESCE(a.outlet, CAST(a.source_id AS TEXT), '') AS outlet, "
                    f"c.copy_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                    f"LEFT JOIN copies c ON c.copy_id = a.id WHERE sa.story_id IN ({_marks(chunk)})", chunk):
                found.setdefault(r["story_id"], []).append((r["id"], r["outlet"], r["copy_id"] is not None))
        return found

    def _read_and_covered(self, rows: list[dict[str, Any]]) -> set[int]:
        """Of stories the user read (rows with read_at and seen_articles), those that no outlet has brought an
        independent report to since, from which the user had seen no report (as the Google Reader API reads
        it: a second report of an outlet already read, or a reprint, is nothing new)."""
        members = self._story_members([r["story_id"] for r in rows])
        covered = set()
        for r in rows:
            seen = set(json.loads(r["seen_articles"] or "[]"))
            story = members.get(r["story_id"], [])
            seen_outlets = {outlet for article, outlet, _ in story if article in seen}
            if not any(not reprint and article not in seen and outlet not in seen_outlets
                       for article, outlet, reprint in story):
                covered.add(r["story_id"])
        return covered

    def story_states(self, user_id: int, read_before: datetime, story_ids: Sequence[int]) -> dict[int, tuple[bool, bool]]:
        """story id -> (read, starred) for these stories (those that exist)."""
        states: dict[int, tuple[bool, bool]] = {}
        mark = to_iso(read_before)
        for chunk in _chunks(sorted(set(story_ids))):
            rows = self.db.query(
                f"SELECT s.id AS story_id, s.page_written_at, sr.read_at, sr.seen_articles, sr.starred FROM stories s "
                f"LEFT JOIN story_reads sr ON sr.story_id = s.id AND sr.user_id = ? WHERE s.id IN ({_marks(chunk)})",
                (user_id, *chunk))
            changed_after_read = [r for r in rows if r["read_at"] is not None and r["page_written_at"] is not None
                                  and r["page_written_at"] > r["read_at"]]
            covered = self._read_and_covered(changed_after_read)
            for r in rows:
                below_mark = r["page_written_at"] is None or r["page_written_at"] < mark
                if r["read_at"] is not None:
                    read = below_mark or r["story_id"] in covered or r["page_written_at"] <= r["read_at"]
                elif r["seen_articles"] == _EXPLICIT_UNREAD:
                    read = False
                else:
                    read = below_mark
                states[r["story_id"]] = (read, bool(r["starred"]))
        return states

    def unread_story_ids(self, user_id: int, read_before: datetime, limit: int = 10_000,
                         view: OwnView | None = None) -> list[int]:
        """The user's unread live stories, newest id first: written after the mark and never read (or marked
        unread), read but brought a report from a new outlet since, or marked unread below the mark. Reads
        the stories written after the mark (the page_written_at index) and the user's own read rows."""
        mark = to_iso(read_before)
        never = self.db.query(
            "SELECT s.id FROM stories s JOIN story_rank r ON r.story_id = s.id "
            "LEFT JOIN story_reads sr ON sr.story_id = s.id AND sr.user_id = ? "
            "WHERE s.page_written_at >= ? AND sr.read_at IS NULL ORDER BY s.id DESC LIMIT ?",
            (user_id, mark, limit))
        changed = self.db.query(
            "SELECT sr.story_id, sr.read_at, sr.seen_articles FROM story_reads sr "
            "JOIN story_rank r ON r.story_id = sr.story_id JOIN stories s ON s.id = sr.story_id "
            "WHERE sr.user_id = ? AND sr.read_at IS NOT NULL AND s.page_written_at >= ? "
            "AND s.page_written_at > sr.read_at", (user_id, mark))
        below = self.db.query(
            "SELECT sr.story_id FROM story_reads sr JOIN story_rank r ON r.story_id = sr.story_id "
            "JOIN stories s ON s.id = sr.story_id WHERE sr.user_id = ? AND sr.read_at IS NULL "
            "AND sr.seen_articles = ? AND s.page_written_at < ?", (user_id, _EXPLICIT_UNREAD, mark))
        covered = self._read_and_covered(changed)
        unread = ({r["id"] for r in never} | {r["story_id"] for r in below}
                  | {r["story_id"] for r in changed if r["story_id"] not in covered})
        unread -= self.hidden_story_ids(view, unread)
        return sorted(unread, reverse=True)[:limit]

    def starred_live_story_ids(self, user_id: int, limit: int = 10_000, view: OwnView | None = None) -> list[int]:
        shown, shown_params = in_view(story_out_of_view(self.db.dialect, view, "sr.story_id"))
        rows = self.db.query("SELECT sr.story_id FROM story_reads sr JOIN story_rank r ON r.story_id = sr.story_id "
                             f"WHERE sr.user_id = ? AND sr.starred = 1{shown} ORDER BY sr.story_id DESC LIMIT ?",
                             (user_id, *shown_params, limit))
        return [r["story_id"] for r in rows]

    def mark_story_unread_explicitly(self, user_id: int, story_id: int) -> None:
        """Unread whatever the user's mark says (a story written before it, too); starred stays as it was."""
        self.db.execute(
            "INSERT INTO story_reads (user_id, story_id, read_at, seen_articles, starred) VALUES (?, ?, NULL, ?, 0) "
            "ON CONFLICT (user_id, story_id) DO UPDATE SET read_at = NULL, seen_articles = excluded.seen_articles",
            (user_id, story_id, _EXPLICIT_UNREAD))

    def mark_stories_read_before(self, user_id: int, read_before: datetime, before: datetime,
                                 only: Sequence[int] | None = None) -> int:
        """Every story the user has unread (of `only`, when given) whose page was written before `before` read,
        as it is now (its current articles seen). The number of stories marked."""
        unread = self.unread_story_ids(user_id, read_before, limit=1_000_000)
        if only is not None:
            chosen = set(only)
            unread = [s for s in unread if s in chosen]
        if not unread:
            return 0
        written: dict[int, str | None] = {}
        limit = to_iso(before)
        for chunk in _chunks(unread):
            for r in self.db.query(f"SELECT id, page_written_at FROM stories WHERE id IN ({_marks(chunk)})", chunk):
                written[r["id"]] = r["page_written_at"]
        chosen = [s for s in unread if written.get(s) is not None and written[s] < limit]
        articles = self.story_article_ids(chosen)
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO story_reads (user_id, story_id, read_at, seen_articles, starred) VALUES (?, ?, ?, ?, 0) "
                "ON CONFLICT (user_id, story_id) DO UPDATE SET read_at = excluded.read_at, "
                "seen_articles = excluded.seen_articles",
                [(user_id, s, now, json.dumps(articles.get(s, []))) for s in chosen])
        return len(chosen)

    def forget_story_unread_marks(self, user_id: int, before: datetime) -> None:
        """After "mark all as read" up to `before`: stories marked unread that were written before it are read
        again (their explicit unread marks go; starred rows stay)."""
        limit = to_iso(before)
        with self.db.transaction():
            self.db.execute(
                "UPDATE story_reads SET seen_articles = NULL WHERE user_id = ? AND read_at IS NULL AND "
                "seen_articles = ? AND story_id IN (SELECT id FROM stories WHERE page_written_at < ?)",
                (user_id, _EXPLICIT_UNREAD, limit))
            self.db.execute("DELETE FROM story_reads WHERE user_id = ? AND read_at IS NULL AND seen_articles IS NULL "
                            "AND starred = 0", (user_id,))

