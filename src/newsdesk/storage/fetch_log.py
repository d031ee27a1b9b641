"""The fetch log: one row per feed, page or file fetched, with its outcome."""

from __future__ import annotations

from newsdesk.model import FetchKind, FetchLogEntry, FetchOutcome
from newsdesk.storage.database import Database
from newsdesk.timeutil import from_iso, to_iso, utcnow


class FetchLogStore:
    db: Database

    def log_fetch(self, *, source_id: int | None, url: str, kind: str, outcome: str,
                  http_status: int | None = None, error: str | None = None, article_id: int | None = None,
                  duration_ms: float | None = None) -> None:
        self.db.execute(
            "INSERT INTO fetch_log (source_id, url, kind, at, outcome, http_status, error, article_id, duration_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (source_id, url, kind, to_iso(utcnow()), outcome, http_status, error, article_id, duration_ms))

    def fetch_log(self, *, source_id: int | None = None, limit: int = 50, errors_only: bool = False
                  ) -> list[FetchLogEntry]:
        clauses, params = [], []
        if source_id is not None:
            clauses.append("source_id = ?")
            params.append(source_id)
        if errors_only:
            clauses.append("outcome = 'error'")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.query(f"SELECT * FROM fetch_log {where} ORDER BY id DESC LIMIT ?", (*params, limit))
        for row in rows:
            row["at"] = from_iso(row["at"])
            row["kind"], row["outcome"] = FetchKind(row["kind"]), FetchOutcome(row["outcome"])
        return [FetchLogEntry(**r) for r in rows]
