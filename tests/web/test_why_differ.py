"""The story page and the story JSON tell why each article is in its story and where sources differ, on the
demo desk (the Fenwick Valley Gazette updates its quake report: three dead where the others say two)."""

import re

from newsdesk.web.why_data import NOT_KEPT


def _quake(client) -> dict:
    for story in client.get("/api/v1/stories?per_page=50").json()["stories"]:
        doc = client.get(f"/api/v1/stories/{story['id']}").json()
        if any(d["what"] == "deaths" for d in doc["differ"]):
            return doc
    raise AssertionError("no demo story flags a difference in the toll")


def test_the_story_json_has_why_for_every_article(client):
    doc = _quake(client)
    assert [w["article"] for w in doc["why"]] == [s["article_id"] for s in doc["sources"]]
    joined = [w for w in doc["why"] if w["probability"] is not None]
    assert joined, doc["why"]
    assert all(0.0 <= w["probability"] <= 1.0 for w in joined)
    assert all(any(r.startswith("title ") for r in w["reasons"]) for w in joined)
    assert all(w["reasons"] != [NOT_KEPT] for w in doc["why"])


def test_the_story_json_says_where_sources_differ_with_the_gazettes_update_superseding_its_figure(client):
    deaths = next(d for d in _quake(client)["differ"] if d["what"] == "deaths")
    assert deaths["latest"] == "3"
    assert [v["value"] for v in deaths["versions"]] == ["3", "2"]
    assert [s["outlet"] for s in deaths["versions"][0]["statements"]] == ["The Fenwick Valley Gazette"]
    earlier = {s["outlet"]: s["superseded_by"] for s in deaths["versions"][1]["statements"]}
    assert earlier["The Fenwick Valley Gazette"] == "3"
    assert earlier["Meridian Press Agency"] is None


def test_the_story_page_has_a_why_toggle_per_article_and_a_sources_differ_block(client):
    doc = _quake(client)
    html = client.get(f"/stories/{doc['slug']}").text
    assert html.count('<details class="why">') == len(doc["sources"])
    assert '<h2 id="differ-h">Sources differ</h2>' in html
    assert re.search(r"superseded by its later report: 3", html)
    assert re.search(r"sources differ</span> on the dead: <strong>3</strong> in the latest report, 2 in others", html)
