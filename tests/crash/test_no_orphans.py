"""kill -9 leaves nothing behind: the extraction workers of `ingest` and the web workers of `run --workers 2`
end with the desk that started them, its database sessions end, and the next start works (same port)."""

import http.client
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

from newsdesk_lab.bench.ingest import generate_pages
from tests.crash.harness import (
    _read, desk_env, free_port, leftovers, newsdesk, session_processes, subscribe, with_application_name,
)
from tests.crash.site import CrashSite, page_html

PAGES = 300


def _write_pages(folder: Path, count: int) -> None:
    folder.mkdir()
    for n, page in enumerate(generate_pages(count, seed=5, copy_share=0.0)):
        (folder / f"{n:04}.html").write_text(page_html(page), encoding="utf-8")


def _stored(db) -> int:
    with _read(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _end_session(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def test_a_killed_ingest_leaves_no_extraction_worker_and_no_session(tmp_path, db_url):
    pages = tmp_path / "pages"
    _write_pages(pages, PAGES)
    subscribe(db_url, [])                                  # creates the schema before the desk starts
    name = f"killed-ingest-{uuid.uuid4().hex[:8]}"
    env = desk_env(db_url, tmp_path, NEWSDESK_EXTRACT_WORKERS="2", NEWSDESK_STORIES="false")
    proc = subprocess.Popen(newsdesk("ingest", str(pages)), env=dict(env, NEWSDESK_DB=with_application_name(
        db_url, name)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        at_work = _wait_for(lambda: _stored(db_url) > 0 and len(session_processes(proc.pid)) >= 3, 90)
        running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = leftovers(proc.pid, db_url, name)
    finally:
        _end_session(proc)
    assert at_work, "the ingest never stored an article with its two workers running"
    assert running, "the ingest ended before it was killed: give it more pages"
    assert left == []
    done = subprocess.run(newsdesk("ingest", str(pages)), env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _stored(db_url) == PAGES


def test_a_killed_run_with_web_workers_frees_its_port_for_the_next_start(tmp_path):
    db = tmp_path / "desk.db"
    port = free_port()
    command = newsdesk("run", "--host", "127.0.0.1", "--port", str(port), "--workers", "2")
    with CrashSite(articles=20, feeds=1) as site:
        subscribe(db, site.feed_urls)
        env = desk_env(db, tmp_path, NEWSDESK_EXTRACT_WORKERS="2")
        first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        try:
            serving = _wait_for(lambda: _answers(port) and len(session_processes(first.pid)) >= 3, 90)
            first.send_signal(signal.SIGKILL)
            first.wait()
            left = leftovers(first.pid, db, port=port)
        finally:
            _end_session(first)
        assert serving, "the first desk never served its page with its web workers running"
        assert left == []
        second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            restarted = _wait_for(lambda: _answers(port), 90)
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        finally:
            _end_session(second)
        assert restarted, second.stdout.read().decode("utf-8", "replace")[-2000:]
