"""Following an entity end to end, on SQLite and PostgreSQL: a desk ingests project-written articles through the
real pipeline (extraction, grouping, the NER in its worker), one user follows an entity by name in the CLI (with a
webhook), another finds it by name on the web (a real uvicorn on 127.0.0.1) and presses the follow button of its
page; a new story naming it gives both an alert in the app, and the webhook receiver on 127.0.0.1 gets it, signed."""

import asyncio
import json
import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from typer.testing import CliRunner

from newsdesk.accounts import add_user
from newsdesk.alerts import SIGNATURE_HEADER, Deliverer, verify
from newsdesk.cli import app as cli_app
from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage
from newsdesk.web import create_app

from tests.pipeline.test_entities import ENGLISH
from tests.web.conftest import LiveServer

from .helpers import user

PASSWORD = "correct horse battery"
FIRST = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)
TALKS = ("Harbour Times", "Joly opens talks with Aldermark on timber exports",
         "Foreign Minister Mélanie Joly opened talks with the government of Aldermark on Friday over a long dispute "
         "about timber exports. Joly told reporters in Ottawa that both sides wanted a deal before the winter. "
         "Aldermark's trade envoy said the talks had been useful.")


def write(path, reports, start):
    path.write_text("".join(json.dumps({"title": t, "text": x, "source": s,
                                        "published": (start + timedelta(minutes=10 * k)).isoformat()}) + "\n"
                            for k, (s, t, x) in enumerate(reports)), encoding="utf-8")
    return path


def ingest(storage, settings, path):
    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(path)
    return asyncio.run(run())


def cli(*args, code=0):
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def env(db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("NEWSDESK_DB", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    import newsdesk.accounts.passwords as passwords
    from argon2 import PasswordHasher
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    return db_url


def test_follow_an_entity_by_name_in_the_cli_and_on_the_web(env, tmp_path, site):
    settings = Settings(db=env, extract_workers=1, fetch_allow="127.0.0.1/32")
    storage = open_storage(env)
    ann = user(storage, "ann")
    bob = add_user(storage, "bob", PASSWORD)
    ingest(storage, settings, write(tmp_path / "one.jsonl", ENGLISH[:2], FIRST))

    site.add("/hook", b"ok")
    out = cli("follow", "entity", "Melanie Joly", "--user", "ann", "--webhook", f"{site.url}/hook")
    assert "entity Mélanie Joly (new)" in out
    secret = out.split("X-Newsdesk-Signature): ")[1].split()[0]
    assert "no entity 'Nobody Atall' on this desk" in cli("follow", "entity", "Nobody Atall", "--user", "ann", code=1)

    with LiveServer(create_app(env, Settings(db=env, fetch_allow="127.0.0.1/32"))) as server, \
            httpx.Client(base_url=server.url) as browser:
        page = browser.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        assert browser.post("/login", data={"name": "bob", "password": PASSWORD, "csrf": csrf,
                                            "next": "/"}).status_code == 303
        [found] = [e for e in browser.get("/api/v1/entities", params={"q": "Joly"}).json()["entities"]
                   if e["type"] == "person"]
        page = browser.get(found["url"])
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        pressed = browser.post(f"{found['url']}/follow", data={"csrf": csrf})
        assert pressed.status_code == 303 and pressed.headers["location"] == found["url"]
        assert "✓ Following" in browser.get(found["url"]).text
        [ann_watch], [bob_watch] = storage.watchlists(ann.id), storage.watchlists(bob.id)
        assert ann_watch.entity_id == bob_watch.entity_id == found["id"]

        ingest(storage, settings, write(tmp_path / "two.jsonl", [TALKS], FIRST + timedelta(days=4)))
        talks = storage.stories_of(storage.grouped_articles_after(0))
        new_story = max(talks.values())
        assert found["id"] in {n.entity.id for n in storage.story_entities(new_story)}
        assert [(a.story_id, a.event) for a in storage.notifications(ann.id)] == [(new_story, "new")]
        listed = browser.get("/api/v1/notifications").json()
        assert listed["unread"] == 1 and [n["story_id"] for n in listed["notifications"]] == [new_story]

    async def deliver():
        deliverer = Deliverer(storage, settings)
        try:
            return await deliverer.run_once()
        finally:
            await deliverer.aclose()
    assert asyncio.run(deliver()).sent == 1
    [post] = [r for r in site.requests if r.method == "POST"]
    assert verify(secret, post.body, post.headers[SIGNATURE_HEADER])
    payload = json.loads(post.body)
    assert payload["story"]["id"] == new_story and payload["watchlist"]["label"] == "Mélanie Joly"
    storage.close()
