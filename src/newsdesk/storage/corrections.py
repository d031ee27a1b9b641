"""Corrections of the grouping: the log, the links between articles they made or broke, and per-story
overrides (a pinned headline, hidden, pinned to the top)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from newsdesk.model import Correction, CorrectionKind, LinkKind, StoryOverride
from newsdesk.storage.database import Database
from newsdesk.timeutil import from_iso, to_iso, utcnow


def _correction(row: dict[str, Any]) -> Correction:
    return Correction(id=row["id"], kind=CorrectionKind(row["kind"]), story_id=row["story_id"],
                      target_id=row["target_id"], detail=json.loads(row["detail"]), actor=row["actor"],
                      created_at=from_iso(row["created_at"]), undone_at=from_iso(row["undone_at"]),
                      undone_by=row["undone_by"])


class CorrectionStore:
    db: Database

    def add_correction(self, kind: CorrectionKind, actor: str, story_id: int | None, target_id: int | None,
                       detail: dict, links: Sequence[tuple[LinkKind, int, int]] = ()) -> int:
        """Log a correction with the article links it makes; returns its id."""
        with self.db.transaction():
            correction_id = self.db.insert(
                "INSERT INTO corrections (kind, story_id, target_id, detail, actor, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (str(kind), story_id, target_id, json.dumps(detail), actor, to_iso(utcnow())))
            pairs = [(correction_id, str(k), a, b) for k, a, b in dict.fromkeys(links) if a != b]
            if pairs:
                self.db.executemany("INSERT INTO grouping_links (correction_id, kind, article_a, article_b) "
                                    "VALUES (?, ?, ?, ?)", pairs)
        return correction_id

    def get_correction(self, correction_id: int) -> Correction | None:
        rows = self.db.query("SELECT * FROM corrections WHERE id = ?", (correction_id,))
        return _correction(rows[0]) if rows else None

    def list_corrections(self, *, story_ids: Sequence[int] | None = None, limit: int = 200) -> list[Correction]:
        """Newest first; with `story_ids`, those that corrected (or moved articles into) one of them."""
        if story_ids is not None:
            ids = list(dict.fromkeys(story_ids)) or [0]
            marks = ", ".join("?" for _ in ids)
            rows = self.db.query(f"SELECT * FROM corrections WHERE story_id IN ({marks}) OR target_id IN ({marks}) "
                                 "ORDER BY id DESC LIMIT ?", (*ids, *ids, int(limit)))
        else:
            rows = self.db.query("SELECT * FROM corrections ORDER BY id DESC LIMIT ?", (int(limit),))
        return [_correction(r) for r in rows]

    def mark_correction_undone(self, correction_id: int, actor: str) -> None:
        """The correction stays in the log, marked undone; the links it made stop binding the grouper."""
        with self.db.transaction():
            self.db.execute("UPDATE corrections SET undone_at = ?, undone_by = ? WHERE id = ?",
                            (to_iso(utcnow()), actor, correction_id))
            self.db.execute("DELETE FROM grouping_links WHERE correction_id = ?", (correction_id,))

    def grouping_links(self) -> list[tuple[LinkKind, int, int]]:
        """Every link people made between two articles that is in force, oldest first."""
        rows = self.db.query("SELECT kind, article_a, article_b FROM grouping_links ORDER BY correction_id")
        return [(LinkKind(r["kind"]), r["article_a"], r["article_b"]) for r in rows]

    def corrections_version(self) -> str:
        """Changes whenever a correction is made or undone: what a running grouper compares to catch up."""
        row = self.db.query("SELECT COUNT(*) AS n, MAX(id) AS last, COUNT(undone_at) AS undone FROM corrections")[0]
        return f"{row['n']}:{row['last'] or 0}:{row['undone']}"

    def story_override(self, story_id: int) -> StoryOverride:
        return self.story_overrides([story_id]).get(story_id) or StoryOverride(story_id)

    def story_overrides(self, story_ids: Sequence[int]) -> dict[int, StoryOverride]:
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self.db.query(f"SELECT story_id, headline, hidden, pinned FROM story_overrides "
                             f"WHERE story_id IN ({marks})", ids)
        return {r["story_id"]: StoryOverride(r["story_id"], r["headline"], bool(r["hidden"]), bool(r["pinned"]))
                for r in rows}

    def set_story_override(self, override: StoryOverride) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM story_overrides WHERE story_id = ?", (override.story_id,))
            if override.headline is not None or override.hidden or override.pinned:
                self.db.execute("INSERT INTO story_overrides (story_id, headline, hidden, pinned, updated_at) "
                                "VALUES (?, ?, ?, ?, ?)",
                                (override.story_id, override.headline, int(override.hidden), int(override.pinned),
                                 to_iso(utcnow())))

    def carry_story_override(self, old_id: int, new_id: int) -> None:
        """A regrouped story's headline, hidden and pinned marks go to the story that took its place (unless
        that one has its own)."""
        old = self.story_overrides([old_id]).get(old_id)
        if old is None or old_id == new_id or new_id in self.story_overrides([new_id]):
            return
        self.set_story_override(StoryOverride(new_id, old.headline, old.hidden, old.pinned))
