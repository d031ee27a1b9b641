"""Crashes lose nothing and leave nothing behind: `newsdesk run` is killed with SIGKILL at random moments
during a large ingest and restarted each time on the same port; the database stays sound and ends with the
articles an uninterrupted run stores, and no process, listener or database session of a killed desk survives
it."""

import asyncio
import os
import signal
import subprocess
import time

import pytest

from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage
from tests.crash.harness import _progress, _read, articles, check, crash_run, desk_env, newsdesk, subscribe
from tests.crash.site import CrashSite


def _assert_nothing_lost(run) -> None:
    assert run.log.exited_early == 0, run.log.output_tail
    assert run.log.left_behind == []
    assert run.problems == []
    assert len(run.reference) > 0
    assert run.missing == set() and run.extra == set()
    # the kills fell while the articles were coming in, not only before or after
    assert any(0 < n < len(run.reference) for n in run.log.articles_at_kill), run.log.articles_at_kill


def test_a_few_kills_during_an_ingest(tmp_path, db_url):
    run = crash_run(tmp_path, kills=5, articles_n=240, feeds=12, seed=3, max_delay=3.0, db=db_url)
    _assert_nothing_lost(run)


@pytest.mark.soak
def test_fifty_kills_during_a_large_ingest(tmp_path, db_url):
    run = crash_run(tmp_path, kills=50, articles_n=1000, feeds=20, seed=1, max_delay=6.0, db=db_url)
    _assert_nothing_lost(run)


def test_a_kill_after_the_feed_was_read_loses_no_entry(tmp_path):
    """The feed answered (with an ETag), its article pages had not: a desk that kept the ETag before storing
    the entries would be answered 304 next time and never fetch them."""
    db = tmp_path / "desk.db"
    with CrashSite(articles=60, feeds=3) as site:
        subscribe(db, site.feed_urls)
        env = desk_env(db, tmp_path, NEWSDESK_STORIES="false", NEWSDESK_TOTAL_TIMEOUT="120")
        site.stall.set()
        proc = subprocess.Popen(newsdesk("run", "--port", "0"), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            with _read(db) as conn:
                while time.monotonic() < deadline and conn.execute(
                        "SELECT COUNT(*) FROM fetch_log WHERE kind = 'feed' AND outcome = 'ok'").fetchone()[0] < 3:
                    time.sleep(0.05)
            time.sleep(0.5)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert articles(db) == set()
        site.stall.clear()
        done = subprocess.run(newsdesk("fetch", "--all"), env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert len(articles(db)) == site.pages
        assert check(db, stories=False) == []


def test_articles_stored_but_never_grouped_are_grouped_by_the_next_desk(tmp_path):
    """A kill between storing articles and grouping them: the next desk groups them and writes their pages."""
    db = tmp_path / "desk.db"
    with CrashSite(articles=40, feeds=2) as site:
        subscribe(db, site.feed_urls)
        storage = open_storage(str(db))
        base = dict(db=str(db), per_host_delay=0.0, extract_workers=1, fetch_allow="127.0.0.1/32")

        async def poll_without_stories():
            async with Desk(storage, Settings(**base, stories=False)) as desk:
                await desk.poll(due_only=False)

        async def next_desk():
            async with Desk(storage, Settings(**base)) as desk:
                return await desk.update_stories([])

        asyncio.run(poll_without_stories())
        assert storage.articles_without_story() and len(articles(db)) == site.pages
        touched = asyncio.run(next_desk())
        storage.close()
    assert touched
    assert check(db) == []


def test_progress_reader_sees_a_desk_at_work(tmp_path):
    """The harness kills only after the daemon wrote something: its progress probe must move."""
    db = tmp_path / "desk.db"
    with CrashSite(articles=10, feeds=1) as site:
        subscribe(db, site.feed_urls)
        with _read(db) as conn:
            before = _progress(conn)
        done = subprocess.run(newsdesk("fetch", "--all"), env=desk_env(db, tmp_path, NEWSDESK_STORIES="false"),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        with _read(db) as conn:
            assert _progress(conn) != before
