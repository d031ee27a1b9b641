"""Readers' accounts: the users table and each user's tokens (stored as hashes only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsdesk.model import Role, TokenKind, User
from newsdesk.storage.database import Database, StorageError
from newsdesk.storage.rows import row_id
from newsdesk.timeutil import from_iso, to_iso, utcnow


class UserExists(StorageError):
    pass


_USER_COLUMNS = "id, name, role, disabled, created_at, session_generation, read_before"


def _user(row: dict[str, Any]) -> User:
    return User(id=row["id"], name=row["name"], role=Role(row["role"]), disabled=bool(row["disabled"]),
                created_at=from_iso(row["created_at"]), session_generation=row["session_generation"],
                read_before=from_iso(row["read_before"]))


class UserStore:
    db: Database

    def add_user(self, name: str, password_hash: str, role: Role, *, fever_key: str | None,
                 session_generation: str, read_before: datetime) -> User:
        with self.db.transaction():
            if self.db.query("SELECT id FROM users WHERE name = ?", (name,)):
                raise UserExists(f"a user named {name!r} already exists")
            user_id = self.db.insert(
                "INSERT INTO users (name, password_hash, fever_key, role, created_at, session_generation, "
                "read_before) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, password_hash, fever_key, str(role), to_iso(utcnow()), session_generation,
                 to_iso(read_before)))
        return self.get_user(user_id)

    def get_user(self, user_id: int | str) -> User | None:
        ident = row_id(user_id)
        rows = self.db.query(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", (ident,)) if ident else []
        return _user(rows[0]) if rows else None

    def user_named(self, name: str) -> User | None:
        rows = self.db.query(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,))
        return _user(rows[0]) if rows else None

    def list_users(self) -> list[User]:
        return [_user(r) for r in self.db.query(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name")]

    def count_users(self, role: Role | None = None, *, enabled_only: bool = False) -> int:
        where, params = [], []
        if role is not None:
            where.append("role = ?")
            params.append(str(role))
        if enabled_only:
            where.append("disabled = 0")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return int(self.db.query(f"SELECT COUNT(*) AS n FROM users{clause}", params)[0]["n"])

    def user_password_hash(self, user_id: int) -> str | None:
        rows = self.db.query("SELECT password_hash FROM users WHERE id = ?", (user_id,))
        return rows[0]["password_hash"] if rows else None

    def set_user_password(self, user_id: int, password_hash: str, fever_key: str | None,
                          session_generation: str | None = None) -> None:
        """A new password hash; with a new `session_generation`, every session of the user ends."""
        with self.db.transaction():
            self.db.execute("UPDATE users SET password_hash = ?, fever_key = ? WHERE id = ?",
                            (password_hash, fever_key, user_id))
            if session_generation is not None:
                self.db.execute("UPDATE users SET session_generation = ? WHERE id = ?",
                                (session_generation, user_id))

    def set_user_role(self, user_id: int, role: Role) -> None:
        self.db.execute("UPDATE users SET role = ? WHERE id = ?", (str(role), user_id))

    def set_user_disabled(self, user_id: int, disabled: bool, session_generation: str) -> None:
        """Disable or enable a user; either way the user's sessions end (a new generation)."""
        self.db.execute("UPDATE users SET disabled = ?, session_generation = ? WHERE id = ?",
                        (int(disabled), session_generation, user_id))

    def set_session_generation(self, user_id: int, session_generation: str) -> None:
        self.db.execute("UPDATE users SET session_generation = ? WHERE id = ?", (session_generation, user_id))

    def delete_user(self, user_id: int) -> bool:
        """Delete the user with their tokens and reading state; False when there was no such user."""
        with self.db.transaction():
            for table in ("user_tokens", "article_marks", "story_reads", "user_hidden"):
                self.db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
            return self.db.execute("DELETE FROM users WHERE id = ?", (user_id,)) > 0

    def user_language(self, user_id: int) -> str | None:
        """The language the user reads story pages in, when they chose one."""
        rows = self.db.query("SELECT display_language FROM users WHERE id = ?", (user_id,))
        return rows[0]["display_language"] if rows else None

    def set_user_language(self, user_id: int, language: str | None) -> None:
        self.db.execute("UPDATE users SET display_language = ? WHERE id = ?", (language, user_id))

    def user_by_fever_key(self, fever_key: str) -> User | None:
        rows = self.db.query(f"SELECT {_USER_COLUMNS} FROM users WHERE fever_key = ?", (fever_key,))
        return _user(rows[0]) if len(rows) == 1 else None

    # -- tokens ------------------------------------------------------------------------------------------------

    def add_user_token(self, user_id: int, kind: TokenKind, token_hash: str, label: str | None = None) -> int:
        return self.db.insert(
            "INSERT INTO user_tokens (user_id, kind, token_hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, str(kind), token_hash, label, to_iso(utcnow())))

    def user_by_token(self, kind: TokenKind, token_hash: str) -> User | None:
        rows = self.db.query(
            "SELECT u.id, u.name, u.role, u.disabled, u.created_at, u.session_generation, u.read_before "
            "FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE t.kind = ? AND t.token_hash = ?",
            (str(kind), token_hash))
        return _user(rows[0]) if rows else None

    def user_tokens(self, user_id: int) -> list[dict[str, Any]]:
        """The user's tokens (never their hashes): id, kind, label, created_at, last_used_at."""
        rows = self.db.query("SELECT id, kind, label, created_at, last_used_at FROM user_tokens "
                             "WHERE user_id = ? ORDER BY id", (user_id,))
        return [dict(r, kind=TokenKind(r["kind"]), created_at=from_iso(r["created_at"]),
                     last_used_at=from_iso(r["last_used_at"])) for r in rows]

    def delete_user_tokens(self, user_id: int, kind: TokenKind | None = None, token_id: int | None = None) -> int:
        where, params = ["user_id = ?"], [user_id]
        if kind is not None:
            where.append("kind = ?")
            params.append(str(kind))
        if token_id is not None:
            where.append("id = ?")
            params.append(token_id)
        return self.db.execute(f"DELETE FROM user_tokens WHERE {' AND '.join(where)}", params)
