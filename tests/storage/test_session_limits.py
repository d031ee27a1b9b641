"""A PostgreSQL session of the desk cannot block the next desk for long: a transaction left idle (its desk
died, but something still holds the connection) is ended by the server, a lock wait gives up with a clear
error, and both the server and libpq probe the connection (keepalives)."""

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from newsdesk.storage import StorageError, open_storage
from newsdesk.storage.database import PostgresDatabase

WAIT = 20.0   # seconds a test waits for what the limits (shortened to 1 s here) should do at once


def _shortened(monkeypatch, **limits: str) -> None:
    """The desk's limits with `limits` shortened (raising=False: against a desk without limits the test then
    shows the hang, not an AttributeError)."""
    given = getattr(PostgresDatabase, "SESSION_LIMITS", {})
    monkeypatch.setattr(PostgresDatabase, "SESSION_LIMITS", {**given, **limits}, raising=False)


def _one_source(url: str) -> int:
    storage = open_storage(url)
    try:
        return storage.add_source("http://127.0.0.1:9/feed.xml").id
    finally:
        storage.close()


def test_every_desk_session_has_the_limits(pg_url):
    storage = open_storage(pg_url)
    try:
        for name, value in PostgresDatabase.SESSION_LIMITS.items():
            assert storage.db.query(f"SHOW {name}")[0][name] == value, name
    finally:
        storage.close()


def test_every_desk_connection_sends_keepalives(pg_url):
    storage = open_storage(pg_url)
    try:
        parameters = storage.db.conn.info.get_parameters()
    finally:
        storage.close()
    for name, value in PostgresDatabase.CLIENT_KEEPALIVES.items():
        assert parameters[name] == value, name


def test_limits_set_in_the_url_win(pg_url):
    storage = open_storage(f"{pg_url}%20-clock_timeout%3D7s&keepalives_idle=11")
    try:
        assert storage.db.query("SHOW lock_timeout")[0]["lock_timeout"] == "7s"
        assert storage.db.conn.info.get_parameters()["keepalives_idle"] == "11"
    finally:
        storage.close()


def test_a_transaction_left_idle_does_not_block_the_next_desk(pg_url, monkeypatch):
    source_id = _one_source(pg_url)
    _shortened(monkeypatch, idle_in_transaction_session_timeout="1s")
    stale, next_desk = open_storage(pg_url), open_storage(pg_url)
    pool = ThreadPoolExecutor(1)
    try:
        stale.db.execute("BEGIN")
        stale.db.execute("UPDATE sources SET title = 'stale' WHERE id = ?", (source_id,))
        waiting = pool.submit(next_desk.db.execute, "UPDATE sources SET title = 'next' WHERE id = ?",
                              (source_id,))
        changed = waiting.result(timeout=WAIT)
        assert changed == 1
        assert next_desk.get_source(source_id).title == "next"
        with pytest.raises(StorageError):
            stale.db.execute("SELECT 1")
    finally:
        stale.close()                  # lets a waiting update go, should the limit not have
        pool.shutdown()
        next_desk.close()


def test_a_lock_held_elsewhere_fails_clearly_instead_of_hanging(pg_url, monkeypatch):
    source_id = _one_source(pg_url)
    _shortened(monkeypatch, lock_timeout="1s")
    storage = open_storage(pg_url)
    pool = ThreadPoolExecutor(1)
    try:
        with psycopg.connect(pg_url) as holder:
            try:
                holder.execute("UPDATE sources SET title = 'held' WHERE id = %s", (source_id,))
                waiting = pool.submit(storage.db.execute, "UPDATE sources SET title = 'next' WHERE id = ?",
                                      (source_id,))
                error = waiting.exception(timeout=WAIT)
            finally:
                holder.rollback()      # lets a waiting update go, should the limit not have
        assert isinstance(error, StorageError)
        assert "lock timeout" in str(error)
    finally:
        pool.shutdown()
        storage.close()
