"""Storylines: their events, profiles (what the linker reloads), merges and redirects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from newsdesk.model import Story, Storyline
from newsdesk.storage.database import Database
from newsdesk.storage.rows import row_id
from newsdesk.timeutil import from_iso, to_iso, utcnow

_TIMES = ("created_at", "updated_at", "first_activity", "last_activity")
_COLUMNS = "id, slug, title, created_at, updated_at, first_activity, last_activity, event_count, merged_into"


class StorylineStore:
    db: Database

    def create_storyline(self, slug_base: str) -> int:
        """A new storyline; its slug (`slug_base-ID`) never changes, whatever its title becomes."""
        now = to_iso(utcnow())
        with self.db.transaction():
            storyline_id = self.db.insert("INSERT INTO storylines (slug, created_at, updated_at) VALUES (?, ?, ?)",
                                          (f"pending-{uuid.uuid4().hex}", now, now))
            self.db.execute("UPDATE storylines SET slug = ? WHERE id = ?", (f"{slug_base}-{storyline_id}",
                                                                           storyline_id))
        return storyline_id

    def set_storyline_slug(self, storyline_id: int, slug_base: str) -> None:
        self.db.execute("UPDATE storylines SET slug = ? WHERE id = ?", (f"{slug_base}-{storyline_id}", storyline_id))

    def add_storyline_events(self, storyline_id: int, story_ids: Sequence[int], probability: float | None,
                             pinned: bool = False) -> None:
        """Put these stories into the storyline (out of any other they were in)."""
        now = to_iso(utcnow())
        with self.db.transaction():
            for story_id in story_ids:
                self.db.execute("DELETE FROM storyline_events WHERE story_id = ?", (story_id,))
                self.db.execute("INSERT INTO storyline_events (story_id, storyline_id, probability, pinned, added_at) "
                                "VALUES (?, ?, ?, ?, ?)", (story_id, storyline_id, probability, int(pinned), now))
            self.db.execute("UPDATE storylines SET updated_at = ? WHERE id = ?", (now, storyline_id))

    def carry_storyline_event(self, old_story: int, new_story: int) -> None:
        """A regrouped story's place in a storyline passes to the story that now holds its articles, unless that
        one has a place of its own that a person chose (a person's choice over the linker's)."""
        with self.db.transaction():
            rows = self.db.query("SELECT story_id, storyline_id, probability, pinned, added_at FROM storyline_events "
                                 "WHERE story_id IN (?, ?)", (old_story, new_story))
            old = next((r for r in rows if r["story_id"] == old_story), None)
            new = next((r for r in rows if r["story_id"] == new_story), None)
            if old is None:
                return
            self.db.execute("DELETE FROM storyline_events WHERE story_id = ?", (old_story,))
            if new is not None and (new["pinned"] or not old["pinned"]):
                return
            self.db.execute("DELETE FROM storyline_events WHERE story_id = ?", (new_story,))
            self.db.execute("INSERT INTO storyline_events (story_id, storyline_id, probability, pinned, added_at) "
                            "VALUES (?, ?, ?, ?, ?)", (new_story, old["storyline_id"], old["probability"],
                                                       old["pinned"], old["added_at"]))

    def remove_storyline_event(self, story_id: int) -> None:
        self.db.execute("DELETE FROM storyline_events WHERE story_id = ?", (story_id,))

    def merge_storylines(self, old_id: int, into_id: int) -> None:
        """`old_id`'s events join `into_id`; the old id and slug keep resolving to it."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.execute("UPDATE storyline_events SET storyline_id = ? WHERE storyline_id = ?", (into_id, old_id))
            self.db.execute("UPDATE storylines SET merged_into = ? WHERE merged_into = ?", (into_id, old_id))
            self.db.execute("UPDATE storylines SET merged_into = ?, updated_at = ?, total = NULL, profile = NULL "
                            "WHERE id = ?", (into_id, now, old_id))
            self.db.execute("UPDATE storylines SET updated_at = ? WHERE id = ?", (now, into_id))

    def redirect_storylines(self, storyline_ids: Sequence[int], into_id: int | None) -> None:
        """Point these storylines at `into_id` (None: they stand on their own again)."""
        with self.db.transaction():
            for storyline_id in storyline_ids:
                self.db.execute("UPDATE storylines SET merged_into = ?, updated_at = ? WHERE id = ?",
                                (into_id, to_iso(utcnow()), storyline_id))

    def save_storyline_profile(self, storyline_id: int, *, title: str | None, total: bytes | None,
                               profile: str | None) -> None:
        """The storyline's title and the linker's profile of it; its event count and first and last activity
        (its articles' times) are counted here."""
        with self.db.transaction():
            row = self.db.query(
                "SELECT COUNT(DISTINCT e.story_id) AS n, MIN(COALESCE(a.published_at, a.first_seen_at)) AS first, "
                "MAX(COALESCE(a.published_at, a.first_seen_at)) AS last FROM storyline_events e "
                "JOIN story_articles sa ON sa.story_id = e.story_id JOIN articles a ON a.id = sa.article_id "
                "WHERE e.storyline_id = ?", (storyline_id,))[0]
            self.db.execute("UPDATE storylines SET title = ?, first_activity = ?, last_activity = ?, event_count = ?, "
                            "total = COALESCE(?, total), profile = COALESCE(?, profile), updated_at = ? WHERE id = ?",
                            (title, row["first"], row["last"], int(row["n"] or 0), total, profile,
                             to_iso(utcnow()), storyline_id))

    def save_storyline_so_far(self, storyline_id: int, so_far: str | None) -> None:
        """The story so far the LLM writer told (JSON; None forgets it)."""
        self.db.execute("UPDATE storylines SET so_far = ? WHERE id = ?", (so_far, storyline_id))

    def storyline_so_far(self, storyline_id: int) -> str | None:
        rows = self.db.query("SELECT so_far FROM storylines WHERE id = ?", (storyline_id,))
        return rows[0]["so_far"] if rows else None

    def _storylines(self, where: str, params: Sequence, tail: str = "") -> list[Storyline]:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM storylines {where} {tail}", params)
        for row in rows:
            for key in _TIMES:
                row[key] = from_iso(row[key])
        return [Storyline(**r) for r in rows]

    def get_storyline(self, key: int | str) -> Storyline | None:
        """By id or slug, following merges to the storyline that holds the events now."""
        storyline_id = row_id(key)
        if storyline_id is not None:
            found = self._storylines("WHERE id = ?", (storyline_id,))
        elif isinstance(key, str):
            found = self._storylines("WHERE slug = ?", (key,))
        else:
            found = []
        seen = set()
        while found and found[0].merged_into and found[0].id not in seen:
            seen.add(found[0].id)
            found = self._storylines("WHERE id = ?", (found[0].merged_into,))
        return found[0] if found else None

    def storylines_merged_into(self, storyline_id: int) -> list[int]:
        """The storylines that redirect to this one."""
        return [r["id"] for r in self.db.query("SELECT id FROM storylines WHERE merged_into = ? ORDER BY id",
                                               (storyline_id,))]

    def storyline_of_story(self, story_id: int) -> int | None:
        rows = self.db.query("SELECT storyline_id FROM storyline_events WHERE story_id = ?", (story_id,))
        return rows[0]["storyline_id"] if rows else None

    def storylines_of_stories(self, story_ids: Sequence[int]) -> dict[int, int]:
        """story id → storyline id, for those stories in a storyline."""
        found: dict[int, int] = {}
        ids = list(dict.fromkeys(story_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for r in self.db.query(f"SELECT story_id, storyline_id FROM storyline_events WHERE story_id IN ({marks})",
                                   chunk):
                found[r["story_id"]] = r["storyline_id"]
        return found

    def storyline_event_ids(self, storyline_id: int) -> list[int]:
        """The storyline's stories, oldest first (by first publication, then id)."""
        rows = self.db.query("SELECT e.story_id FROM storyline_events e JOIN stories s ON s.id = e.story_id "
                             "WHERE e.storyline_id = ? ORDER BY COALESCE(s.first_published, s.created_at), s.id",
                             (storyline_id,))
        return [r["story_id"] for r in rows]

    def storyline_events(self, storyline_id: int) -> list[Story]:
        return self.stories_by_ids(self.storyline_event_ids(storyline_id))

    def pinned_storyline_events(self) -> dict[int, int]:
        """story id → storyline id of the events a person placed."""
        return {r["story_id"]: r["storyline_id"]
                for r in self.db.query("SELECT story_id, storyline_id FROM storyline_events WHERE pinned = 1")}

    def list_storylines(self, *, limit: int = 20, offset: int = 0) -> tuple[list[Storyline], int]:
        """Live storylines, latest activity first, and how many there are."""
        found = self._storylines("WHERE merged_into IS NULL AND event_count > 1", (),
                                 f"ORDER BY last_activity DESC, id DESC LIMIT {int(limit)} OFFSET {int(offset)}")
        total = self.db.query("SELECT COUNT(*) AS n FROM storylines WHERE merged_into IS NULL AND event_count > 1"
                              )[0]["n"]
        return found, int(total)

    def storyline_profiles(self, active_since: datetime | None) -> list[tuple[Storyline, bytes | None, str | None]]:
        """Live storylines active since then (all when None), with their saved profiles: what the linker loads."""
        where, params = "WHERE merged_into IS NULL", []
        if active_since is not None:
            where += " AND last_activity >= ?"
            params.append(to_iso(active_since))
        rows = self.db.query(f"SELECT {_COLUMNS}, total, profile FROM storylines {where} ORDER BY id", params)
        out = []
        for row in rows:
            total, profile = row.pop("total"), row.pop("profile")
            for key in _TIMES:
                row[key] = from_iso(row[key])
            out.append((Storyline(**row), total, profile))
        return out

    def storyline_events_by_line(self, storyline_ids: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        ids = list(dict.fromkeys(storyline_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for r in self.db.query("SELECT storyline_id, story_id FROM storyline_events "
                                   f"WHERE storyline_id IN ({marks}) ORDER BY story_id", chunk):
                found.setdefault(r["storyline_id"], []).append(r["story_id"])
        return found
