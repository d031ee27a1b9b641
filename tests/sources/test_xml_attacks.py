"""XML attacks on feeds and OPML: entity expansion (billion laughs, quadratic blowup), external entities
(file and network) and external DTDs are refused or ignored quickly, in bounded memory, and no network
request is made. Each payload is tried plainly and in the disguises that would slip past a naive check."""

from __future__ import annotations

import re
import time
import tracemalloc

import pytest

from newsdesk.sources import FeedError, parse_feed, read_opml
from newsdesk.sources import feeds as feeds_module
from newsdesk.sources import opml as opml_module
from newsdesk.sources.opml import OpmlError
from tests.site import Site

MAX_SECONDS = 2.0
MAX_PEAK = 16 * 1024 * 1024


@pytest.fixture(scope="module")
def listener():
    """A server an XXE payload would contact; the tests assert it never is."""
    with Site() as site:
        site.add("*", b'<!ENTITY leak "reached">', content_type="application/xml-dtd")
        yield site


def laughs(levels: int = 10) -> bytes:
    decls = [b'<!ENTITY lol0 "lollollollollollollollollollol">']
    decls += [b"<!ENTITY lol%d \"%s\">" % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, levels)]
    return b"".join(decls)


def quadratic() -> bytes:
    return b'<!ENTITY big "' + b"B" * 100_000 + b'">'


QUADRATIC_REFS = b"&big;" * 20_000          # would expand to 2 GB


def rss(subset: bytes, title: bytes, *, doctype: bytes | None = None, before: bytes = b"") -> bytes:
    head = doctype if doctype is not None else b"<!DOCTYPE rss [" + subset + b"]>"
    return (b'<?xml version="1.0" encoding="utf-8"?>' + before + head
            + b'<rss version="2.0"><channel><title>Desk</title><link>http://site.test/</link>'
            + b"<item><title>" + title + b"</title><link>http://site.test/a</link></item></channel></rss>")


def opml(subset: bytes, title: bytes, *, doctype: bytes | None = None) -> bytes:
    head = doctype if doctype is not None else b"<!DOCTYPE opml [" + subset + b"]>"
    return (b'<?xml version="1.0" encoding="utf-8"?>' + head + b'<opml version="2.0"><head><title>'
            + title + b'</title></head><body><outline text="' + title
            + b'" xmlUrl="http://site.test/feed"/></body></opml>')


def payloads(port: int) -> dict[str, tuple[bytes, bytes]]:
    """name -> (internal subset, what the document references)"""
    return {
        "billion_laughs": (laughs(), b"&lol9;"),
        "quadratic_blowup": (quadratic(), QUADRATIC_REFS),
        "xxe_file": (b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', b"&xxe;"),
        "xxe_network": (b'<!ENTITY xxe SYSTEM "http://127.0.0.1:%d/xxe-entity">' % port, b"&xxe;"),
        "xxe_parameter_entity": (b'<!ENTITY %% remote SYSTEM "http://127.0.0.1:%d/xxe-param"> %%remote;' % port,
                                 b"&leak;"),
    }


NAMES = ["billion_laughs", "quadratic_blowup", "xxe_file", "xxe_network", "xxe_parameter_entity"]


def bounded(fn, *args):
    """Run fn, returning (exception or result, seconds, peak traced bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        try:
            outcome = fn(*args)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcome = exc
        return outcome, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def assert_refused_quickly(fn, data: bytes, error: type, listener, match: str = "entities|DTD|DOCTYPE"):
    outcome, seconds, peak = bounded(fn, data)
    assert isinstance(outcome, error), outcome
    assert re.search(match, str(outcome)), str(outcome)
    assert seconds < MAX_SECONDS, seconds
    assert peak < MAX_PEAK + 2 * len(data), peak
    assert listener.requests == [], listener.requests
    assert "root:" not in str(outcome)


# --- feeds --------------------------------------------------------------------------------------------

def _feed(data: bytes):
    return parse_feed(data, "http://site.test/feed", "application/rss+xml")


@pytest.mark.parametrize("name", NAMES)
def test_feed_payload_refused(name, listener):
    subset, refs = payloads(listener.port)[name]
    assert_refused_quickly(_feed, rss(subset, refs), FeedError, listener)


@pytest.mark.parametrize("name", NAMES)
def test_feed_payload_in_utf16_refused(name, listener):
    subset, refs = payloads(listener.port)[name]
    data = rss(subset, refs).decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    assert_refused_quickly(_feed, data, FeedError, listener)


@pytest.mark.parametrize("name", NAMES)
def test_feed_payload_behind_a_cdata_opener_in_a_comment_refused(name, listener):
    # A check that skips CDATA sections without knowing comments would skip the whole DOCTYPE here.
    subset, refs = payloads(listener.port)[name]
    data = rss(subset, refs, before=b"<!-- <![CDATA[ -->").replace(b"<rss version", b"<!-- ]]> --><rss version")
    assert_refused_quickly(_feed, data, FeedError, listener)


@pytest.mark.parametrize("name", NAMES)
def test_feed_payload_behind_a_tag_in_a_comment_refused(name, listener):
    # feedparser takes the DOCTYPE to end at the first "<name"; one inside a comment hides the real one.
    subset, refs = payloads(listener.port)[name]
    assert_refused_quickly(_feed, rss(subset, refs, before=b"<!-- <rss> -->"), FeedError, listener)


@pytest.mark.parametrize("name", NAMES)
def test_strict_parser_refuses_entities_even_without_the_precheck(name, listener, monkeypatch):
    monkeypatch.setattr(feeds_module, "_refuse_dtd", lambda body, headers: None)
    monkeypatch.setattr(feeds_module, "_declares_entities", lambda body: False)
    subset, refs = payloads(listener.port)[name]
    assert_refused_quickly(_feed, rss(subset, refs), FeedError, listener, match="[Ee]ntit")


def test_external_dtd_is_never_fetched(listener):
    doctype = b'<!DOCTYPE rss SYSTEM "http://127.0.0.1:%d/rss.dtd">' % listener.port
    feed, seconds, _ = bounded(_feed, rss(b"", b"Harbour reopens", doctype=doctype))
    assert not isinstance(feed, Exception), feed
    assert [e.title for e in feed.entries] == ["Harbour reopens"]
    assert listener.requests == []


def test_netscape_doctype_without_subset_still_parses():
    doctype = (b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
               b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">')
    feed = _feed(rss(b"", b"Old format", doctype=doctype).replace(b'version="2.0"', b'version="0.91"'))
    assert feed.format == "rss091"
    assert [e.title for e in feed.entries] == ["Old format"]


def test_inline_dtd_without_entities_refused(listener):
    data = rss(b'<!ATTLIST item kind CDATA "news">', b"Plain")
    assert_refused_quickly(_feed, data, FeedError, listener, match="^feed carries an inline DTD; refused$")


def test_entity_declaration_quoted_in_cdata_content_is_fine():
    data = rss(b"", b"<![CDATA[How <!ENTITY x SYSTEM 'file:///etc/passwd'> attacks work]]>", doctype=b"")
    feed = _feed(data)
    assert feed.entries[0].title.startswith("How <!ENTITY")


# --- OPML ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_opml_payload_refused(name, listener):
    subset, refs = payloads(listener.port)[name]
    assert_refused_quickly(read_opml, opml(subset, refs), OpmlError, listener)


@pytest.mark.parametrize("name", NAMES)
def test_opml_payload_in_utf16_refused(name, listener):
    subset, refs = payloads(listener.port)[name]
    data = opml(subset, refs).decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    assert_refused_quickly(read_opml, data, OpmlError, listener)


@pytest.mark.parametrize("name", NAMES)
def test_opml_parser_never_expands_even_without_the_precheck(name, listener, monkeypatch):
    # lxml is told not to substitute entities, load DTDs or use the network; libxml2 caps amplification.
    monkeypatch.setattr(opml_module, "_ENTITY_DECL", re.compile(rb"(?!)"))
    monkeypatch.setattr(opml_module, "dtd_problem", lambda data: None)
    subset, refs = payloads(listener.port)[name]
    assert_refused_quickly(read_opml, opml(subset, refs), OpmlError, listener,
                           match="amplification|external entity|DTD")


def test_opml_external_dtd_is_never_fetched(listener):
    doctype = b'<!DOCTYPE opml SYSTEM "http://127.0.0.1:%d/opml.dtd">' % listener.port
    assert_refused_quickly(read_opml, opml(b"", b"Feeds", doctype=doctype), OpmlError, listener)


# --- entry count --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["rss", "json"])
def test_a_feed_of_50k_tiny_entries_is_cut_short_quickly(kind):
    count = 50_000
    if kind == "rss":
        data = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Flood</title>'
                + b"".join(b"<item><link>http://site.test/%d</link></item>" % i for i in range(count))
                + b"</channel></rss>")
    else:
        items = ",".join('{"id":"%d","url":"http://site.test/%d","content_text":"x"}' % (i, i) for i in range(count))
        data = ('{"version":"https://jsonfeed.org/version/1.1","title":"Flood","items":[' + items + "]}").encode()
    assert len(data) < 10 * 1024 * 1024       # fits under the fetcher's size cap
    started = time.perf_counter()
    feed = _feed(data)
    seconds = time.perf_counter() - started
    assert len(feed.entries) == feeds_module.MAX_ENTRIES
    assert any(f"more than {feeds_module.MAX_SCANNED_ENTRIES} entries" in w for w in feed.warnings)
    assert not any("malformed" in w for w in feed.warnings), feed.warnings
    assert seconds < 5, seconds
