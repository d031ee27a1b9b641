"""Entities on the web desk, over the demo desk built by the real pipeline: the story JSON and page list who
and where, each linking to its entity page; the entities API, an entity's Atom feed and search by entity."""

from xml.etree import ElementTree as ET

import feedparser
import pytest

from newsdesk.storage import open_storage

API = "/api/v1/"


def story_about(client, word):
    stories = client.get(f"{API}stories", params={"per_page": 100}).json()["stories"]
    return next(s for s in stories if word in s["headline"])


def entity_named(client, name):
    found = client.get(f"{API}entities", params={"q": name}).json()["entities"]
    return next(e for e in found if e["name"] == name)


def test_a_page_written_before_entities_still_renders(client):
    story = story_about(client, "Tallypay")
    storage = open_storage(client.db)
    storage.db.execute("DELETE FROM story_entities WHERE story_id = ?", (story["id"],))
    storage.close()
    doc = client.get(f"{API}stories/{story['id']}").json()
    assert doc["entities"] == [] and doc["summary"]
    page = client.get(f"/stories/{story['slug']}")
    assert page.status_code == 200 and "Who and where" not in page.text and doc["headline"] in page.text


def test_the_story_json_lists_its_entities_by_independent_sources(client):
    story = story_about(client, "Calloway")
    doc = client.get(f"{API}stories/{story['id']}").json()
    entities = doc["entities"]
    assert all({"id", "name", "type", "sources", "url"} <= set(e) for e in entities)
    assert [e["sources"] for e in entities] == sorted((e["sources"] for e in entities), reverse=True)
    harriet = next(e for e in entities if e["name"] == "Harriet Calloway")
    assert harriet["type"] == "person" and harriet["sources"] >= 3
    assert harriet["url"] == "/entities/harriet-calloway"
    assert all(e["sources"] <= doc["independent_count"] for e in entities)
    assert {"person", "organisation", "place"} <= {e["type"] for e in entities}
    vale = next(e for e in entities if e["name"] == "Edmund Vale")
    assert not any(e["name"] in ("Vale", "Prime Minister Edmund Vale", "PM Edmund Vale") for e in entities)
    assert vale["sources"] >= 2


def test_the_story_page_links_each_entity_to_its_page(client):
    story = story_about(client, "Calloway")
    page = client.get(f"/stories/{story['slug']}").text
    assert "Who and where" in page
    assert 'href="/entities/harriet-calloway"' in page and 'href="/entities/edmund-vale"' in page
    for slug in ("harriet-calloway", "edmund-vale"):
        assert client.get(f"/entities/{slug}").status_code == 200


def test_names_only_one_source_gives_wait_behind_a_disclosure(client):
    story = story_about(client, "Calloway")
    entities = client.get(f"{API}stories/{story['id']}").json()["entities"]
    once = next(e for e in entities if e["sources"] == 1 and e["part_of"] is None)
    page = client.get(f"/stories/{story['slug']}").text
    shown, hidden = page.split('<details class="entities-once">', 1)
    assert f'href="{once["url"]}"' in hidden.split("</details>", 1)[0]
    assert f'href="{once["url"]}"' not in shown.split("Who and where", 1)[1]


def test_an_entity_page_lists_its_stories_newest_first_and_who_comes_with_it(client):
    vale = entity_named(client, "Edmund Vale")
    doc = client.get(f"{API}entities/{vale['id']}").json()
    assert doc["type"] == "person" and doc["story_count"] >= 3 and len(doc["stories"]) == doc["story_count"]
    times = [s["last_updated"] for s in doc["stories"]]
    assert times == sorted(times, reverse=True)
    assert all(1 <= s["sources"] <= s["outlets"] for s in doc["stories"])
    assert doc["first_seen"] <= doc["last_seen"]
    assert doc["related"] and doc["related"][0]["stories"] >= 2        # named with him in two stories or more
    page = client.get("/entities/edmund-vale")
    assert page.status_code == 200
    for s in doc["stories"]:
        assert f'href="{s["url"]}"' in page.text
    assert "Named with it most often" in page.text and "first seen" in page.text
    assert 'href="/feeds/entities/' in page.text
    assert 'href="/login?next=%2Fentities%2F' in page.text       # the follow button: a stranger logs in first


def test_an_entity_is_one_address_and_unknown_ones_are_404(client):
    vale = entity_named(client, "Edmund Vale")
    moved = client.get(f"/entities/{vale['id']}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/entities/edmund-vale"
    assert client.get(f"{API}entities/edmund-vale").json()["id"] == vale["id"]
    assert client.get("/entities/no-such-thing").status_code == 404
    assert client.get(f"{API}entities/no-such-thing").status_code == 404
    assert client.get(f"{API}entities/99999999").status_code == 404


def test_entities_are_found_by_any_of_their_names(client):
    by_accentless = client.get(f"{API}entities", params={"q": "etienne garrigue"}).json()["entities"]
    assert by_accentless[0]["name"] == "Étienne Garrigue" and by_accentless[0]["type"] == "person"
    by_surname = client.get(f"{API}entities", params={"q": "Garrigue"}).json()["entities"]
    assert by_surname[0]["name"] == "Étienne Garrigue"
    assert client.get(f"{API}entities", params={"q": "zzzz"}).json() == {"query": "zzzz", "entities": []}
    assert client.get(f"{API}entities").status_code == 422
    listing = client.get("/entities", params={"q": "garrigue"})
    assert listing.status_code == 200 and 'href="/entities/etienne-garrigue"' in listing.text


def test_an_entity_feed_has_an_entry_per_story_naming_it(client):
    vale = entity_named(client, "Edmund Vale")
    response = client.get(f"/feeds/entities/{vale['id']}.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    ET.fromstring(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert parsed.feed.title == "newsdesk: Edmund Vale"
    assert len(parsed.entries) == vale["story_count"]
    assert all("independent sources name Edmund Vale" in e.summary for e in parsed.entries)
    assert client.get("/feeds/entities/no-such-thing.atom").status_code == 404


@pytest.mark.parametrize("word", ["minister", "said"])
def test_search_filters_by_entity(client, word):
    vale = entity_named(client, "Edmund Vale")
    everything = client.get(f"{API}search", params={"q": word}).json()
    only = client.get(f"{API}search", params={"q": word, "entity": vale["id"]}).json()
    named = {s["id"] for s in client.get(f"{API}entities/{vale['id']}").json()["stories"]}
    assert only["groups"] and {g["story_id"] for g in only["groups"]} <= named
    assert only["total"] < everything["total"]
    page = client.get("/search", params={"q": word, "entity": vale["id"]})
    assert page.status_code == 200 and "Only reports naming" in page.text
    assert 'name="entity"' in page.text
    assert client.get("/search", params={"q": word, "entity": 99999999}).status_code == 404


def test_french_reports_get_no_entities(client):
    storage = open_storage(client.db)
    french = [r["id"] for r in storage.db.query("SELECT id FROM articles WHERE language = 'fr'")]
    assert french
    assert set(storage.entity_scans(french)) == set(french)
    assert storage.article_mentions(french) == {}
    storage.close()
