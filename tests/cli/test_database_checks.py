"""The command on a database it must not use or must not show: a newer schema, another application's file,
a PostgreSQL URL with a password. One line, exit 1, no traceback; the password masked wherever the URL is
printed."""

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from newsdesk.storage import migrations, open_storage
from tests.desk_process import start_serving

pytestmark = pytest.mark.slow        # real newsdesk processes

LATEST = migrations.MIGRATIONS[-1][0]
DB_PASSWORD = "pw-" + secrets.token_hex(8)


def _env(tmp_path: Path, db: str) -> dict[str, str]:
    return dict(os.environ, NEWSDESK_DB=db, NEWSDESK_CONFIG=str(tmp_path / "none.toml"),
                XDG_DATA_HOME=str(tmp_path / "data"), NEWSDESK_STORIES="false", COLUMNS="300")


def newsdesk(tmp_path: Path, db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], env=_env(tmp_path, db), capture_output=True,
                          text=True, timeout=120)


def _with_password(url: str, port: int | None = None) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:{DB_PASSWORD}@{parts.hostname}:"
                                            f"{port or parts.port or 5432}"))


@pytest.mark.parametrize("command", [["stories"], ["serve", "--port", "0"]])
def test_a_database_of_a_newer_newsdesk_is_one_line_and_exit_1(db_url, tmp_path, command):
    store = open_storage(db_url)
    store.db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                     (LATEST + 1, "from a newer newsdesk", "2030-01-01T00:00:00+00:00"))
    store.close()
    done = newsdesk(tmp_path, db_url, *command)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: the database has schema version {LATEST + 1}, newer than this newsdesk knows ({LATEST}): "
        "upgrade newsdesk"]


def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path):
    db = tmp_path / "notes.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('buy bread')")
    conn.close()
    before = db.read_bytes()
    done = newsdesk(tmp_path, str(db), "init", "--no-defaults", "--password", "a long enough password")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not a newsdesk database" in done.stderr
    assert "(notes)" in done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes.db")) == ["notes.db"]


def test_init_prints_the_database_url_with_the_password_masked(pg_url, tmp_path):
    url = _with_password(pg_url)
    done = newsdesk(tmp_path, url, "init", "--no-defaults", "--password", "a long enough password")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Database ready: {_with_password(pg_url).replace(DB_PASSWORD, '***')}" in done.stdout
    assert DB_PASSWORD not in done.stdout + done.stderr


def test_run_prints_the_database_url_with_the_password_masked(pg_url, tmp_path):
    url = _with_password(pg_url)
    store = open_storage(url)
    store.add_source("http://127.0.0.1:9/feed.xml")     # a local source: no default feeds, nothing from outside
    store.close()
    proc, lines = start_serving(["run", "--port", "0", "--workers", "1"], _env(tmp_path, url))
    try:
        assert any("open http" in line for line in lines), "".join(lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=60)
    output = "".join(lines) + rest
    assert f"newsdesk is running on {url.replace(DB_PASSWORD, '***')}" in output
    assert DB_PASSWORD not in output


def test_an_unreachable_postgresql_is_a_masked_error(pg_url, tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    url = _with_password(pg_url, port)
    done = newsdesk(tmp_path, url, "stories")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"postgres:***@127.0.0.1:{port}" in done.stderr
    assert DB_PASSWORD not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
