"""The reading-state JSON API (/api/v1/reading/…) on SQLite and PostgreSQL: read, unread, star and unstar of
stories and articles with an API token or a logged-in browser that sends its CSRF token; the state of one story
or article; mark all as read (before a moment, of a source, of a folder); unread counts in all, per source and
per folder; the stories updated since read. Bad bodies are 400, too many ids 413, ids of nothing 404 — and none
of them changes anything; one user's calls never touch another's state."""

import pytest
from fastapi.testclient import TestClient

from newsdesk.sync import MAX_IDS
from newsdesk.web import create_app

from .conftest import web_settings
from .reader_desk import add_report, reader
from .small_desk import make_small_desk
from .test_access import csrf_of, desk_state

API = "/api/v1/reading"


@pytest.fixture
def desk(db_url):
    return make_small_desk(db_url)


@pytest.fixture
def app(desk):
    return create_app(desk.url, web_settings(db=desk.url))


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def auth(desk, name="ada") -> dict:
    return {"Authorization": f"Bearer {desk.tokens[name]}"}


def story_state(client, desk, story_id, name="ada") -> dict:
    answer = client.get(f"{API}/stories/{story_id}", headers=auth(desk, name))
    assert answer.status_code == 200, answer.text
    return answer.json()


def article_state(client, desk, article_id, name="ada") -> dict:
    answer = client.get(f"{API}/articles/{article_id}", headers=auth(desk, name))
    assert answer.status_code == 200, answer.text
    return answer.json()


def mark(client, desk, kind, action, ids, name="ada"):
    return client.post(f"{API}/{kind}/{action}", json={"ids": ids}, headers=auth(desk, name))


# -- stories ---------------------------------------------------------------------------------------------------

def test_a_story_marked_read_is_read_with_its_reports(client, desk):
    story_id, _, article_ids = desk.story("Ferry")
    assert mark(client, desk, "stories", "read", [story_id]).json() == {"marked": 1}
    state = story_state(client, desk, story_id)
    assert (state["read"], state["opened"], state["unread_reports"]) == (True, True, 0)
    assert all(article_state(client, desk, a)["read"] for a in article_ids)


def test_a_story_marked_unread_is_unread_with_its_reports(client, desk):
    story_id, _, article_ids = desk.story("Ferry")
    mark(client, desk, "stories", "read", [story_id])
    mark(client, desk, "stories", "unread", [story_id])
    state = story_state(client, desk, story_id)
    assert (state["read"], state["opened"], state["unread_reports"]) == (False, False, len(article_ids))


def test_a_story_starred_then_unstarred(client, desk):
    story_id, _, _ = desk.story("Ferry")
    mark(client, desk, "stories", "star", [story_id])
    assert story_state(client, desk, story_id)["starred"] is True
    mark(client, desk, "stories", "unstar", [story_id])
    assert story_state(client, desk, story_id)["starred"] is False


def test_a_story_read_through_the_api_has_a_since_read_answer(client, desk):
    story_id, _, _ = desk.story("Hill")
    mark(client, desk, "stories", "read", [story_id])
    answer = client.get(f"/api/v1/stories/{story_id}?since=last_read", headers=auth(desk)).json()
    assert answer["changes"]["nothing_new"] is True


# -- articles --------------------------------------------------------------------------------------------------

def test_articles_marked_read_then_unread(client, desk):
    _, _, article_ids = desk.story("Market")
    assert mark(client, desk, "articles", "read", article_ids).json() == {"marked": 2}
    assert article_state(client, desk, article_ids[0])["read"] is True
    mark(client, desk, "articles", "unread", article_ids[:1])
    assert article_state(client, desk, article_ids[0])["read"] is False
    assert article_state(client, desk, article_ids[1])["read"] is True


def test_an_article_starred_then_unstarred(client, desk):
    _, _, article_ids = desk.story("Market")
    mark(client, desk, "articles", "star", article_ids[:1])
    assert article_state(client, desk, article_ids[0])["starred"] is True
    mark(client, desk, "articles", "unstar", article_ids[:1])
    assert article_state(client, desk, article_ids[0])["starred"] is False


def test_a_star_keeps_the_read_state(client, desk):
    _, _, article_ids = desk.story("Market")
    mark(client, desk, "articles", "read", article_ids[:1])
    mark(client, desk, "articles", "star", article_ids[:1])
    assert article_state(client, desk, article_ids[0]) == {"id": article_ids[0], "read": True, "starred": True}


# -- mark all read and counts ----------------------------------------------------------------------------------

def counts(client, desk, name="ada") -> dict:
    answer = client.get(f"{API}/unread-counts", headers=auth(desk, name))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_unread_counts_in_all_per_source_and_per_folder(client, desk):
    found = counts(client, desk)
    assert found["total"] == 5
    assert found["by_source"] == {str(desk.sources["harbour"]): 2, str(desk.sources["quay"]): 1,
                                  str(desk.sources["hill"]): 2}
    assert found["by_folder"] == {"Coast": 3}


def test_mark_all_read_reads_everything(client, desk):
    answer = client.post(f"{API}/mark-all-read", json={}, headers=auth(desk))
    assert answer.status_code == 200, answer.text
    assert counts(client, desk)["total"] == 0


def test_mark_all_read_with_no_body_reads_everything(client, desk):
    client.post(f"{API}/mark-all-read", headers=auth(desk))
    assert counts(client, desk)["total"] == 0


def test_mark_all_read_before_a_moment_leaves_what_came_after(client, desk):
    client.post(f"{API}/mark-all-read", json={"before": "2020-01-01T00:00:00Z"}, headers=auth(desk))
    assert counts(client, desk)["total"] == 5


def test_mark_all_read_of_a_folder(client, desk):
    client.post(f"{API}/mark-all-read", json={"folder": "Coast"}, headers=auth(desk))
    assert counts(client, desk) == {"total": 2, "by_source": {str(desk.sources["hill"]): 2}, "by_folder": {}}


def test_mark_all_read_of_a_source(client, desk):
    client.post(f"{API}/mark-all-read", json={"source": desk.sources["hill"]}, headers=auth(desk))
    assert str(desk.sources["hill"]) not in counts(client, desk)["by_source"]


@pytest.mark.parametrize("body", [{"source": 999_999}, {"folder": "Nowhere"}])
def test_mark_all_read_of_nothing_is_404_and_reads_nothing(client, desk, body):
    before = desk_state(desk.url)
    answer = client.post(f"{API}/mark-all-read", json=body, headers=auth(desk))
    assert answer.status_code == 404
    assert desk_state(desk.url) == before


@pytest.mark.parametrize("body", [{"before": "yesterday"}, {"before": 5}, {"source": "hill"}, {"folder": 3},
                                  {"everything": True}, [1, 2]])
def test_mark_all_read_with_a_bad_body_is_400_and_reads_nothing(client, desk, body):
    before = desk_state(desk.url)
    answer = client.post(f"{API}/mark-all-read", json=body, headers=auth(desk))
    assert answer.status_code == 400, answer.text
    assert desk_state(desk.url) == before


def test_the_updated_list_has_a_story_read_that_changed(client, desk):
    story_id, _, _ = desk.story("Hill")
    mark(client, desk, "stories", "read", [story_id])
    add_report(desk, "Hill", "harbour", "Harbour Post")
    found = client.get(f"{API}/updated", headers=auth(desk)).json()["stories"]
    assert [(s["id"], s["changes_line"], s["new_sources"]) for s in found] == [(story_id, "1 new source", 1)]


def test_the_updated_list_is_empty_for_a_user_who_read_nothing(client, desk):
    story_id, _, _ = desk.story("Hill")
    mark(client, desk, "stories", "read", [story_id])
    add_report(desk, "Hill", "harbour", "Harbour Post")
    assert client.get(f"{API}/updated", headers=auth(desk, "bob")).json() == {"stories": []}


# -- refusals change nothing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["stories", "articles"])
def test_ids_of_nothing_are_404_and_mark_nothing(client, desk, kind):
    story_id, _, article_ids = desk.story("Ferry")
    real = story_id if kind == "stories" else article_ids[0]
    before = desk_state(desk.url)
    answer = mark(client, desk, kind, "read", [real, 999_999])
    assert answer.status_code == 404
    assert "999999" in answer.json()["error"]
    assert desk_state(desk.url) == before


@pytest.mark.parametrize("body", [b"not json", b'{"ids": "1,2"}', b'{"ids": [1, "2"]}', b'{"ids": [true]}',
                                  b'{"ids": [0]}', b'{"ids": [1.5]}', b'{"ids": []}', b'[1, 2]',
                                  b'{"ids": [1], "user": 2}', b"", b'{"ids": [99999999999999999999999]}'])
def test_a_bad_body_is_400_and_marks_nothing(client, desk, body):
    before = desk_state(desk.url)
    answer = client.post(f"{API}/stories/read", content=body,
                         headers={**auth(desk), "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]
    assert desk_state(desk.url) == before


def test_more_ids_than_the_sync_apis_take_is_413_and_marks_nothing(client, desk):
    story_id, _, _ = desk.story("Ferry")
    before = desk_state(desk.url)
    answer = mark(client, desk, "stories", "read", [story_id] * (MAX_IDS + 1))
    assert answer.status_code == 413
    assert desk_state(desk.url) == before


def test_a_body_far_too_large_is_413(client, desk):
    answer = client.post(f"{API}/articles/read", content=b'{"ids": [' + b"1, " * 1_000_000 + b"1]}",
                         headers={**auth(desk), "Content-Type": "application/json"})
    assert answer.status_code == 413


@pytest.mark.parametrize("action", ["read", "fly", "delete"])
def test_an_unknown_action_or_kind_is_refused(client, desk, action):
    kind = "sources" if action == "read" else "stories"
    answer = client.post(f"{API}/{kind}/{action}", json={"ids": [1]}, headers=auth(desk))
    assert answer.status_code in (404, 405, 422)


def test_a_stranger_is_401(client, desk):
    story_id, _, _ = desk.story("Ferry")
    assert client.post(f"{API}/stories/read", json={"ids": [story_id]}).status_code == 401
    assert client.get(f"{API}/unread-counts").status_code == 401


def test_a_wrong_token_is_401(client, desk):
    answer = client.get(f"{API}/unread-counts", headers={"Authorization": "Bearer nd_wrong"})
    assert answer.status_code == 401


def test_a_browser_without_its_csrf_token_is_403_and_marks_nothing(app, desk):
    story_id, _, _ = desk.story("Ferry")
    before = desk_state(desk.url)
    with reader(app) as ada:
        answer = ada.post(f"{API}/stories/read", json={"ids": [story_id]})
    assert answer.status_code == 403
    assert desk_state(desk.url) == before


def test_a_browser_with_its_csrf_token_marks(app, desk):
    story_id, _, _ = desk.story("Ferry")
    with reader(app) as ada:
        answer = ada.post(f"{API}/stories/star", json={"ids": [story_id]},
                          headers={"X-CSRF-Token": csrf_of(ada, "/")})
        assert answer.status_code == 200, answer.text
        assert ada.get(f"{API}/stories/{story_id}").json()["starred"] is True


def test_one_users_marks_are_not_anothers(client, desk):
    story_id, _, article_ids = desk.story("Ferry")
    mark(client, desk, "stories", "read", [story_id], name="bob")
    mark(client, desk, "articles", "star", article_ids, name="bob")
    assert story_state(client, desk, story_id)["opened"] is False
    assert article_state(client, desk, article_ids[0])["starred"] is False


def test_a_body_naming_another_user_is_400_and_marks_nothing(client, desk):
    story_id, _, _ = desk.story("Ferry")
    before = desk_state(desk.url)
    answer = client.post(f"{API}/stories/read", json={"ids": [story_id], "user_id": desk.users["bob"]},
                         headers=auth(desk))
    assert answer.status_code == 400
    assert desk_state(desk.url) == before


def test_the_state_of_nothing_is_404(client, desk):
    assert client.get(f"{API}/stories/999999", headers=auth(desk)).status_code == 404
    assert client.get(f"{API}/articles/999999", headers=auth(desk)).status_code == 404
