"""Parse RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 and JSON Feed 1.x into one shape.

Over 400 lines because the four formats share the entry shape, the limits and the clean-up rules that turn
each into it.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import feedparser
import feedparser.api
import feedparser.mixin
import nh3
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from newsdesk.errors import NewsdeskError
from newsdesk.extract import HTML_TYPES
from newsdesk.sources._util import absolute_http_url, parse_datetime, plain_text
from newsdesk.sources._xmlguard import dtd_problem

MAX_ENTRIES = 500
MAX_MARKUP_TAGS = 150_000     # markup and escaped markup together: a feed costs at most a few seconds of CPU
MAX_SCANNED_ENTRIES = 2000     # entries read at most (parsing costs about a millisecond each); the newest
                               # MAX_ENTRIES of them are kept

# feedparser's strict parser goes through defusedxml's expat reader, which refuses any entity declaration:
# a second guard behind the check in _refuse_dtd.
feedparser.api.PREFERRED_XML_PARSERS = ["newsdesk.sources._xmlguard"]

# feedparser looks for an e-mail address in each author with a backtracking regex that is quadratic in the
# author's length (a 60 KB <author> cost 15 s of CPU, a megabyte would never end): it sees the first
# MAX_AUTHOR_CHARS only.
MAX_AUTHOR_CHARS = 500
_sync_author_detail = feedparser.mixin._FeedParserMixin._sync_author_detail


def _bounded_sync_author_detail(self, key: str = "author") -> None:
    context = self._get_context()
    value = context.get(key)
    if isinstance(value, str) and len(value) > MAX_AUTHOR_CHARS:
        context[key] = value[:MAX_AUTHOR_CHARS]
    _sync_author_detail(self, key)


feedparser.mixin._FeedParserMixin._sync_author_detail = _bounded_sync_author_detail


class FeedError(NewsdeskError):
    """The body is not a usable feed. The message says why, for the user."""


@dataclass
class FeedEntry:
    id: str                        # guid / atom id / json id; falls back to the link
    url: str | None                # the article link, absolute
    title: str | None = None
    author: str | None = None
    published: datetime | None = None   # timezone-aware UTC
    updated: datetime | None = None     # timezone-aware UTC
    summary: str | None = None          # teaser (may be HTML)
    content_html: str | None = None     # full content when the feed carries it
    image_url: str | None = None
    categories: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    format: str                    # "rss20", "rss10", "rss09x", "atom10", "json11", ...
    title: str | None
    site_url: str | None
    language: str | None
    entries: list[FeedEntry]
    warnings: list[str] = field(default_factory=list)   # recoverable problems (e.g. malformed XML but entries found)


_FORMATS = {
    "rss090": "rss090", "rss091n": "rss091", "rss091u": "rss091", "rss091": "rss091", "rss092": "rss092",
    "rss093": "rss093", "rss094": "rss094", "rss20": "rss20", "rss10": "rss10", "rss": "rss",
    "atom01": "atom01", "atom02": "atom02", "atom03": "atom03", "atom10": "atom10", "atom": "atom",
    "cdf": "cdf",
}
_JSON_TYPES = ("application/feed+json", "application/json")
_LATIN_CHARSETS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "windows-1252", "cp1252",
                   "us-ascii", "ascii"}
_WS = b" \t\r\n"
_BOM8 = b"\xef\xbb\xbf"
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.S)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_ENTRY_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.I)
_XML_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_MARKUP = re.compile(r"</?(?:a|abbr|b|big|br|cite|code|del|div|em|font|i|img|ins|mark|p|q|s|script|small|span|"
                     r"strike|strong|style|sub|sup|u)(?:\s[^>]*)?/?>", re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_NOT_IMAGE_EXT = re.compile(r"\.(mp3|mp4|m4a|m4v|mov|webm|ogg|oga|ogv|wav|aac|flac|pdf)(\?|$)", re.I)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    mime, charset = _split_content_type(content_type)
    if isinstance(body, str):
        body, charset = body.encode("utf-8"), "utf-8"
    if not body or not body.strip(_WS + b"\x00"):
        raise FeedError("empty response")
    body = _trim_leading_space(body)
    if _declares_entities(body):
        raise FeedError("feed declares XML entities; refused")
    start = body[len(_BOM8):] if body.startswith(_BOM8) else body
    if start[:1] in (b"{", b"[") or (mime in _JSON_TYPES and start[:1] != b"<"):
        return _parse_json_feed(body, url)
    return _parse_xml_feed(body, url, mime, charset)


def _refuse_dtd(body: bytes, headers: dict[str, str]) -> None:
    problem = dtd_problem(body, headers.get("content-type", "application/xml"))
    if problem:
        raise FeedError(f"feed {problem}; refused")


def _refuse_markup(tags: int) -> None:
    if tags > MAX_MARKUP_TAGS:
        raise FeedError(f"feed too complex: more than {MAX_MARKUP_TAGS} tags (parsing costs about 40 µs a tag); "
                        "refused")


def _first_entries(body: bytes) -> tuple[bytes, bool]:
    """The body cut after its MAX_SCANNED_ENTRIES-th entry, so a feed of a million tiny entries costs no more
    than one of a few thousand (the parsers recover from the missing end tags)."""
    if b"\x00" in body[:4]:
        return body, False
    for count, match in enumerate(_ENTRY_END.finditer(body), 1):
        if count == MAX_SCANNED_ENTRIES:
            if _ENTRY_END.search(body, match.end()):
                return body[:match.end()], True
            break
    return body, False


# --- XML feeds (feedparser) -------------------------------------------------------------------------------

def _parse_xml_feed(body: bytes, url: str, mime: str, charset: str | None) -> ParsedFeed:
    warnings: list[str] = []
    declared = charset or _xml_declared_encoding(body)
    if declared and declared.lower() in _LATIN_CHARSETS and _is_non_ascii_utf8(body):
        warnings.append(f"feed declares its charset as {declared} but is UTF-8; decoded as UTF-8")
        charset = "utf-8"
    headers = {"content-location": url,
               "content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    _refuse_dtd(body, headers)
    body, truncated = _first_entries(body)
    _refuse_markup(body.count(b"<") + body.count(b"&lt;"))
    if truncated:
        warnings.append(f"feed has more than {MAX_SCANNED_ENTRIES} entries; read the first {MAX_SCANNED_ENTRIES}")
    try:
        # Sanitised with nh3 below instead: feedparser's own sanitiser has a style-attribute regex that took
        # 28 s on one 60 KB entry (a fuzz finding).
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    except Exception as exc:  # a crash inside feedparser must still reach the user as a FeedError
        raise FeedError(f"could not parse feed: {exc}") from exc

    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    version = parsed.get("version") or ""
    raw_entries = parsed.get("entries") or []
    if isinstance(exc, CharacterEncodingOverride):
        warnings.append(f"wrong character encoding: {exc}")
        exc = None
    elif isinstance(exc, NonXMLContentType):
        exc = None

    if not version and not raw_entries:
        if mime in HTML_TYPES or _HTML_START.search(body[:4096]):
            raise FeedError(_html_page_message(body, url))
        if exc is not None:
            raise FeedError(f"malformed feed XML: {_describe(exc)}")
        raise FeedError("not a feed: the document is not RSS, Atom or JSON Feed")
    if exc is not None and not raw_entries:
        raise FeedError(f"malformed feed XML: {_describe(exc)}")

    feed_info = parsed.get("feed") or {}
    is_atom = version.startswith("atom")
    # Atom entries inherit the feed's author; an RSS channel has no author of its entries.
    feed_author = _author_name(feed_info.get("author"), (feed_info.get("author_detail") or {}).get("name")) \
        if is_atom else None
    entries = []
    skipped = 0
    for raw in raw_entries:
        entry = _entry_from_feedparser(raw, url, is_atom, feed_author)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    if exc is not None and not truncated:
        warnings.append(f"malformed feed XML, recovered {len(entries)} entries: {_describe(exc)}")
    if skipped:
        warnings.append(f"skipped {skipped} entries with no link, title or content")
    entries = _cap(entries, warnings)
    return ParsedFeed(
        format=_FORMATS.get(version, version or "unknown"),
        title=_title_text(feed_info.get("title_detail"), feed_info.get("title")),
        site_url=absolute_http_url(feed_info.get("link"), url),
        language=(feed_info.get("language") or None),
        entries=entries,
        warnings=warnings,
    )


def _entry_from_feedparser(raw: Any, base: str, is_atom: bool, feed_author: str | None) -> FeedEntry | None:
    link = absolute_http_url(raw.get("link"), base)
    if link is None:
        for candidate in raw.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate":
                link = absolute_http_url(candidate.get("href"), base)
                if link:
                    break
    title = _title_text(raw.get("title_detail"), raw.get("title"))
    content_html = content_value = None
    for content in raw.get("content") or []:
        content_value = content.get("value")
        if not content_value or not content_value.strip():
            continue
        ctype = (content.get("type") or "text/html").lower()
        content_html = _safe_html(content_value) if ("html" in ctype or "xml" in ctype) else _text_to_html(content_value)
        break
    summary = raw.get("summary") or None
    if summary is not None and (not summary.strip() or summary == content_value):
        summary = None  # feedparser copies the content into a missing summary; that is no teaser
    elif summary is not None and "html" in ((raw.get("summary_detail") or {}).get("type") or "text/html"):
        summary = _safe_html(summary)
    if not (link or title or content_html or summary):
        return None
    author = _author_name(raw.get("author"), (raw.get("author_detail") or {}).get("name")) or feed_author
    categories: list[str] = []
    for tag in raw.get("tags") or []:
        term = plain_text(tag.get("term") or tag.get("label"), is_html=False)
        if term and term not in categories:
            categories.append(term)
    published = (_struct_to_datetime(raw.get("published_parsed"))
                 or _struct_to_datetime(raw.get("created_parsed"))
                 or _date_string(raw.get("published")))
    # dict.get: FeedParserDict.get("updated") silently falls back to "published".
    updated = _struct_to_datetime(dict.get(raw, "updated_parsed")) or _date_string(dict.get(raw, "updated"))
    if published is None and not is_atom:
        published = updated  # RSS carries its publication date as dc:date, which feedparser calls "updated"
    entry_id = (raw.get("id") or "").strip() or link or _synthetic_id(title, summary, content_html)
    return FeedEntry(
        id=entry_id,
        url=link,
        title=title,
        author=author,
        published=published,
        updated=updated,
        summary=summary,
        content_html=content_html,
        image_url=_feedparser_image(raw, base, content_html, summary),
        categories=categories,
    )


def _feedparser_image(raw: Any, base: str, content_html: str | None, summary: str | None) -> str | None:
    best, best_width = None, -1
    for media in raw.get("media_content") or []:
        medium = (media.get("medium") or "").lower()
        mtype = (media.get("type") or "").lower()
        src = media.get("url") or ""
        if (medium and medium != "image") or (mtype and not mtype.startswith("image/")):
            continue
        if not medium and not mtype and _NOT_IMAGE_EXT.search(src):
            continue
        found = absolute_http_url(src, base)
        width = _int(media.get("width"))
        if found and width > best_width:
            best, best_width = found, width
    if best:
        return best
    for thumb in raw.get("media_thumbnail") or []:
        found = absolute_http_url(thumb.get("url"), base)
        if found:
            return found
    for enclosure in raw.get("enclosures") or []:
        if (enclosure.get("type") or "").lower().startswith("image/"):
            found = absolute_http_url(enclosure.get("href") or enclosure.get("url"), base)
            if found:
                return found
    image = raw.get("image")
    if isinstance(image, dict):
        found = absolute_http_url(image.get("href") or image.get("url"), base)
        if found:
            return found
    return _first_img(content_html, base) or _first_img(summary, base)


# --- JSON Feed ---------------------------------------------------------------------------------------------

def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise FeedError(f"invalid JSON feed: {exc}") from None
    if not isinstance(data, dict):
        raise FeedError("invalid JSON feed: the top level is not an object")
    version = data.get("version")
    if not isinstance(version, str) or not re.match(r"https?://jsonfeed\.org/version/\d", version):
        raise FeedError('invalid JSON feed: missing or unknown "version" '
                        "(expected https://jsonfeed.org/version/1.1)")
    number = version.rsplit("/", 1)[-1]
    fmt = "json" + number.replace(".", "") if number.replace(".", "").isdigit() else "json1x"
    if fmt == "json1":
        fmt = "json10"
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError('invalid JSON feed: "items" is missing or not a list')
    warnings: list[str] = []
    if len(items) > MAX_SCANNED_ENTRIES:
        warnings.append(f"feed has more than {MAX_SCANNED_ENTRIES} entries; read the first {MAX_SCANNED_ENTRIES}")
        items = items[:MAX_SCANNED_ENTRIES]
    _refuse_markup(sum(v.count("<") for item in items if isinstance(item, dict)
                       for v in (item.get("content_html"), item.get("summary")) if isinstance(v, str)))
    feed_author = _json_authors(data)
    entries = []
    skipped = 0
    for item in items:
        entry = _entry_from_json(item, url, feed_author) if isinstance(item, dict) else None
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    if skipped:
        warnings.append(f"skipped {skipped} items that are not objects or have no url, title or content")
    entries = _cap(entries, warnings)
    return ParsedFeed(
        format=fmt,
        title=plain_text(_str(data.get("title")), is_html=False),
        site_url=absolute_http_url(_str(data.get("home_page_url")), url),
        language=_str(data.get("language")),
        entries=entries,
        warnings=warnings,
    )


def _entry_from_json(item: dict, base: str, feed_author: str | None) -> FeedEntry | None:
    link = (absolute_http_url(_str(item.get("url")), base)
            or absolute_http_url(_str(item.get("external_url")), base))
    title = plain_text(_str(item.get("title")), is_html=False)
    content_html = _str(item.get("content_html"))
    if content_html:
        content_html = _clean_html(content_html, link or base)
    elif _str(item.get("content_text")):
        content_html = _text_to_html(item["content_text"])
    summary = _str(item.get("summary"))
    raw_id = item.get("id")
    entry_id = ""
    if isinstance(raw_id, (str, int, float)) and not isinstance(raw_id, bool):
        entry_id = str(raw_id).strip()
    if not (link or title or content_html or summary):
        return None
    image = (absolute_http_url(_str(item.get("image")), base)
             or absolute_http_url(_str(item.get("banner_image")), base))
    if image is None:
        attachments = item.get("attachments")
        for attachment in attachments if isinstance(attachments, list) else []:
            mime = str(attachment.get("mime_type", "")).lower() if isinstance(attachment, dict) else ""
            if mime.startswith("image/"):
                image = absolute_http_url(_str(attachment.get("url")), base)
                if image:
                    break
    categories = []
    tags = item.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, str) and tag.strip() and tag.strip() not in categories:
            categories.append(tag.strip())
    published = parse_datetime(item["date_published"]) if _str(item.get("date_published")) else None
    updated = parse_datetime(item["date_modified"]) if _str(item.get("date_modified")) else None
    return FeedEntry(
        id=entry_id or link or _synthetic_id(title, summary, content_html),
        url=link,
        title=title,
        author=_json_authors(item) or feed_author,
        published=published,
        updated=updated,
        summary=summary,
        content_html=content_html,
        image_url=image or _first_img(content_html, base),
        categories=categories,
    )


_EMAIL_THEN_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
_NAME_THEN_EMAIL = re.compile(r"^\s*(.+?)\s*(?:<\S+@\S+>|\(\S+@\S+\))\s*$")


def _author_name(raw: str | None, parsed_name: str | None) -> str | None:
    """RSS writes "email (Name)"; feedparser's own split of that is unreliable, so take the name here."""
    if raw:
        for pattern in (_EMAIL_THEN_NAME, _NAME_THEN_EMAIL):
            match = pattern.match(raw)
            if match:
                return plain_text(match.group(1), is_html=False)
        if "@" not in raw or " " in raw.strip():
            return plain_text(raw, is_html=False)
    return plain_text(parsed_name, is_html=False) or plain_text(raw, is_html=False)


def _json_authors(obj: dict) -> str | None:
    people = obj.get("authors")
    if not isinstance(people, list):
        people = [obj.get("author")]
    names = [p["name"].strip() for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)]
    names = [n for n in names if n]
    return ", ".join(names) or None


# --- shared helpers ----------------------------------------------------------------------------------------

def _trim_leading_space(body: bytes) -> bytes:
    """Whitespace before the XML declaration makes it a fatal error for expat; real feeds often have it."""
    if body.startswith(_BOM8):
        return _BOM8 + body[len(_BOM8):].lstrip(_WS)
    if b"\x00" in body[:4] or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return body  # UTF-16/32: leave it to the decoder
    return body.lstrip(_WS)


def _declares_entities(body: bytes) -> bool:
    sample = body.replace(b"\x00", b"") if b"\x00" in body[:4096] else body
    if not _ENTITY_DECL.search(sample):
        return False
    return bool(_ENTITY_DECL.search(_CDATA.sub(b"", sample)))


def _split_content_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'")
    return mime.strip().lower(), charset


def _xml_declared_encoding(body: bytes) -> str | None:
    match = _XML_DECL_ENCODING.match(body[len(_BOM8):] if body.startswith(_BOM8) else body)
    return match.group(1).decode("ascii") if match else None


def _is_non_ascii_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _html_page_message(body: bytes, url: str) -> str:
    from newsdesk.sources.discover import discover_feed_urls

    message = "not a feed: the URL returned an HTML page"
    try:
        advertised = discover_feed_urls(body, url)
    except Exception:
        advertised = []
    advertised = [a for a in advertised if a != url]
    if advertised:
        message += f"; it advertises a feed at {advertised[0]}"
    return message


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    if text.startswith("<unknown>:"):
        text = "line " + text[len("<unknown>:"):]
    return text or type(exc).__name__


def _title_text(detail: Any, fallback: str | None) -> str | None:
    value = (detail or {}).get("value") if detail else None
    if value is None:
        value = fallback
    ctype = ((detail or {}).get("type") or "text/plain").lower() if detail else "text/plain"
    text = plain_text(value, is_html="html" in ctype or "xml" in ctype)
    if text and "<" in text and _MARKUP.search(text):
        # Titles double-escaped by their publisher still carry markup once decoded.
        text = plain_text(_MARKUP.sub(" ", _SCRIPT.sub(" ", text)), is_html=False)
    return text


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _date_string(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _cap(entries: list[FeedEntry], warnings: list[str]) -> list[FeedEntry]:
    if len(entries) <= MAX_ENTRIES:
        return entries
    floor = datetime.min.replace(tzinfo=timezone.utc)

    def newness(index: int) -> tuple[bool, datetime, int]:
        when = entries[index].published or entries[index].updated
        return (when is not None, when or floor, -index)

    keep = sorted(sorted(range(len(entries)), key=newness, reverse=True)[:MAX_ENTRIES])
    warnings.append(f"feed has {len(entries)} entries; kept the newest {MAX_ENTRIES}")
    return [entries[i] for i in keep]


def _first_img(markup: str | None, base: str) -> str | None:
    if not markup:
        return None
    for match in _IMG_SRC.finditer(markup):
        src = html.unescape(next(g for g in match.groups() if g is not None))
        found = absolute_http_url(src, base)
        if found:
            return found
    return None


def _text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def _safe_html(markup: str) -> str:
    """Feed HTML as stored: scripts, styles, handlers and script URLs removed (nh3's default allowlist, in
    linear time). Rendering cleans it again with the stricter allowlist of web/sanitize.py."""
    return nh3.clean(markup.encode("utf-8", "replace").decode("utf-8"))


def _clean_html(markup: str, base: str) -> str:
    """JSON Feed HTML gets the same treatment as XML feeds' HTML: links made absolute, then sanitised."""
    try:
        from feedparser.urls import resolve_relative_uris

        markup = resolve_relative_uris(markup, base, "utf-8", "text/html")
    except Exception:
        pass
    return _safe_html(markup)


def _synthetic_id(*parts: str | None) -> str:
    digest = hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8", "replace")).hexdigest()
    return f"urn:newsdesk:sha1:{digest}"


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0
