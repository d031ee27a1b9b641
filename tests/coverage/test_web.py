"""Coverage by side on the web, served by uvicorn on 127.0.0.1 over SQLite and PostgreSQL: the API sets and
shows labels (admin only, bad input changes nothing), the story JSON and page show the coverage and its
blindspot, the blindspots list, the sources page's labels form."""

import re

import httpx
import pytest

from newsdesk.accounts import add_user, new_token
from newsdesk.model import Role
from newsdesk.storage import open_storage
from newsdesk.web import create_app
from tests.coverage.story_desk import make_ferry_desk
from tests.web.conftest import ADMIN, PASSWORD, LiveServer, web_settings

LEANS = (("Northport Herald", "left"), ("Coastal Times", "left"), ("Island Post", "centre"), ("Wire Copy", "right"))


@pytest.fixture
def served(db_url):
    storage = open_storage(db_url)
    try:
        desk = make_ferry_desk(storage)
        admin = new_token(storage, add_user(storage, ADMIN, PASSWORD, Role.ADMIN))
        reader = new_token(storage, add_user(storage, "ada", PASSWORD, Role.READER))
    finally:
        storage.close()
    with LiveServer(create_app(db_url, web_settings(db=db_url))) as server:
        with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as client:
            client.desk, client.db_url = desk, db_url
            client.admin = {"Authorization": f"Bearer {admin}"}
            client.reader = {"Authorization": f"Bearer {reader}"}
            yield client


def _label_all(client):
    for outlet, lean in LEANS:
        answer = client.put(f"/api/v1/sources/{client.desk.sources[outlet]}/labels",
                            json={"labels": {"lean": lean}}, headers=client.admin)
        assert answer.status_code == 200, answer.text
    answer = client.put("/api/v1/label-groups", json={"name": "lean", "labels": ["left", "centre", "right"]},
                        headers=client.admin)
    assert answer.status_code == 200, answer.text


def test_the_api_sets_labels_and_the_sources_list_shows_them(served):
    source_id = served.desk.sources["Island Post"]
    answer = served.put(f"/api/v1/sources/{source_id}/labels", json={"labels": {"lean": "centre", "country": "uk"}},
                        headers=served.admin)
    assert answer.json()["labels"] == {"lean": "centre", "country": "uk"}
    listed = {s["id"]: s["labels"] for s in served.get("/api/v1/sources").json()["sources"]}
    assert listed[source_id] == {"lean": "centre", "country": "uk"}


def test_a_reader_cannot_set_labels(served):
    source_id = served.desk.sources["Island Post"]
    answer = served.put(f"/api/v1/sources/{source_id}/labels", json={"labels": {"lean": "left"}},
                        headers=served.reader)
    assert answer.status_code == 403
    assert served.get("/api/v1/label-groups").json()["groups"] == {}


def test_a_stranger_cannot_set_labels(served):
    source_id = served.desk.sources["Island Post"]
    answer = served.put(f"/api/v1/sources/{source_id}/labels", json={"labels": {"lean": "left"}})
    assert answer.status_code == 401


def test_a_bad_label_is_a_400_that_changes_nothing(served):
    source_id = served.desk.sources["Island Post"]
    answer = served.put(f"/api/v1/sources/{source_id}/labels", json={"labels": {"lean": "left", "own|er": "x"}},
                        headers=served.admin)
    assert answer.status_code == 400
    assert "own|er" in answer.json()["error"]
    assert served.get("/api/v1/label-groups").json()["groups"] == {}


def test_labels_of_a_missing_source_are_a_404(served):
    answer = served.put("/api/v1/sources/999999/labels", json={"labels": {"lean": "left"}}, headers=served.admin)
    assert answer.status_code == 404


def test_a_group_leaving_out_a_used_label_is_a_400(served):
    _label_all(served)
    answer = served.put("/api/v1/label-groups", json={"name": "lean", "labels": ["left", "right"]},
                        headers=served.admin)
    assert answer.status_code == 400
    assert served.get("/api/v1/label-groups").json()["groups"]["lean"] == ["left", "centre", "right"]


def test_the_story_json_has_its_coverage_and_blindspot(served):
    _label_all(served)
    doc = served.get(f"/api/v1/stories/{served.desk.ferry}").json()
    assert doc["coverage"] == {"lean": {"left": 2, "centre": 1, "right": 0}}
    assert doc["blindspots"] == {"lean": ["right"]}


def test_the_story_page_shows_the_coverage_bar_and_blindspot_badge(served):
    _label_all(served)
    html = served.get(f"/stories/{served.desk.ferry_slug}").text
    assert re.search(r"left 2</span> · .*centre 1</span> · .*right 0</span>", html)
    assert "blindspot: right" in html
    assert 'class="coverage-bar"' in html


def test_a_story_page_without_labels_has_no_coverage_block(served):
    assert 'class="coverage"' not in served.get(f"/stories/{served.desk.ferry_slug}").text


def test_the_blindspots_list_holds_the_story(served):
    _label_all(served)
    found = served.get("/api/v1/blindspots").json()
    assert [s["id"] for s in found["stories"]] == [served.desk.ferry]
    assert found["stories"][0]["blindspots"] == {"lean": ["right"]}


def test_the_blindspots_page_lists_the_story(served):
    _label_all(served)
    assert "Sea Lark ferry runs aground" in served.get("/blindspots").text


def test_the_home_page_links_the_blindspots(served):
    assert 'href="/blindspots"' in served.get("/").text


def _logged_in(client) -> str:
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    answer = client.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf": csrf, "next": "/"})
    assert answer.status_code in (200, 303), answer.text
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/sources").text).group(1)


def test_the_sources_page_form_sets_labels(served):
    csrf = _logged_in(served)
    source_id = served.desk.sources["Coastal Times"]
    served.post(f"/sources/{source_id}/labels", data={"labels": "lean=right, owner=trust", "csrf": csrf})
    page = served.get("/sources").text
    assert "lean: right" in page


def test_the_sources_page_form_refuses_a_bad_label_and_says_why(served):
    csrf = _logged_in(served)
    source_id = served.desk.sources["Coastal Times"]
    answer = served.post(f"/sources/{source_id}/labels", data={"labels": "lean", "csrf": csrf})
    assert "group=label" in answer.text
    assert served.get("/api/v1/label-groups").json()["groups"] == {}


def test_the_sources_page_form_defines_a_group(served):
    csrf = _logged_in(served)
    served.post("/sources/label-groups", data={"name": "lean", "labels": "left|centre|right", "csrf": csrf})
    assert served.get("/api/v1/label-groups").json()["groups"] == {"lean": ["left", "centre", "right"]}
