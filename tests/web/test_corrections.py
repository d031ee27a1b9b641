"""Correcting stories on the web, on SQLite and PostgreSQL: an admin's token merges, moves, splits, renames,
hides, pins and undoes through /api/v1; readers and strangers are refused and change nothing, as do bad
requests; the story page shows its corrections log to readers (without who made them) and the controls to
admins, whose forms correct the story."""

import re

import pytest
from fastapi.testclient import TestClient

from newsdesk.storage import open_storage
from newsdesk.web import create_app

from .conftest import web_settings
from .small_desk import READER_PASSWORD, make_small_desk
from .test_access import csrf_of, log_in


@pytest.fixture
def desk(db_url, embedder):
    return make_small_desk(db_url)


@pytest.fixture
def client(desk):
    with TestClient(create_app(desk.url, web_settings(db=desk.url, entities=False))) as client:
        yield client


def bearer(desk, who="admin") -> dict:
    return {"Authorization": f"Bearer {desk.tokens[who]}"}


def members(desk, story_id) -> set[int]:
    storage = open_storage(desk.url)
    try:
        return {a.id for a in storage.story_articles(storage.get_story(story_id).id)}
    finally:
        storage.close()


def test_an_admin_token_merges_two_stories_and_undoes_it(desk, client):
    ferry, _, ferry_articles = desk.story("Ferry")
    market, market_slug, market_articles = desk.story("Market")
    answer = client.post(f"/api/v1/stories/{ferry}/merge", json={"from": str(market)}, headers=bearer(desk))
    assert answer.status_code == 200, answer.text
    assert members(desk, ferry) == set(ferry_articles + market_articles)
    old = client.get(f"/api/v1/stories/{market_slug}", headers=bearer(desk, "ada")).json()
    assert old["id"] == ferry, "the merged story's slug leads to the story it went into"
    log = client.get("/api/v1/corrections", headers=bearer(desk)).json()["corrections"]
    assert [(c["kind"], c["by"]) for c in log] == [("merge", "admin")]
    undone = client.post(f"/api/v1/corrections/{log[0]['id']}/undo", headers=bearer(desk))
    assert undone.status_code == 200
    assert members(desk, market) == set(market_articles)


def test_move_split_headline_hide_and_pin_through_the_api(desk, client):
    ferry, _, ferry_articles = desk.story("Ferry")
    library, _, _ = desk.story("Hill")
    market, _, market_articles = desk.story("Market")
    moved = client.post(f"/api/v1/articles/{ferry_articles[1]}/move", json={"to": "new"}, headers=bearer(desk))
    assert moved.status_code == 200
    assert members(desk, moved.json()["correction"]["target"]) == {ferry_articles[1]}
    split = client.post(f"/api/v1/stories/{market}/split", json={"articles": [market_articles[1]]},
                        headers=bearer(desk))
    assert members(desk, split.json()["correction"]["target"]) == {market_articles[1]}
    named = client.post(f"/api/v1/stories/{market}/headline", json={"headline": "The market roof"},
                        headers=bearer(desk))
    assert named.status_code == 200
    assert client.get(f"/api/v1/stories/{market}", headers=bearer(desk)).json()["headline"] == "The market roof"
    assert client.post(f"/api/v1/stories/{library}/pin", json={"pinned": True}, headers=bearer(desk)).status_code == 200
    assert client.post(f"/api/v1/stories/{ferry}/hide", json={"hidden": True}, headers=bearer(desk)).status_code == 200
    listed = [s["id"] for s in client.get("/api/v1/stories", headers=bearer(desk)).json()["stories"]]
    assert listed[0] == library
    assert ferry not in listed


@pytest.mark.parametrize("who, status", [("ada", 403), (None, 401)])
def test_readers_and_strangers_are_refused_and_change_nothing(desk, client, who, status):
    ferry, _, ferry_articles = desk.story("Ferry")
    market, _, _ = desk.story("Market")
    headers = bearer(desk, who) if who else {}
    answer = client.post(f"/api/v1/stories/{ferry}/merge", json={"from": str(market)}, headers=headers)
    assert answer.status_code == status
    assert members(desk, ferry) == set(ferry_articles)
    assert client.get("/api/v1/corrections", headers=headers).status_code == status


def test_bad_requests_say_why_and_change_nothing(desk, client):
    ferry, _, ferry_articles = desk.story("Ferry")
    market, _, market_articles = desk.story("Market")
    missing = client.post(f"/api/v1/stories/{ferry}/merge", json={"from": "999999"}, headers=bearer(desk))
    assert missing.status_code == 404
    assert "no story" in missing.json()["error"]
    stranger = client.post(f"/api/v1/stories/{ferry}/split", json={"articles": [market_articles[0]]},
                           headers=bearer(desk))
    assert stranger.status_code == 400
    assert "not in story" in stranger.json()["error"]
    everything = client.post(f"/api/v1/stories/{ferry}/split", json={"articles": ferry_articles},
                             headers=bearer(desk))
    assert everything.status_code == 400
    assert client.post("/api/v1/corrections/999999/undo", headers=bearer(desk)).status_code == 404
    assert members(desk, ferry) == set(ferry_articles)
    assert client.get("/api/v1/corrections", headers=bearer(desk)).json()["corrections"] == []


def test_the_story_page_corrects_for_admins_and_shows_readers_the_log(desk, client):
    market, market_slug, market_articles = desk.story("Market")
    log_in(client)
    page = client.get(f"/stories/{market_slug}").text
    assert 'action="/stories/%d/corrections"' % market in page
    answer = client.post(f"/stories/{market}/corrections", follow_redirects=False,
                         data={"action": "split", "articles": [str(market_articles[1])],
                               "csrf": csrf_of(client, f"/stories/{market_slug}")})
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    assert "Done: split 1 article out of story" in shown
    assert re.search(r"by admin", shown)
    assert members(desk, market) == {market_articles[0]}

    with TestClient(client.app) as reader:
        log_in(reader, "ada", READER_PASSWORD)
        seen = reader.get(f"/stories/{market_slug}").text
        assert "split 1 article out of story" in seen
        assert "by admin" not in seen
        assert "/corrections\" method=\"post\"" not in seen
        refused = reader.post(f"/stories/{market}/corrections", follow_redirects=False,
                              data={"action": "pin", "csrf": csrf_of(reader, f"/stories/{market_slug}")})
        assert refused.status_code == 403


def test_a_refused_form_says_why_on_the_page_and_changes_nothing(desk, client):
    ferry, ferry_slug, ferry_articles = desk.story("Ferry")
    log_in(client)
    answer = client.post(f"/stories/{ferry}/corrections", follow_redirects=True,
                         data={"action": "merge", "other": str(ferry),
                               "csrf": csrf_of(client, f"/stories/{ferry_slug}")})
    assert "Not done: stories" in answer.text
    assert members(desk, ferry) == set(ferry_articles)
