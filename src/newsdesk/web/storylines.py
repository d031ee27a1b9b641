"""Storyline pages, the storylines API, an Atom feed per storyline (a new event, a new entry) and the page's follow
button (a watchlist of the user's, an alert on each new event; a stranger is sent to the login first)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.model import Storyline, User, WatchKind, Watchlist
from newsdesk.storage import Storage
from newsdesk.web.access import current_user, require_reader
from newsdesk.web.api import ERRORS, etagged
from newsdesk.web.follow_button import back_to, follower, start_following, stop_following
from newsdesk.web.params import key_in_range
from newsdesk.web.schema import StorylineDocument, StorylineList
from newsdesk.web.storyline_data import storyline_document, storylines_list

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_reader)])
api = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS, dependencies=[Depends(require_reader)])
feeds = APIRouter(prefix="/feeds", include_in_schema=False, dependencies=[Depends(require_reader)])
following = APIRouter(include_in_schema=False)
PER_PAGE = 30


def storyline_watchlist(storage: Storage, user: User | None, storyline_id: int) -> Watchlist | None:
    """The user's watchlist of this storyline, when they follow it."""
    if user is None:
        return None
    return next((w for w in storage.watchlists(user.id)
                 if w.kind == WatchKind.STORYLINE and w.value == str(storyline_id)), None)


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
def storyline_page(request: Request, key: str, error: str | None = Query(None, max_length=500)) -> Response:
    storyline = _storyline(request, key)
    if key != storyline.slug:           # one address per storyline: its id, or an old one merged, leads to its slug
        return RedirectResponse(f"/storylines/{storyline.slug}", status_code=301)
    storage = request.app.state.web.storage
    doc = storyline_document(storage, storyline)
    return request.app.state.web.renderer.page(request, "storyline.html", {
        "title": doc["title"] or "Storyline", "doc": doc, "error": error,
        "following": storyline_watchlist(storage, current_user(request), storyline.id),
        "feed": f"/feeds/storylines/{storyline.id}.atom",
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
    said: dict[int, str] = {}
    for sentence in doc["so_far"]:
        said[sentence["story_id"]] = f"{said[sentence['story_id']]} {sentence['text']}" \
            if sentence["story_id"] in said else sentence["text"]
    for event in reversed(doc["events"][-30:]):
        sources = f"{event['independent_count']} independent source{'s' if event['independent_count'] != 1 else ''}"
        summary = f"{said[event['id']]} ({sources})" if event["id"] in said else sources
        feed.entry(entry_id=f"/stories/{event['id']}", title=event["headline"] or "", path=f"/stories/{event['slug']}",
                   updated=event["last_updated"], published=event["first_published"], summary=summary)
    return feed.response(request)


def _back(storyline: Storyline, **query: str) -> RedirectResponse:
    return back_to(f"/storylines/{storyline.slug}", **query)


@following.post("/storylines/{key}/follow", dependencies=[Depends(key_in_range)])
def follow_storyline(request: Request, key: str, csrf: str = Form("")) -> Response:
    user = follower(request, f"/storylines/{key}", csrf)
    storyline = _storyline(request, key)
    watching = storyline_watchlist(request.app.state.web.storage, user, storyline.id)
    error = start_following(request, user, WatchKind.STORYLINE, str(storyline.id), watching)
    return _back(storyline, error=error) if error else _back(storyline)


@following.post("/storylines/{key}/unfollow", dependencies=[Depends(key_in_range)])
def unfollow_storyline(request: Request, key: str, csrf: str = Form("")) -> Response:
    user = follower(request, f"/storylines/{key}", csrf)
    storyline = _storyline(request, key)
    stop_following(request, user, storyline_watchlist(request.app.state.web.storage, user, storyline.id))
    return _back(storyline)
