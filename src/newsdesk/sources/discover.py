"""Find a site's feeds: <link rel="alternate"> first, then common paths."""

COMMON_FEED_PATHS: tuple[str, ...] = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/all.atom.xml", "/feed.json")


def discover_feed_urls(html: bytes | str, base_url: str) -> list[str]:
    """Absolute feed URLs advertised by the page, best first."""
    raise NotImplementedError
