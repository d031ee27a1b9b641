"""Values the desk keeps for itself (the admin password hash, session secret, tokens) and the failed admin
logins of the login limit, shared by every web worker process."""

from __future__ import annotations

from datetime import datetime

from newsdesk.storage.database import Database
from newsdesk.timeutil import from_iso, to_iso, utcnow


class SettingStore:
    db: Database

    def get_setting(self, key: str) -> str | None:
        rows = self.db.query("SELECT value FROM desk_settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        with self.db.transaction():
            self.db.execute("INSERT INTO desk_settings (key, value, updated_at) VALUES (?, ?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                            (key, value, to_iso(utcnow())))

    def delete_setting(self, key: str) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM desk_settings WHERE key = ?", (key,))

    def login_failures(self, client: str, since: datetime, *, lock: bool = False) -> list[datetime]:
        """When `client` failed to log in after `since`, oldest first. With `lock` (inside a transaction) no
        other connection records a failure until the transaction ends, so a check and the failure it records
        are one step; SQLite's write transaction already is that."""
        if lock and self.db.dialect == "postgresql":
            self.db.execute("LOCK TABLE login_failures IN EXCLUSIVE MODE")
        rows = self.db.query("SELECT at FROM login_failures WHERE client = ? AND at > ? ORDER BY at",
                             (client, to_iso(since)))
        return [from_iso(r["at"]) for r in rows]

    def record_login_failure(self, client: str, at: datetime, *, forget_before: datetime,
                             keep: int = 10_000) -> None:
        """Keep a failed login. Failures before `forget_before` are deleted on the way, and so are the oldest
        beyond `keep`: a flood of addresses cannot grow the table without bound."""
        with self.db.transaction():
            self.db.execute("INSERT INTO login_failures (client, at) VALUES (?, ?)", (client, to_iso(at)))
            self.db.execute("DELETE FROM login_failures WHERE at < ?", (to_iso(forget_before),))
            self.db.execute("DELETE FROM login_failures WHERE at < (SELECT at FROM login_failures "
                            "ORDER BY at DESC LIMIT 1 OFFSET ?)", (keep - 1,))

    def clear_login_failures(self, client: str) -> None:
        self.db.execute("DELETE FROM login_failures WHERE client = ?", (client,))
