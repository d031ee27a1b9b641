"""The JSON API's answers have the shapes /openapi.json declares: every /api/v1 route declares its answer, and
the real answers of a demo desk fit the declared model, a field the model does not declare included (the
models forbid extra fields). The desk is the demo's, plus a wire reprint of the quake report, so that one story
page has every section; one page is then written by a (scripted) language model, whose report the page carries."""

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from html import escape

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.demo import DemoServer, load_corpus
from newsdesk.pipeline import Desk
from newsdesk.pipeline import PageWriter, story_writer
from newsdesk.storage import open_storage
from newsdesk.web import create_app, schema

from tests.site import Site

from .conftest import build_demo_desk, make_admin, web_settings
from .test_access import flat_routes

API = "/api/v1/"
WIRE_REPORT = "mpa-quake-fenwick-valley"    # the demo's wire report of the Fenwick Valley quake


def api_routes(app) -> list[tuple[str, str, APIRoute]]:
    """(method, path template, route) of every /api/v1 route of the app's route table."""
    found = [(method, path, route) for path, route in flat_routes(app.routes) if path.startswith(API)
             for method in sorted(route.methods)]
    assert found
    return found


def test_openapi_declares_the_answer_of_every_api_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    for method, path, route in api_routes(client.app):
        answer = paths[path][method.lower()]["responses"][str(route.status_code or 200)]
        assert answer["content"]["application/json"]["schema"], f"{method} {path} declares no answer"


def test_the_answer_models_forbid_undeclared_fields():
    models = [m for m in vars(schema).values() if isinstance(m, type) and m.__module__ == schema.__name__]
    assert models
    for model in models:
        assert model.model_config.get("extra") == "forbid", model.__name__


# -- a desk with every section on one story page ---------------------------------------------------------------

@contextmanager
def local_server(answer: Callable[[str, bytes], tuple[str, bytes]]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 whose every GET and POST gets `answer(path, body)` = (content type, bytes)."""
    def reply(request) -> None:
        kind, payload = answer(request.path, request.body)
        request.send_response(200)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    with Site() as site:
        site.handle("*", reply)
        yield site.url


def reprint_page(path: str, body: bytes) -> tuple[str, bytes]:
    """The demo's wire report of the quake, reprinted word for word by another outlet two hours later."""
    wire = load_corpus().article(WIRE_REPORT)
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in wire.paragraphs)
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(wire.title)}</title>'
            '<meta property="og:site_name" content="The Quay Post">'
            f'<meta property="article:published_time" content="{(wire.published + timedelta(hours=2)).isoformat()}">'
            f"</head><body><article><h1>{escape(wire.title)}</h1>{paragraphs}</article></body></html>")
    return "text/html; charset=utf-8", page.encode()


async def ingest(storage, settings: Settings, url: str) -> None:
    async with Desk(storage, settings) as desk:
        await desk.ingest_url(url)


@pytest.fixture
def api(db_url):
    """The demo desk on SQLite or PostgreSQL with the quake report reprinted, and a client with the token."""
    with DemoServer() as demo, local_server(reprint_page) as reprints:
        storage = build_demo_desk(db_url, demo)
        asyncio.run(ingest(storage, web_settings(db=db_url), f"{reprints}/quay-post/quake.html"))
        token = make_admin(storage)
        storage.close()
        with TestClient(create_app(db_url, web_settings(db=db_url))) as test_client:
            test_client.token = token
            test_client.db = db_url
            yield test_client


def missing_sections(doc: dict) -> list[str]:
    """The sections a story page can have that this one lacks."""
    unique = [a for items in doc["unique"].values() for a in items]
    sections = {"summary": doc["summary"], "takeaways": doc["takeaways"], "unique": unique,
                "also reported by": [a for a in doc["summary"] + doc["takeaways"] + unique if a["also"]],
                "timeline": doc["timeline"], "updates": [t for t in doc["timeline"] if t[4] == "updated"],
                "reprints": doc["reprints"],
                "reprints of an original in the story": [r for r in doc["reprints"] if r[1]],
                "sources": doc["sources"], "reprinted sources": [s for s in doc["sources"] if s["reprint_of"]],
                "also published by": [s for s in doc["sources"] if s["also_published_by"]],
                "related": doc["related"]}
    return [name for name, items in sections.items() if not items]


def model_of(app, method: str, template: str):
    return next(route.response_model for m, path, route in api_routes(app) if (m, path) == (method, template))


def fits(app, method: str, template: str, answer) -> dict:
    """The answer, once it validated against the model the route declares (strictly: no type coerced)."""
    model = model_of(app, method, template)
    assert model is not None, f"{method} {template} declares no model"
    model.model_validate_json(answer.content, strict=True)
    return answer.json()


def get_answers(client) -> dict[str, list]:
    """Real answers of every kind, by the route template that gave them."""
    stories = client.get(f"{API}stories", params={"per_page": 100})
    articles = client.get(f"{API}articles", params={"per_page": 100})
    words = [max(found, key=len) for s in stories.json()["stories"]
             if (found := re.findall(r"[A-Za-z]{6,}", s["headline"]))][:3]
    named = [e for s in stories.json()["stories"][:5] for e in client.get(f"{API}stories/{s['id']}").json()["entities"]]
    return {
        f"{API}stories": [stories, client.get(f"{API}stories", params={"lang": "fr"})],
        f"{API}stories/{{key}}": [client.get(f"{API}stories/{s['id']}") for s in stories.json()["stories"]],
        f"{API}articles": [articles, client.get(f"{API}articles", params={"copies": False})],
        f"{API}articles/{{article_id}}": [client.get(f"{API}articles/{a['id']}") for a in articles.json()["articles"]],
        f"{API}sources": [client.get(f"{API}sources")],
        f"{API}search": [client.get(f"{API}search", params={"q": word}) for word in words],
        f"{API}entities": [client.get(f"{API}entities", params={"q": e["name"].split()[-1]}) for e in named[:5]],
        f"{API}entities/{{key}}": [client.get(f"{API}entities/{e['id']}") for e in named[:8]],
        f"{API}notifications": notifications(client, words[0]),
        f"{API}corrections": corrections(client),
        **watchlists(client),
        **reading(client, stories.json()["stories"], articles.json()["articles"]),
        **coverage_answers(client, stories.json()["stories"][0]),
        **storyline_answers(client, stories.json()["stories"]),
    }


def storyline_answers(client, stories: list[dict]) -> dict[str, list]:
    """The storylines, and each one; when the demo's events make none, the admin threads two stories into one."""
    from newsdesk.corrections import move_event

    listed = client.get(f"{API}storylines")
    if not listed.json()["storylines"]:
        storage = open_storage(client.db)
        try:
            made = move_event(storage, stories[0]["id"], "new", "test").correction.target_id
            move_event(storage, stories[1]["id"], made, "test")
        finally:
            storage.close()
        listed = client.get(f"{API}storylines")
    return {f"{API}storylines": [listed],
            f"{API}storylines/{{key}}": [client.get(f"{API}storylines/{s['id']}")
                                        for s in listed.json()["storylines"]]}


def reading(client, stories: list[dict], articles: list[dict]) -> dict[str, list]:
    """The admin's reading state: stories and articles read and starred through the API, and one story read
    when it had only its first report (so that it is updated since)."""

    auth = {"Authorization": f"Bearer {client.token}"}
    client.post(f"{API}reading/stories/read", json={"ids": [s["id"] for s in stories[:3]]}, headers=auth)
    client.post(f"{API}reading/articles/star", json={"ids": [a["id"] for a in articles[:2]]}, headers=auth)
    storage = open_storage(client.db)
    try:
        grown = next(s["id"] for s in stories if s["article_count"] > 1)
        first = min(storage.story_articles(grown), key=lambda a: (a.first_seen_at, a.id))
        storage.mark_story_read(storage.user_named("admin").id, grown, [first.id],
                                at=first.first_seen_at)      # before the story last changed, however fast the desk
    finally:
        storage.close()
    updated = client.get(f"{API}reading/updated", headers=auth)
    assert updated.json()["stories"]
    return {
        f"{API}reading/stories/{{story_id}}": [client.get(f"{API}reading/stories/{s['id']}", headers=auth)
                                              for s in stories[:5]],
        f"{API}reading/articles/{{article_id}}": [client.get(f"{API}reading/articles/{a['id']}", headers=auth)
                                                 for a in articles[:5]],
        f"{API}reading/unread-counts": [client.get(f"{API}reading/unread-counts", headers=auth)],
        f"{API}reading/updated": [updated],
    }


def corrections(client) -> list:
    """The log before and after the admin pins the top story and undoes it."""
    auth = {"Authorization": f"Bearer {client.token}"}
    before = client.get(f"{API}corrections", headers=auth)
    top = client.get(f"{API}stories").json()["stories"][0]["id"]
    pinned = client.post(f"{API}stories/{top}/pin", json={"pinned": True}, headers=auth)
    fits(client.app, "POST", f"{API}stories/{{key}}/pin", pinned)
    client.post(f"{API}corrections/{pinned.json()['correction']['id']}/undo", headers=auth)
    return [before, client.get(f"{API}corrections", headers=auth)]


def watchlists(client) -> dict[str, list]:
    """The admin's watchlists (the one `notifications` made), listed and one by one."""
    auth = {"Authorization": f"Bearer {client.token}"}
    listed = client.get(f"{API}watchlists", headers=auth)
    return {f"{API}watchlists": [listed],
            f"{API}watchlists/{{watchlist_id}}": [client.get(f"{API}watchlists/{w['id']}", headers=auth)
                                                 for w in listed.json()["watchlists"]]}


def coverage_answers(client, story: dict) -> dict[str, list]:
    """The label groups and the blindspots, before and after the sources of a story are labelled (its first
    outlet "left", the others "centre", and one other source "right")."""
    auth = {"Authorization": f"Bearer {client.token}"}
    before = [client.get(f"{API}label-groups"), client.get(f"{API}blindspots")]
    sources = {s["title"]: s["id"] for s in client.get(f"{API}sources").json()["sources"]}
    outlets = story["outlets"]
    for outlet in outlets:
        if outlet in sources:
            lean = "left" if outlet == outlets[0] else "centre"
            client.put(f"{API}sources/{sources[outlet]}/labels", json={"labels": {"lean": lean}}, headers=auth)
    other = next(i for title, i in sources.items() if title not in outlets)
    client.put(f"{API}sources/{other}/labels", json={"labels": {"lean": "right"}}, headers=auth)
    after = [client.get(f"{API}label-groups"), client.get(f"{API}blindspots")]
    assert after[1].json()["stories"]
    return {f"{API}label-groups": [before[0], after[0]], f"{API}blindspots": [before[1], after[1]]}


def notifications(client, word: str) -> list:
    """The admin's alerts once they follow `word` and the desk's articles are matched (before and after)."""
    from newsdesk.alerts import Matcher, follow

    auth = {"Authorization": f"Bearer {client.token}"}
    before = client.get(f"{API}notifications", headers=auth)      # the desk's admin becomes its user "admin"
    storage = open_storage(client.db)
    try:
        if not storage.watchlists(storage.user_named("admin").id):
            follow(storage, storage.user_named("admin"), "query", word)
            Matcher(storage).match(storage.grouped_articles_after(0))
    finally:
        storage.close()
    after = client.get(f"{API}notifications", headers=auth)
    assert after.json()["notifications"] and after.json()["unread"] == after.json()["total"]
    return [before, after]


def test_every_api_answer_fits_its_declared_model(api):
    answers = get_answers(api)
    assert set(answers) == {path for method, path, _ in api_routes(api.app) if method == "GET"}
    docs = {}
    for template, found in answers.items():
        assert found, template
        for answer in found:
            assert answer.status_code == 200, answer.url
            docs[str(answer.url)] = fits(api.app, "GET", template, answer)
    story_pages = [docs[str(a.url)] for a in answers[f"{API}stories/{{key}}"]]
    assert min((missing_sections(doc) for doc in story_pages), key=len) == []
    assert any(docs[str(a.url)]["copies"] for a in answers[f"{API}articles/{{article_id}}"])
    assert all(docs[str(a.url)]["groups"] for a in answers[f"{API}search"])
    assert all(docs[str(a.url)]["entities"] for a in answers[f"{API}entities"])
    assert all(docs[str(a.url)]["stories"] for a in answers[f"{API}entities/{{key}}"])


def test_a_page_written_by_a_language_model_fits_with_its_report(api):
    story = api.get(f"{API}stories").json()["stories"][0]
    sentence = api.get(f"{API}stories/{story['id']}").json()["summary"][0]["text"]
    reply = {"choices": [{"message": {"role": "assistant",
                                      "content": f"SUMMARY: {sentence} It was the largest in 41 years."}}]}
    with local_server(lambda path, body: ("application/json", json.dumps(reply).encode())) as model:
        storage = open_storage(api.db)
        assert PageWriter(storage, story_writer(Settings(llm_url=model, llm_model="scripted"))).write([story["id"]]) == 1
        storage.close()
    doc = fits(api.app, "GET", f"{API}stories/{{key}}", api.get(f"{API}stories/{story['id']}"))
    assert doc["llm"]["checks"]


def test_the_source_writes_answer_in_their_declared_shape(api):
    auth = {"Authorization": f"Bearer {api.token}"}
    source = api.get(f"{API}sources").json()["sources"][0]
    removed = api.delete(f"{API}sources/{source['id']}", headers=auth)
    assert removed.status_code == 200
    assert fits(api.app, "DELETE", f"{API}sources/{{source_id}}", removed)["removed"] == source["id"]
    added = api.post(f"{API}sources", json={"url": source["feed_url"]}, headers=auth)
    assert added.status_code == 201
    assert fits(api.app, "POST", f"{API}sources", added)["feed_url"] == source["feed_url"]
