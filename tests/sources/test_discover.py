from newsdesk.sources import COMMON_FEED_PATHS, discover_feed_urls


def test_advertised_feeds_in_page_order(read):
    assert discover_feed_urls(read("html_page.html"), "https://riverside.example/news/index.html") == [
        "https://riverside.example/feeds/main.xml",
        "https://riverside.example/comments.atom",
        "https://riverside.example/news/feed.json",
        "https://riverside.example/all-posts",
    ]


def test_base_element_and_str_input():
    page = """<?xml version="1.0" encoding="utf-8"?>
    <html><head><base href="https://cdn.example/site/">
    <link rel="Alternate" type="application/RSS+XML" href="rss">
    <link rel="alternate" type="text/html" href="/other">
    <link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">
    <link rel="alternate feed" type="application/atom+xml" href="atom">
    </head><body></body></html>"""
    assert discover_feed_urls(page, "https://www.example/") == [
        "https://cdn.example/site/rss", "https://cdn.example/site/atom"]


def test_nothing_advertised():
    assert discover_feed_urls(b"<html><head><title>x</title></head></html>", "https://a.example/") == []
    assert discover_feed_urls(b"", "https://a.example/") == []
    assert discover_feed_urls("   ", "https://a.example/") == []
    assert discover_feed_urls(b"\x00\xff\xfe garbage <<<", "https://a.example/") == []


def test_common_paths_are_kept():
    assert "/feed" in COMMON_FEED_PATHS
    assert "/feed.json" in COMMON_FEED_PATHS
    assert all(path.startswith("/") for path in COMMON_FEED_PATHS)
