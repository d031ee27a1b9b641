import random

import pytest

from newsdesk.sources import OpmlError, OpmlFeed, default_feeds, read_opml, write_opml


def test_nested_folders_and_attribute_case(read):
    feeds = read_opml(read("nested.opml"))
    assert feeds == [
        OpmlFeed("https://alpine.example/rss", "Alpine Courier", "https://alpine.example/", "News/Europe"),
        OpmlFeed("https://coast.example/feed.xml", "Coastline Post", None, "News"),
        OpmlFeed("https://gadgets.example/atom.xml", "Gadget Bench", None, "Tech", expected_format="atom10"),
        OpmlFeed("https://loose.example/index.xml", "Loose feed", None, None),
    ]


def test_round_trip():
    feeds = [
        OpmlFeed("https://a.example/rss", "Alpha & Co <news>", "https://a.example/", "World"),
        OpmlFeed("https://b.example/atom.xml", None, None, "World/Europe", expected_format="atom10"),
        OpmlFeed("https://c.example/feed", "Gamma", None, None),
        OpmlFeed("https://d.example/feed", "Delta", None, "Science"),
        OpmlFeed("https://e.example/feed", "Épsilon — ελληνικά", None, "World"),
    ]
    text = write_opml(feeds, "Mine")
    assert text.startswith("<?xml")
    assert 'version="2.0"' in text
    assert "<title>Mine</title>" in text
    back = read_opml(text.encode("utf-8"))
    assert sorted(back, key=lambda f: f.feed_url) == feeds
    assert [f.folder for f in back] == ["World", "World/Europe", "World", None, "Science"]


@pytest.mark.parametrize("data, message", [
    (b"", "empty OPML file"),
    (b"<opml><body><outline", "malformed OPML"),
    (b"<html><body><p>hello</p></body></html>", "not an OPML file"),
    (b"<opml version='2.0'><head/></opml>", "no <body>"),
    (b"{\"feeds\": []}", "malformed OPML"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>'
     b'<outline xmlUrl="https://x.example/&a;"/></body></opml>', "entities"),
    (b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://dtd.example/opml.dtd"><opml><body/></opml>', "DTD"),
])
def test_bad_input(data, message):
    with pytest.raises(OpmlError, match=message):
        read_opml(data)


def test_bare_ampersands_are_repaired():
    data = b'<opml version="2.0"><body><outline text="Q&A" xmlUrl="https://q.example/rss?a=1&b=2"/></body></opml>'
    assert read_opml(data) == [OpmlFeed("https://q.example/rss?a=1&b=2", "Q&A")]


def test_empty_body_is_an_empty_list():
    assert read_opml(b"<opml version='2.0'><head/><body/></opml>") == []


def test_default_feeds():
    feeds = default_feeds()
    assert len(feeds) >= 30
    assert {f.folder for f in feeds} == {"World", "Politics", "Business", "Technology", "Science"}
    assert len({f.feed_url for f in feeds}) == len(feeds)
    for feed in feeds:
        assert feed.feed_url.startswith("https://"), feed
        assert feed.title
        assert feed.site_url
        assert feed.expected_format in {"rss091", "rss20", "rss10", "atom10"}, feed
    assert read_opml(write_opml(feeds).encode()) == feeds


def test_mangled_opml_only_raises_opml_error(read):
    body = read("nested.opml")
    rng = random.Random(11)
    variants = [body[:cut] for cut in rng.sample(range(1, len(body)), 30)]
    variants += [bytes(b ^ 0xFF if rng.random() < 0.02 else b for b in body) for _ in range(20)]
    for variant in variants:
        try:
            feeds = read_opml(variant)
        except OpmlError as exc:
            assert str(exc)
        else:
            assert all(isinstance(f.feed_url, str) and f.feed_url for f in feeds)


def test_outlines_without_a_feed_address_are_an_error_that_says_so():
    opml = (b'<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="A site" htmlUrl="https://a.example/"/>'
            b'<outline text="Folder"><outline text="B" url="https://b.example/rss"/></outline></body></opml>')
    with pytest.raises(OpmlError, match="none of its 3 outlines has an xmlUrl"):
        read_opml(opml)
