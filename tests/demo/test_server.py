"""The demo server, exercised over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import feedparser
import httpx
import pytest
from lxml import etree, html as lxml_html

from newsdesk.demo import DemoServer, load_corpus
from newsdesk.demo.corpus import Corpus, DemoArticle, Outlet
from newsdesk.web.images import MAX_IMAGE_BYTES

from tests.png import read_png

FEEDPARSER_VERSIONS = {"rss20": "rss20", "atom10": "atom10", "rss10": "rss10"}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def server(corpus):
    with DemoServer(corpus) as srv:
        yield srv


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=10) as c:
        yield c


def entry_links(body: bytes, feed_format: str) -> list[str]:
    if feed_format == "json11":
        return [item["url"] for item in json.loads(body)["items"]]
    return [entry.link for entry in feedparser.parse(body).entries]


def test_every_outlet_feed_parses_in_its_format(server, corpus, client):
    assert set(server.feed_urls) == {o.id for o in corpus.outlets}
    for outlet in corpus.outlets:
        response = client.get(server.feed_urls[outlet.id])
        assert response.status_code == 200, outlet.id
        articles = corpus.articles_of(outlet.id)
        if outlet.feed_format == "json11":
            assert response.headers["content-type"].startswith("application/feed+json")
            feed = json.loads(response.content)
            assert feed["version"] == "https://jsonfeed.org/version/1.1"
            assert feed["title"] == outlet.name
            assert feed["feed_url"] == server.feed_urls[outlet.id]
            items = feed["items"]
            assert [i["title"] for i in items] == [a.title for a in articles]
            assert [i["content_text"] for i in items] == [a.paragraphs[0] for a in articles]
            assert all(i["date_published"].endswith("Z") for i in items)
        else:
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, (outlet.id, parsed.get("bozo_exception"))
            assert parsed.version == FEEDPARSER_VERSIONS[outlet.feed_format]
            assert parsed.feed.title == outlet.name
            assert [e.title for e in parsed.entries] == [a.title for a in articles]
            assert [e.summary for e in parsed.entries] == [a.paragraphs[0] for a in articles], "teasers only"
            stamps = [e.get("published_parsed") or e.get("updated_parsed") for e in parsed.entries]
            assert all(stamps), "newest first"
            assert stamps == sorted(stamps, reverse=True), "newest first"
        urls = [server.article_url(a.id) for a in articles]
        assert entry_links(response.content, outlet.feed_format) == urls


def test_feed_links_resolve_to_article_pages(server, corpus, client):
    for outlet in corpus.outlets:
        body = client.get(server.feed_urls[outlet.id]).content
        for link in entry_links(body, outlet.feed_format):
            page = client.get(link)
            assert page.status_code == 200, link
            assert page.headers["content-type"].startswith("text/html")


def test_article_page_carries_metadata_and_boilerplate(server, corpus, client):
    for article in corpus.articles:
        outlet = corpus.outlet(article.outlet)
        url = server.article_url(article.id)
        doc = lxml_html.fromstring(client.get(url).content)
        assert doc.get("lang") == outlet.language
        assert article.title in doc.findtext(".//title")
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
        assert meta["og:title"] == article.title
        assert meta["og:site_name"] == outlet.name
        assert meta["og:image"].startswith(server.base_url)
        assert meta["article:published_time"] == article.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert meta.get("author") == article.author
        assert doc.xpath("//link[@rel='canonical']/@href") == [url]
        ld = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
        assert ld["@type"] == "NewsArticle"
        assert ld["headline"] == article.title
        assert doc.xpath("//article//h1")[0].text_content() == article.title
        assert [p.text_content() for p in doc.xpath("//div[@class='article-body']/p")] == article.paragraphs
        assert doc.xpath("//time[@datetime]")
        assert doc.xpath("//div[@id='cookie-banner']")
        assert doc.xpath("//nav//a")
        assert len(doc.xpath("//aside[@class='related']//a")) >= 2
        assert doc.xpath("//footer//p")
    image = client.get(doc.xpath("//meta[@property='og:image']/@content")[0])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"


def test_each_article_is_served_its_own_drawn_picture(server, corpus, client):
    first, second = corpus.articles[:2]
    pictures = [client.get(server.image_url(a.id)).content for a in (first, second)]
    assert read_png(pictures[0]).shape == (630, 1200, 3)
    assert pictures[0] != pictures[1]
    assert client.get(server.image_url(first.id)).content == pictures[0]


def test_every_picture_is_within_the_desk_image_proxys_size_limit(server, corpus):
    assert all(len(server.lead_image(a)) < MAX_IMAGE_BYTES for a in corpus.articles)


def test_home_pages_advertise_their_feed(server, corpus, client):
    for outlet in corpus.outlets:
        response = client.get(server.site_url(outlet.id))
        assert response.status_code == 200
        doc = lxml_html.fromstring(response.content)
        alternates = doc.xpath("//head/link[@rel='alternate']")
        media_type = {"rss20": "application/rss+xml", "atom10": "application/atom+xml",
                      "rss10": "application/rdf+xml", "json11": "application/feed+json"}[outlet.feed_format]
        advertised = [(a.get("type"), a.get("href")) for a in alternates]
        assert advertised == [(media_type, server.feed_urls[outlet.id])]
        links = doc.xpath("//ul[@class='front-page']//a/@href")
        expected = [server.article_url(a.id) for a in corpus.articles_of(outlet.id)]
        assert [server.base_url + h for h in links] == expected
    redirect = client.get(server.site_url("circuitry").rstrip("/"))
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "/circuitry/"


def test_robots_opml_and_not_found(server, corpus, client):
    robots = client.get(server.base_url + "/robots.txt")
    assert robots.status_code == 200
    assert "Allow: /" in robots.text
    opml = etree.fromstring(server.opml().encode("utf-8"))
    assert opml.get("version") == "2.0"
    feeds = {o.get("xmlUrl"): o.get("htmlUrl") for o in opml.iter("outline") if o.get("xmlUrl")}
    assert feeds == {server.feed_urls[o.id]: server.site_url(o.id) for o in corpus.outlets}
    assert client.get(server.base_url + "/feeds.opml").content == server.opml().encode("utf-8")
    assert client.get(server.base_url + "/circuitry/no-such-story.html").status_code == 404
    wrong_outlet = server.article_url("mpa-calloway-resigns").replace("/meridian-press/", "/circuitry/")
    assert client.get(wrong_outlet).status_code == 404
    assert client.get(server.base_url + "/feeds/circuitry.rss").status_code == 404
    assert client.get(server.article_url("mpa-calloway-resigns") + "?utm_source=x").status_code == 200
    head = client.head(server.feed_urls["meridian-press"])
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"]


def test_conditional_get_answers_304(server, client):
    url = server.feed_urls["aldermark-chronicle"]
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert parsedate_to_datetime(modified) == datetime(2026, 11, 13, 13, 30, tzinfo=timezone.utc)
    same = client.get(url, headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["etag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "Tue, 10 Nov 2026 00:00:00 GMT"}).status_code == 200
    page = client.get(server.article_url("chronicle-fenwick-earthquake"))
    assert client.get(page.url, headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    assert ("GET", "/feeds/aldermark-chronicle.atom", 304) in server.requests


def test_revision_switch_serves_the_update(corpus, client):
    article = corpus.article("fvg-thornbury-earthquake")
    revised = article.revisions[-1]
    with DemoServer(corpus) as srv:
        feed_url, page_url = srv.feed_urls["fenwick-gazette"], srv.article_url(article.id)
        feed0, page0 = client.get(feed_url), client.get(page_url)
        entry0 = next(e for e in feedparser.parse(feed0.content).entries if e.link == page_url)
        assert entry0.title == article.title
        assert "Two killed" in page0.text
        assert "74-year-old" not in page0.text

        srv.set_revision(1)
        assert srv.revision == 1
        feed1 = client.get(feed_url, headers={"If-None-Match": feed0.headers["etag"]})
        assert feed1.status_code == 200
        assert feed1.headers["etag"] != feed0.headers["etag"]
        since = {"If-Modified-Since": feed0.headers["last-modified"]}
        assert client.get(feed_url, headers=since).status_code == 200
        entry1 = next(e for e in feedparser.parse(feed1.content).entries if e.link == page_url)
        assert entry1.title == revised.title
        assert datetime(*entry1.updated_parsed[:6], tzinfo=timezone.utc) == revised.at
        assert datetime(*entry1.published_parsed[:6], tzinfo=timezone.utc) == article.published
        page1 = client.get(page_url, headers={"If-None-Match": page0.headers["etag"]})
        assert page1.status_code == 200
        doc = lxml_html.fromstring(page1.content)
        assert doc.xpath("//article//h1")[0].text_content() == revised.title
        assert "74-year-old" in page1.text
        assert doc.xpath("//meta[@property='article:modified_time']/@content") == ["2026-11-11T07:30:00Z"]
        assert doc.xpath("//meta[@property='article:published_time']/@content") == ["2026-11-10T19:55:00Z"]
        unchanged = srv.feed_urls["circuitry"]
        assert client.get(unchanged).content == client.get(unchanged).content

        srv.set_revision(0)
        assert client.get(page_url).content == page0.content

    with DemoServer(corpus, revision=1) as srv:
        body = client.get(srv.article_url(article.id)).text
        assert revised.title in body


def test_feeds_escape_markup_in_text(client):
    outlet = Outlet(id="odd-outlet", name="Odd & Sons <News>", language="en", country="Aldermark",
                    feed_format="rss20", tagline="Quotes \" and 'apostrophes' & <tags>")
    title = 'Fish & chips <b>tax</b> "rises" ]]> today'
    paragraphs = ["First <p> & paragraph ]]>.", "Second.", "Third.", "Fourth."]
    base = dict(outlet=outlet.id, event="e", author="A & B", paragraphs=paragraphs,
                published=datetime(2026, 11, 10, 12, tzinfo=timezone.utc))
    articles = [DemoArticle(id="odd-story", title=title, **base),
                DemoArticle(id="odd-story-2", title="Plain", **base)]
    for feed_format in ("rss20", "atom10", "rss10", "json11"):
        odd = Corpus(outlets=[replace(outlet, feed_format=feed_format)], articles=articles,
                     events={"e": "An odd event"})
        with DemoServer(odd) as srv:
            body = client.get(srv.feed_urls["odd-outlet"]).content
            if feed_format == "json11":
                items = json.loads(body)["items"]
                assert items[0]["title"] == title
                assert items[0]["summary"] == paragraphs[0]
            else:
                parsed = feedparser.parse(body)
                assert not parsed.bozo, (feed_format, parsed.get("bozo_exception"))
                assert parsed.feed.title == outlet.name
                assert parsed.entries[0].title == title, feed_format
            page = lxml_html.fromstring(client.get(srv.article_url("odd-story")).content)
            assert page.xpath("//article//h1")[0].text_content() == title
            ld = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
            assert ld["headline"] == title


def test_start_stop_and_addresses(corpus):
    srv = DemoServer(corpus)
    with pytest.raises(RuntimeError):
        srv.base_url
    srv.start()
    try:
        assert srv.base_url.startswith("http://127.0.0.1:")
        assert srv.port > 0
        assert srv.site_url("le-veilleur") == srv.base_url + "/le-veilleur/"
        assert srv.article_url("veilleur-accord-lisse-signe") == \
            srv.base_url + "/le-veilleur/veilleur-accord-lisse-signe.html"
        assert httpx.get(srv.base_url + "/").status_code == 200
        url = srv.base_url
    finally:
        srv.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(url + "/robots.txt", timeout=2)
    srv.stop()


def test_last_modified_moves_forward_when_a_revision_changes_a_page(corpus, client):
    with DemoServer(corpus) as srv:
        home, feed = srv.site_url("fenwick-gazette"), srv.feed_urls["fenwick-gazette"]
        related = srv.article_url("fvg-roe-ends-39-year-wait")   # lists the updated story's headline
        before = {url: client.get(url) for url in (home, feed, related)}
        srv.set_revision(1)
        for url, old in before.items():
            new = client.get(url, headers={"If-Modified-Since": old.headers["last-modified"]})
            assert new.status_code == 200, url
            assert parsedate_to_datetime(new.headers["last-modified"]) > \
                parsedate_to_datetime(old.headers["last-modified"])
            assert "death toll rises to three" in new.text.lower()
        parsed = feedparser.parse(client.get(feed).content)
        assert parsedate_to_datetime(client.get(feed).headers["last-modified"]) == \
            datetime(*parsed.feed.updated_parsed[:6], tzinfo=timezone.utc)
