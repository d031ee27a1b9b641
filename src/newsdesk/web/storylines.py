"""Storyline pages, the storylines API and an Atom feed per storyline (a new event, a new entry)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.model import Storyline
from newsdesk.web.access import require_reader
from newsdesk.web.api import ERRORS, etagged
from newsdesk.web.schema import StorylineDocument, StorylineList
from newsdesk.web.storyline_data import storyline_document, storylines_list

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_reader)])
api = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS, dependencies=[Depends(require_reader)])
feeds = APIRouter(prefix="/feeds", include_in_schema=False, dependencies=[Depends(require_reader)])
PER_PAGE = 30


def _storyline(request: Request, key: str) -> Storyline:
    found = request.app.state.web.storage.get_storyline(key)
    if found is None:
        raise HTTPException(404, f"no storyline {key!r}")
    return found


@pages.get("/storylines")
def storylines_page(request: Request, page: int = Query(1, ge=1, le=1000)) -> Response:
    listed = storylines_list(request.app.state.web.storage, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    last = max(1, -(-listed["total"] // PER_PAGE))
    return request.app.state.web.renderer.page(request, "storylines.html", {
        "title": "Storylines", "listed": listed,
        "pages": {"page": page, "last": last, "has_prev": page > 1, "has_next": page < last}})


@pages.get("/storylines/{key}")
def storyline_page(request: Request, key: str) -> Response:
    storyline = _storyline(request, key)
    if key != storyline.slug:           # one address per storyline: its id, or an old one merged, leads to its slug
        return RedirectResponse(f"/storylines/{storyline.slug}", status_code=301)
    doc = storyline_document(request.app.state.web.storage, storyline)
    return request.app.state.web.renderer.page(request, "storyline.html", {
        "title": doc["title"] or "Storyline", "doc": doc, "feed": f"/feeds/storylines/{storyline.id}.atom",
        "feed_title": f"New events: {doc['title']}"})


@api.get("/storylines", summary="Storylines, latest activity first", response_model=StorylineList)
def list_storylines(request: Request, page: int = Query(1, ge=1, le=1000),
                    per_page: int = Query(20, ge=1, le=100)) -> Response:
    return etagged(request, storylines_list(request.app.state.web.storage, limit=per_page,
                                            offset=(page - 1) * per_page))


@api.get("/storylines/{key}", summary="One storyline (id or slug): the story so far, its events, its entities",
         response_model=StorylineDocument)
def storyline(request: Request, key: str) -> Response:
    return etagged(request, storyline_document(request.app.state.web.storage, _storyline(request, key)))


@feeds.get("/storylines/{key}.atom")
def storyline_feed(request: Request, key: str) -> Response:
    from newsdesk.web.feeds import Feed

    found = _storyline(request, key)
    doc = storyline_document(request.app.state.web.storage, found)
    feed = Feed(request, f"newsdesk storyline: {doc['title'] or found.slug}", f"/feeds/storylines/{found.id}.atom",
                f"/storylines/{found.slug}")
    said = {s["story_id"]: s["text"] for s in doc["so_far"]}
    for event in reversed(doc["events"][-30:]):
        sources = f"{event['independent_count']} independent source{'s' if event['independent_count'] != 1 else ''}"
        summary = f"{said[event['id']]} ({sources})" if event["id"] in said else sources
        feed.entry(entry_id=f"/stories/{event['id']}", title=event["headline"] or "", path=f"/stories/{event['slug']}",
                   updated=event["last_updated"], published=event["first_published"], summary=summary)
    return feed.response(request)
