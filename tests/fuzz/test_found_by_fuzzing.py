"""What the fuzzers found, each kept as a case of its own."""

import time

from newsdesk.dedupe import canonical_url
from newsdesk.extract import ExtractionError, extract_article
from newsdesk.sources import parse_feed
from newsdesk.sources.feeds import MAX_MARKUP_TAGS, FeedError
from newsdesk.web.sanitize import sanitize_html

import pytest


def test_a_huge_author_costs_no_time():
    """feedparser's e-mail regex is quadratic in the author's length: 60 KB once took 15 s of CPU."""
    author = "a" * 200_000
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>'
            f"<link>https://example.com/1</link><author>{author}</author></item></channel></rss>").encode()
    started = time.process_time()
    feed = parse_feed(body, "https://example.com/feed")
    assert time.process_time() - started < 2
    assert len(feed.entries) == 1


def test_a_feed_of_endless_markup_is_refused_quickly():
    body = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title>'
            '<content type="html">' + "&lt;b&gt;" * (MAX_MARKUP_TAGS + 1) + "</content></entry></feed>").encode()
    started = time.process_time()
    with pytest.raises(FeedError, match="too complex"):
        parse_feed(body, "https://example.com/feed")
    assert time.process_time() - started < 2


def test_a_link_with_a_newline_in_its_scheme_is_read_as_browsers_read_it():
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>'
            b"<link>htt\rp://example.com/a</link></item></channel></rss>")
    assert parse_feed(body, "https://example.com/feed").entries[0].url == "http://example.com/a"


@pytest.mark.parametrize("url", [
    "https://example.com/?amp;x=1",                       # courlan turns an encoded &amp; into a separator
    " https://example.com/%25/@/a.html/.?amp;x=1&%3D=%26&x=&k=v;w=z#a#b",
    "File://host/path", "\x02file://x", "fil\te://x",
])
def test_canonical_urls_are_fixed_points(url):
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert once.split(":", 1)[0] in ("http", "https", "file")


def test_control_characters_make_no_article_url():
    with pytest.raises(ValueError, match="control"):
        canonical_url("http://localhost:\x12?q")
    with pytest.raises(ValueError, match="space"):
        canonical_url("http://user:pw@ex #ample.com/a")


def test_a_canonical_link_that_is_no_url_is_ignored():
    page = ('<html><head><link rel="canonical" href="http://[broken-ipv6/x"></head><body><article>'
            + "<p>The council approved the harbour plan after a long debate that ran past midnight.</p>" * 8
            + "</article></body></html>")
    try:
        found = extract_article(page, "https://news.example.com/a")
    except ExtractionError:
        return
    assert found.canonical_url is None


def test_the_sanitiser_takes_lone_surrogates_and_is_stable():
    assert "\ud800" not in sanitize_html("<p>a\ud800b</p>")
    for markup in ["x<p>\ufeffy</p>", "\ufeff\ufeffz", "<li>a</li>&lt;<p>&gt;<p></p>", "<ul><p><li>x</ul>"]:
        once = sanitize_html(markup)
        assert sanitize_html(once) == once


@pytest.mark.parametrize("text", ["\\[minister [@click=app.bell]council", "a \\\\[b", "ends in \\", "[[b]x"])
def test_the_terminal_shows_backslashes_before_brackets_as_written(text):
    """Rich's markup reads `\\[` as `[` even where no tag follows, which `rich.markup.escape` leaves alone."""
    import io

    from newsdesk.cli.terminal import escaped, make_console

    out = io.StringIO()
    make_console(file=out, width=200).print(f"[bold]{escaped(text)}[/]")
    assert out.getvalue() == text + "\n"
