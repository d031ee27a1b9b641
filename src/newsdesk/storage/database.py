"""Connections for the two backends behind one small interface. SQL uses `?` placeholders."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class StorageError(Exception):
    """The database cannot be opened or written; the message is for the user."""


class Database:
    dialect: str
    _begin = "BEGIN"
    _lock: threading.RLock
    _depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows changed."""
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT … RETURNING id and return the id."""
        rows = self.query(sql + " RETURNING id", params)
        return int(rows[0]["id"])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; nested calls join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.execute(self._begin)
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                try:
                    self.execute("ROLLBACK")
                except StorageError:
                    pass   # SQLite already rolled back (a full disk does that): the first error is the one to tell
                raise
            self._depth = 0
            self.execute("COMMIT")

    def close(self) -> None:
        raise NotImplementedError


def _read_only_hint(path: str) -> str:
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.exists(path) and not (os.access(path, os.W_OK) and os.access(folder, os.W_OK)):
        return (" (the database or its folder is read-only; SQLite must be able to write the file and its "
                "-wal and -shm files beside it)")
    return ""


def _dict_factory(cursor: sqlite3.Cursor, row: tuple) -> dict[str, Any]:
    return {col[0]: value for col, value in zip(cursor.description, row)}


class SQLiteDatabase(Database):
    dialect = "sqlite"
    _begin = "BEGIN IMMEDIATE"   # take the write lock up front: no deadlock between two upgrading readers

    def __init__(self, path: str):
        self.path = path
        if path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the data directory for {path}: {exc}") from exc
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            self.conn.row_factory = _dict_factory
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot open database {path}: {exc}{_read_only_hint(path)}") from exc
        self._lock = threading.RLock()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise StorageError(f"database {self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"database {self.path} is damaged or not a database: {exc}") from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock, self._guard():
            return self.conn.execute(sql, params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock, self._guard():
            self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock, self._guard():
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self.conn.close()


class PostgresDatabase(Database):
    dialect = "postgresql"
    # A session whose desk died must not keep its locks for long, nor may a live desk wait on them forever.
    # The longest legitimate work: a grouping batch's transaction (only the writes of up to 256 articles; the
    # clustering is done before it begins) and a migration's or `reindex` full-table statement. The server
    # also probes the client's connection, so a client that vanished is noticed even mid-statement. Set only
    # where nobody else did: the URL's `options=-c NAME=VALUE`, PGOPTIONS, ALTER ROLE/DATABASE or
    # postgresql.conf win.
    SESSION_LIMITS = {"statement_timeout": "10min", "lock_timeout": "30s",
                      "idle_in_transaction_session_timeout": "1min",
                      "client_connection_check_interval": "10s", "tcp_keepalives_idle": "30",
                      "tcp_keepalives_interval": "10", "tcp_keepalives_count": "3"}
    # libpq's side: a server that vanished is noticed within about a minute. The URL's own values win.
    CLIENT_KEEPALIVES = {"keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10",
                         "keepalives_count": "3"}

    def __init__(self, url: str):
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo
        from psycopg.rows import dict_row

        self._psycopg = psycopg
        try:
            conninfo = make_conninfo(url, **{**self.CLIENT_KEEPALIVES, **conninfo_to_dict(url)})
            self.conn = psycopg.connect(conninfo, autocommit=True, row_factory=dict_row)
            self.conn.execute("SELECT set_config(s.name, l.value, false) FROM unnest(%s::text[], %s::text[]) "
                              "AS l(name, value) JOIN pg_settings s ON s.name = l.name "
                              "WHERE s.source = 'default'",
                              (list(self.SESSION_LIMITS), list(self.SESSION_LIMITS.values())))
        except psycopg.Error as exc:
            raise StorageError(f"cannot connect to PostgreSQL at {url}: {exc}") from exc
        self.url = url
        self._lock = threading.RLock()

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except self._psycopg.Error as exc:
            raise StorageError(f"PostgreSQL: {exc}") from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock, self._guard():
            return self.conn.execute(self._sql(sql), params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock, self._guard(), self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock, self._guard():
            rows = self.conn.execute(self._sql(sql), params).fetchall()
        return [{k: bytes(v) if isinstance(v, memoryview) else v for k, v in r.items()} for r in rows]

    def close(self) -> None:
        self.conn.close()


def connect(url: str) -> Database:
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise StorageError(f"unsupported database URL {url!r}: use a file path, sqlite:///PATH or postgresql://…")
    return SQLiteDatabase(str(Path(url).expanduser()) if url != ":memory:" else url)
