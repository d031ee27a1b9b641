"""A backfill's record: how far each input was read, the bad records it met, and the bulk writes of its
grouping."""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.model import Article, CopyLink, CopySignature
from newsdesk.storage.articles import select_articles
from newsdesk.storage.database import Database
from newsdesk.timeutil import from_iso, to_iso, utcnow

_SIGNATURES = ("SELECT a.id, COALESCE(a.published_at, a.first_seen_at) AS t, a.text_hash, a.shingle_count, "
               "a.minhash, c.original_id, c.similarity, c.method, COALESCE(o.published_at, o.first_seen_at) AS ot "
               "FROM articles a LEFT JOIN copies c ON c.copy_id = a.id LEFT JOIN articles o ON o.id = c.original_id")
_NOT_UNFOLDED = "NOT EXISTS (SELECT 1 FROM backfill_unfolded u WHERE u.article_id = {column})"
_CHUNK = 500


class BackfillStore:
    db: Database

    def backfill_progress(self) -> dict[str, int]:
        """Input key → records of it already done (stored, skipped or counted bad)."""
        return {r["input_key"]: r["done"] for r in self.db.query("SELECT input_key, done FROM backfill_inputs")}

    def record_backfill_progress(self, done: dict[str, int], errors: Iterable[tuple[str, str]] = ()) -> None:
        """Move the inputs' counts on and keep the bad records (origin, message) met since; callers do this in
        the transaction that stored the records, so progress and articles move together."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO backfill_inputs (input_key, done, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (input_key) DO UPDATE SET done = excluded.done, updated_at = excluded.updated_at",
                [(key, count, now) for key, count in done.items()])
            self.db.executemany("INSERT INTO backfill_errors (origin, message, at) VALUES (?, ?, ?)",
                                [(origin, message[:1000], now) for origin, message in errors])

    def backfill_errors(self, limit: int | None = None) -> list[tuple[str, str]]:
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        return [(r["origin"], r["message"])
                for r in self.db.query(f"SELECT origin, message FROM backfill_errors ORDER BY id{tail}")]

    def backfill_error_count(self) -> int:
        return self.db.query("SELECT COUNT(*) AS n FROM backfill_errors")[0]["n"]

    def ungrouped_articles(self) -> list[Article]:
        """The articles in no story (with their copy link), oldest id first."""
        return select_articles(self.db, "WHERE NOT EXISTS (SELECT 1 FROM story_articles sa "
                                        "WHERE sa.article_id = a.id)", (), "ORDER BY a.id")

    def assign_stories(self, rows: list[tuple[int, int, float | None]]) -> None:
        """Put many articles (article id, story id, score) into stories at once; the articles were in none."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.executemany("INSERT INTO story_articles (article_id, story_id, score, added_at) "
                                "VALUES (?, ?, ?, ?)", [(a, s, score, now) for a, s, score in rows])

    # -- reprints across the whole backfill -------------------------------------------------------------------

    def mark_unfolded(self, article_ids: list[int]) -> None:
        """Articles stored without looking for their reprints (the backfill folds them all at once later)."""
        self.db.copy_rows("backfill_unfolded", ("article_id",), [(i,) for i in article_ids])

    def unfolded_signatures(self) -> list[CopySignature]:
        """The articles not yet folded, oldest id first."""
        rows = self.db.query(f"{_SIGNATURES} JOIN backfill_unfolded u ON u.article_id = a.id ORDER BY a.id")
        bands = self.db.query("SELECT b.article_id, b.band_key FROM lsh_bands b "
                              "JOIN backfill_unfolded u ON u.article_id = b.article_id")
        return _signatures(rows, bands)

    def folded_signatures_sharing(self, band_keys: list[int], text_hashes: list[str]) -> list[CopySignature]:
        """The articles already folded that share a band key or a text hash with the given ones, by id."""
        ids: set[int] = set()
        for chunk in _chunks(sorted(set(band_keys))):
            ids.update(r["article_id"] for r in self.db.query(
                f"SELECT DISTINCT b.article_id FROM lsh_bands b WHERE b.band_key IN ({_marks(chunk)}) "
                f"AND {_NOT_UNFOLDED.format(column='b.article_id')}", chunk))
        for chunk in _chunks(sorted(set(text_hashes))):
            ids.update(r["id"] for r in self.db.query(
                f"SELECT a.id FROM articles a WHERE a.text_hash IN ({_marks(chunk)}) "
                f"AND {_NOT_UNFOLDED.format(column='a.id')}", chunk))
        found: list[CopySignature] = []
        for chunk in _chunks(sorted(ids)):
            rows = self.db.query(f"{_SIGNATURES} WHERE a.id IN ({_marks(chunk)}) ORDER BY a.id", chunk)
            bands = self.db.query(f"SELECT article_id, band_key FROM lsh_bands WHERE article_id IN "
                                  f"({_marks(chunk)})", chunk)
            found.extend(_signatures(rows, bands))
        return found

    def fold_backfill_copies(self, changed: dict[int, CopyLink | None], folded: list[int]) -> None:
        """The copy links the fold changed, and the `folded` articles off the list, in one transaction."""
        now = to_iso(utcnow())
        with self.db.transaction():
            self.db.executemany("DELETE FROM copies WHERE copy_id = ?", [(a,) for a in changed])
            self.db.executemany(
                "INSERT INTO copies (copy_id, original_id, similarity, method, detected_at) VALUES (?, ?, ?, ?, ?)",
                [(c.copy_id, c.original_id, c.similarity, c.method, now) for c in changed.values() if c])
            for chunk in _chunks(folded):
                self.db.execute(f"DELETE FROM backfill_unfolded WHERE article_id IN ({_marks(chunk)})", chunk)


def _signatures(rows: list[dict], bands: list[dict]) -> list[CopySignature]:
    keys: dict[int, list[int]] = {}
    for band in bands:
        keys.setdefault(band["article_id"], []).append(band["band_key"])
    return [CopySignature(id=r["id"], time=from_iso(r["t"]), text_hash=r["text_hash"],
                          shingle_count=r["shingle_count"], minhash=r["minhash"], band_keys=keys.get(r["id"], []),
                          original_id=r["original_id"], similarity=r["similarity"], method=r["method"],
                          original_time=from_iso(r["ot"])) for r in rows]


def _chunks(values: list) -> list[list]:
    return [values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)
