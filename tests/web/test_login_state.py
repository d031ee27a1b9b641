"""What every web worker process must share: the count of failed logins (in storage, so that N workers do not
allow N times the attempts) and each user's session generation (a new password or `init --revoke-sessions`
ends the sessions it concerns, in every worker)."""

import os
import subprocess
import sys
import threading

import pytest
from fastapi.testclient import TestClient

import newsdesk.web.access as access_module
from newsdesk.accounts import find_user, new_token, set_password
from newsdesk.storage import Storage, open_storage
from newsdesk.web import create_app
from newsdesk.web.auth import LoginLimiter

from .conftest import ADMIN, PASSWORD, web_settings
from .test_auth import login

CLIENT = "testclient"          # the address TestClient requests come from


@pytest.fixture
def desk(desk_db):
    """The module's desk with no failed logins counted and the admin password of conftest."""
    path, token = desk_db
    storage = open_storage(path)
    storage.clear_login_failures(CLIENT)
    storage.close()
    yield path, token
    storage = open_storage(path)
    storage.clear_login_failures(CLIENT)
    set_password(storage, find_user(storage, ADMIN), PASSWORD)
    storage.close()


@pytest.fixture
def no_generation_cache(monkeypatch):
    """Workers read a session's user again on every request (they keep it USER_TTL seconds)."""
    monkeypatch.setattr(access_module, "USER_TTL", 0.0)


def _app(path):
    return create_app(path, web_settings(db=path))


def _is_admin(client) -> bool:
    return 'action="/sources"' in client.get("/sources").text


def _init(db, *args):
    env = dict(os.environ, NEWSDESK_DB=db, NEWSDESK_CONFIG="/nonexistent.toml")
    env.pop("NEWSDESK_ADMIN_PASSWORD", None)
    done = subprocess.run([sys.executable, "-m", "newsdesk", "init", "--no-defaults", *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_two_workers_share_the_login_limit(desk):
    path, _ = desk
    with TestClient(_app(path)) as one, TestClient(_app(path)) as two:
        assert one.app.state.web is not two.app.state.web       # two processes' worth of state, one database
        for k in range(5):
            assert login((one, two)[k % 2], "guess-guess").status_code == 401
        for worker in (one, two):
            limited = login(worker, PASSWORD)                 # the 6th try, the right password included
            assert limited.status_code == 429
            assert int(limited.headers["retry-after"]) > 0
            assert not _is_admin(worker)


def test_a_success_clears_the_count_for_every_worker(desk):
    path, _ = desk
    with TestClient(_app(path)) as one, TestClient(_app(path)) as two:
        for _ in range(4):
            assert login(one, "guess-guess").status_code == 401
        assert login(two, PASSWORD).status_code == 303
        for _ in range(4):
            assert login(one, "guess-guess").status_code == 401
        assert login(one, PASSWORD).status_code == 303


def test_parallel_guesses_cannot_pass_the_check_before_they_are_counted(db_url):
    """Ten connections (as ten workers) try at once: exactly `attempts` of them get to check a password."""
    stores = [open_storage(db_url) for _ in range(10)]
    start = threading.Barrier(len(stores))
    waits: list[float] = []

    def guess(storage):
        limiter = LoginLimiter(lambda: storage)
        start.wait()
        waits.append(limiter.attempt("203.0.113.9"))

    threads = [threading.Thread(target=guess, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for storage in stores:
        storage.close()
    assert len(waits) == 10
    assert waits.count(0.0) == 5
    assert all(w > 0 for w in waits if w != 0.0)


@pytest.mark.slow          # `newsdesk init` as a real process
def test_a_cookie_from_before_a_password_change_is_refused_after_it(desk, no_generation_cache):
    path, _ = desk
    with TestClient(_app(path)) as browser, TestClient(_app(path)) as other_worker:
        assert login(browser, PASSWORD).status_code == 303
        assert _is_admin(browser)
        other_worker.cookies.set("nd_session", browser.cookies["nd_session"])
        assert _is_admin(other_worker)                        # the cookie works in every worker
        assert "Admin password set" in _init(path, "--password", "a new password")
        assert not _is_admin(browser)
        assert not _is_admin(other_worker)
        assert login(browser, PASSWORD).status_code == 401
        assert login(browser, "a new password").status_code == 303
        assert _is_admin(browser)


def test_every_password_set_starts_a_new_generation(desk):
    path, _ = desk
    storage = open_storage(path)
    before = find_user(storage, ADMIN)
    set_password(storage, before, "yet another password")
    assert find_user(storage, ADMIN).session_generation not in ("", before.session_generation)
    storage.close()


@pytest.mark.slow          # `newsdesk init` as a real process
def test_revoke_sessions_logs_every_browser_out(desk, no_generation_cache):
    path, _ = desk
    storage = open_storage(path)
    token = new_token(storage, find_user(storage, ADMIN))    # the module's may be gone with an earlier test's password
    storage.close()
    with TestClient(_app(path)) as one, TestClient(_app(path)) as two:
        for browser in (one, two):
            assert login(browser, PASSWORD).status_code == 303
            assert _is_admin(browser)
        assert "Web sessions ended" in _init(path, "--revoke-sessions")
        assert not _is_admin(one)
        assert not _is_admin(two)
        api = one.post("/api/v1/sources", json={"nope": 1}, headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 422                           # the API token is not a session: it still works
        assert login(one, PASSWORD).status_code == 303   # the password still works
        assert _is_admin(one)
        assert not _is_admin(two)


def test_the_user_is_read_once_per_ttl_not_per_request(desk, monkeypatch):
    """A worker that did not take the login reads the session's user (role, disabled, generation) once, then
    keeps it USER_TTL seconds; the worker that took the login keeps the user it checked."""
    path, _ = desk
    reads = []
    get_user = Storage.get_user

    def counted(storage, user_id):
        reads.append(user_id)
        return get_user(storage, user_id)

    monkeypatch.setattr(Storage, "get_user", counted)
    monkeypatch.setattr(access_module, "USER_TTL", 600.0)
    with TestClient(_app(path)) as browser, TestClient(_app(path)) as other_worker:
        assert login(browser, PASSWORD).status_code == 303
        other_worker.cookies.set("nd_session", browser.cookies["nd_session"])
        assert all(_is_admin(browser) for _ in range(5))
        assert reads == []
        assert all(_is_admin(other_worker) for _ in range(5))
    assert len(reads) == 1
