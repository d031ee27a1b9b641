"""Where articles come from: feeds (RSS, Atom, JSON Feed), feed discovery, OPML lists and local files."""

from newsdesk.sources._util import http_url_problem, xml_text
from newsdesk.sources.discover import COMMON_FEED_PATHS, discover_feed_urls
from newsdesk.sources.feeds import FeedEntry, FeedError, ParsedFeed, parse_feed
from newsdesk.sources.files import LocalDocument, LocalDocumentError, iter_documents
from newsdesk.sources.opml import OpmlError, OpmlFeed, default_feeds, read_opml, write_opml

__all__ = [
    "COMMON_FEED_PATHS", "discover_feed_urls", "FeedEntry", "FeedError", "ParsedFeed", "parse_feed",
    "LocalDocument", "LocalDocumentError", "iter_documents", "OpmlError", "OpmlFeed", "default_feeds",
    "read_opml", "write_opml", "http_url_problem", "xml_text",
]
