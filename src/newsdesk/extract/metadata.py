"""Page metadata through trafilatura's own steps, minus the ones newsdesk never shows (categories, tags,
licence), which cost about a tenth of each page's extraction time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

T = TypeVar("T")


def _guarded(step: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """One metadata step; hostile markup trips these heuristics in odd ways (an AssertionError inside lxml's
    drop_tree, a ValueError from a control character), and a page without that field is still a page."""
    try:
        return step(*args, **kwargs)
    except Exception:
        return None


def page_metadata(tree: HtmlElement, url: str | None, date_params: dict) -> Document:
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:   # a handle or a single word is not a byline
        meta.author = None
    meta = _guarded(extract_meta_json, tree, meta) or meta
    meta.title = meta.title or _guarded(extract_title, tree)
    meta.author = meta.author or _guarded(extract_author, tree)
    meta.url = meta.url or _guarded(extract_url, tree, url)
    meta.date = _guarded(find_date, tree, **{**date_params, "url": meta.url})
    meta.sitename = meta.sitename or _guarded(extract_sitename, tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (match := META_URL.match(meta.url)):
        meta.sitename = match[1]
    meta.clean_and_trim()
    return meta
