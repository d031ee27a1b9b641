"""The one gate for HTML written by strangers (feed content, extracted text): an allowlist, nothing else."""

from __future__ import annotations

import nh3

_TAGS = {"a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em", "figcaption",
         "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
         "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
         "ul"}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
               "time": {"datetime"}, "q": {"cite"}, "blockquote": {"cite"}}
_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "cite"}
_CONTROL = {chr(c) for c in range(0x20)} | {"\x7f"}


def _drop_odd_urls(tag: str, attribute: str, value: str) -> str | None:
    """A URL with control characters in it is dropped: browsers strip some of them (tab, newline) before
    reading the scheme, so "java\tscript:" would otherwise pass as a relative link."""
    if attribute in _URL_ATTRIBUTES and any(c in _CONTROL for c in value):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Keep only allowlisted tags, attributes and URL schemes (http, https, mailto); drop script, style,
    forms, frames, event handlers and javascript:/data: URLs with their content; links get
    rel="noopener noreferrer". Images are dropped: the page loads nothing from other sites."""
    html = html.encode("utf-8", "replace").decode("utf-8")  # lone surrogates (from JSON "\ud800") crash nh3
    # What the browser parses is the output, not the tree nh3 cleaned: misnested markup can come back as a
    # different tree (and html5ever drops a leading BOM), so clean until the output cleans to itself.
    for _ in range(4):
        cleaned = _clean(html)
        if cleaned == html:
            return html
        html = cleaned
    # Markup that never settles (each parse of unclosed formatting inside deep nesting adds more of it) is
    # shown as its text: no tags at all cannot be re-parsed into anything else.
    return _clean(html, tags=set())


def _clean(html: str, tags: set[str] = _TAGS) -> str:
    return nh3.clean(html, tags=tags, attributes=_ATTRIBUTES if tags else {}, url_schemes=_SCHEMES,
                     clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "embed",
                                         "svg", "math", "textarea", "select", "title"},
                     link_rel="noopener noreferrer nofollow", strip_comments=True,
                     attribute_filter=_drop_odd_urls).lstrip("\ufeff")
