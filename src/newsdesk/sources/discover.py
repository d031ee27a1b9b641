"""Find a site's feeds: <link rel="alternate"> first, then common paths."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from newsdesk.sources._util import absolute_http_url

COMMON_FEED_PATHS: tuple[str, ...] = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/all.atom.xml", "/feed.json")

FEED_TYPES: frozenset[str] = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
    "application/rdf+xml",
})

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")


def discover_feed_urls(html: bytes | str, base_url: str) -> list[str]:
    """Absolute feed URLs advertised by the page, best first."""
    if not html or not html.strip():
        return []
    if isinstance(html, str):
        html = _XML_DECL.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return []
    base = base_url
    for element in root.iter("base"):
        base = absolute_http_url(element.get("href"), base_url) or base_url
        break
    found: list[str] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        mime = (link.get("type") or "").split(";")[0].strip().lower()
        if ("alternate" in rels and mime in FEED_TYPES) or ("feed" in rels and (not mime or mime in FEED_TYPES)):
            url = absolute_http_url(link.get("href"), base)
            if url and url not in found:
                found.append(url)
    return found
