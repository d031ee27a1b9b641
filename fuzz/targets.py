"""The fuzz targets: what each feeds the code under test, which errors it documents, and the invariants that
must hold. A target's `check` raises `Violation` (or an undocumented exception) when the code misbehaves."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fuzz import grammar
from fuzz.grammar import Draw


class Violation(AssertionError):
    """An invariant of the target does not hold."""


@dataclass(frozen=True)
class Target:
    name: str
    generate: Callable[[Draw], Any]            # a structure-aware input
    check: Callable[[Any], str]                # runs the code; returns a short outcome signature
    to_bytes: Callable[[Any], bytes]           # corpus files hold inputs as bytes
    from_bytes: Callable[[bytes], Any]
    cpu_limit: float                           # CPU seconds one input may take before it counts as a hang


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise Violation(message)


# --- feeds ---------------------------------------------------------------------------------------------------

_FEED_URL = "https://feeds.example.com/news.xml"


def _check_feed(item: tuple[bytes, str | None]) -> str:
    from newsdesk.sources.feeds import MAX_ENTRIES, FeedError, ParsedFeed, parse_feed

    body, ctype = item
    try:
        feed = parse_feed(body, _FEED_URL, ctype)
    except FeedError as exc:
        _require(bool(str(exc).strip()), "FeedError without a message")
        return "error:" + " ".join(str(exc).split()[:3])
    _require(isinstance(feed, ParsedFeed), "parse_feed returned something that is not a ParsedFeed")
    _require(len(feed.entries) <= MAX_ENTRIES, f"{len(feed.entries)} entries, more than MAX_ENTRIES")
    for entry in feed.entries:
        _require(isinstance(entry.id, str) and bool(entry.id), "an entry without an id")
        if entry.url is not None:
            _require(entry.url.lower().startswith(("http://", "https://")), f"entry link not http(s): {entry.url!r}")
        for moment in (entry.published, entry.updated):
            _require(moment is None or moment.tzinfo is not None, "a naive datetime")
    return f"ok:{feed.format}:{min(len(feed.entries), 3)}:{len(feed.warnings) > 0}"


def _feed_bytes(item: tuple[bytes, str | None]) -> bytes:
    body, ctype = item
    return (ctype or "").encode("latin-1", "replace") + b"\n" + body


def _feed_from_bytes(data: bytes) -> tuple[bytes, str | None]:
    head, _, body = data.partition(b"\n")
    return body, head.decode("latin-1") or None


# --- canonical URLs ------------------------------------------------------------------------------------------

def _check_url(raw: str) -> str:
    from newsdesk.dedupe import canonical_url

    try:
        once = canonical_url(raw)
    except ValueError as exc:
        _require(bool(str(exc)), "ValueError without a message")
        return "rejected:" + ("control" if "control" in str(exc) else "(" in str(exc) and "parse" or "scheme")
    _require(isinstance(once, str), "canonical_url returned a non-string")
    scheme = once.split(":", 1)[0]
    _require(scheme in ("http", "https", "file", "urn"), f"canonical URL with scheme {scheme!r}: {once!r}")
    try:
        twice = canonical_url(once)
    except ValueError as exc:
        raise Violation(f"canonical_url({once!r}) rejects its own output: {exc}") from None
    _require(twice == once, f"not idempotent: {raw!r} -> {once!r} -> {twice!r}")
    if scheme in ("http", "https"):
        _require("#" not in once, f"fragment kept: {once!r}")
        from urllib.parse import urlsplit
        keys = [p.split("=", 1)[0].lower() for p in urlsplit(once).query.split("&")]
        _require(not any(k.startswith("utm_") or k in ("fbclid", "gclid") for k in keys),
                 f"tracking parameter kept: {once!r}")
    return f"ok:{scheme}:{'?' in once}:{'xn--' in once}:{'%' in once}:{once.count(':') > 1}"


def _text_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text_from_bytes(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


# --- article extraction --------------------------------------------------------------------------------------

def _article_input(d: Draw) -> tuple[bytes, str | None]:
    page = grammar.html_page(d)
    encoding = d.pick(["utf-8", "utf-8", "latin-1", "utf-16", "cp1252", "shift_jis"])
    try:
        body = page.encode(encoding, "surrogateescape")
    except UnicodeEncodeError:
        body = page.encode("utf-8", "surrogatepass")
    if grammar.chance(d, 12):
        import gzip
        body = gzip.compress(body)[: d.pick([None, 20, 100])]
    return grammar.mutate(d, body), d.pick([None, "https://news.example.com/2026/11/a.html", grammar.url(d)])


def _check_article(item: tuple[bytes, str | None]) -> str:
    from newsdesk.extract import ExtractionError, extract_article

    body, page_url = item
    try:
        found = extract_article(body, page_url)
    except ExtractionError as exc:
        _require(bool(str(exc).strip()), "ExtractionError without a message")
        return "error:" + " ".join(str(exc).split()[:4])
    _require(isinstance(found.text, str) and bool(found.text.strip()), "extracted an empty text")
    _require(found.published is None or found.published.tzinfo is not None, "a naive published time")
    for link in (found.canonical_url, found.image_url):
        _require(link is None or isinstance(link, str), "a link that is not a string")
    return f"ok:{bool(found.title)}:{bool(found.published)}:{bool(found.canonical_url)}"


def _article_bytes(item: tuple[bytes, str | None]) -> bytes:
    body, page_url = item
    return (page_url or "").encode("utf-8", "surrogatepass") + b"\n" + body


def _article_from_bytes(data: bytes) -> tuple[bytes, str | None]:
    head, _, body = data.partition(b"\n")
    return body, head.decode("utf-8", "surrogateescape") or None


# --- the HTML sanitiser --------------------------------------------------------------------------------------

_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "cite", "srcset", "data"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _sanitize(markup: str) -> str:
    from newsdesk.web.sanitize import sanitize_html
    return sanitize_html(markup)


def _check_sanitized(markup: str) -> str:
    """The output, read back by an HTML parser, holds no script, no event handler and no script URL, and
    sanitising it again changes nothing."""
    from lxml import html as lxml_html

    out = _sanitize(markup)
    _require(isinstance(out, str), "the sanitiser returned a non-string")
    _require(not re.search(r"<\s*/?\s*(script|style|iframe|object|embed|form)\b", out, re.I),
             f"dangerous tag in output: {out[:300]!r}")
    if out.strip():
        try:
            root = lxml_html.fragment_fromstring(out, create_parent="div")
        except Exception:  # lxml rejects some inputs outright: nothing it cannot parse would render either
            root = None
        for element in (root.iter() if root is not None else []):
            if not isinstance(element.tag, str):
                continue
            _require(element.tag.lower() not in {"script", "style", "iframe", "object", "embed", "form", "base",
                                                 "meta", "link", "svg", "math"}, f"<{element.tag}> survived: {out[:300]!r}")
            for name, value in element.attrib.items():
                _require(not name.lower().startswith("on"), f"event handler {name}= survived: {out[:300]!r}")
                if name.lower() in _URL_ATTRS or name.lower() == "style":
                    plain = _CONTROL.sub("", htmllib.unescape(value))
                    _require(not _BAD_SCHEME.match(plain),
                             f"script URL in {name}={value!r} survived: {out[:300]!r}")
    again = _sanitize(out)
    if again != out:
        at = next((i for i, (x, y) in enumerate(zip(out, again)) if x != y), min(len(out), len(again)))
        raise Violation(f"not stable at {at}: {out[max(0, at - 60):at + 60]!r} -> {again[max(0, at - 60):at + 60]!r}")
    return f"ok:{len(out) > 0}:{out.count('<') > 0}"


# --- text shown in the terminal ------------------------------------------------------------------------------

# What a terminal would act on rather than show: C0 controls but tab and newline, DEL, C1, bidi overrides.
_ACTS_ON_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_RICH_STYLING = re.compile("\x1b\\[[0-9;]*m")      # the colours Rich itself writes to a terminal


def _rendered(text: str, colour: bool) -> str:
    """`text` printed by the CLI's console through the helper, alone and in a table cell as the lists do."""
    import io

    from rich.table import Table

    from newsdesk.cli.terminal import escaped, make_console

    out = io.StringIO()
    console = make_console(file=out, width=100, force_terminal=colour, color_system="truecolor" if colour else None)
    console.print(f"[bold]{escaped(text)}[/]", soft_wrap=True)
    table = Table("title")
    table.add_row(f"{escaped(text)}\n[dim]{escaped(text)}[/]")
    console.print(table)
    return out.getvalue()


def _check_terminal(text: str) -> str:
    """Printed through the helper, with colour or without, nothing raises, nothing but Rich's own colours is
    an escape sequence, no character acts on the terminal, and the line shows the text as written; the JSON
    form keeps the text whole."""
    import json

    from newsdesk.cli.terminal import json_for_terminal

    visible = " ".join(_ACTS_ON_TERMINAL.sub("", text).split())
    for colour in (False, True):
        out = _rendered(text, colour)
        plain = _RICH_STYLING.sub("", out) if colour else out
        _require("\x1b]8;" not in out, f"a hyperlink in the output: {out[:300]!r}")
        _require(not _ACTS_ON_TERMINAL.search(plain), f"a control character reached the terminal: {out[:300]!r}")
        line = " ".join(plain.split("\n┏")[0].split())
        _require(line == visible, f"shown {line[:200]!r}, written {visible[:200]!r}")
    dumped = json_for_terminal({"title": text})
    _require(not _ACTS_ON_TERMINAL.search(dumped), f"a control character in the JSON: {dumped[:300]!r}")
    _require(json.loads(dumped)["title"] == text, "the JSON does not give the text back")
    return f"ok:{'[' in text}:{visible != ' '.join(text.split())}"


TARGETS: dict[str, Target] = {
    "feeds": Target("feeds", grammar.feed, _check_feed, _feed_bytes, _feed_from_bytes, cpu_limit=20.0),
    "urls": Target("urls", grammar.url, _check_url, _text_bytes, _text_from_bytes, cpu_limit=1.0),
    "extract": Target("extract", _article_input, _check_article, _article_bytes, _article_from_bytes, cpu_limit=10.0),
    "sanitize": Target("sanitize", grammar.html_page, _check_sanitized, _text_bytes, _text_from_bytes, cpu_limit=2.0),
    "terminal": Target("terminal", grammar.terminal_text, _check_terminal, _text_bytes, _text_from_bytes,
                       cpu_limit=5.0),
}
