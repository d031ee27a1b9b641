"""What storage refuses before it writes anything: a database of a newer newsdesk, a database of another
application; a set-up that fails leaves the database as it was; passwords never appear in its messages."""

import sqlite3
from pathlib import Path

import pytest

from newsdesk.storage import StorageError, mask_password, open_storage
from newsdesk.storage import migrations

LATEST = migrations.MIGRATIONS[-1][0]


def _is_sqlite(db_url: str) -> bool:
    return not db_url.startswith("postgresql://")


def _state(db_url: str) -> dict:
    """Everything that could change: the SQLite file's bytes and the files beside it; PostgreSQL's tables of
    the test's schema with their rows."""
    if _is_sqlite(db_url):
        folder = Path(db_url).parent
        return {"bytes": Path(db_url).read_bytes(), "files": sorted(p.name for p in folder.iterdir())}
    store = open_storage(db_url, migrate=False)
    try:
        tables = [row["name"] for row in store.db.query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() "
            "ORDER BY table_name")]
        return {name: store.db.query(f'SELECT * FROM "{name}" ORDER BY 1') for name in tables}
    finally:
        store.close()


def _foreign_database(db_url: str) -> None:
    """A database of another application: a notes table with a row."""
    if _is_sqlite(db_url):
        with sqlite3.connect(db_url) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            conn.execute("INSERT INTO notes (id, body) VALUES (1, 'buy bread')")
        conn.close()
        return
    store = open_storage(db_url, migrate=False)
    store.db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    store.db.execute("INSERT INTO notes (id, body) VALUES (1, 'buy bread')")
    store.close()


@pytest.mark.parametrize("given, expected", [
    ("postgresql://desk:s3cret@db.example:5432/news", "postgresql://desk:***@db.example:5432/news"),
    ("cannot connect to PostgreSQL at postgres://desk:s3cret@db.example/news: refused",
     "cannot connect to PostgreSQL at postgres://desk:***@db.example/news: refused"),
    ("postgresql://db.example/news?user=desk&password=s3cret&sslmode=require",
     "postgresql://db.example/news?user=desk&password=***&sslmode=require"),
    ("host=db.example password=s3cret dbname=news", "host=db.example password=*** dbname=news"),
    ("host=db.example password = 'with space' dbname=news", "host=db.example password = *** dbname=news"),
    ("postgresql://desk@db.example:5432/news", "postgresql://desk@db.example:5432/news"),
    ("/var/lib/newsdesk/desk.db", "/var/lib/newsdesk/desk.db"),
])
def test_mask_password_hides_every_spelling_of_a_password(given, expected):
    assert mask_password(given) == expected


def test_a_database_of_a_newer_newsdesk_is_refused_and_left_unchanged(db_url):
    store = open_storage(db_url)
    store.db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                     (LATEST + 1, "from a newer newsdesk", "2030-01-01T00:00:00+00:00"))
    store.close()
    before = _state(db_url)
    with pytest.raises(StorageError) as refused:
        open_storage(db_url)
    message = str(refused.value)
    assert f"schema version {LATEST + 1}" in message
    assert f"({LATEST})" in message
    assert "upgrade newsdesk" in message
    assert _state(db_url) == before


def test_a_foreign_database_is_refused_before_anything_is_written(db_url):
    _foreign_database(db_url)
    before = _state(db_url)
    with pytest.raises(StorageError) as refused:
        open_storage(db_url)
    message = str(refused.value)
    assert "not a newsdesk database" in message
    assert "(notes)" in message
    assert _state(db_url) == before


def _tables(db_url: str) -> list[str]:
    store = open_storage(db_url, migrate=False)
    try:
        if _is_sqlite(db_url):
            return [row["name"] for row in store.db.query("SELECT name FROM sqlite_master")]
        return [row["name"] for row in store.db.query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()")]
    finally:
        store.close()


def test_a_set_up_that_fails_leaves_no_table_behind(db_url, monkeypatch):
    import newsdesk.storage.store as store_module

    broken = (LATEST + 1, "a migration that fails", "CREATE TABLE broken (")
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations.MIGRATIONS + [broken])
    with pytest.raises(StorageError):
        open_storage(db_url)
    assert _tables(db_url) == []
