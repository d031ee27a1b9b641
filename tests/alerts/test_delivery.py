"""Pushing alerts to real receivers on 127.0.0.1, on SQLite and PostgreSQL: a webhook's HMAC-SHA256 signature
verifies over the body received; a dead receiver is retried with backoff, every attempt in the user's delivery
log, and the hook is disabled after N failures with the reason shown; the SSRF guard refuses private and
loopback hooks unless allowed; an alert decided and not delivered survives closing the database and is sent
once; a slow receiver does not hold up the pipeline."""

import asyncio
import json
import socket
import threading
import time
from datetime import timedelta

import pytest

from newsdesk.alerts import (
    SIGNATURE_HEADER, Deliverer, DeliveryWorker, HookRefused, Matcher, follow, set_hook, verify,
)
from newsdesk.config import Settings
from newsdesk.model import DeliveryState
from newsdesk.storage import open_storage
from newsdesk.timeutil import utcnow

from .helpers import Desk, user
from .test_matching import QUAKE


def settings(**overrides) -> Settings:
    base = dict(fetch_allow="127.0.0.1/32", alert_retry_seconds=0.2, alert_retry_max_seconds=5.0,
                webhook_disable_after=3, alert_attempts=10, webhook_timeout=3.0)
    return Settings(**{**base, **overrides})


def deliver(storage, s, now=None):
    async def run():
        deliverer = Deliverer(storage, s)
        try:
            return await deliverer.run_once(now)
        finally:
            await deliverer.aclose()
    return asyncio.run(run())


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]          # closed again: nothing listens there


def test_webhook_is_signed_over_the_body_it_sends(storage, site):
    s = settings()
    site.add("/hook", b"ok")
    ann = user(storage, "ann")
    watch = follow(storage, ann, "query", "earthquake", webhook=f"{site.url}/hook", settings=s)
    quake, ids = Desk(storage).story("quake", [QUAKE])
    Matcher(storage, s).match(ids)
    report = deliver(storage, s)
    assert report.sent == 1, report.errors
    [request] = [r for r in site.requests if r.method == "POST"]
    assert verify(watch.webhook_secret, request.body, request.headers[SIGNATURE_HEADER])
    assert not verify(watch.webhook_secret, request.body + b" ", request.headers[SIGNATURE_HEADER])
    assert not verify("another secret", request.body, request.headers[SIGNATURE_HEADER])
    payload = json.loads(request.body)
    assert payload["event"] == "new" and payload["story"]["id"] == quake
    assert payload["story"]["headline"] == QUAKE[1] and payload["watchlist"]["label"] == "earthquake"
    assert request.headers["Idempotency-Key"] == payload["idempotency_key"]
    [attempt] = storage.delivery_log(ann.id)
    assert attempt.ok and attempt.status == 200
    assert deliver(storage, s).sent == 0                    # sent once
    assert len([r for r in site.requests if r.method == "POST"]) == 1


def test_a_dead_receiver_is_retried_with_backoff_then_the_hook_is_disabled(storage):
    s = settings()
    ann = user(storage, "ann")
    watch = follow(storage, ann, "query", "earthquake", webhook=f"http://127.0.0.1:{dead_port()}/hook", settings=s)
    desk = Desk(storage)
    quake, ids = desk.story("quake", [QUAKE])
    Matcher(storage, s).match(ids)
    [push] = storage.deliveries(user_id=ann.id)
    waits = []
    for attempt in range(1, 4):
        before = utcnow()
        deliver(storage, s, now=before + timedelta(seconds=60))
        push = storage.get_delivery(push.id)
        waits.append((push.next_at - before).total_seconds())
    assert push.state == DeliveryState.FAILED and push.attempts == 3
    assert 0.15 < waits[0] < 1.5 and 0.35 < waits[1] < 2.0       # 0.2 s, then 0.4 s: doubled
    log = storage.delivery_log(ann.id)
    assert len(log) == 3 and not any(a.ok for a in log)
    assert all("connection refused" in a.error for a in log)
    hook = storage.get_watchlist(watch.id)
    assert hook.webhook_disabled.startswith("disabled after 3 failed attempts in a row")
    assert "connection refused" in hook.webhook_disabled
    # a disabled hook gets no new pushes
    second = desk.story("quake again", [("Valley Weekly", "Another earthquake", "An earthquake again.")])
    Matcher(storage, s).match(second[1])
    assert len(storage.deliveries(user_id=ann.id)) == 1
    set_hook(storage, ann, watch.id, f"http://127.0.0.1:{dead_port()}/new", s)
    assert storage.get_watchlist(watch.id).webhook_disabled is None


def test_a_server_error_is_retried_and_the_second_attempt_delivers(storage, site):
    s = settings()
    answers = iter([(503, b"busy"), (200, b"ok")])

    def hook(request):
        status, body = next(answers)
        request.send_response(status)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
    site.handle("/hook", hook)
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake", webhook=f"{site.url}/hook", settings=s)
    Matcher(storage, s).match(Desk(storage).story("quake", [QUAKE])[1])
    assert deliver(storage, s).retried == 1
    assert deliver(storage, s, now=utcnow() + timedelta(seconds=5)).sent == 1
    log = storage.delivery_log(ann.id)
    assert [(a.ok, a.status) for a in reversed(log)] == [(False, 503), (True, 200)]


@pytest.mark.parametrize("url", ["http://10.0.0.1/hook", "http://localhost:8080/hook", "http://127.0.0.1:9/hook",
                                 "http://[::1]:9/hook", "http://0177.0.0.1/hook", "ftp://example.org/hook"])
def test_the_guard_refuses_private_and_loopback_hooks(sqlite_storage, url):
    ann = user(sqlite_storage, "ann")
    with pytest.raises(HookRefused, match="refused|http:// or https://"):
        follow(sqlite_storage, ann, "query", "quake", webhook=url, settings=Settings(fetch_allow=""))
    assert sqlite_storage.watchlists(ann.id) == []


def test_a_name_that_resolves_to_loopback_is_refused_when_posting(sqlite_storage, site):
    """A host name passes the first check; the guard refuses it where the connection is made."""
    s = settings(fetch_allow="")
    ann = user(sqlite_storage, "ann")
    watch = follow(sqlite_storage, ann, "query", "earthquake", webhook=f"http://127.0.0.1.nip.invalid:{site.port}/h",
                   settings=settings())
    sqlite_storage.set_webhook(watch.id, f"http://loopback.test:{site.port}/hook", "secret")   # as if resolvable
    import newsdesk.fetch.guard as guard
    real = guard.resolve

    async def resolve(host, port):
        return await real("127.0.0.1" if host == "loopback.test" else host, port)
    guard.resolve = resolve
    try:
        Matcher(sqlite_storage, s).match(Desk(sqlite_storage).story("quake", [QUAKE])[1])
        report = deliver(sqlite_storage, s)
    finally:
        guard.resolve = real
    assert report.sent == 0 and "loopback" in report.errors[0]
    assert site.requests == []
    [attempt] = sqlite_storage.delivery_log(ann.id)
    assert "refused" in attempt.error


def test_allowed_loopback_hook_is_posted_to(sqlite_storage, site):
    site.add("/hook", b"ok")
    s = settings(fetch_allow="127.0.0.1/32")
    ann = user(sqlite_storage, "ann")
    follow(sqlite_storage, ann, "query", "earthquake", webhook=f"{site.url}/hook", settings=s)
    Matcher(sqlite_storage, s).match(Desk(sqlite_storage).story("quake", [QUAKE])[1])
    assert deliver(sqlite_storage, s).sent == 1


def test_a_decided_alert_survives_reopening_and_is_sent_once(db_url, site):
    site.add("/hook", b"ok")
    s = settings()
    storage = open_storage(db_url)
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake", webhook=f"{site.url}/hook", settings=s)
    Matcher(storage, s).match(Desk(storage).story("quake", [QUAKE])[1])
    storage.close()                                        # the desk stops (or dies) before delivering
    storage = open_storage(db_url)
    try:
        assert deliver(storage, s).sent == 1
        assert deliver(storage, s).sent == 0
        assert len([r for r in site.requests if r.method == "POST"]) == 1
        [note] = storage.notifications(ann.id)
        assert note.read_at is None
    finally:
        storage.close()


def test_a_push_claimed_by_a_worker_that_died_is_sent_again(sqlite_storage, site):
    site.add("/hook", b"ok")
    s = settings()
    ann = user(sqlite_storage, "ann")
    follow(sqlite_storage, ann, "query", "earthquake", webhook=f"{site.url}/hook", settings=s)
    Matcher(sqlite_storage, s).match(Desk(sqlite_storage).story("quake", [QUAKE])[1])
    [push] = sqlite_storage.deliveries(user_id=ann.id)
    assert sqlite_storage.claim_delivery(push.id, utcnow())            # claimed, then the worker is killed
    assert deliver(sqlite_storage, s).sent == 0                         # not yet stale: left alone
    later = utcnow() + timedelta(minutes=10)
    assert deliver(sqlite_storage, s, now=later).sent == 1
    assert len([r for r in site.requests if r.method == "POST"]) == 1


def test_a_slow_receiver_does_not_stall_the_pipeline(tmp_path, site):
    """The delivery worker of the daemon posts to a receiver that takes 3 s per request while the matcher
    keeps deciding alerts for new stories: each match returns in well under a second."""
    release = threading.Event()

    def slow(request):
        release.wait(3)
        request.send_response(200)
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")
    site.handle("/slow", slow)
    db = str(tmp_path / "desk.db")
    s = settings(db=db, alert_poll_seconds=0.2, webhook_timeout=10.0)
    storage = open_storage(db)
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake", webhook=f"{site.url}/slow", settings=s)
    worker = DeliveryWorker(s).start()
    desk = Desk(storage)
    matcher = Matcher(storage, s, on_decided=worker.wake)
    try:
        timings = []
        for k in range(5):
            ids = desk.story(f"quake {k}", [("Valley Weekly", f"Earthquake number {k}", "An earthquake shook it.")])[1]
            started = time.perf_counter()
            matcher.match(ids)
            timings.append(time.perf_counter() - started)
            time.sleep(0.3)
        assert max(timings) < 1.0, timings
        assert any(r.method == "POST" for r in site.requests)      # the worker is busy with the slow receiver
    finally:
        release.set()
        worker.stop()
        storage.close()
