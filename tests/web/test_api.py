"""The JSON API: lists with ids, one story/article, sources, search; ETags; errors as JSON."""

import re


def test_stories_list_each_with_id_and_paging(client):
    body = client.get("/api/v1/stories").json()
    assert isinstance(body["stories"], list)
    assert body["stories"]
    assert all(isinstance(s["id"], int) and s["headline"] and s["url"] for s in body["stories"])
    page1 = client.get("/api/v1/stories?per_page=3").json()["stories"]
    page2 = client.get("/api/v1/stories?per_page=3&page=2").json()["stories"]
    assert len(page1) == 3
    assert not {s["id"] for s in page1} & {s["id"] for s in page2}
    french = client.get("/api/v1/stories?lang=fr").json()
    assert 0 < french["total"] < body["total"]


def test_story_article_and_sources(client):
    story = client.get("/api/v1/stories").json()["stories"][0]
    doc = client.get(f"/api/v1/stories/{story['id']}").json()
    assert doc["id"] == story["id"]
    assert doc["summary"]
    assert doc["takeaways"]
    assert doc["sources"]
    assert client.get(f"/api/v1/stories/{story['slug']}").json()["id"] == story["id"]
    article_id = doc["summary"][0]["article_id"]
    article = client.get(f"/api/v1/articles/{article_id}").json()
    assert article["id"] == article_id
    quoted = doc["summary"][0].get("source_text") or doc["summary"][0]["text"]    # the report's own words
    assert quoted in article["text"]
    assert article["story_id"] == story["id"]
    listing = client.get("/api/v1/articles?per_page=5").json()["articles"]
    assert len(listing) == 5
    assert all("text" not in a and a["id"] for a in listing)
    sources = client.get("/api/v1/sources").json()["sources"]
    assert sources
    assert all({"id", "feed_url", "last_status", "article_count"} <= set(s) for s in sources)


def test_search_groups_by_story(client):
    story = client.get("/api/v1/stories").json()["stories"][0]
    word = max(re.findall(r"[A-Za-z]{6,}", story["headline"]), key=len)
    body = client.get("/api/v1/search", params={"q": word}).json()
    assert body["total"] >= 1
    assert story["id"] in [g["story_id"] for g in body["groups"]]
    hit = body["groups"][0]["hits"][0]
    assert "<mark>" in hit["snippet_html"]
    assert "\x02" not in hit["snippet"]


def test_etag_and_not_modified(client):
    for path in ("/api/v1/stories", "/api/v1/sources", "/api/v1/articles/1", "/feeds/top.atom"):
        first = client.get(path)
        etag = first.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        other = client.get(path, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200
        assert other.content == first.content


def test_errors_are_json_with_status(client):
    missing = client.get("/api/v1/stories/999999")
    assert missing.status_code == 404
    assert "no story" in missing.json()["error"]
    assert client.get("/api/v1/articles/999999").json() == {"error": "no article 999999"}
    invalid = client.get("/api/v1/stories?page=0")
    assert invalid.status_code == 422
    assert "page" in invalid.json()["error"]
    bad_date = client.get("/api/v1/search", params={"q": "river", "since": "31/12/2026"})
    assert bad_date.status_code == 400
    assert "YYYY-MM-DD" in bad_date.json()["error"]
    no_query = client.get("/api/v1/search")
    assert no_query.status_code == 422
    assert "error" in no_query.json()
    unknown = client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404
    assert "error" in unknown.json()
    assert client.post("/api/v1/sources", json={"url": "http://x.example/"}).status_code == 401


def test_openapi_is_served(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/v1/stories", "/api/v1/stories/{key}", "/api/v1/articles", "/api/v1/articles/{article_id}",
                 "/api/v1/sources", "/api/v1/search"):
        assert path in schema["paths"]
    assert not any(p.startswith("/feeds") or p == "/" for p in schema["paths"])
