"""Commands that take an id, run as real processes on SQLite and PostgreSQL: a number no row can have is a
clear `error: no …` line (or the plain "no articles" answer for a filter), never a traceback. On SQLite it
was an OverflowError."""

import os
import subprocess
import sys

import pytest

from newsdesk.storage import MAX_ID, open_storage

pytestmark = pytest.mark.slow        # real newsdesk processes

BEYOND = str(MAX_ID + 1)
BELOW = str(-MAX_ID - 2)         # one past a 64-bit integer downwards


def newsdesk(db_url: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSDESK_CONFIG": str(tmp_path / "none.toml"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "newsdesk", "--db", db_url, *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def desk(db_url):
    storage = open_storage(db_url)
    storage.add_source("http://127.0.0.1:9/feed.xml", title="A feed")
    storage.close()
    return db_url


@pytest.mark.parametrize("args, says", [
    (("article", BEYOND), f"error: no article {BEYOND}"),
    (("article", "--", BELOW), f"error: no article {BELOW}"),
    (("story", BEYOND), f"error: no story '{BEYOND}'"),
    (("remove", BEYOND), f"error: no source '{BEYOND}'"),
])
def test_an_id_no_row_can_have_is_a_clear_error(desk, tmp_path, args, says):
    run = newsdesk(desk, tmp_path, *args)
    assert run.returncode == 1, run.stderr
    assert run.stderr.startswith(says), run.stderr
    assert "Traceback" not in run.stderr


def test_a_source_filter_no_row_can_have_lists_nothing(desk, tmp_path):
    run = newsdesk(desk, tmp_path, "articles", "--source", BEYOND)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"No articles from '{BEYOND}'"), run.stdout
    assert run.stderr == ""


def test_removing_an_id_no_row_can_have_removes_nothing(desk, tmp_path):
    newsdesk(desk, tmp_path, "remove", BEYOND)
    assert "A feed" in newsdesk(desk, tmp_path, "sources").stdout
