"""Reading state survives kill -9, on SQLite and PostgreSQL: a real `newsdesk serve` on 127.0.0.1 answers a
reader's marks over HTTP (the reading-state API), is killed with SIGKILL right after, leaves nothing running,
and once started again serves every mark it had answered."""

import os
import signal
import subprocess
import time
import uuid

import httpx
import pytest

from tests.crash.harness import desk_env, free_port, leftovers, listening, newsdesk, with_application_name

from .small_desk import make_small_desk

pytestmark = pytest.mark.slow        # real newsdesk processes

API = "/api/v1/reading"


def serve(db_url: str, port: int, env: dict[str, str], name: str) -> subprocess.Popen:
    proc = subprocess.Popen(newsdesk("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
                            env=dict(env, NEWSDESK_DB=with_application_name(db_url, name)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not listening(port):
        assert proc.poll() is None, "newsdesk serve ended before it listened"
        time.sleep(0.1)
    return proc


def kill_9(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def test_reading_state_survives_kill_9_of_serve(db_url, tmp_path):
    desk = make_small_desk(db_url)
    ferry, _, ferry_articles = desk.story("Ferry")
    hill, _, hill_articles = desk.story("Hill")
    market, _, market_articles = desk.story("Market")
    port, name = free_port(), f"reading-kill-{uuid.uuid4().hex[:8]}"
    env = desk_env(db_url, tmp_path)
    url = f"http://127.0.0.1:{port}{API}"
    headers = {"Authorization": f"Bearer {desk.tokens['ada']}"}
    writes = [("stories/read", [ferry]), ("stories/star", [hill]), ("articles/star", market_articles[:1]),
              ("articles/read", market_articles[1:])]
    proc = serve(db_url, port, env, name)
    try:
        answers = [httpx.post(f"{url}/{path}", json={"ids": ids}, headers=headers, timeout=30).status_code
                   for path, ids in writes]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        left = leftovers(proc.pid, db_url, name, port=port)
    finally:
        kill_9(proc)
    assert answers == [200] * len(writes)
    assert left == []
    again = serve(db_url, port, env, name + "-again")
    try:
        states = {
            "ferry": httpx.get(f"{url}/stories/{ferry}", headers=headers, timeout=30).json(),
            "hill": httpx.get(f"{url}/stories/{hill}", headers=headers, timeout=30).json(),
            "starred": httpx.get(f"{url}/articles/{market_articles[0]}", headers=headers, timeout=30).json(),
            "read": httpx.get(f"{url}/articles/{market_articles[1]}", headers=headers, timeout=30).json(),
            "ferry report": httpx.get(f"{url}/articles/{ferry_articles[0]}", headers=headers, timeout=30).json(),
            "hill report": httpx.get(f"{url}/articles/{hill_articles[0]}", headers=headers, timeout=30).json()}
    finally:
        kill_9(again)
    assert (states["ferry"]["opened"], states["ferry"]["read"]) == (True, True)
    assert (states["hill"]["starred"], states["hill"]["opened"]) == (True, False)
    assert (states["starred"]["starred"], states["starred"]["read"]) == (True, False)
    assert states["read"]["read"] is True
    assert states["ferry report"]["read"] is True
    assert states["hill report"]["read"] is False
