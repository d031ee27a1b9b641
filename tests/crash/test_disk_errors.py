"""A full disk or a read-only database: the command says so and fails, the daemon says so and keeps
running, and the database stays sound with everything stored before."""

import asyncio
import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import StorageError, open_storage
from tests.crash.harness import articles, check, desk_env, newsdesk, subscribe
from tests.crash.site import CrashSite


# Room for the empty desk (its schema takes about half a megabyte) and some of the site's 400 articles, not all.
SMALL = "2m"


@contextmanager
def tmpfs(path: Path, size: str):
    """A small filesystem of its own (needs root; skipped otherwise)."""
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _remount(path: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True)


def test_fetch_on_a_full_disk_fails_clearly_and_keeps_the_database_sound(tmp_path):
    with CrashSite(articles=400, feeds=4) as site, tmpfs(tmp_path / "small", SMALL) as small:
        db = small / "desk.db"
        subscribe(db, site.feed_urls)
        env = desk_env(db, tmp_path, NEWSDESK_STORIES="false")
        done = subprocess.run(newsdesk("fetch", "--all"), env=env, capture_output=True, text=True, timeout=600)
        output = done.stdout + done.stderr
        assert done.returncode != 0, output
        assert "database or disk is full" in output and str(db) in output, output
        assert "Traceback" not in output
        stored = articles(db)
        assert 0 < len(stored) < site.pages
        assert check(db, stories=False) == []


def test_the_daemon_on_a_full_disk_logs_it_and_keeps_running(tmp_path):
    with CrashSite(articles=400, feeds=4) as site, tmpfs(tmp_path / "small", SMALL) as small:
        db = small / "desk.db"
        subscribe(db, site.feed_urls)
        env = desk_env(db, tmp_path, NEWSDESK_STORIES="false")
        log = tmp_path / "daemon.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(newsdesk("run", "--port", "0"), env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline and "disk is full" not in log.read_text(errors="replace"):
                    assert proc.poll() is None, log.read_text(errors="replace")
                    time.sleep(0.2)
                time.sleep(2)
                assert proc.poll() is None, "the daemon must outlive a full disk"
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=60)
        text = log.read_text(errors="replace")
        assert "database or disk is full" in text, text[-3000:]
        assert check(db, stories=False) == []
        assert len(articles(db)) > 0


def test_a_full_database_in_process_reports_the_storage_error(tmp_path):
    """The same without root (SQLite's max_page_count makes the database full): the poll stops with the
    storage error itself, not a rollback error hiding it, and no source is blamed."""
    db = tmp_path / "desk.db"
    with CrashSite(articles=200, feeds=2) as site:
        subscribe(db, site.feed_urls)
        storage = open_storage(str(db))
        pages = storage.db.query("PRAGMA page_count")[0]["page_count"]
        storage.db.query(f"PRAGMA max_page_count = {pages + 60}")
        settings = Settings(db=str(db), per_host_delay=0.0, extract_workers=1, stories=False,
                            fetch_allow="127.0.0.1/32")

        async def poll():
            async with Desk(storage, settings) as desk:
                return await desk.poll(due_only=False)

        with pytest.raises(StorageError, match="database or disk is full") as raised:
            asyncio.run(poll())
        storage.close()
    assert str(db) in str(raised.value)
    assert 0 < len(articles(db)) < site.pages
    assert check(db, stories=False) == []


def _make_read_only(folder: Path, db: Path):
    if os.geteuid() == 0:
        _remount(folder, "ro")
        return lambda: _remount(folder, "rw")
    for path in (db, folder):
        path.chmod(0o555 if path.is_dir() else 0o444)
    return lambda: [p.chmod(0o755 if p.is_dir() else 0o644) for p in (folder, db)]


def test_a_read_only_database_fails_clearly_and_stays_intact(tmp_path):
    with CrashSite(articles=30, feeds=2) as site, tmpfs(tmp_path / "ro", "20m") as folder:
        db = folder / "desk.db"
        subscribe(db, site.feed_urls[:1])
        env = desk_env(db, tmp_path, NEWSDESK_STORIES="false")
        first = subprocess.run(newsdesk("fetch", "--all"), env=env, capture_output=True, text=True, timeout=300)
        assert first.returncode == 0, first.stdout + first.stderr
        before = articles(db)
        storage = open_storage(str(db))
        storage.add_source(site.feed_urls[1])
        storage.close()
        restore = _make_read_only(folder, db)
        try:
            done = subprocess.run(newsdesk("fetch", "--all"), env=env, capture_output=True, text=True, timeout=300)
        finally:
            restore()
        output = done.stdout + done.stderr
        assert done.returncode != 0, output
        assert "readonly" in output.replace("read-only", "readonly") and str(db) in output, output
        assert "Traceback" not in output
        assert articles(db) == before
        assert check(db, stories=False) == []
