"""Atom 1.0 feeds: top stories, a search, a source, one story's updates. Built with ElementTree, so every
text is escaped; characters XML 1.0 forbids are dropped. The top, search and source feeds are the reader's own
when they are read with a login or an API token (what the user hides or blocks left out, answered private);
read without one they are the desk's, the same for everyone."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from newsdesk.alerts import own_view
from newsdesk.model import OwnView
from newsdesk.sources import xml_text
from newsdesk.synthesize import is_update
from newsdesk.timeutil import to_utc, utcnow
from newsdesk.web.access import current_user, require_reader
from newsdesk.web.api import etagged, personal
from newsdesk.web.pages import parse_day
from newsdesk.web.params import PathId, QueryId
from newsdesk.web.render import as_time
from newsdesk.web.search import SearchUnavailable

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
router = APIRouter(prefix="/feeds", include_in_schema=False, dependencies=[Depends(require_reader)])
ET.register_namespace("", ATOM)


def _stamp(value: datetime | str | None) -> str:
    when = as_time(value) or utcnow()
    return to_utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


class Feed:
    def __init__(self, request: Request, title: str, self_path: str, alternate_path: str):
        self.base = str(request.base_url).rstrip("/")
        self.root = ET.Element(f"{{{ATOM}}}feed")
        self._add(self.root, "title", title)
        self._add(self.root, "id", self.base + self_path)
        self._link(self.root, self_path, "self", "application/atom+xml")
        self._link(self.root, alternate_path, "alternate", "text/html")
        self._updated = self._add(self.root, "updated", _stamp(None))
        author = self._add(self.root, "author")
        self._add(author, "name", "newsdesk")
        self._add(self.root, "generator", "newsdesk")
        self.latest: datetime | None = None

    @staticmethod
    def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            node.text = xml_text(text)
        return node

    def _link(self, parent: ET.Element, path: str, rel: str, kind: str | None = None) -> None:
        href = path if path.startswith(("http://", "https://")) else self.base + path
        attrs = {"href": href, "rel": rel}
        if kind:
            attrs["type"] = kind
        self._add(parent, "link", **attrs)

    def entry(self, *, entry_id: str, title: str, path: str, updated: datetime | str | None,
              published: datetime | str | None = None, summary: str | None = None, author: str | None = None,
              content_html: str | None = None) -> None:
        node = self._add(self.root, "entry")
        self._add(node, "id", entry_id if ":" in entry_id else self.base + entry_id)
        self._add(node, "title", title or "(untitled)")
        self._link(node, path, "alternate", "text/html")
        self._add(node, "updated", _stamp(updated))
        if published:
            self._add(node, "published", _stamp(published))
        if author:
            self._add(self._add(node, "author"), "name", author)
        if summary:
            self._add(node, "summary", summary, type="text")
        if content_html:
            self._add(node, "content", content_html, type="html")
        when = as_time(updated)
        if when and (self.latest is None or when > self.latest):
            self.latest = when

    def response(self, request: Request, view: OwnView | None = None) -> Response:
        if self.latest:
            self._updated.text = _stamp(self.latest)
        body = ET.tostring(self.root, encoding="utf-8", xml_declaration=True)
        answer = personal(etagged(request, body.decode("utf-8")), view)
        if answer.status_code == 304:
            return answer
        return personal(Response(body, media_type=ATOM_TYPE, headers={"ETag": answer.headers["etag"],
                                                                       "Cache-Control": "no-cache"}), view)


def reader_view(request: Request) -> OwnView | None:
    """The own view of the user reading a feed (a session or an API token); None for a stranger, who reads the
    desk-wide feed."""
    return own_view(request.app.state.web.storage, current_user(request))


@router.get("/top.atom")
def top(request: Request) -> Response:
    view = reader_view(request)
    cards, _ = request.app.state.web.reader.top(1, per_page=30, view=view)
    feed = Feed(request, "newsdesk: top stories", "/feeds/top.atom", "/")
    for card in cards:
        sources = f"{card.independent_count} independent sources" + (
            f", {card.reprint_count} reprints" if card.reprint_count else "")
        feed.entry(entry_id=f"/stories/{card.id}", title=card.headline, path=f"/stories/{card.slug}",
                   updated=card.last_updated, published=card.first_published,
                   summary=" ".join(s["text"] for s in card.summary) + f" ({sources}: {', '.join(card.outlets)})")
    return feed.response(request, view)


@router.get("/search.atom")
def search(request: Request, q: str = Query(..., min_length=1, max_length=500), source: QueryId = None,
           since: str | None = Query(None), until: str | None = Query(None)) -> Response:
    view = reader_view(request)
    try:
        results = request.app.state.web.reader.search(q, source_id=source, since=parse_day(since, "since"),
                                                      until=parse_day(until, "until", end=True), per_page=30,
                                                      view=view)
    except SearchUnavailable as exc:
        raise HTTPException(503, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    from urllib.parse import urlencode
    query = urlencode({"q": q})
    feed = Feed(request, f"newsdesk: search “{q}”", f"/feeds/search.atom?{query}", f"/search?{query}")
    for group in results.groups:
        best = group.hits[0] if group.hits else None     # None: only the story's headline or summary matched
        path = f"/stories/{group.story_id}" if group.story_id else f"/articles/{best.article_id}"
        snippet = best.snippet if best else group.snippet
        feed.entry(entry_id=path, title=group.headline or (best.title if best else "") or "", path=path,
                   updated=best.published_at if best else None,
                   summary=snippet, author=best.outlet if best else None)
    return feed.response(request, view)


@router.get("/sources/{source_id}.atom")
def source(request: Request, source_id: PathId) -> Response:
    storage = request.app.state.web.storage
    found = storage.get_source(source_id)
    if found is None:
        raise HTTPException(404, f"no source {source_id}")
    feed = Feed(request, f"newsdesk: {found.name}", f"/feeds/sources/{source_id}.atom", f"/?source={source_id}")
    view = reader_view(request)
    articles = storage.list_articles(source=source_id, limit=50)
    hidden = storage.hidden_article_ids(view, [a.id for a in articles])
    for article in (a for a in articles if a.id not in hidden):
        feed.entry(entry_id=f"/articles/{article.id}", title=article.title or article.url,
                   path=f"/articles/{article.id}", updated=article.updated_at or article.time,
                   published=article.published_at, author=article.author or article.outlet,
                   summary=(article.summary or article.text[:400]))
    return feed.response(request, view)


@router.get("/stories/{key}.atom")
def story(request: Request, key: str) -> Response:
    reader = request.app.state.web.reader
    found = reader.story(key)
    if found is None:
        raise HTTPException(404, f"no story {key!r}")
    doc = reader.story_document(found)
    feed = Feed(request, f"newsdesk: {doc['headline']}", f"/feeds/stories/{found.id}.atom", f"/stories/{found.slug}")
    by_id = {s["article_id"]: s for s in doc["sources"]}
    # one entry per report: a notable update changes its title and its updated time, as feed readers expect
    reports: dict = {}
    for entry in doc.get("timeline", []):
        when, article_id, outlet, title = entry[:4]
        first = reports.setdefault(article_id, {"published": when, "outlet": outlet})
        first.update(updated=when, title=title, changed=is_update(entry, doc["version"]))
    for article_id, report in sorted(reports.items(), key=lambda item: item[1]["updated"], reverse=True):
        outlet, title = report["outlet"], report["title"]
        reprint = " (reprint)" if by_id.get(article_id, {}).get("reprint_of") else ""
        feed.entry(entry_id=f"/articles/{article_id}", title=f"{outlet}{reprint}: {title}",
                   path=f"/articles/{article_id}", updated=report["updated"], published=report["published"],
                   author=outlet, summary=f"{outlet} {'updated its report' if report['changed'] else 'on'} "
                                          f"“{doc['headline']}”: {title}")
    return feed.response(request)
