"""Every kind of bad input gets a clear error where the user sees it; the run goes on; nothing is lost."""

import asyncio
import re


from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage
from tests.pipeline.conftest import page, rss, slow
from tests.pipeline.texts import FERRY, LIBRARY

DATE = "Mon, 02 Nov 2026 09:00:00 GMT"


def build(site):
    b = site.url
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.add("/good.xml", rss(b, [
        ("/a/ferry", "Second ferry for the islands", DATE, "A second daily crossing."),
        ("/a/report.pdf", "Annual report", DATE, "The annual report of the ferry company, in brief."),
        ("/a/blank", "An empty page", DATE, ""),
        ("/a/gone", "A missing page", DATE, ""),
    ]), content_type="application/rss+xml")
    site.add("/a/ferry", page("Second ferry for the islands", FERRY))
    site.add("/a/report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", content_type="application/pdf")
    site.add("/a/blank", "<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    site.add("/malformed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item>',
             content_type="application/rss+xml")
    site.add("/html-feed.xml", page("A web page", LIBRARY))
    site.add("/empty.xml", b"", content_type="application/rss+xml")
    site.add("/404.xml", "no", status=404)
    site.add("/410.xml", "gone", status=410)
    site.add("/500.xml", "oops", status=500)
    site.routes["/slow.xml"] = slow(5)
    site.add("/loop1.xml", "", status=302, Location="/loop2.xml")
    site.add("/loop2.xml", "", status=302, Location="/loop1.xml")
    site.add("/huge.xml", b"<rss>" + b" " * 400_000 + b"</rss>", content_type="application/rss+xml")
    latin = rss(b, [("/a/library", "Bibliothèque rouverte à Brackwater", DATE, "Réouverture après travaux.")],
                encoding="iso-8859-1").encode("iso-8859-1")
    site.add("/latin1.xml", latin, content_type="application/rss+xml")
    site.add("/a/library", page("Library reopens", LIBRARY))
    # declared utf-8 in the XML, but the bytes are windows-1252, and no charset in HTTP
    wrong = rss(b, [("/a/cafe", "Café owners welcome the library", DATE, "Brackwater’s library.")])
    site.add("/wrong-charset.xml", wrong.encode("cp1252"), content_type="application/rss+xml")


EXPECTED = {
    "/malformed.xml": "malformed",
    "/html-feed.xml": "HTML page",
    "/empty.xml": "empty",
    "/404.xml": "404",
    "/410.xml": "410",
    "/500.xml": "500",
    "/slow.xml": "timed out|timeout",
    "/loop1.xml": "redirect loop",
    "/huge.xml": "larger than|too large",
}


def poll(storage, settings):
    async def go():
        async with Desk(storage, settings) as desk:
            return await desk.poll(due_only=False)
    return asyncio.run(go())


def test_each_bad_input_is_reported_and_the_run_goes_on(site, settings):
    build(site)
    storage = open_storage(settings.database_url())
    for path in ["/good.xml", "/latin1.xml", "/wrong-charset.xml", *EXPECTED]:
        storage.add_source(site.url + path)
    reports = {r.name.replace(site.url, ""): r for r in poll(storage, settings)}
    sources = {s.feed_url.replace(site.url, ""): s for s in storage.list_sources()}

    for path, pattern in EXPECTED.items():
        source = sources[path]
        assert source.last_status == "error", path
        assert source.error_count == 1
        assert source.next_fetch_at is not None
        assert source.last_error_at is not None
        assert re.search(pattern, source.last_error, re.I), (path, source.last_error)
        assert re.search(pattern, reports[path].error, re.I)
    assert not sources["/410.xml"].enabled
    assert "410" in sources["/410.xml"].disabled_reason

    good = reports["/good.xml"]
    assert good.status == "ok"
    ferry = storage.get_article_by_url(site.url + "/a/ferry")
    assert ferry.full_text
    assert "Lucan Drever" in ferry.text
    assert ferry.title == "Second ferry for the islands"
    pdf = storage.get_article_by_url(site.url + "/a/report.pdf")
    assert not pdf.full_text
    assert "application/pdf" in pdf.extraction_error
    assert pdf.text == "The annual report of the ferry company, in brief."
    assert storage.get_article_by_url(site.url + "/a/blank") is None
    assert storage.get_article_by_url(site.url + "/a/gone") is None
    errors = "\n".join(good.errors)
    assert "no article text" in errors
    assert "404" in errors
    assert "application/pdf" in errors
    logged = {e.url.replace(site.url, ""): e.error for e in storage.fetch_log(errors_only=True, limit=100)}
    assert "404" in logged["/a/gone"]
    assert "no article text" in logged["/a/blank"]

    library = storage.get_article_by_url(site.url + "/a/library")
    assert library.full_text
    assert "Nadia Brunel" in library.text
    assert [a.title for a in storage.list_articles(source=sources["/latin1.xml"].id)] == \
        ["Bibliothèque rouverte à Brackwater"]
    cafe = storage.get_article_by_url(site.url + "/a/cafe")
    assert cafe.title.startswith("Caf")
    assert not cafe.full_text
    assert "404" in cafe.extraction_error
    assert storage.count_articles() == 4

    # a second run: nothing duplicated, nothing lost, failing sources back off further
    before = {a.url: (a.id, a.text) for a in storage.list_articles(limit=100, include_copies=True)}
    site.add("/good.xml", "server trouble", status=500)
    poll(storage, settings)
    after = {a.url: (a.id, a.text) for a in storage.list_articles(limit=100, include_copies=True)}
    assert after == before
    again = {s.feed_url.replace(site.url, ""): s for s in storage.list_sources()}
    assert again["/good.xml"].last_status == "error"
    assert "500" in again["/good.xml"].last_error
    assert again["/500.xml"].error_count == 2
    assert again["/500.xml"].next_fetch_at - again["/500.xml"].last_fetch_at > \
        sources["/500.xml"].next_fetch_at - sources["/500.xml"].last_fetch_at
    assert "/410.xml" not in [s.feed_url.replace(site.url, "") for s in storage.due_sources(again["/500.xml"].next_fetch_at)]
    storage.close()


def test_wrong_charset_feed_still_yields_readable_entries(site, settings):
    build(site)
    storage = open_storage(settings.database_url())
    storage.add_source(site.url + "/wrong-charset.xml")
    (report,) = poll(storage, settings)
    assert report.status == "ok"
    (article,) = storage.list_articles()
    assert article.title.startswith("Caf")
    assert article.title.endswith("welcome the library")
    storage.close()


def test_feed_without_any_charset_declaration(site, settings):
    body = ('<rss version="2.0"><channel><title>Kein Zeichensatz</title><item><title>Straßenbahn fährt wieder'
            '</title><link>' + site.url + '/a/tram</link><description>Die Linie 4 fährt ab Montag.</description>'
            '</item></channel></rss>').encode("cp1252")
    site.add("/no-charset.xml", body, content_type="application/rss+xml")
    storage = open_storage(settings.database_url())
    storage.add_source(site.url + "/no-charset.xml")
    (report,) = poll(storage, settings)
    assert report.status == "ok"
    (article,) = storage.list_articles()
    assert article.title == "Straßenbahn fährt wieder"
    assert article.text == "Die Linie 4 fährt ab Montag."    # the page is missing: the teaser is kept
    storage.close()
