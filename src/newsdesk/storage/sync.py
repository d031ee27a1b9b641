"""What the sync APIs read beyond a user's marks: a reader token's row (to expire it when unused), a user's
articles as a stream (by sources, state, time, page), and the live stories of the virtual "Stories" feed.
Reprints (articles in `copies`) are never items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from newsdesk.model import OwnView, TokenKind, User
from newsdesk.storage.database import Database
from newsdesk.storage.own_view import article_out_of_view, in_view, story_out_of_view
from newsdesk.storage.users import _user
from newsdesk.timeutil import from_iso, to_iso

_CHUNK = 500
_ORIGINAL = "NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)"


class TokenUse(NamedTuple):
    """A user token as its holder presents it: whose it is, and when it was made and last used."""
    token_id: int
    user: User
    created_at: datetime
    last_used_at: datetime | None


def _marks(ids: Sequence[Any]) -> str:
    return ", ".join("?" * len(ids))


def _chunks(ids: Sequence[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


class SyncStore:
    db: Database

    # -- tokens ------------------------------------------------------------------------------------------------

    def token_use(self, kind: TokenKind, token_hash: str) -> TokenUse | None:
        rows = self.db.query(
            "SELECT t.id AS token_id, t.created_at AS token_created_at, t.last_used_at, u.id, u.name, u.role, "
            "u.disabled, u.created_at, u.session_generation, u.read_before FROM user_tokens t "
            "JOIN users u ON u.id = t.user_id WHERE t.kind = ? AND t.token_hash = ?", (str(kind), token_hash))
        if not rows:
            return None
        r = rows[0]
        return TokenUse(r["token_id"], _user(r), from_iso(r["token_created_at"]), from_iso(r["last_used_at"]))

    def touch_user_token(self, token_id: int, at: datetime) -> None:
        self.db.execute("UPDATE user_tokens SET last_used_at = ? WHERE id = ?", (to_iso(at), token_id))

    # -- articles as a stream ----------------------------------------------------------------------------------

    def stream_articles(self, user_id: int, read_before: datetime, source_ids: Sequence[int], *,
                        read: bool | None = None, starred: bool | None = None, since: datetime | None = None,
                        until: datetime | None = None, oldest_first: bool = False, offset: int = 0,
                        limit: int = 20, view: OwnView | None = None) -> list[tuple[int, datetime]]:
        """(id, first seen) of the user's original articles from these sources, newest first unless
        `oldest_first`: only read or unread ones when `read` is given, starred or not when `starred` is, first
        seen at or after `since` and before `until`; those in the user's `view`."""
        ids = list(source_ids) or [-1]
        mark = to_iso(read_before)
        # One source: its range of the (source, first seen) index is already in order. Several: `+a.source_id`
        # keeps SQLite off that index (a range per source, then every article of them sorted) and on the first
        # seen index, walked from the newest end until the page is full.
        source_column = "a.source_id" if len(ids) == 1 else "+a.source_id"
        clauses = [_ORIGINAL, f"{source_column} IN ({_marks(ids)})"]
        params: list[Any] = [user_id, *ids]
        if read is True:
            clauses.append("(m.is_read = 1 OR (m.is_read IS NULL AND a.first_seen_at < ?))")
            params.append(mark)
        elif read is False:
            clauses.append("(m.is_read = 0 OR (m.is_read IS NULL AND a.first_seen_at >= ?))")
            params.append(mark)
        if starred is True:
            clauses.append("m.starred = 1")
        elif starred is False:
            clauses.append("(m.starred IS NULL OR m.starred = 0)")
        if since is not None:
            clauses.append("a.first_seen_at >= ?")
            params.append(to_iso(since))
        if until is not None:
            clauses.append("a.first_seen_at < ?")
            params.append(to_iso(until))
        hidden = article_out_of_view(self.db.dialect, view)
        if hidden is not None:
            clauses.append(f"NOT {hidden[0]}")
            params += hidden[1]
        order = "ASC" if oldest_first else "DESC"
        rows = self.db.query(
            f"SELECT a.id, a.first_seen_at FROM articles a LEFT JOIN article_marks m ON m.article_id = a.id "
            f"AND m.user_id = ? WHERE {' AND '.join(clauses)} ORDER BY a.first_seen_at {order}, a.id {order} "
            f"LIMIT ? OFFSET ?", (*params, int(limit), int(offset)))
        return [(r["id"], from_iso(r["first_seen_at"])) for r in rows]

    def original_article_ids(self, ids: Sequence[int]) -> dict[int, int | None]:
        """Of these ids, those of stored articles that are not reprints: id -> its source id."""
        found: dict[int, int | None] = {}
        for chunk in _chunks(sorted(set(ids))):
            rows = self.db.query(f"SELECT a.id, a.source_id FROM articles a WHERE a.id IN ({_marks(chunk)}) "
                                 f"AND {_ORIGINAL}", chunk)
            found.update((r["id"], r["source_id"]) for r in rows)
        return found

    def newest_article_times(self, source_ids: Sequence[int]) -> dict[int, datetime]:
        """source id -> when its newest article was first seen (one index probe a source)."""
        found: dict[int, datetime] = {}
        for source_id in source_ids:
            rows = self.db.query("SELECT MAX(first_seen_at) AS t FROM articles WHERE source_id = ?", (source_id,))
            if rows and rows[0]["t"]:
                found[source_id] = from_iso(rows[0]["t"])
        return found

    # -- stories -----------------------------------------------------------------------------------------------

    def recent_story_ids(self, limit: int, view: OwnView | None = None) -> list[int]:
        """The live stories with a page in the user's `view`, most recently updated first."""
        return [story_id for story_id, _ in self.recent_story_times(limit, view)]

    def recent_story_times(self, limit: int, view: OwnView | None = None) -> list[tuple[int, datetime]]:
        """(id, last updated: its newest report, else when it last changed) of the live stories with a page in the
        user's `view`, most recently updated first; from the ranking and each story's row, without reading its
        page."""
        shown, shown_params = in_view(story_out_of_view(self.db.dialect, view, "r.story_id"))
        rows = self.db.query(
            "SELECT r.story_id, COALESCE(s.last_updated, s.updated_at) AS t FROM story_rank r "
            "JOIN stories s ON s.id = r.story_id WHERE s.merged_into IS NULL AND s.page_json IS NOT NULL"
            f"{shown} ORDER BY r.last_updated DESC, r.story_id DESC LIMIT ?", (*shown_params, int(limit)))
        return [(r["story_id"], from_iso(r["t"])) for r in rows]
