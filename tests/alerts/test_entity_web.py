"""Following on the web and in the JSON API, on SQLite and PostgreSQL: the follow button of an entity page (a
stranger is sent to the login; a user follows, sees "Following" and can unfollow); the watchlists API (list,
create, change, delete) with a user's token, where another user's ids are 404 and change nothing and bad bodies
are 400 and change nothing; notifications with their unread count, marked read."""

import re

import pytest
from fastapi.testclient import TestClient

from newsdesk.accounts import new_token
from newsdesk.alerts import Matcher
from newsdesk.config import Settings
from newsdesk.web import create_app

from .helpers import Desk, user
from .test_stored_entities import DOCKS, FERRY, JOLY, group, name


@pytest.fixture
def web(storage, db_url):
    ann, bob = user(storage, "ann"), user(storage, "bob")
    tokens = {"ann": new_token(storage, ann), "bob": new_token(storage, bob)}
    d = Desk(storage)
    joly, _ = d.story("joly", [JOLY])
    docks, _ = d.story("docks", [DOCKS])
    ferry, _ = d.story("ferry", [FERRY])
    ids = name(storage, joly, group("Mélanie Joly", "person", "Joly"), group("Ottawa", "place"))
    ids |= name(storage, docks, group("Dana Whitlock", "person"))
    ids |= name(storage, ferry, group("Ray Whitlock", "person"))
    app = create_app(db_url, Settings(db=db_url, fetch_allow="127.0.0.1/32"))
    with TestClient(app) as client:
        yield client, storage, tokens, {"ann": ann, "bob": bob, "desk": d, **ids}


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def csrf_in(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_a_stranger_is_sent_to_the_login_to_follow(web):
    client, storage, _, ids = web
    page = client.get("/entities/melanie-joly")
    assert 'href="/login?next=%2Fentities%2Fmelanie-joly">Follow</a>' in page.text
    assert "/entities/melanie-joly/follow" not in page.text
    pressed = client.post("/entities/melanie-joly/follow", data={"csrf": "x"}, follow_redirects=False)
    assert pressed.status_code == 303
    assert pressed.headers["location"] == "/login?next=%2Fentities%2Fmelanie-joly"
    assert storage.count_watchlists() == 0


def test_the_follow_button_follows_then_unfollows(web):
    client, storage, tokens, ids = web
    ann = auth(tokens["ann"])
    page = client.get("/entities/melanie-joly", headers=ann)
    assert 'action="/entities/melanie-joly/follow"' in page.text and "Following" not in page.text
    forged = client.post("/entities/melanie-joly/follow", data={"csrf": "forged"}, headers=ann)
    assert forged.status_code == 403 and storage.count_watchlists() == 0
    token = csrf_in(page.text)
    done = client.post("/entities/melanie-joly/follow", data={"csrf": token}, headers=ann, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/entities/melanie-joly"
    [watch] = storage.watchlists(ids["ann"].id)
    assert (watch.kind, watch.entity_id, watch.label) == ("entity", ids["melanie joly"], "Mélanie Joly")
    page = client.get("/entities/melanie-joly", headers=ann)
    assert "✓ Following" in page.text and 'action="/entities/melanie-joly/unfollow"' in page.text
    client.post("/entities/melanie-joly/follow", data={"csrf": token}, headers=ann)      # pressed twice: one
    assert len(storage.watchlists(ids["ann"].id)) == 1
    assert "Following" not in client.get("/entities/melanie-joly", headers=auth(tokens["bob"])).text
    client.post("/entities/melanie-joly/unfollow", data={"csrf": token}, headers=ann)
    assert storage.watchlists(ids["ann"].id) == []
    assert 'action="/entities/melanie-joly/follow"' in client.get("/entities/melanie-joly", headers=ann).text
    assert client.post("/entities/nobody-here/follow", data={"csrf": token}, headers=ann).status_code == 404


def test_the_editor_follows_an_entity_by_name(web):
    client, storage, tokens, ids = web
    ann = auth(tokens["ann"])
    token = csrf_in(client.get("/watchlists", headers=ann).text)
    made = client.post("/watchlists", data={"kind": "entity", "value": "Melanie Joly", "csrf": token}, headers=ann)
    assert "Following entity “Mélanie Joly”" in made.text
    refused = client.post("/watchlists", data={"kind": "entity", "value": "Whitlock", "csrf": token}, headers=ann)
    assert "names 2 entities: Dana Whitlock (person" in refused.text and "Ray Whitlock (person" in refused.text
    assert [w.label for w in storage.watchlists(ids["ann"].id)] == ["Mélanie Joly"]


def test_the_watchlists_api(web):
    client, storage, tokens, ids = web
    ann, bob = auth(tokens["ann"]), auth(tokens["bob"])
    assert client.get("/api/v1/watchlists").status_code == 401
    made = client.post("/api/v1/watchlists", json={"kind": "entity", "value": "Melanie Joly", "events": ["new", "grows"]},
                       headers=ann)
    assert made.status_code == 201
    watch = made.json()
    assert (watch["label"], watch["value"], watch["events"]) == ("Mélanie Joly", str(ids["melanie joly"]),
                                                                 ["grows", "new"])
    assert made.headers["location"] == f"/api/v1/watchlists/{watch['id']}"
    assert watch["url"] == f"/entities/{ids['melanie joly']}"
    listed = client.get("/api/v1/watchlists", headers=ann).json()
    assert [w["id"] for w in listed["watchlists"]] == [watch["id"]] and listed["unread"] == 0
    assert client.get("/api/v1/watchlists", headers=bob).json()["watchlists"] == []
    path = f"/api/v1/watchlists/{watch['id']}"
    assert client.get(path, headers=ann).json() == watch
    changed = client.patch(path, json={"quiet": "22:00-07:00", "min_gap_hours": 3, "events": ["new"]}, headers=ann)
    assert changed.status_code == 200
    assert (changed.json()["quiet"], changed.json()["min_gap_hours"], changed.json()["events"]) == \
        ("22:00-07:00", 3.0, ["new"])
    hooked = client.patch(path, json={"webhook": "http://127.0.0.1:9/hook"}, headers=ann).json()
    assert hooked["webhook"]["url"] == "http://127.0.0.1:9/hook" and len(hooked["webhook_secret"]) == 64
    assert "webhook_secret" not in client.get(path, headers=ann).json()
    cleared = client.patch(path, json={"quiet": None, "webhook": None}, headers=ann).json()
    assert cleared["quiet"] is None and cleared["webhook"] is None and cleared["min_gap_hours"] == 3.0
    assert client.delete(path, headers=ann).json() == {"deleted": watch["id"]}
    assert client.get(path, headers=ann).status_code == 404


def test_another_users_watchlist_is_404_and_stays_as_it_was(web):
    client, storage, tokens, ids = web
    ann, bob = auth(tokens["ann"]), auth(tokens["bob"])
    watch = client.post("/api/v1/watchlists", json={"kind": "query", "value": "port strike"}, headers=ann).json()
    path = f"/api/v1/watchlists/{watch['id']}"
    before = storage.get_watchlist(watch["id"])
    assert client.get(path, headers=bob).status_code == 404
    assert client.patch(path, json={"events": ["grows"]}, headers=bob).status_code == 404
    assert client.delete(path, headers=bob).status_code == 404
    assert client.patch(path, json="not an object", headers=bob).status_code == 404
    assert storage.get_watchlist(watch["id"]) == before
    assert client.get("/api/v1/watchlists/99999", headers=ann).status_code == 404


def test_bad_bodies_are_400_and_change_nothing(web):
    client, storage, tokens, ids = web
    ann = auth(tokens["ann"])
    watch = client.post("/api/v1/watchlists", json={"kind": "query", "value": "port strike"}, headers=ann).json()
    path = f"/api/v1/watchlists/{watch['id']}"
    before = storage.get_watchlist(watch["id"])
    for body, why in ((b"{not json", "not JSON"), (b"[1, 2]", "a JSON object"), (b"", "a JSON object is needed"),
                      (b'{"kind": "query"}', "value"), (b'{"kind": "query", "value": "x", "colour": 1}', "colour"),
                      (b'{"kind": "query", "value": "x", "events": ["sometimes"]}', "new, grows, update"),
                      (b'{"kind": "planet", "value": "Mars"}', "follow one of"),
                      (b'{"kind": "entity", "value": "Whitlock"}', "names 2 entities"),
                      (b'{"kind": "entity", "value": "Nobody Atall"}', "no entity"),
                      (b'{"kind": "query", "value": "x", "webhook": "http://10.0.0.1/"}', "private address")):
        answer = client.post("/api/v1/watchlists", content=body, headers={**ann, "Content-Type": "application/json"})
        assert answer.status_code == 400, body
        assert why in answer.json()["error"], (body, answer.json())
    for body, why in (({"quiet": "25:00-01:00"}, "hours are 0 to 23"), ({"min_gap_hours": 0}, "above 0"),
                      ({"events": ["new"], "shade": "blue"}, "shade"), ({}, "say what to change"),
                      ({"email": "a@example.org"}, "smtp_host")):
        answer = client.patch(path, json=body, headers=ann)
        assert answer.status_code == 400, body
        assert why in answer.json()["error"], (body, answer.json())
    assert storage.get_watchlist(watch["id"]) == before
    assert len(storage.watchlists(ids["ann"].id)) == 1
    huge = client.post("/api/v1/watchlists", content=b"{" + b" " * 20_000 + b"}",
                       headers={**ann, "Content-Type": "application/json"})
    assert huge.status_code == 413


def test_notifications_with_the_unread_count_marked_read(web):
    client, storage, tokens, ids = web
    ann, bob = auth(tokens["ann"]), auth(tokens["bob"])
    client.post("/api/v1/watchlists", json={"kind": "entity", "value": "Joly"}, headers=ann)
    later, later_ids = ids["desk"].story("later", [("The Daily Beacon", "Joly visits Port Callan",
                                                    "Mélanie Joly visited Port Callan on Friday.")])
    name(storage, later, group("Mélanie Joly", "person"))
    Matcher(storage).match(later_ids)
    listed = client.get("/api/v1/notifications", headers=ann).json()
    assert listed["unread"] == 1 and [n["story_id"] for n in listed["notifications"]] == [later]
    assert client.get("/api/v1/watchlists", headers=ann).json()["unread"] == 1
    alert = listed["notifications"][0]["id"]
    for body in (b"{not json", b'{"ids": "all"}', b'{"ids": [1], "also": 2}'):
        answer = client.post("/api/v1/notifications/read", content=body,
                             headers={**ann, "Content-Type": "application/json"})
        assert answer.status_code == 400, body
    assert client.post("/api/v1/notifications/read", json={"ids": [alert]}, headers=bob).json() == \
        {"marked": 0, "unread": 0}
    assert client.get("/api/v1/notifications", headers=ann).json()["unread"] == 1
    assert client.post("/api/v1/notifications/read", json={"ids": [alert]}, headers=ann).json() == \
        {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications?unread=true", headers=ann).json()["notifications"] == []
