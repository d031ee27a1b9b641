"""Article text and metadata from one HTML page: decoding, the checks that refuse what is not an article page,
metadata, and the text. Over 400 lines because each step works on the same parsed page and its limits."""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from charset_normalizer import from_bytes
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from newsdesk.errors import NewsdeskError
from newsdesk.extract.metadata import page_metadata


class ExtractionError(NewsdeskError):
    """No article could be read from the document; the message says why (not HTML, PDF, no text...)."""


@dataclass
class Extracted:
    text: str                        # paragraphs separated by blank lines
    title: str | None = None
    author: str | None = None
    published: datetime | None = None   # timezone-aware UTC (date-only values at 00:00 UTC)
    site_name: str | None = None
    language: str | None = None         # ISO 639-1 when known
    canonical_url: str | None = None
    image_url: str | None = None
    description: str | None = None


MAX_HTML_BYTES = 8 * 1024 * 1024
# Extraction time grows faster than the number of elements: pages above LIGHT_MODE_ELEMENTS skip the
# extensive date search, pages above MAX_ELEMENTS are refused
# (worst case measured at the limit: ~7 s). Real articles have a few thousand elements (benchmark pages:
# median 700, largest 9,900).
LIGHT_MODE_ELEMENTS = 12_000
MAX_ELEMENTS = 30_000
# trafilatura's time is quadratic in the number of inline children of one block (a <p> holding thousands
# of links or images takes minutes): in a block that crowded, the inline children are flattened to their
# text, or dropped when most of them are links (a link farm is not article text).
MAX_INLINE_CHILDREN = 500
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd details div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6"
    " header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)

# Settings chosen by measurement on the Scrapinghub article-extraction benchmark (181 pages, this machine):
#   trafilatura defaults                         F1 .9598
#   precision mode                               F1 .9641
#   precision + headline drop + fallback         F1 .9708   22 pages/s (second-opinion extractors on)
#   the same with fast=True (chosen)             F1 .9695   32 pages/s (42 with the lean metadata)
# fast=True skips trafilatura's second-opinion extractors (readability, jusText), a third of the time per page;
# the fallback below recovers what they caught. User comments are left out, tables kept, no formatting markup.
TRAFILATURA_OPTIONS = dict(
    favor_precision=True,
    fast=True,
    include_comments=False,
    include_tables=True,
    include_formatting=False,
    deduplicate=False,
)
# Precision mode occasionally settles on a small wrong block (a reprint notice, a teaser) while the balanced
# mode finds the article: when its text is this short and the balanced text at least FALLBACK_RATIO times
# longer, the balanced text is used.
FALLBACK_MAX_CHARS = 500
FALLBACK_RATIO = 2.0
# A text made of link labels for at least this share of its characters is a menu or an index, no article.
# The media types of an HTML page, as servers announce them.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
LINK_LIST_SHARE = 0.9
# A page with no title needs at least this many words of text to count as an article (a menu, a cookie notice
# or a login page is not one).
MIN_UNTITLED_WORDS = 30

_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "an executable"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"OggS", "an audio or video file"),
    (b"fLaC", "an audio file"),
    (b"\x1a\x45\xdf\xa3", "a video file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# Stateful 7-bit encodings look like valid UTF-8 (pure ASCII) and must be decoded as declared.
_SEVEN_BIT = {"iso2022_jp", "iso2022_jp_2", "iso2022_kr", "utf_7", "hz"}
# Undeclared legacy pages: the encoding browsers assume for the page's language (WHATWG locale defaults).
_LEGACY_ENCODING_BY_LANGUAGE = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk"), "cp1251"),
    **dict.fromkeys(("pl", "cs", "sk", "hu", "sl", "hr", "ro", "bs"), "cp1250"),
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
    **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "da", "sv", "no", "nb", "nn", "fi", "is",
                     "ca", "ga", "gl", "eu", "af", "sq", "id", "ms", "sw"), "cp1252"),
    "el": "cp1253", "tr": "cp1254", "he": "cp1255", "ar": "cp1256", "fa": "cp1256", "vi": "cp1258",
    "th": "cp874", "ja": "shift_jis", "ko": "euc_kr",
}
_HTML_LANG = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([a-z]{2})(?![a-z])", re.IGNORECASE)
_MARKUP = re.compile(r"<(?:!doctype|[a-z][a-z0-9]*)[\s/>]", re.IGNORECASE)
_FEED = re.compile(r"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_TOKEN = re.compile(r"\w+")
# "&#11;" and the like: the HTML parser turns them into control characters that lxml then refuses to store
# (trafilatura's title step crashed on one); they are read as spaces.
_CONTROL_REF = re.compile(r"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2\d|3[01])|[xX]0*(?:[0-8]|[bBcCeEfF]|1[\da-fA-F]))(?![\da-fA-F]);?")


def extract_article(html: bytes | str, url: str | None = None) -> Extracted:
    """Read the article of an HTML page: its text (paragraphs separated by blank lines) and metadata.

    Raises ExtractionError with a message for the user when the document is empty, too large, not HTML
    (PDF, image, JSON, feed...) or holds no article text.
    """
    markup = _decode(html)
    if not markup.strip():
        raise ExtractionError("empty document: the page has no content")
    _check_is_html(markup)
    tree = load_html(_CONTROL_REF.sub(" ", markup))
    if tree is None or len(tree) == 0:
        raise ExtractionError("not an HTML page: the document could not be parsed as HTML")

    light = _measure_and_flatten(tree) > LIGHT_MODE_ELEMENTS
    date_params = set_date_params(not light)
    date_params["outputformat"] = "%Y-%m-%dT%H:%M:%S%z"
    meta = page_metadata(tree, url, date_params)

    text = _article_text(tree, url, meta.title)
    if not text or _is_link_list(text, tree):
        raise ExtractionError("no article text found")
    words = len(_TOKEN.findall(text))
    if not meta.title and words < MIN_UNTITLED_WORDS:
        raise ExtractionError(f"no article text found: the page has no title and only {words} words of text")

    return Extracted(
        text=text,
        title=_clean_title(meta.title, meta.sitename),
        author=meta.author or None,
        published=_parse_date(meta.date),
        site_name=meta.sitename or None,
        language=_language(tree),
        canonical_url=_canonical_url(tree, url),
        image_url=_absolute_url(meta.image, url),
        description=meta.description or None,
    )


def _clean_title(title: str | None, site_name: str | None) -> str | None:
    """The headline without a trailing " | Site name" (or " - ", " – ", " — ", " · ")."""
    if not title:
        return None
    if site_name:
        match = re.match(r"(.+)\s+[|\-–—·:]\s+(.+)$", title)
        if match and _normalize(match.group(2)) == _normalize(site_name):
            return match.group(1).strip()
    return title


def _measure_and_flatten(tree: HtmlElement) -> int:
    """Number of elements of the page; refuses pages above MAX_ELEMENTS and flattens crowded blocks."""
    count = 0
    crowded = []
    for count, element in enumerate(tree.iter(), start=1):
        if count > MAX_ELEMENTS:
            raise ExtractionError(
                f"page too complex: more than {MAX_ELEMENTS:,} HTML elements (the limit for extraction)"
            )
        if len(element) > MAX_INLINE_CHILDREN:
            crowded.append(element)
    for element in crowded:
        _flatten_inline_children(element)
    return count


def _flatten_inline_children(element: HtmlElement) -> None:
    children = list(element)
    inline = [child for child in children if not (isinstance(child.tag, str) and child.tag in _BLOCK_TAGS)]
    drop_text = 2 * sum(1 for child in inline if child.tag == "a") > len(inline)
    buffer = [element.text or ""]
    anchor = None
    for child in children:
        if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
            _set_text(element, anchor, buffer)
            anchor, buffer = child, [child.tail or ""]
            continue
        if isinstance(child.tag, str) and not drop_text:
            buffer.append(child.text_content())
        buffer.append(child.tail or "")
        element.remove(child)
    _set_text(element, anchor, buffer)


def _set_text(element: HtmlElement, anchor: HtmlElement | None, pieces: list[str]) -> None:
    text = "".join(pieces) or None
    if anchor is None:
        element.text = text
    else:
        anchor.tail = text


def _article_text(tree: HtmlElement, url: str | None, title: str | None) -> str:
    options = TRAFILATURA_OPTIONS
    text = _run_trafilatura(tree, url, options, title)
    if len(text) < FALLBACK_MAX_CHARS:
        balanced = dict(options, favor_precision=False)
        alternative = _run_trafilatura(tree, url, balanced, title)
        if len(alternative) >= FALLBACK_RATIO * max(len(text), 1):
            text = alternative
    return text


def _run_trafilatura(tree: HtmlElement, url: str | None, options: dict, title: str | None) -> str:
    # bare_extraction works on a copy of the tree, so the parsed page can be reused.
    try:
        document = bare_extraction(tree, url=url, with_metadata=False, **options)
    except Exception as exc:  # trafilatura's heuristics can trip on hostile markup: the page is unreadable
        raise ExtractionError(f"could not read the article text ({type(exc).__name__}: {exc})"[:300]) from exc
    if document is None or not document.text:
        return ""
    return _paragraphs(document.text, title)


def _is_link_list(text: str, tree: HtmlElement) -> bool:
    """Whether the text is (almost) only the labels of the page's links: a menu or an index, no article."""
    link_labels = {_normalize(link.text_content()) for link in tree.iter("a")}
    paragraphs = text.split("\n\n")
    linked = sum(len(p) for p in paragraphs if _normalize(p.lstrip("-•* ")) in link_labels)
    return linked >= LINK_LIST_SHARE * sum(len(p) for p in paragraphs)


def _normalize(text: str) -> str:
    return " ".join(_TOKEN.findall(text.lower()))


def _paragraphs(raw: str, title: str | None) -> str:
    lines = [line.strip() for line in raw.split("\n")]
    lines = [line for line in lines if line]
    if lines and title and _repeats_title(lines[0], title):
        lines = lines[1:]
    return "\n\n".join(lines)


def _repeats_title(line: str, title: str) -> bool:
    """Whether the first line of the text is the headline again (possibly without the site-name suffix)."""
    words, title_words = _TOKEN.findall(line.lower()), _TOKEN.findall(title.lower())
    if not words or not title_words:
        return False
    if words == title_words:
        return True
    n = len(words)
    if n <= len(title_words) and n >= 0.6 * len(title_words):
        if any(title_words[i : i + n] == words for i in range(len(title_words) - n + 1)):
            return True
    shared = set(words) & set(title_words)
    return len(shared) / len(set(words) | set(title_words)) >= 0.8


def _decode(html: bytes | str) -> str:
    if isinstance(html, str):
        if len(html) > MAX_HTML_BYTES:
            raise ExtractionError(_too_large(len(html)))
        if not html.strip():
            raise ExtractionError("empty document: the page has no content")
        if html.lstrip().startswith("%PDF-"):
            raise ExtractionError("not an HTML page: got a PDF document")
        if "\x00" in html[:1024]:
            raise ExtractionError("not an HTML page: got binary data")
        return html.lstrip("\ufeff")

    if not isinstance(html, (bytes, bytearray, memoryview)):
        raise TypeError(f"extract_article expects bytes or str, not {type(html).__name__}")
    data = bytes(html)
    if len(data) > MAX_HTML_BYTES:
        raise ExtractionError(_too_large(len(data)))
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    if not data.strip():
        raise ExtractionError("empty document: the page has no content")

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")

    head = data.lstrip()[:16]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise ExtractionError(f"not an HTML page: got {kind}")
    if head[4:8] == b"ftyp" or (head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"AVI ", b"WAVE")):
        raise ExtractionError("not an HTML page: got an image, audio or video file")
    if b"\x00" in data[:1024]:
        if data[:2] == b"<\x00":
            return data.decode("utf-16-le", errors="replace")
        if data[:2] == b"\x00<":
            return data.decode("utf-16-be", errors="replace")
        raise ExtractionError("not an HTML page: got binary data")

    declared = _declared_encoding(data[:4096])
    if declared in _SEVEN_BIT:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    by_language = _LEGACY_ENCODING_BY_LANGUAGE.get(_declared_language(data[:4096]) or "")
    if by_language:
        try:
            return data.decode(by_language)
        except UnicodeDecodeError:
            pass
    sample = data if len(data) <= 200_000 else data[:100_000] + data[-100_000:]
    guess = from_bytes(sample).best()
    if guess is not None:
        try:
            return data.decode(guess.encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode(declared or "utf-8", errors="replace")


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(head)
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").strip().lower()
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(codec, "_is_text_encoding", True):      # "uu", "base64", "rot13": codecs, but not of text
        return None
    name = codec.name
    # As browsers do (WHATWG Encoding): latin-1 and ascii labels mean windows-1252, and a UTF-16 label
    # cannot be right for a document whose declaration was readable as ASCII.
    if name in ("iso8859-1", "ascii", "latin-1"):
        return "cp1252"
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name.replace("-", "_") if name.startswith("iso2022") else name


def _declared_language(head: bytes) -> str | None:
    match = _HTML_LANG.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _gunzip(data: bytes) -> bytes:
    decompressor = zlib.decompressobj(31)
    try:
        out = decompressor.decompress(data, MAX_HTML_BYTES + 1)
    except zlib.error as exc:
        raise ExtractionError(f"not an HTML page: corrupt gzip data ({exc})") from exc
    if len(out) > MAX_HTML_BYTES:
        raise ExtractionError(_too_large(len(out), "more than "))
    return out


def _too_large(size: int, qualifier: str = "") -> str:
    return (
        f"page too large: {qualifier}{size / 1024 / 1024:.1f} MB of HTML "
        f"(the limit is {MAX_HTML_BYTES // 1024 // 1024} MB)"
    )


def _check_is_html(markup: str) -> None:
    start = markup.lstrip()[:1024]
    if start.startswith(("{", "[")):
        raise ExtractionError("not an HTML page: got JSON data")
    if _FEED.search(start) and "<html" not in start.lower():
        raise ExtractionError("not an HTML page: got an RSS/Atom feed")
    if not _MARKUP.search(markup, 0, 65536):
        raise ExtractionError("not an HTML page: no HTML markup found")


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _language(tree: HtmlElement) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value:
            primary = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
            if len(primary) == 2 and primary.isascii() and primary.isalpha():
                return primary
    return None


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    for link in tree.iterfind(".//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            found = _absolute_url(link.get("href"), url)
            if found:
                return found
    for meta in tree.iterfind(".//meta[@property='og:url'][@content]"):
        found = _absolute_url(meta.get("content"), url)
        if found:
            return found
    return None


def _absolute_url(href: str | None, base: str | None) -> str | None:
    if not href or not href.strip():
        return None
    href = href.strip()
    try:
        if href.startswith("//"):
            href = (urlsplit(base).scheme if base else "https") + ":" + href
        elif base:
            href = urljoin(base, href)
        parts = urlsplit(href)
    except ValueError:  # e.g. "http://[broken-ipv6/": no usable link
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return href
