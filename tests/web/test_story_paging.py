"""A story with many articles shows its sources and timeline a page at a time, with links that work without
script, and the JSON API the same: every source and timeline entry is on exactly one page, in order."""

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from newsdesk.model import NewArticle
from newsdesk.storage import open_storage
from newsdesk.timeutil import utcnow
from newsdesk.web import create_app
from newsdesk.web.story_paging import PER_PAGE

from tests.conftest import fresh_pg_schema

from .conftest import web_settings

ARTICLES = 2 * PER_PAGE + 7
UPDATES = 4


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db(request, tmp_path_factory):
    """A database for the module's tests, on each backend (PostgreSQL: a schema of its own, dropped after)."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("paging") / "desk.db")
        return
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture(scope="module")
def big_story(module_db):
    """A story of ARTICLES articles from three outlets, with a timeline of every report and UPDATES updates."""
    db_url = module_db
    storage = open_storage(db_url)
    start = utcnow() - timedelta(days=1)
    outlets = ["Harbour Post", "Quay Times", "Hill Gazette"]
    ids = []
    with storage.transaction():
        story_id = storage.create_story("ferry-strike")
        for n in range(ARTICLES):
            article_id = storage.insert_article(NewArticle(
                url=f"https://paging.example/{n}", text=f"Ferry crews strike, report {n}.", text_hash=f"h{n}",
                outlet=outlets[n % 3], title=f"Ferry strike report {n}", published_at=start + timedelta(minutes=n)))
            storage.assign_story(article_id, story_id, 0.9)
            ids.append(article_id)
    timeline = [[(start + timedelta(minutes=n)).isoformat(), i, outlets[n % 3], f"Ferry strike report {n}",
                 "published"] for n, i in enumerate(ids)]
    timeline += [[(start + timedelta(hours=5, minutes=k)).isoformat(), ids[k], outlets[k % 3],
                  f"Ferry strike report {k}, updated", "updated"] for k in range(UPDATES)]
    page = {"version": 2, "headline": "Ferry crews strike", "headline_article_id": ids[0],
            "summary": [{"text": "Ferry crews strike, the reports say.", "article_id": ids[0],
                         "outlet": outlets[0], "also": [], "source_text": None}],
            "takeaways": [], "unique": {}, "first_published": start.isoformat(),
            "last_updated": (start + timedelta(hours=5)).isoformat(), "timeline": timeline,
            "independent": outlets, "reprints": []}
    storage.save_story_page(story_id, headline=page["headline"], page_json=json.dumps(page),
                            first_published=start, last_updated=start + timedelta(hours=5),
                            article_count=ARTICLES, independent_count=3, reprint_count=0)
    slug = storage.get_story(story_id).slug
    storage.close()
    with TestClient(create_app(db_url, web_settings(db=db_url))) as client:
        yield client, story_id, slug, ids, timeline


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def _walk(client, first: str, heading_id: str) -> tuple[list[list[int]], list[str]]:
    """The article ids each page of a section lists, following its "more" links; and the links followed."""
    pages, links, url = [], [], first
    while url:
        response = client.get(url)
        assert response.status_code == 200
        section = _section(response.text, heading_id)
        pages.append([int(i) for i in re.findall(r'href="/articles/(\d+)"', section)])
        found = re.search(r'<a rel="next" href="([^"]+)"', section)
        url = found.group(1).replace("&amp;", "&").split("#")[0] if found else None
        if url:
            links.append(url)
            url = first.split("?")[0] + url
    return pages, links


def test_story_page_sources_come_in_pages_that_cover_each_source_once(big_story):
    client, _, slug, ids, _ = big_story
    pages, links = _walk(client, f"/stories/{slug}", "sources-h")
    assert [len(p) for p in pages] == [PER_PAGE, PER_PAGE, ARTICLES - 2 * PER_PAGE]
    assert [i for p in pages for i in p] == ids
    assert links == ["?sources=2", "?sources=3"]


def test_story_page_timeline_comes_in_pages_that_cover_each_entry_once(big_story):
    client, _, slug, _, timeline = big_story
    pages, _ = _walk(client, f"/stories/{slug}", "timeline-h")
    assert [i for p in pages for i in p] == [entry[1] for entry in timeline]


def test_a_page_past_the_last_shows_the_last(big_story):
    client, _, slug, ids, _ = big_story
    html = client.get(f"/stories/{slug}?sources=99").text
    shown = [int(i) for i in re.findall(r'href="/articles/(\d+)"', _section(html, "sources-h"))]
    assert shown == ids[2 * PER_PAGE:]


def test_the_other_lists_page_is_kept_in_the_links(big_story):
    client, _, slug, _, _ = big_story
    html = client.get(f"/stories/{slug}?timeline=2").text
    assert 'href="?sources=2&amp;timeline=2#sources-h"' in _section(html, "sources-h")


def test_api_story_pages_cover_every_source_and_entry_once(big_story):
    client, story_id, _, ids, timeline = big_story
    got = [client.get(f"/api/v1/stories/{story_id}", params={"page": n, "per_page": 25}).json() for n in (1, 2, 3)]
    assert [s["article_id"] for doc in got for s in doc["sources"]] == ids
    assert [e[1] for doc in got for e in doc["timeline"]] == [e[1] for e in timeline]
    assert [w["article"] for doc in got for w in doc["why"]] == ids
    assert got[0]["sources_page"] == {"page": 1, "per_page": 25, "total": ARTICLES, "pages": 3}
    assert got[0]["timeline_page"]["total"] == ARTICLES + UPDATES


def test_api_story_defaults_to_the_first_page_with_every_key(big_story):
    client, story_id, _, ids, _ = big_story
    doc = client.get(f"/api/v1/stories/{story_id}").json()
    assert [s["article_id"] for s in doc["sources"]] == ids[:PER_PAGE]
    assert doc["article_count"] == ARTICLES
    assert {"headline", "summary", "timeline", "sources", "why", "related", "entities"} <= set(doc)
