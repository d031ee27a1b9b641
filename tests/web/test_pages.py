"""Every page renders the demo desk, from the stored story pages, with links that lead somewhere real."""

import json
import re
from html.parser import HTMLParser

from newsdesk.storage import open_storage


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.srcs, self.times, self.scripts = [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("src"):
            self.srcs.append(a["src"])
        if tag == "time":
            self.times.append(a)
        if tag == "script":
            self.scripts.append(a)


def parse(html: str) -> Links:
    found = Links()
    found.feed(html)
    return found


def top_story(client) -> dict:
    return client.get("/api/v1/stories").json()["stories"][0]


def test_home_lists_ranked_stories_with_counts_outlets_and_times(client):
    storage = open_storage(client.db)
    expected = [s.headline for s in storage.top_stories(limit=20)]
    storage.close()
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    positions = [html.find(_escape(h)) for h in expected]
    assert all(p > 0 for p in positions), "home must follow top_stories order"
    assert positions == sorted(positions), "home must follow top_stories order"
    assert "independent source" in html       # the demo holds a wire reprint
    assert "reprint" in html
    links = parse(html)
    assert any(t.get("datetime", "").endswith("Z") and "UTC" in t.get("title", "") for t in links.times)
    assert re.search(r"\d+ (day|hour|minute)s? ago", html)
    beside = r'ago</span> <span class="abs">· \d{1,2} [A-Z][a-z]{2}( \d{4})?, \d\d:\d\d UTC</span></time>'
    assert re.search(beside, html), "the absolute time beside the relative one, for readers who cannot hover"
    assert any(src.startswith("/images/") for src in links.srcs), "a lead image is shown when there is one"
    assert 'type="application/atom+xml"' in html
    assert "/manifest.webmanifest" in html


def _escape(text: str) -> str:
    from markupsafe import escape
    return str(escape(text))


def test_home_paginates_and_filters(client):
    first = client.get("/api/v1/stories?per_page=5").json()
    assert first["total"] > 5
    page2 = client.get("/?page=2").text
    assert "Page 2 of" not in page2 or "← Newer" in page2
    # filters: by language keeps only stories with a French article
    storage = open_storage(client.db)
    french = {s for s in storage.rank_stories(language="fr", limit=100)[0]}
    storage.close()
    fr_page = client.get("/?lang=fr").text
    fr_ids = {int(m) for m in re.findall(r'href="/stories/[a-z0-9-]*-(\d+)"', fr_page)}
    assert fr_ids == french
    assert fr_ids
    assert client.get("/?page=0").status_code == 422


def test_story_page_shows_attributed_sentences_linking_to_their_articles(client):
    story = top_story(client)
    doc = client.get(f"/api/v1/stories/{story['id']}").json()
    html = client.get(f"/stories/{story['slug']}").text
    assert _escape(doc["headline"]) in html
    for item in doc["summary"] + doc["takeaways"]:
        assert _escape(item["text"]) in html
        assert f'href="/articles/{item["article_id"]}"' in html
    assert "Key takeaways" in html
    assert "Sources" in html
    assert "Timeline" in html
    assert "first published" in html
    assert "last updated" in html
    for source in doc["sources"]:
        assert f'/articles/{source["article_id"]}' in html
    for link in parse(html).links:
        if link.startswith("/articles/"):
            assert client.get(link).status_code == 200, link


def test_story_page_shows_the_lead_image_its_card_shows(client):
    story = next(s for s in client.get("/api/v1/stories?per_page=50").json()["stories"] if s["image"])
    html = client.get(f"/stories/{story['slug']}").text
    assert f'<figure class="lead"><img src="{story["image"]}"' in html


def test_story_page_image_is_served_by_the_desk(client):
    story = next(s for s in client.get("/api/v1/stories?per_page=50").json()["stories"] if s["image"])
    image = client.get(story["image"])
    assert image.headers["content-type"] == "image/png"


def test_story_by_id_slug_and_merged_id(client):
    story = top_story(client)
    by_id = client.get(f"/stories/{story['id']}")
    assert by_id.status_code == 200
    assert _escape(story["headline"]) in by_id.text
    storage = open_storage(client.db)
    try:
        other = storage.create_story("old-story")       # an old story merged into this one resolves to it
        storage.merge_stories(other, story["id"])
        slug = storage._stories("WHERE id = ?", (other,))[0].slug
    finally:
        storage.close()
    moved = client.get(f"/stories/{other}", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/stories/{story['slug']}"
    assert client.get(f"/stories/{slug}", follow_redirects=False).headers["location"] == f"/stories/{story['slug']}"
    assert client.get("/stories/no-such-story").status_code == 404


def test_story_with_reprints_marks_them(client):
    storage = open_storage(client.db)
    wire = next(s for s in storage.top_stories(limit=50) if s.reprint_count)
    storage.close()
    html = client.get(f"/stories/{wire.slug}").text
    assert "reprint" in html
    assert "also published by" in html


def test_article_reader_view(client):
    storage = open_storage(client.db)
    copy_id = storage.db.query("SELECT copy_id, original_id FROM copies LIMIT 1")[0]
    original = storage.get_article(copy_id["original_id"])
    story_id = storage.story_of(original.id)
    story = storage.get_story(story_id)
    storage.close()
    html = client.get(f"/articles/{original.id}").text
    assert _escape(original.title) in html
    assert _escape(original.outlet) in html
    assert f'href="{original.url}"' in html
    assert "Original article" in html
    assert f"/stories/{story.slug}" in html
    assert "Also published by" in html
    assert f"/articles/{copy_id['copy_id']}" in html
    first_paragraph = original.text.split("\n")[0].strip()
    assert _escape(first_paragraph) in html
    reprint = client.get(f"/articles/{copy_id['copy_id']}").text
    assert "This is a reprint of" in reprint
    assert client.get("/articles/999999").status_code == 404
    assert client.get("/articles/abc").status_code == 422


def test_sources_page_shows_health(client):
    storage = open_storage(client.db)
    sources = storage.list_sources()
    storage.close()
    html = client.get("/sources").text
    for s in sources:
        assert _escape(s.name) in html
        assert f"/feeds/sources/{s.id}.atom" in html
        assert f'<td class="num">{s.article_count}</td>' in html
    assert "Log in" in html      # write forms only for the admin
    assert 'action="/sources"' not in html
    opml = client.get("/sources/export.opml")
    assert opml.status_code == 200
    assert all(s.feed_url in opml.text for s in sources)


def test_search_page_groups_and_highlights(client):
    story = top_story(client)
    word = max(re.findall(r"[A-Za-z]{6,}", story["headline"]), key=len)
    html = client.get("/search", params={"q": word}).text
    assert "<mark>" in html
    assert f"/stories/{story['id']}" in html
    assert "result" in html
    nothing = client.get("/search", params={"q": "zzqxjvv"}).text
    assert "Nothing found" in nothing
    bad = client.get("/search", params={"q": word, "since": "yesterday"})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.text
    later = client.get("/search", params={"q": word, "since": "2099-01-01"}).text
    assert "Nothing found" in later
    assert client.get("/search").status_code == 200


def test_static_manifest_and_icon(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = json.loads(manifest.text)
    assert data["start_url"] == "/"
    assert data["icons"]
    for asset in ("/static/app.css", "/static/app.js", "/static/icon.svg"):
        assert client.get(asset).status_code == 200


def test_pages_load_nothing_from_other_sites_and_scripts_carry_the_nonce(client):
    story = top_story(client)
    for path in ("/", f"/stories/{story['slug']}", "/sources", "/search?q=river", "/login"):
        response = client.get(path)
        links = parse(response.text)
        assert all(src.startswith("/") for src in links.srcs), (path, links.srcs)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"]).group(1)
        assert links.scripts
        assert all(s.get("nonce") == nonce for s in links.scripts)
        assert "<script>" not in response.text
        assert " on" + "click=" not in response.text
