"""Local documents for bulk loads and backfills: an HTML file, a directory of them, JSONL or WARC."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import lxml.etree
import lxml.html

from newsdesk.sources._util import absolute_http_url, parse_datetime, plain_text


@dataclass
class LocalDocument:
    origin: str                    # "path" or "path:line" — where it came from, for messages
    url: str | None = None
    title: str | None = None
    html: str | None = None
    text: str | None = None
    published: datetime | None = None
    source: str | None = None      # outlet name


@dataclass
class LocalDocumentError:
    origin: str
    message: str


HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
MAX_HTML_BYTES = 50 * 1024 * 1024

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_READ_ERRORS = (OSError, EOFError, zlib.error)


def iter_documents(path: Path) -> Iterator[LocalDocument | LocalDocumentError]:
    """Documents from `path`, lazily; a missing path raises FileNotFoundError at once, not on first next()."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file or directory: {path}")
    if path.is_dir():
        return _iter_directory(path)
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return _iter_jsonl(path)
    if name.endswith(HTML_SUFFIXES):
        return _single(path)
    if name.endswith((".warc", ".warc.gz")):
        from newsdesk.sources.warc import iter_warc

        return iter_warc(path)
    return iter([LocalDocumentError(
        str(path), "unsupported file type; expected .html, .htm, .html.gz, .jsonl, .jsonl.gz, .warc or .warc.gz")])


def _single(path: Path) -> Iterator[LocalDocument | LocalDocumentError]:
    yield _read_html_file(path)


def _iter_directory(root: Path) -> Iterator[LocalDocument | LocalDocumentError]:
    errors: list[OSError] = []
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        subdirs.sort()
        for name in files:
            if name.lower().endswith(HTML_SUFFIXES):
                found.append(Path(directory, name))
    for error in errors:
        yield LocalDocumentError(str(error.filename or root), f"cannot read directory: {_reason(error)}")
    for file in sorted(found):
        yield _read_html_file(file)


def _read_html_file(path: Path) -> LocalDocument | LocalDocumentError:
    origin = str(path)
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                data = handle.read(MAX_HTML_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_HTML_BYTES + 1)
    except _READ_ERRORS as exc:
        return LocalDocumentError(origin, f"cannot read file: {_reason(exc)}")
    return document_from_bytes(origin, data, "file")


def document_from_bytes(origin: str, data: bytes, what: str) -> LocalDocument | LocalDocumentError:
    """An HTML page's bytes (read up to MAX_HTML_BYTES + 1) as a document; `what` names the container in errors."""
    if len(data) > MAX_HTML_BYTES:
        return LocalDocumentError(origin, f"{what} is larger than {MAX_HTML_BYTES >> 20} MB; skipped")
    if not data.strip():
        return LocalDocumentError(origin, f"{what} is empty")
    text = decode_html(data)
    if text is None:
        return LocalDocumentError(origin, f"cannot decode {what}: not UTF-8 and no usable charset declared")
    return document_from_html(origin, text)


def decode_html(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:4096]:
        return None  # binary, or UTF-16 without a BOM: neither is an HTML page we can trust
    declared = _META_CHARSET.search(data[:8192])
    candidates = ["utf-8"]
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        # As browsers do: a page labelled Latin-1 is decoded as its superset windows-1252.
        latin = name in ("iso-8859-1", "latin-1", "latin1", "us-ascii")
        candidates.insert(0, "windows-1252" if latin else name)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def document_from_html(origin: str, markup: str) -> LocalDocument | LocalDocumentError:
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        root = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        return LocalDocumentError(origin, f"not an HTML document: {exc}")
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        value = (element.get("content") or "").strip()
        if key and value and key not in meta:
            meta[key] = value
    canonical = None
    for element in root.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split():
            canonical = absolute_http_url(element.get("href"), None)
            if canonical:
                break
    title = plain_text(meta.get("og:title"), is_html=False)
    if title is None:
        title_element = root.find(".//title")
        title = plain_text(title_element.text_content(), is_html=False) if title_element is not None else None
    published = None
    for key in ("article:published_time", "og:published_time", "date", "dc.date", "pubdate"):
        if key in meta:
            published = parse_datetime(meta[key])
            if published:
                break
    return LocalDocument(
        origin=origin,
        url=canonical or absolute_http_url(meta.get("og:url"), None),
        title=title,
        html=markup,
        published=published,
        source=plain_text(meta.get("og:site_name"), is_html=False),
    )


def _iter_jsonl(path: Path) -> Iterator[LocalDocument | LocalDocumentError]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    lineno = 0
    try:
        with opener(path, "rb") as handle:
            for lineno, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield _document_from_line(f"{path}:{lineno}", raw)
    except _READ_ERRORS as exc:
        where = f"{path}:{lineno + 1}" if lineno else str(path)
        yield LocalDocumentError(where, f"cannot read file: {_reason(exc)}")


def _document_from_line(origin: str, raw: bytes) -> LocalDocument | LocalDocumentError:
    try:
        record = json.loads(raw)
    except UnicodeDecodeError:
        return LocalDocumentError(origin, "line is not valid UTF-8")
    except (ValueError, RecursionError) as exc:
        return LocalDocumentError(origin, f"invalid JSON: {exc}")
    if not isinstance(record, dict):
        return LocalDocumentError(origin, "line is not a JSON object")
    html_value, text_value = record.get("html"), record.get("text")
    html_value = html_value if isinstance(html_value, str) and html_value.strip() else None
    text_value = text_value if isinstance(text_value, str) and text_value.strip() else None
    if html_value is None and text_value is None:
        return LocalDocumentError(origin, 'record has neither "html" nor "text"')
    published = None
    raw_date = record.get("published")
    if raw_date not in (None, ""):
        published = parse_datetime(raw_date) if isinstance(raw_date, str) else None
        if published is None:
            return LocalDocumentError(
                origin, f'bad "published" date: {raw_date!r} (expected ISO 8601 or RFC 2822)')
    url = record.get("url")
    if url not in (None, "") and absolute_http_url(url if isinstance(url, str) else None, None) is None:
        return LocalDocumentError(origin, f'bad "url": {url!r} (expected an absolute http(s) URL)')
    return LocalDocument(
        origin=origin,
        url=url or None,
        title=_text_field(record.get("title")),
        html=html_value,
        text=text_value,
        published=published,
        source=_text_field(record.get("source")),
    )


def _text_field(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
