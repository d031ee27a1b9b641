"""The follow button of a storyline page, on SQLite and PostgreSQL: a stranger sees how to follow and is sent
to the login; a user follows (a storyline watchlist, alerting on new events), sees "Following", presses it
twice for one watchlist, and unfollows; a forged form and an unknown storyline follow nothing."""

import re

import pytest
from fastapi.testclient import TestClient

from newsdesk.accounts import new_token
from newsdesk.config import Settings
from newsdesk.model import AlertEvent, WatchKind
from newsdesk.web import create_app
from tests.alerts.helpers import Desk, user
from tests.storylines.texts import BRIDGE_CLOSED, BRIDGE_CONTRACT


@pytest.fixture
def web(storage, db_url):
    desk = Desk(storage)
    closed, _ = desk.story("bridge closed", BRIDGE_CLOSED)
    contract, _ = desk.story("bridge contract", BRIDGE_CONTRACT)
    line = storage.create_storyline("kestrel-bay-harbour-bridge")
    storage.add_storyline_events(line, [closed, contract], 0.9)
    storage.save_storyline_profile(line, title="Kestrel Bay Harbour Bridge", total=None, profile=None)
    ann, bob = user(storage, "ann"), user(storage, "bob")
    tokens = {"ann": new_token(storage, ann), "bob": new_token(storage, bob)}
    with TestClient(create_app(db_url, Settings(db=db_url))) as client:
        yield client, storage, storage.get_storyline(line), tokens, ann


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def csrf_in(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_a_stranger_is_sent_to_the_login_and_a_user_follows_then_unfollows(web):
    client, storage, line, tokens, ann_user = web
    page = client.get(f"/storylines/{line.slug}")
    assert f'href="/login?next=%2Fstorylines%2F{line.slug}">Follow</a>' in page.text
    assert "log in to get an alert when a new event joins this storyline" in page.text
    assert f"/storylines/{line.slug}/follow" not in page.text
    pressed = client.post(f"/storylines/{line.slug}/follow", data={"csrf": "x"}, follow_redirects=False)
    assert pressed.status_code == 303
    assert pressed.headers["location"] == f"/login?next=%2Fstorylines%2F{line.slug}"
    assert storage.count_watchlists() == 0
    ann = auth(tokens["ann"])
    page = client.get(f"/storylines/{line.slug}", headers=ann)
    assert f'action="/storylines/{line.slug}/follow"' in page.text
    assert "Following" not in page.text
    forged = client.post(f"/storylines/{line.slug}/follow", data={"csrf": "forged"}, headers=ann)
    assert forged.status_code == 403
    assert storage.count_watchlists() == 0
    token = csrf_in(page.text)
    done = client.post(f"/storylines/{line.id}/follow", data={"csrf": token}, headers=ann, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/storylines/{line.slug}"
    [watch] = storage.watchlists(ann_user.id)
    assert (watch.kind, watch.value, watch.label) == (WatchKind.STORYLINE, str(line.id), line.title)
    assert watch.events == {AlertEvent.NEW}
    page = client.get(f"/storylines/{line.slug}", headers=ann)
    assert "✓ Following" in page.text
    assert f'action="/storylines/{line.slug}/unfollow"' in page.text
    client.post(f"/storylines/{line.slug}/follow", data={"csrf": token}, headers=ann)      # pressed twice: one
    assert len(storage.watchlists(ann_user.id)) == 1
    assert "Following" not in client.get(f"/storylines/{line.slug}", headers=auth(tokens["bob"])).text
    client.post(f"/storylines/{line.slug}/unfollow", data={"csrf": token}, headers=ann)
    assert storage.watchlists(ann_user.id) == []
    assert f'action="/storylines/{line.slug}/follow"' in client.get(f"/storylines/{line.slug}", headers=ann).text
    assert client.post("/storylines/no-such-line/follow", data={"csrf": token}, headers=ann).status_code == 404
    assert client.post("/storylines/99999/follow", data={"csrf": token}, headers=ann).status_code == 404
    assert storage.watchlists(ann_user.id) == []

