"""Copies: which article reprints which, and the candidates a new text is compared with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsdesk.model import Article, Candidate
from newsdesk.storage.articles import select_articles
from newsdesk.storage.database import Database
from newsdesk.timeutil import from_iso, to_iso, utcnow


class CopyStore:
    db: Database

    def count_copies(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM copies")[0]["n"])

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
        return select_articles(self.db, "WHERE c.original_id = ?", (original_id,),
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
