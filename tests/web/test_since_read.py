"""`/api/v1/stories/{id}?since=last_read|ISO-TIME`: the story page plus what changed since, for the logged-in reader
(here put in `request.state.user` by a test middleware, as the accounts' login will), and the `_since_read.html`
block that shows it. The desk is the demo's, polled as first published and again after the Fenwick Gazette
updated its quake report (death toll 2 → 3)."""

import shutil
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from newsdesk.accounts import add_user
from newsdesk.storage import open_storage
from newsdesk.web import create_app, schema
from newsdesk.web.render import make_env
from newsdesk.web.since import NO_USER

from .conftest import web_settings


@pytest.fixture(scope="module")
def desk(demo_db, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("since") / "desk.db")
    shutil.copy(demo_db, path)
    storage = open_storage(path)
    reader = add_user(storage, "ada", "correct horse battery")
    other = add_user(storage, "bob", "correct horse battery")
    updated = next(a for a in storage.list_articles(limit=1000) if a.revision_count > 1)
    story = storage.story_of(updated.id)
    articles = storage.story_articles(story)
    revisions = storage.revisions(updated.id)
    before_update = revisions[-1].fetched_at - timedelta(microseconds=1)
    seen = [a.id for a in articles if a.first_seen_at <= before_update]
    latest = max((a for a in articles if a.original_id is None and a.id in seen and a.id != updated.id),
                 key=lambda a: a.first_seen_at)
    seen.remove(latest.id)        # one report the reader did not see (not the one updated since)
    storage.mark_story_read(reader.id, story, seen, at=before_update)
    storage.close()
    users = {"ada": reader, "bob": other}
    app = create_app(path, web_settings(db=path))

    @app.middleware("http")
    async def test_login(request, call_next):
        name = request.headers.get("x-test-user")
        if name:
            request.state.user = users[name]
        return await call_next(request)

    with TestClient(app) as client:
        yield client, story, updated, latest, before_update


def test_since_last_read_gives_the_page_and_what_changed(desk):
    client, story, updated, latest, _ = desk
    answer = client.get(f"/api/v1/stories/{story}", params={"since": "last_read"}, headers={"X-Test-User": "ada"})
    assert answer.status_code == 200
    assert "Cookie" in answer.headers["vary"] and answer.headers["cache-control"].startswith("private")
    doc = answer.json()
    schema.StoryDocument.model_validate(doc)
    assert doc["summary"] and doc["sources"]           # the page itself
    changes = doc["changes"]
    assert doc["changes_reason"] is None and not changes["nothing_new"]
    assert [u[1] for u in changes["updates"]] == [updated.id]
    assert changes["updates"][0][3] == updated.title
    assert {"kind": "deaths", "before": ["2"], "now": ["3"], "article_id": updated.id,
            "outlet": updated.outlet} in changes["figures"]
    assert latest.id in [r["article_id"] for r in changes["new_reports"]]
    assert any(f["article_id"] == updated.id for f in changes["new_facts"])
    assert "deaths 2 → 3" in changes["line"]


def test_without_a_user_or_a_read_changes_is_null_with_a_reason(desk):
    client, story, *_ = desk
    anonymous = client.get(f"/api/v1/stories/{story}?since=last_read").json()
    assert anonymous["changes"] is None and anonymous["changes_reason"] == NO_USER
    never = client.get(f"/api/v1/stories/{story}?since=last_read", headers={"X-Test-User": "bob"}).json()
    assert never["changes"] is None and "not read" in never["changes_reason"]
    plain = client.get(f"/api/v1/stories/{story}").json()
    assert "changes" not in plain and "changes_reason" not in plain


def test_since_a_time(desk):
    client, story, updated, latest, before_update = desk
    doc = client.get(f"/api/v1/stories/{story}", params={"since": before_update.isoformat()}).json()
    schema.StoryDocument.model_validate(doc)
    changes = doc["changes"]
    assert latest.id in changes["seen_articles"]       # the time, not the read: every report seen by then
    assert [u[1] for u in changes["updates"]] == [updated.id]
    naive = before_update.replace(tzinfo=None).isoformat()
    assert client.get(f"/api/v1/stories/{story}", params={"since": naive}).json()["changes"] == changes
    early = client.get(f"/api/v1/stories/{story}", params={"since": "2000-01-01T00:00:00Z"}).json()
    assert early["changes"] is None and early["changes_reason"]


def test_a_bad_since_is_a_400(desk):
    client, story, *_ = desk
    answer = client.get(f"/api/v1/stories/{story}", params={"since": "yesterday"})
    assert answer.status_code == 400
    assert "last_read" in answer.json()["error"]


def test_the_block_shows_the_changes(desk):
    client, story, updated, *_ = desk
    changes = client.get(f"/api/v1/stories/{story}?since=last_read", headers={"X-Test-User": "ada"}).json()["changes"]
    env = make_env()
    html = env.get_template("_since_read.html").render(changes=changes)
    assert "Since you read this on" in html and "deaths 2 → 3" in html
    assert f'href="/articles/{updated.id}"' in html and "Read the full page below" in html
    quiet = {**changes, "nothing_new": True, "new_reprints": []}
    html = env.get_template("_since_read.html").render(changes=quiet)
    assert "Nothing new since you read this on" in html and "<ul" not in html
    assert env.get_template("_since_read.html").render(changes=None).strip() == ""
