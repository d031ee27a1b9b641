"""The watchlists of the JSON API (/api/v1/watchlists): a user lists, makes, changes and deletes their own, with
their API token (or a logged-in browser sending its CSRF token). Another user's watchlist is 404 and stays as
it was; a body that cannot be understood is 400 and changes nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.model import User, Watchlist
from newsdesk.web.alerts import api_user, api_writer
from newsdesk.web.api import CSRF_ERROR, ERRORS, error, etagged
from newsdesk.web.bodies import json_body, takes
from newsdesk.web.params import PathId

api = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
EVENTS_HELP = "what counts: new (a new story), grows (a new independent source), update (a notable update)"


class Hook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    failures: int = Field(description="failed attempts in a row")
    disabled: str | None = Field(description="why the hook was disabled; null while it is enabled")


class WatchlistOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    kind: str = Field(description="entity, query, source, folder, story or storyline")
    value: str = Field(description="what is followed: the query, the folder, or the entity's, source's or story's id")
    label: str
    url: str | None = Field(description="the page of what is followed, when it has one")
    events: list[str] = Field(description=EVENTS_HELP)
    quiet: str | None = Field(description="quiet hours, HH:MM-HH:MM in the desk's time zone")
    min_gap_hours: float | None = Field(description="at most one alert per story per this many hours")
    webhook: Hook | None
    email: str | None
    feed: bool = Field(description="whether a private Atom feed is on")
    created_at: str
    webhook_secret: str | None = Field(None, description="the new hook's signing secret: only in the answer that "
                                                         "set the hook")


class WatchlistList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    watchlists: list[WatchlistOut]
    unread: int = Field(description="your unread notifications")


class NewWatchlist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(max_length=20, description="entity, query, source, folder, story or storyline")
    value: str = Field(max_length=500, description="an entity (name, id or slug), a query, a source (id, title or "
                                                   "feed URL), a folder or a story (id or slug)")
    events: list[str] | None = Field(None, max_length=3, description=EVENTS_HELP + "; default new (a story: "
                                                                                   "grows and update)")
    quiet: str | None = Field(None, max_length=20)
    min_gap_hours: float | None = None
    webhook: str | None = Field(None, max_length=2000)
    email: str | None = Field(None, max_length=254)


class WatchlistChange(BaseModel):
    """Only the fields sent change; null clears quiet hours, the gap, the hook or the e-mail."""
    model_config = ConfigDict(extra="forbid")
    events: list[str] | None = Field(None, max_length=3, description=EVENTS_HELP)
    quiet: str | None = Field(None, max_length=20)
    min_gap_hours: float | None = None
    webhook: str | None = Field(None, max_length=2000)
    email: str | None = Field(None, max_length=254)


class Deleted(BaseModel):
    model_config = ConfigDict(extra="forbid")
    deleted: int


BAD_BODY = {400: error("a body that is not JSON, or not what this call takes (nothing was changed)")}


def _url(w: Watchlist) -> str | None:
    from urllib.parse import urlencode

    return {"entity": f"/entities/{w.value}", "story": f"/stories/{w.value}", "storyline": f"/storylines/{w.value}",
            "query": f"/search?{urlencode({'q': w.value})}"}.get(str(w.kind))


def watchlist_json(w: Watchlist, *, secret: bool = False) -> dict[str, Any]:
    from newsdesk.alerts import format_quiet
    from newsdesk.timeutil import to_iso

    found = {"id": w.id, "kind": str(w.kind), "value": w.value, "label": w.label, "url": _url(w),
             "events": sorted(str(e) for e in w.events), "quiet": format_quiet(w) or None,
             "min_gap_hours": w.min_gap_hours,
             "webhook": {"url": w.webhook_url, "failures": w.webhook_failures, "disabled": w.webhook_disabled}
             if w.webhook_url else None, "email": w.email, "feed": w.has_feed, "created_at": to_iso(w.created_at)}
    if secret and w.webhook_url:
        found["webhook_secret"] = w.webhook_secret
    return found


def _web(request: Request):
    return request.app.state.web


def _owned(request: Request, user: User, watchlist_id: int) -> Watchlist:
    from newsdesk.alerts import UnknownWatchlist, users_watchlist

    try:
        return users_watchlist(_web(request).storage, user, watchlist_id)
    except UnknownWatchlist as exc:
        raise HTTPException(404, str(exc)) from None


@api.get("/watchlists", summary="Your watchlists, with your unread count", response_model=WatchlistList)
def list_watchlists(request: Request) -> Response:
    user = api_user(request)
    storage = _web(request).storage
    return etagged(request, {"watchlists": [watchlist_json(w) for w in storage.watchlists(user.id)],
                             "unread": storage.count_notifications(user.id, unread_only=True)})


@api.post("/watchlists", summary="Follow something: a new watchlist", response_model=WatchlistOut,
          status_code=201, responses={**CSRF_ERROR, **BAD_BODY}, openapi_extra=takes(NewWatchlist))
async def create_watchlist(request: Request) -> JSONResponse:
    from newsdesk.alerts import AlertError, follow

    user = api_writer(request)
    body = await json_body(request, NewWatchlist)
    web = _web(request)
    try:
        made = follow(web.storage, user, body.kind, body.value, settings=web.settings, events=body.events,
                      quiet=body.quiet, min_gap_hours=body.min_gap_hours, webhook=body.webhook, email=body.email)
    except AlertError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse(watchlist_json(made, secret=True), status_code=201,
                        headers={"Location": f"/api/v1/watchlists/{made.id}"})


@api.get("/watchlists/{watchlist_id}", summary="One of your watchlists", response_model=WatchlistOut)
def get_watchlist(request: Request, watchlist_id: PathId) -> Response:
    return etagged(request, watchlist_json(_owned(request, api_user(request), watchlist_id)))


@api.patch("/watchlists/{watchlist_id}", summary="Change what counts, the limits or where alerts go",
           response_model=WatchlistOut, responses={**CSRF_ERROR, **BAD_BODY}, openapi_extra=takes(WatchlistChange))
async def change_watchlist(request: Request, watchlist_id: PathId) -> JSONResponse:
    from newsdesk.alerts import AlertError, change_watchlist as change

    user = api_writer(request)
    found = _owned(request, user, watchlist_id)
    body = await json_body(request, WatchlistChange)
    web = _web(request)
    given = body.model_dump(exclude_unset=True)
    if not given:
        raise HTTPException(400, "say what to change: events, quiet, min_gap_hours, webhook or email")
    try:
        changed = change(web.storage, user, found.id, settings=web.settings, **given)
    except AlertError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse(watchlist_json(changed, secret="webhook" in given))


@api.delete("/watchlists/{watchlist_id}", summary="Stop following: delete a watchlist and its alerts",
            response_model=Deleted, responses=CSRF_ERROR)
def delete_watchlist(request: Request, watchlist_id: PathId) -> JSONResponse:
    user = api_writer(request)
    found = _owned(request, user, watchlist_id)
    _web(request).storage.delete_watchlist(user.id, found.id)
    return JSONResponse({"deleted": found.id})
