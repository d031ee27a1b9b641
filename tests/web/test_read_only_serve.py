"""`newsdesk serve` on a database this user cannot write serves it read-only: it says so at start, pages,
the API and feeds are read, and writes (a login, a new source) are answered 503 "the desk is read-only"."""

import os
import re
import shutil
import signal

import httpx
import pytest

from tests.crash.test_disk_errors import _make_read_only, tmpfs
from tests.desk_process import start_serving

from .conftest import PASSWORD

pytestmark = pytest.mark.slow        # a real newsdesk process


@pytest.fixture
def read_only_desk(desk_db, tmp_path):
    """A copy of the demo desk (with no session secret yet) on a read-only filesystem: (path, admin token)."""
    with tmpfs(tmp_path / "ro", "50m") as folder:
        db = folder / "desk.db"
        shutil.copy(desk_db[0], db)
        restore = _make_read_only(folder, db)
        try:
            yield db, desk_db[1]
        finally:
            restore()


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_on_a_read_only_database_serves_it_read_only(read_only_desk, tmp_path, workers):
    db, token = read_only_desk
    env = dict(os.environ, NEWSDESK_DB=str(db), NEWSDESK_CONFIG=str(tmp_path / "none.toml"), COLUMNS="200")
    proc, lines = start_serving(["serve", "--port", "0", "--workers", str(workers)], env)
    try:
        start = "".join(lines)
        url = re.search(r"open (http://127\.0\.0\.1:\d+/)", start).group(1)
        home = httpx.get(url, timeout=30)
        stories = httpx.get(url + "api/v1/stories", timeout=30)
        feed = httpx.get(url + "feeds/top.atom", timeout=30)
        form = httpx.get(url + "login", timeout=30)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        login = httpx.post(url + "login", data={"name": "admin", "password": PASSWORD, "csrf": csrf, "next": "/"},
                           cookies=form.cookies, timeout=30)
        added = httpx.post(url + "api/v1/sources", json={"url": "http://127.0.0.1:9/feed.xml"},
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert "read-only" in start
    assert home.status_code == 200
    assert stories.json()["stories"]
    assert feed.status_code == 200
    assert login.status_code == 503
    assert "the desk is read-only" in login.text
    assert added.status_code == 503
    assert "the desk is read-only" in added.json()["error"]
    assert proc.returncode == 0, start + output
    assert "Traceback" not in start + output
