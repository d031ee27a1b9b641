"""Page metadata through trafilatura's own steps, minus the ones newsdesk never shows (categories, tags,
licence), which cost about a tenth of each page's extraction time."""

from __future__ import annotations

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL, examine_meta, extract_author, extract_meta_json, extract_sitename, extract_title, extract_url,
)
from trafilatura.settings import Document


def page_metadata(tree: HtmlElement, url: str | None, date_params: dict) -> Document:
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:   # a handle or a single word is not a byline
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # trafilatura's JSON-LD reader trips on malformed markup; the meta tags still count
        pass
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.date = find_date(tree, **{**date_params, "url": meta.url})
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (match := META_URL.match(meta.url)):
        meta.sitename = match[1]
    meta.clean_and_trim()
    return meta
