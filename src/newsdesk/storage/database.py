"""Connections for the two backends behind one small interface. SQL uses `?` placeholders."""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from newsdesk.errors import NewsdeskError


class StorageError(NewsdeskError):
    """The database cannot be opened or written; the message is for the user."""


class ReadOnlyError(StorageError):
    """A write to a database this user can only read."""


_URL_PASSWORD = re.compile(r"([a-z][a-z0-9+.-]*://[^:/?#@\s]*:)[^@\s/]*@", re.IGNORECASE)
_KEY_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&'\"]*)", re.IGNORECASE)


def mask_password(text: str) -> str:
    """`text` with every database password in it replaced by ***: in URLs (`postgresql://user:***@host/db`),
    in their query (`?password=***`) and in libpq key/value strings (`password=***`)."""
    return _KEY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


class Database:
    dialect: str
    _begin = "BEGIN"
    _lock: threading.RLock
    _depth = 0
    read_only = False

    def use_wal(self) -> None:
        """Write-ahead logging where the backend has a choice (SQLite); kept in the file once set."""

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

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Many rows at once: one executemany here (PostgreSQL streams them with COPY)."""
        if rows:
            self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                             rows)

    def reserve_ids(self, table: str, count: int) -> list[int]:
        """`count` new ids of `table` for rows written with `copy_rows`; call inside the transaction that
        writes them (SQLite's write lock is held from its start, so the ids after the largest are free)."""
        first = int(self.query(f"SELECT COALESCE(MAX(id), 0) AS m FROM {table}")[0]["m"]) + 1
        return list(range(first, first + count))

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


def _is_read_only(path: str) -> bool:
    """An existing database file that this user cannot write, or whose folder (for -wal and -shm) it cannot."""
    folder = os.path.dirname(os.path.abspath(path))
    return os.path.exists(path) and not (os.access(path, os.W_OK) and os.access(folder, os.W_OK))


def _read_only_hint(path: str) -> str:
    if _is_read_only(path):
        return (" (the database or its folder is read-only; SQLite must be able to write the file and its "
                "-wal and -shm files beside it)")
    return ""


def _primary_code(exc: sqlite3.Error) -> int:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF     # an extended code keeps its primary one in the low byte


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
        self.read_only = path != ":memory:" and _is_read_only(path)
        try:
            self.conn = self._open_read_only(path) if self.read_only else self._connect(path)
            self.conn.row_factory = _dict_factory
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot open database {path}: {exc}{_read_only_hint(path)}") from exc
        self._lock = threading.RLock()

    @staticmethod
    def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
        return sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=30, uri=uri)

    def _open_read_only(self, path: str) -> sqlite3.Connection:
        """mode=ro reads a WAL database with what its -wal holds, but needs the -wal and -shm files to exist
        (a read-only folder cannot get them). Without a -wal the file holds everything, and immutable=1 reads it
        without them; with a -wal but no -shm only a writable open can bring its changes in."""
        uri = "file:" + quote(os.path.abspath(path))
        conn = self._connect(uri + "?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            if _primary_code(exc) != sqlite3.SQLITE_CANTOPEN:
                raise
        wal = path + "-wal"
        if os.path.exists(wal) and os.path.getsize(wal) > 0:
            raise StorageError(f"cannot open database {path}: it is read-only, and changes not yet merged into "
                               f"it wait in {wal}; open it once with write access to merge them")
        return self._connect(uri + "?immutable=1", uri=True)

    def use_wal(self) -> None:
        self.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if _primary_code(exc) == sqlite3.SQLITE_READONLY:
                raise ReadOnlyError(f"database {self.path}: {exc}{_read_only_hint(self.path)}") from exc
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
        from psycopg.rows import dict_row

        self._psycopg = psycopg
        self._dict_row = dict_row
        self.url = url
        self._lock = threading.RLock()
        self.conn = self._connect()

    def _connect(self):
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        psycopg = self._psycopg
        try:
            conninfo = make_conninfo(self.url, **{**self.CLIENT_KEEPALIVES, **conninfo_to_dict(self.url)})
            conn = psycopg.connect(conninfo, autocommit=True, row_factory=self._dict_row)
            conn.execute("SELECT set_config(s.name, l.value, false) FROM unnest(%s::text[], %s::text[]) "
                         "AS l(name, value) JOIN pg_settings s ON s.name = l.name "
                         "WHERE s.source = 'default'",
                         (list(self.SESSION_LIMITS), list(self.SESSION_LIMITS.values())))
        except psycopg.Error as exc:
            raise StorageError(mask_password(f"cannot connect to PostgreSQL at {self.url}: {exc}")) from exc
        return conn

    def _reconnect_if_lost(self) -> None:
        """A connection the server or the network dropped (a restart, a failover) is opened again before the
        next statement, so the desk recovers without a restart; never inside a transaction, whose earlier
        statements went with the old connection (that transaction fails, and is rolled back, as a whole)."""
        if self._depth == 0 and (self.conn.closed or self.conn.broken):
            self.conn.close()
            self.conn = self._connect()

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        self._reconnect_if_lost()
        try:
            yield
        except self._psycopg.Error as exc:
            raise StorageError(mask_password(f"PostgreSQL: {exc}")) from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock, self._guard():
            return self.conn.execute(self._sql(sql), params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock, self._guard(), self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Many rows in one COPY (a stream, not a statement per row)."""
        if not rows:
            return
        with self._lock, self._guard(), self.conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def reserve_ids(self, table: str, count: int) -> list[int]:
        rows = self.query("SELECT nextval(pg_get_serial_sequence(?, 'id')) AS id FROM generate_series(1, ?)",
                          (table, count))
        return [r["id"] for r in rows]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock, self._guard():
            rows = self.conn.execute(self._sql(sql), params).fetchall()
        return [{k: bytes(v) if isinstance(v, memoryview) else v for k, v in r.items()} for r in rows]

    def close(self) -> None:
        self.conn.close()


class DatabaseMissing(StorageError):
    """The SQLite file named does not exist, and the caller did not ask for a new one."""


def connect(url: str, *, create: bool = True) -> Database:
    """A connection to `url`; a SQLite file that does not exist is created only when `create`."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise StorageError(f"unsupported database URL {mask_password(repr(url))}: use a file path, sqlite:///PATH "
                           "or postgresql://…")
    path = str(Path(url).expanduser()) if url != ":memory:" else url
    if not create and path != ":memory:" and not os.path.exists(path):
        raise DatabaseMissing(f"no database at {path}")
    return SQLiteDatabase(path)
