"""Following on the web, on SQLite and PostgreSQL: the watchlist editor adds and deletes with its CSRF token; each
user sees only their own watchlists and notifications (API and pages); the unread count and marking read; a
watchlist's private Atom feed opens with its token and stops when revoked; the delivery log shows why a hook
was disabled."""

import re

import pytest
from fastapi.testclient import TestClient

from newsdesk.accounts import add_user, new_token
from newsdesk.alerts import Matcher, follow
from newsdesk.config import Settings
from newsdesk.model import Role
from newsdesk.web import create_app

from .helpers import Desk, user
from .test_matching import BUDGET, QUAKE

PASSWORD = "correct horse battery"


@pytest.fixture
def desk(storage, db_url):
    add_user(storage, "admin", PASSWORD, Role.ADMIN)
    ann, bob = user(storage, "ann"), user(storage, "bob")
    tokens = {"ann": new_token(storage, ann), "bob": new_token(storage, bob)}
    d = Desk(storage)
    quake, ids = d.story("quake", [QUAKE])
    budget, more = d.story("budget", [BUDGET])
    follow(storage, ann, "query", "earthquake")
    follow(storage, bob, "query", "budget")
    Matcher(storage).match(ids + more)
    app = create_app(db_url, Settings(db=db_url, fetch_allow="127.0.0.1/32"))
    with TestClient(app) as client:
        yield client, storage, tokens, {"ann": ann, "bob": bob, "quake": quake, "budget": budget}


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def csrf_of(client, path="/login"):
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def test_each_user_sees_only_their_own(desk):
    client, storage, tokens, ids = desk
    ann = client.get("/api/v1/notifications", headers=auth(tokens["ann"])).json()
    bob = client.get("/api/v1/notifications", headers=auth(tokens["bob"])).json()
    assert [(n["story_id"], n["event"]) for n in ann["notifications"]] == [(ids["quake"], "new")]
    assert [(n["story_id"], n["event"]) for n in bob["notifications"]] == [(ids["budget"], "new")]
    assert ann["unread"] == 1 and ann["notifications"][0]["headline"] == QUAKE[1]
    page = client.get("/notifications", headers=auth(tokens["ann"]))
    assert QUAKE[1] in page.text and BUDGET[1] not in page.text and "1 unread" in page.text
    editor = client.get("/watchlists", headers=auth(tokens["bob"]))
    assert "<strong>budget</strong>" in editor.text and "<strong>earthquake</strong>" not in editor.text
    # bob cannot mark ann's alert read, nor delete ann's watchlist
    ann_alert = ann["notifications"][0]["id"]
    marked = client.post("/api/v1/notifications/read", json={"ids": [ann_alert]}, headers=auth(tokens["bob"]))
    assert marked.json() == {"marked": 0, "unread": 1}
    ann_watch = storage.watchlists(ids["ann"].id)[0].id
    assert client.post(f"/watchlists/{ann_watch}/delete", data={"csrf": "x"}, headers=auth(tokens["bob"])).status_code == 403
    deleted = client.post(f"/watchlists/{ann_watch}/delete", data={"csrf": csrf_of(client)}, headers=auth(tokens["bob"]))
    assert deleted.status_code == 404 and storage.get_watchlist(ann_watch) is not None
    marked = client.post("/api/v1/notifications/read", json={}, headers=auth(tokens["ann"]))
    assert marked.json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications", headers=auth(tokens["bob"])).json()["unread"] == 1


def test_the_editor_adds_and_deletes_with_its_csrf_token(desk):
    client, storage, tokens, ids = desk
    client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(client), "next": "/"})   # the admin
    token = csrf_of(client, "/watchlists")
    refused = client.post("/watchlists", data={"kind": "query", "value": "river", "csrf": "forged"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    made = client.post("/watchlists", data={"kind": "query", "value": "flood river", "events": ["new", "grows"],
                                            "quiet": "22:00-07:00", "gap": "3", "csrf": token})
    assert made.status_code == 200 and "Following query “flood river”" in made.text
    admin = storage.user_named("admin")
    [watch] = storage.watchlists(admin.id)
    assert watch.events == {"new", "grows"} and watch.quiet_start == 22 * 60 and watch.min_gap_hours == 3
    bad = client.post("/watchlists", data={"kind": "source", "value": "Nope", "csrf": token})
    assert "no source" in bad.text and len(storage.watchlists(admin.id)) == 1
    hook = client.post("/watchlists", data={"kind": "query", "value": "x", "webhook": "http://10.0.0.1/", "csrf": token})
    assert "10.0.0.1 is a private address" in hook.text
    gone = client.post(f"/watchlists/{watch.id}/delete", data={"csrf": token})
    assert "Stopped following" in gone.text and storage.watchlists(admin.id) == []
    foreign = storage.watchlists(ids["ann"].id)[0].id
    assert client.post(f"/watchlists/{foreign}/delete", data={"csrf": token}).status_code == 404
    assert len(storage.watchlists(ids["ann"].id)) == 1


def test_a_private_feed_opens_with_its_token_until_revoked(desk):
    client, storage, tokens, ids = desk
    watch = storage.watchlists(ids["ann"].id)[0]
    browser_token = csrf_of(client, "/login")
    page = client.post(f"/watchlists/{watch.id}/feed", data={"csrf": browser_token}, headers=auth(tokens["ann"]))
    url = re.search(r"(http://testserver/feeds/watchlists/[^<\s]+\.atom)", page.text).group(1)
    feed = client.get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert QUAKE[1] in feed.text and BUDGET[1] not in feed.text
    assert client.get("/feeds/watchlists/ndw_guessed.atom").status_code == 404
    client.post(f"/watchlists/{watch.id}/feed/revoke", data={"csrf": browser_token}, headers=auth(tokens["ann"]))
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert watch.id and not storage.get_watchlist(watch.id).has_feed


def test_strangers_are_sent_to_the_login(desk):
    client = desk[0]
    for path in ("/watchlists", "/notifications", "/watchlists/log"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_delivery_log_shows_why_a_hook_was_disabled(desk):
    client, storage, tokens, ids = desk
    watch = storage.watchlists(ids["ann"].id)[0]
    storage.set_webhook(watch.id, "http://127.0.0.1:9/hook", "secret")
    storage.webhook_failed(watch.id, 1, "connection refused by 127.0.0.1:9")
    editor = client.get("/watchlists", headers=auth(tokens["ann"]))
    assert "disabled after 1 failed attempts in a row; the last: connection refused by 127.0.0.1:9" in editor.text
    assert "/watchlists/log" in editor.text


def test_a_private_desk_serves_a_user_their_own_with_their_token(storage, db_url):
    ann = user(storage, "ann")
    token = new_token(storage, ann)
    follow(storage, ann, "query", "earthquake")
    Matcher(storage).match(Desk(storage).story("quake", [QUAKE])[1])
    app = create_app(db_url, Settings(db=db_url, public_read=False))
    with TestClient(app) as client:
        assert client.get("/api/v1/notifications").status_code == 401
        assert client.get("/notifications", follow_redirects=False).status_code == 303
        answer = client.get("/api/v1/notifications", headers=auth(token))
        assert answer.status_code == 200 and answer.json()["unread"] == 1
        assert QUAKE[1] in client.get("/notifications", headers=auth(token)).text
        assert client.get("/api/v1/notifications", headers=auth("nd_wrong")).status_code == 401
