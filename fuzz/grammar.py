"""Structure-aware input builders for the fuzz targets: feeds assembled from XML fragments, URLs from odd
parts, HTML from nested and broken tags. Every builder draws its choices from a `Draw`, so the same grammar
runs under plain `random` (long campaigns), hypothesis (the test suite) and atheris (coverage-guided)."""

from __future__ import annotations

import json
import random
from typing import Any, Protocol, Sequence


class Draw(Protocol):
    def int(self, lo: int, hi: int) -> int: ...
    def bool(self) -> bool: ...
    def pick(self, seq: Sequence[Any]) -> Any: ...
    def raw(self, n: int) -> bytes: ...


class RandomDraw:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def bool(self) -> bool:
        return self.rng.random() < 0.5

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def raw(self, n: int) -> bytes:
        return self.rng.randbytes(n)


class ProviderDraw:
    """Choices taken from an atheris FuzzedDataProvider (the fuzzer's bytes steer the structure)."""

    def __init__(self, fdp: Any):
        self.fdp = fdp

    def int(self, lo: int, hi: int) -> int:
        return self.fdp.ConsumeIntInRange(lo, hi)

    def bool(self) -> bool:
        return self.fdp.ConsumeBool()

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[self.fdp.ConsumeIntInRange(0, len(seq) - 1)]

    def raw(self, n: int) -> bytes:
        return self.fdp.ConsumeBytes(n)


def chance(d: Draw, one_in: int) -> bool:
    return d.int(1, one_in) == 1


# --- text ----------------------------------------------------------------------------------------------------

_WORDS = ["council", "harbour", "vote", "flood", "tram", "budget", "minister", "Zürich", "naïve", "façade",
          "Straße", "東京", "новости", "أخبار", "חדשות", "समाचार", "🙂", "\u200b", "\u202e", "\ufeff", "\u00a0",
          "&amp;", "&nbsp;", "&lt;b&gt;", "&#x0;", "&#0;", "&#1114112;", "&#xD800;", "&bogus;", "&", "<", ">", "]]>",
          "\x00", "\x0b", "\x1f", "\ud800", "\udfff", "\r\n", "\t", "''", '"', "`", "\\", "%00", "%", "javascript:"]


def words(d: Draw, most: int = 12) -> str:
    out = []
    for _ in range(d.int(0, most)):
        if chance(d, 8):
            out.append(d.raw(d.int(1, 6)).decode("latin-1"))
        else:
            out.append(d.pick(_WORDS) if chance(d, 3) else d.pick(_WORDS[:10]))
    return " ".join(out)


def huge(d: Draw, unit: str = "A") -> str:
    """A long run of one unit: mostly a few hundred, now and then far past any sane field (1 in 10: 5,000;
    1 in 100: 50,000 or 400,000). Larger inputs cost the parsers time, so they are kept rare."""
    if d.int(0, 9):
        return unit * d.pick([30, 300, 1000])
    return unit * (5000 if d.int(0, 9) else d.pick([50_000, 400_000]))


# --- text for the terminal -----------------------------------------------------------------------------------

_MARKUP = ["[/]", "[bold]", "[/bold]", "[b]", "[red on blue]", "[#ff0000]", "[link=file:///etc/passwd]", "[/link]",
           "[link=https://example.com]", "[@click=app.bell]", "[on]", "[", "]", "[[", "]]", "\\", "\\[", "\\[/]",
           "[/nope]", "[bold", "[b]\\", ":fire:", ":smile:", ":red_circle:", "[link]", "[not a tag]", "[x=1]"]
_TERMINAL_CONTROLS = ["\x1b]0;pwned\x07", "\x1b[2J", "\x1b[31m", "\x1b[?1049h", "\x9b31m", "\x9d0;t\x9c",
                      "\x1b]8;;file:///etc/passwd\x1b\\", "\x1bP+q\x1b\\", "\x07", "\x08", "\r", "\x0b", "\x0c",
                      "\x85", "\x7f", "\x00", "\x1b", "\u202e", "\u202a", "\u2066", "\u2069", "\t", "\n", "\r\n"]


def terminal_text(d: Draw) -> str:
    """A title, an outlet name or an error message as a hostile feed or server might write it: words with Rich
    markup, emoji codes, escape sequences, other control characters and bidi overrides in between."""
    parts = []
    for _ in range(d.int(0, 16)):
        roll = d.int(0, 9)
        if roll < 3:
            parts.append(words(d, 4))
        elif roll < 6:
            parts.append(d.pick(_MARKUP))
        elif roll < 9:
            parts.append(d.pick(_TERMINAL_CONTROLS))
        else:
            parts.append(d.raw(d.int(1, 8)).decode("latin-1"))
    return d.pick(["", " "]).join(parts)


# --- URLs ----------------------------------------------------------------------------------------------------

_SCHEMES = ["http", "https", "HTTP", "hTtPs", "ftp", "file", "urn", "javascript", "data", "mailto", "feed", "ws",
            "", "h\ttp", "http ", " https", "1http", "x-" * 3, "https+unix"]
_SEPARATORS = ["://", ":", ":/", ":///", "://///", ":\\\\", "", "//", "%3A//"]
_HOSTS = ["example.com", "EXAMPLE.COM.", "www.example.org", "news.example.co.uk", "bücher.example", "例え.テスト",
          "xn--bcher-kva.example", "xn--", "xn--zz", "ex ample.com", "ex%41mple.com", "127.0.0.1", "0x7f.0.0.1",
          "0177.0.0.1", "2130706433", "[::1]", "[::ffff:127.0.0.1]", "[v1.fe]", "[", "]", "[::1", "::1",
          "a" * 64 + ".com", ".".join(["a"] * 200), "-bad-.example", "under_score.example", "", ".", "..",
          "\u0000host", "host\u3002example", "ｅｘａｍｐｌｅ.com", "ß.de", "\u200d.example", "localhost"]
_PORTS = ["", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":99999", ":-1", ":abc", ":", ":080",
          ":" + "9" * 30]
_SEGMENTS = ["news", "2026", "11", "a.html", ".", "..", "%2e%2e", "%2F", "%zz", "%", "%e2%82", "ü", "a b",
             "~user", "index.php", ";jsessionid=ABC", "@", "a:b", "%00", "%25", "+", "!$&'()*+,;=", "\\", "é%C3%A9"]
_PARAMS = ["utm_source=feed", "utm_medium=rss", "UTM_CAMPAIGN=x", "fbclid=abc", "id=42", "page=2", "a=1&a=2",
           "=", "==", "&", "&&", "x", "x=", "=y", "q=a+b", "q=%20", "ref=home", "rss=1", "s=%zz", "p=ü", "k=v;w=z",
           "amp;x=1", "%3D=%26"]


def url(d: Draw) -> str:
    if chance(d, 12):
        return d.raw(d.int(0, 40)).decode("utf-8", "surrogateescape")
    if chance(d, 15):
        return "http://" + huge(d, d.pick(["a", "%41", "/", "ü"]))
    scheme = d.pick(_SCHEMES) if chance(d, 3) else d.pick(["http", "https"])
    userinfo = d.pick(["", "", "", "user@", "user:pw@", "@", "a@b@", "%40@"])
    host = d.pick(_HOSTS) if chance(d, 2) else d.pick(_HOSTS[:3])
    port = d.pick(_PORTS) if chance(d, 3) else ""
    path = "/" + "/".join(d.pick(_SEGMENTS) for _ in range(d.int(0, 6)))
    query = "&".join(d.pick(_PARAMS) for _ in range(d.int(0, 5)))
    fragment = d.pick(["", "", "#top", "#", "#a#b", "#%zz"])
    built = f"{scheme}{d.pick(_SEPARATORS) if chance(d, 4) else '://'}{userinfo}{host}{port}{path}"
    built += ("?" + query if query or chance(d, 5) else "") + fragment
    if chance(d, 6):
        spot = d.int(0, len(built))
        built = built[:spot] + d.pick([" ", "\t", "\n", "\r", "\x00", "\x7f", "\u00a0", "\ud800", "#", "?"]) + built[spot:]
    if chance(d, 6):
        built = d.pick([" ", "\n", "\t", "\u3000"]) + built + d.pick([" ", "\n", ""])
    return built


# --- HTML ----------------------------------------------------------------------------------------------------

_TAGS = ["div", "p", "span", "a", "b", "i", "em", "strong", "article", "section", "main", "header", "footer",
         "nav", "aside", "h1", "h2", "ul", "li", "table", "tr", "td", "img", "br", "hr", "blockquote", "pre",
         "code", "figure", "figcaption", "script", "style", "iframe", "object", "embed", "form", "input",
         "button", "textarea", "select", "svg", "math", "template", "noscript", "title", "meta", "link", "base",
         "frameset", "frame", "xmp", "plaintext", "noembed", "video", "audio", "source", "details", "summary",
         "marquee", "x-custom", "svg:script", "annotation-xml", "foreignObject", "mglyph", "head", "body", "html"]
_ATTRS = ["href", "src", "title", "alt", "class", "id", "style", "onclick", "onerror", "onload", "OnMouseOver",
          "srcdoc", "formaction", "action", "xlink:href", "data-x", "lang", "dir", "rel", "target", "content",
          "http-equiv", "charset", "name", "property", "background", "poster", "srcset", "width", "colspan", "ping"]
_ATTR_VALUES = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "&#106;avascript:alert(1)",
                " javascript:alert(1)", "\x01javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>",
                "data:image/png;base64,AAAA", "https://example.com/x", "/relative", "#frag", "x\" onerror=\"alert(1)",
                "alert(1)", "expression(alert(1))", "url(javascript:alert(1))", "refresh", "0;url=javascript:alert(1)",
                "", "og:title", "article:published_time", "2026-11-02T10:00:00Z", "utf-8", "x-unknown"]
_VOID = {"img", "br", "hr", "input", "meta", "link", "base", "source", "frame", "embed"}


def _attrs(d: Draw) -> str:
    out = []
    for _ in range(d.int(0, 4)):
        name = d.pick(_ATTRS) if not chance(d, 10) else d.pick(["on" + words(d, 1), "x" * 300, "a=b", "'", "/"])
        value = d.pick(_ATTR_VALUES) if not chance(d, 8) else (huge(d) if chance(d, 3) else words(d, 4))
        quote = d.pick(['"', "'", "", '"', "`"])
        out.append(f"{name}={quote}{value}{quote}" if not chance(d, 6) else name)
    return (" " + " ".join(out)) if out else ""


def html_fragment(d: Draw, depth: int = 0, budget: list[int] | None = None) -> str:
    budget = budget if budget is not None else [d.int(1, 12) if d.int(0, 5) else d.int(1, 150)]
    parts = []
    while budget[0] > 0 and d.int(0, 3):
        budget[0] -= 1
        roll = d.int(0, 15)
        if roll < 5:
            parts.append(words(d))
        elif roll < 13:
            tag = d.pick(_TAGS)
            inner = "" if tag in _VOID or depth > 60 else html_fragment(d, depth + 1, budget)
            close = d.pick([f"</{tag}>", f"</{tag}>", f"</{tag}>", "", f"</{tag.upper()} >", "</>", f"</{tag}"])
            parts.append(f"<{tag if not chance(d, 8) else tag.upper()}{_attrs(d)}{d.pick(['>', '>', '/>', ''])}"
                         f"{inner}{'' if tag in _VOID else close}")
        elif roll == 13:
            parts.append(d.pick(["<!-- c -->", "<!--", "-->", "<!-->", "<![CDATA[x]]>", "<!DOCTYPE html>", "<?php ?>",
                                 "<!doctype foo [ <!ENTITY a 'b'> ]>", "</p>", "<", "<a", "&#", "<<p>>"]))
        elif roll == 14:
            nest = d.int(2, 40) if d.int(0, 7) else d.int(41, 600)
            tag = d.pick(["div", "b", "table", "a", "font", "svg", "li", "blockquote", "q"])
            parts.append(f"<{tag}>" * nest + words(d, 3) + (f"</{tag}>" * nest if d.bool() else ""))
        else:
            parts.append(f"<script>{d.pick(['alert(1)', '</scr' + 'ipt>', '<!--', huge(d, 'x')])}</script>")
    return "".join(parts)


def html_page(d: Draw) -> str:
    head = "".join(d.pick([
        '<meta charset="utf-8">', '<meta charset="iso-8859-1">', '<meta charset="shift_jis">',
        '<meta charset="x-nonsense">', '<meta http-equiv="Content-Type" content="text/html; charset=utf-16">',
        f'<title>{words(d, 6)}</title>', f'<meta property="og:title" content="{words(d, 5)}">',
        f'<meta property="article:published_time" content="{d.pick(["2026-11-02", "9999-99-99", "", "yesterday", "0"])}">',
        f'<link rel="canonical" href="{url(d)}">', f'<meta name="author" content="{words(d, 3)}">',
        f'<html lang="{d.pick(["en", "de-DE", "", "xx-invalid-123", "😀"])}">',
        f'<meta property="og:image" content="{url(d)}">', '<base href="javascript:alert(1)">',
    ]) for _ in range(d.int(0, 6)))
    paragraphs = "".join(f"<p>{words(d, 40)}</p>" for _ in range(d.int(0, 12)))
    body = f"<article><h1>{words(d, 8)}</h1>{paragraphs}{html_fragment(d)}</article>" if d.bool() else html_fragment(d)
    doc = d.pick(["<!DOCTYPE html>", "", "<?xml version='1.0'?>", "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'>"])
    return f"{doc}<html><head>{head}</head><body>{body}</body></html>" if d.bool() else doc + head + body


# --- feeds ---------------------------------------------------------------------------------------------------

_DATES = ["Mon, 02 Nov 2026 10:00:00 GMT", "Mon, 02 Nov 2026 10:00:00 +0100", "2026-11-02T10:00:00Z",
          "2026-11-02T10:00:00.123456+05:30", "2026-13-45T99:99:99Z", "Tue, 31 Feb 2026 25:61:61 XYZ", "0",
          "-1", "99999999999999999999", "yesterday", "", "Thu, 01 Jan 1970 00:00:00 GMT", "9999-12-31T23:59:59Z",
          "0001-01-01T00:00:00Z", "2026-11-02", "lundi, 2 novembre 2026", "2026-11-02T10:00:00+99:00", "\x00"]


def _text_node(d: Draw) -> str:
    roll = d.int(0, 9)
    if roll < 4:
        return words(d)
    if roll < 6:
        return f"<![CDATA[{html_fragment(d)}]]>"
    if roll < 8:
        return html_fragment(d).replace("&", "&amp;").replace("<", "&lt;")
    if roll == 8 and chance(d, 4):
        return huge(d, d.pick(["x", "&amp;", "é", "<b>"]))
    return html_fragment(d)


def _element(name: str, d: Draw, attrs: str = "") -> str:
    return f"<{name}{attrs}>{_text_node(d)}</{name}>" if not chance(d, 12) else f"<{name}{attrs}>{_text_node(d)}"


def _rss_item(d: Draw) -> str:
    fields = [
        lambda: _element("title", d), lambda: f"<link>{url(d)}</link>", lambda: _element("description", d),
        lambda: f"<guid isPermaLink=\"{d.pick(['true', 'false', 'maybe'])}\">{url(d)}</guid>",
        lambda: f"<pubDate>{d.pick(_DATES)}</pubDate>", lambda: _element("content:encoded", d),
        lambda: _element("author", d), lambda: _element("dc:creator", d), lambda: _element("category", d),
        lambda: f'<enclosure url="{url(d)}" type="{d.pick(["image/jpeg", "audio/mpeg", "", "x"])}" length="{d.pick(["1", "-1", "x", ""])}"/>',
        lambda: f'<media:content url="{url(d)}" medium="image"/>', lambda: f"<dc:date>{d.pick(_DATES)}</dc:date>",
        lambda: f"<source url=\"{url(d)}\">{words(d, 3)}</source>",
    ]
    return "<item>" + "".join(d.pick(fields)() for _ in range(d.int(0, 9))) + "</item>"


def _atom_entry(d: Draw) -> str:
    fields = [
        lambda: _element("title", d, d.pick(["", ' type="html"', ' type="xhtml"', ' type="text"'])),
        lambda: f'<link rel="{d.pick(["alternate", "self", "enclosure", ""])}" href="{url(d)}"/>',
        lambda: f"<id>{url(d)}</id>", lambda: f"<updated>{d.pick(_DATES)}</updated>",
        lambda: f"<published>{d.pick(_DATES)}</published>",
        lambda: _element("summary", d, d.pick(["", ' type="html"'])),
        lambda: (f'<content type="{d.pick(["html", "xhtml", "text", "image/png", "application/xml"])}"'
                 f'{d.pick(["", " src=" + chr(34) + url(d) + chr(34)])}>{_text_node(d)}</content>'),
        lambda: f"<author><name>{words(d, 3)}</name><email>{words(d, 1)}</email></author>",
        lambda: f'<category term="{words(d, 2)}"/>',
    ]
    return "<entry>" + "".join(d.pick(fields)() for _ in range(d.int(0, 8))) + "</entry>"


def _json_value(d: Draw, depth: int = 0) -> Any:
    roll = d.int(0, 9 if depth < 3 else 5)
    if roll == 0:
        return None
    if roll == 1:
        return d.pick([0, -1, 1.5, 10 ** 30, float("inf"), True, False])
    if roll in (2, 3):
        return url(d)
    if roll in (4, 5):
        return words(d) if d.bool() else html_fragment(d)
    if roll in (6, 7):
        return [_json_value(d, depth + 1) for _ in range(d.int(0, 4))]
    return {d.pick(["url", "id", "title", "content_html", "content_text", "date_published", "authors", "author",
                    "name", "image", "summary", "tags", "x"]): _json_value(d, depth + 1) for _ in range(d.int(0, 6))}


def _json_feed(d: Draw) -> bytes:
    items = []
    for _ in range(d.int(0, 12)):
        item = {k: (_json_value(d) if chance(d, 4) else v) for k, v in {
            "id": url(d), "url": url(d), "title": words(d, 6), "content_html": html_fragment(d),
            "date_published": d.pick(_DATES), "authors": [{"name": words(d, 2)}], "image": url(d)}.items()
            if d.int(0, 3)}
        items.append(item if not chance(d, 10) else _json_value(d))
    feed: Any = {"version": d.pick(["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1", "2", ""]),
                 "title": words(d, 5), "home_page_url": url(d), "items": items if not chance(d, 10) else _json_value(d)}
    if chance(d, 10):
        feed = _json_value(d)
    text = json.dumps(feed, ensure_ascii=d.bool(), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


_ENCODINGS = ["utf-8", "utf-8", "iso-8859-1", "windows-1252", "utf-16", "utf-16-le", "shift_jis", "koi8-r",
              "gb18030", "x-nonsense", "UTF8", ""]


def _entry_count(d: Draw) -> int:
    """Mostly a few entries (feedparser costs about 40 µs a tag, and a million inputs must fit in hours), now
    and then up to 40."""
    return d.int(0, 3) if d.int(0, 9) else d.int(4, 40)


def feed(d: Draw) -> tuple[bytes, str | None]:
    """A feed body and the Content-Type it is served with."""
    kind = d.pick(["rss20", "rss20", "atom", "atom", "rdf", "rss091", "json", "html", "garbage"])
    ctype = d.pick([None, "application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
                    "text/html", "application/feed+json", "application/json", "text/plain; charset=iso-8859-1",
                    "application/xml; charset=utf-16", "application/xml; charset=bogus", "text/xml;charset="])
    if kind == "json":
        body = _json_feed(d)
    elif kind == "garbage":
        body = d.raw(d.int(0, 2000))
    else:
        encoding = d.pick(_ENCODINGS)
        prolog = d.pick(["", f'<?xml version="1.0" encoding="{encoding}"?>', '<?xml version="1.0"?>',
                         '<?xml version="1.1" standalone="yes"?>', "<?xml?>",
                         '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
                         '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
                         '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',
                         '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd">',
                         '<?xml-stylesheet type="text/xsl" href="x.xsl"?>'])
        channel = "".join(d.pick([lambda: _element("title", d), lambda: f"<link>{url(d)}</link>",
                                  lambda: _element("description", d), lambda: f"<language>{words(d, 1)}</language>",
                                  lambda: f'<atom:link href="{url(d)}" rel="self"/>'])() for _ in range(d.int(0, 5)))
        if kind in ("rss20", "rss091"):
            items = "".join(_rss_item(d) for _ in range(_entry_count(d)))
            version = "2.0" if kind == "rss20" else d.pick(["0.91", "0.92", "3.0", ""])
            doc = (f'<rss version="{version}" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                   f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
                   f'xmlns:atom="http://www.w3.org/2005/Atom"><channel>{channel}{items}</channel></rss>')
        elif kind == "atom":
            entries = "".join(_atom_entry(d) for _ in range(_entry_count(d)))
            doc = f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{url(d)}">{channel}{entries}</feed>'
        elif kind == "rdf":
            items = "".join(_rss_item(d).replace("<item>", f'<item rdf:about="{url(d)}">') for _ in range(_entry_count(d)))
            doc = (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
                   f"<channel>{channel}</channel>{items}</rdf:RDF>")
        else:
            doc = html_page(d)
        text = prolog + doc
        if chance(d, 8):
            text = text[: d.int(0, len(text))]
        try:
            body = text.encode(encoding if encoding and chance(d, 2) else "utf-8", "surrogateescape")
        except (LookupError, UnicodeEncodeError):
            body = text.encode("utf-8", "surrogatepass")
        if chance(d, 10):
            body = d.pick([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"   \n", b"\x00"]) + body
    return mutate(d, body), ctype


def mutate(d: Draw, data: bytes, rounds: int = 3) -> bytes:
    """Byte-level damage: flips, inserts, deletions, duplicated spans, truncation."""
    if not data or not chance(d, 3):
        return data
    buf = bytearray(data)
    for _ in range(d.int(1, rounds)):
        if not buf:
            break
        spot = d.int(0, len(buf) - 1)
        roll = d.int(0, 4)
        if roll == 0:
            buf[spot] ^= 1 << d.int(0, 7)
        elif roll == 1:
            buf[spot:spot] = d.raw(d.int(1, 8))
        elif roll == 2:
            del buf[spot:spot + d.int(1, 64)]
        elif roll == 3:
            end = min(len(buf), spot + d.int(1, 256))
            buf[spot:spot] = buf[spot:end] * d.int(1, 8)
        else:
            del buf[spot:]
    return bytes(buf)
