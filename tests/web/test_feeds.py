"""Atom feeds are well-formed XML, valid enough for a feed reader, and escape whatever the sources wrote."""

from xml.etree import ElementTree as ET

import feedparser

from newsdesk.model import NewArticle
from newsdesk.storage import open_storage

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(client, path, **params):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)           # raises on anything not well-formed
    assert root.tag == f"{ATOM}feed"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return root, parsed


def test_top_stories_feed_follows_the_ranking(client):
    _, parsed = atom(client, "/feeds/top.atom")
    stories = client.get("/api/v1/stories?per_page=30").json()["stories"]
    assert [e.title for e in parsed.entries] == [s["headline"] for s in stories]
    assert all(e.link.startswith("http://testserver/stories/") for e in parsed.entries)


def test_story_feed_lists_its_articles(client):
    story = client.get("/api/v1/stories").json()["stories"][0]
    doc = client.get(f"/api/v1/stories/{story['id']}").json()
    _, parsed = atom(client, f"/feeds/stories/{story['id']}.atom")
    assert len(parsed.entries) == len({t[1] for t in doc["timeline"]})
    assert {e.link.rsplit("/", 1)[1] for e in parsed.entries} == {str(t[1]) for t in doc["timeline"]}
    assert client.get("/feeds/stories/nothing.atom").status_code == 404


def test_a_report_updated_since_it_was_published_is_one_entry_with_its_new_title_and_time(client):
    stories = client.get("/api/v1/stories?per_page=30").json()["stories"]
    docs = [client.get(f"/api/v1/stories/{s['id']}").json() for s in stories]
    doc = next(d for d in docs if any(len(t) > 4 and t[4] == "updated" for t in d["timeline"]))
    published, update = [t for t in doc["timeline"] if t[1] == next(u[1] for u in doc["timeline"]
                                                                      if len(u) > 4 and u[4] == "updated")]
    assert published[3] != update[3]
    assert update[0] > published[0]
    _, parsed = atom(client, f"/feeds/stories/{doc['id']}.atom")
    assert len(parsed.entries) == len({t[1] for t in doc["timeline"]})
    entry = next(e for e in parsed.entries if e.link.endswith(f"/articles/{update[1]}"))
    assert entry.title.endswith(update[3])
    assert "updated its report" in entry.summary
    assert entry.updated_parsed > entry.published_parsed
    assert parsed.entries[0] is entry or parsed.entries[0].updated_parsed >= entry.updated_parsed
    page = client.get(f"/stories/{doc['slug']}").text
    header = page.split("data-story-page")[1].split("</header>")[0]
    assert 'class="latest"' in header
    assert update[3] in header
    assert f"/articles/{update[1]}" in header
    timeline = page.split('id="timeline-h"')[1]
    assert "updated its report" in timeline
    assert timeline.index(published[3]) < timeline.index(update[3])


def test_source_and_search_feeds(client):
    source = client.get("/api/v1/sources").json()["sources"][0]
    _, parsed = atom(client, f"/feeds/sources/{source['id']}.atom")
    assert len(parsed.entries) == source["article_count"]
    _, found = atom(client, "/feeds/search.atom", q="river")
    assert found.entries
    assert found.feed.title.endswith("“river”")
    assert client.get("/feeds/sources/99999.atom").status_code == 404


def test_hostile_text_is_escaped_in_feeds_and_pages(client):
    storage = open_storage(client.db)
    evil = "<script>alert(1)</script> & \x01\x0b ]]> \"quotes\" <img src=x onerror=alert(2)>"
    source_id = storage.list_sources()[0].id
    article_id = storage.insert_article(NewArticle(url="http://127.0.0.1:9/evil", text=f"Body {evil}\nSecond",
                                                   text_hash="evil", source_id=source_id, outlet=f"Evil {evil}",
                                                   title=f"Title {evil}", summary=evil, author=evil))
    storage.close()
    root, parsed = atom(client, f"/feeds/sources/{source_id}.atom")
    titles = [e.title for e in parsed.entries]
    assert any(t.startswith("Title <script>alert(1)</script>") for t in titles)
    page = client.get(f"/articles/{article_id}").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
