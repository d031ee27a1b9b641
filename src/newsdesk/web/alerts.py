"""Following on the web: the watchlist editor (/watchlists, with rules and the digest), the delivery log, the
notifications list (/notifications) and its JSON (/api/v1/notifications), and the private Atom feeds of
watchlists and digests (a secret token in the URL).

Every route here is a user's own: strangers are sent to the login (401 for the API), on a public desk too.
Who the user is: `access.current_user` (a user's session or API token)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.model import TokenKind, User
from newsdesk.web import access
from newsdesk.web.access import bearer, require_csrf
from newsdesk.web.api import CSRF_ERROR, ERRORS, error, etagged
from newsdesk.web.bodies import json_body, takes
from newsdesk.web.params import PathId

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
PER_PAGE = 30


def _web(request: Request):
    return request.app.state.web


def current_user(request: Request) -> User | None:
    """The user making the request (their session or API token), or None for a stranger."""
    return access.current_user(request)


def page_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        target = request.url.path
        raise HTTPException(303, "log in to continue", headers={"Location": f"/login?{urlencode({'next': target})}"})
    return user


def api_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "login or API token needed", headers={"WWW-Authenticate": "Bearer"})
    return user


def api_writer(request: Request) -> User:
    """An API write: a token, or a logged-in browser that sends its CSRF token in X-CSRF-Token."""
    return access.user_api_write(request)


def _form_user(request: Request, csrf: str) -> User:
    if bearer(request) is not None:      # a token is checked first: a wrong one is 401, whatever the form holds
        user = page_user(request)
        require_csrf(request, csrf)
        return user
    require_csrf(request, csrf)
    return page_user(request)


# -- the watchlist editor ------------------------------------------------------------------------------------

def _editor(request: Request, user: User, *, message: str | None = None, error: str | None = None,
            feed_url: str | None = None, status: int = 200) -> Response:
    from newsdesk.alerts import EVENT_NAMES, format_quiet

    web = _web(request)
    storage = web.storage
    return web.renderer.page(request, "watchlists.html", {
        "title": "Watchlists", "user": user, "watchlists": storage.watchlists(user.id), "rules": storage.rules(user.id),
        "digest": storage.digest_settings(user.id), "sources": web.reader.sources(),
        "unread": storage.count_notifications(user.id, unread_only=True), "quiet": format_quiet,
        "event_names": EVENT_NAMES, "message": message, "error": error, "feed_url": feed_url,
        "email_on": bool(web.settings.smtp_host)}, status=status)


def _back(message: str | None = None, error: str | None = None) -> RedirectResponse:
    query = urlencode({k: v for k, v in (("message", message), ("error", error)) if v})
    return RedirectResponse("/watchlists" + (f"?{query}" if query else ""), status_code=303)


@router.get("/watchlists")
def watchlists_page(request: Request, message: str | None = Query(None, max_length=300),
                    error: str | None = Query(None, max_length=500)) -> Response:
    return _editor(request, page_user(request), message=message, error=error)


@router.post("/watchlists")
def add_watchlist(request: Request, csrf: str = Form(""), kind: str = Form("query", max_length=20),
                  value: str = Form("", max_length=500), events: list[str] = Form([]),
                  quiet: str = Form("", max_length=20), gap: str = Form("", max_length=10),
                  webhook: str = Form("", max_length=2000), email: str = Form("", max_length=254)) -> Response:
    from newsdesk.alerts import AlertError, default_entities, follow

    user = _form_user(request, csrf)
    web = _web(request)
    try:
        hours = float(gap) if gap.strip() else None
    except ValueError:
        return _back(error=f"at most one alert per story per N hours: N is a number, not {gap!r}")
    try:
        made = follow(web.storage, user, kind, value, settings=web.settings, events=events or None, quiet=quiet,
                      min_gap_hours=hours, webhook=webhook.strip() or None, email=email.strip() or None,
                      entities=default_entities(web.storage))
    except AlertError as exc:
        return _back(error=str(exc))
    return _back(message=f"Following {made.kind} “{made.label}”")


def _owned(request: Request, user: User, watchlist_id: int):
    from newsdesk.alerts import UnknownWatchlist, users_watchlist

    try:
        return users_watchlist(_web(request).storage, user, watchlist_id)
    except UnknownWatchlist as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/watchlists/{watchlist_id}/delete")
def delete_watchlist(request: Request, watchlist_id: PathId, csrf: str = Form("")) -> Response:
    user = _form_user(request, csrf)
    found = _owned(request, user, watchlist_id)
    _web(request).storage.delete_watchlist(user.id, found.id)
    return _back(message=f"Stopped following {found.kind} “{found.label}”")


@router.post("/watchlists/{watchlist_id}/feed")
def new_watchlist_feed(request: Request, watchlist_id: PathId, csrf: str = Form("")) -> Response:
    """A new private feed URL, shown on this answer only (only its token's hash is kept)."""
    from newsdesk.alerts import new_feed

    user = _form_user(request, csrf)
    found = _owned(request, user, watchlist_id)
    path = new_feed(_web(request).storage, user, found.id)
    return _editor(request, user, message=f"A new private feed for “{found.label}”: copy its address now, it is "
                                          "shown only once (the old address no longer works).",
                   feed_url=str(request.base_url).rstrip("/") + path)


@router.post("/watchlists/{watchlist_id}/feed/revoke")
def revoke_watchlist_feed(request: Request, watchlist_id: PathId, csrf: str = Form("")) -> Response:
    from newsdesk.alerts import revoke_feed

    user = _form_user(request, csrf)
    found = _owned(request, user, watchlist_id)
    revoke_feed(_web(request).storage, user, found.id)
    return _back(message=f"The feed of “{found.label}” is revoked")


@router.post("/watchlists/{watchlist_id}/hook/enable")
def enable_watchlist_hook(request: Request, watchlist_id: PathId, csrf: str = Form("")) -> Response:
    from newsdesk.alerts import AlertError, enable_hook

    user = _form_user(request, csrf)
    found = _owned(request, user, watchlist_id)
    try:
        enable_hook(_web(request).storage, user, found.id)
    except AlertError as exc:
        return _back(error=str(exc))
    return _back(message=f"The webhook of “{found.label}” is enabled again")


@router.post("/rules")
def add_rule_form(request: Request, csrf: str = Form(""), action: str = Form("block", max_length=10),
                  kind: str = Form("query", max_length=10), value: str = Form("", max_length=500)) -> Response:
    from newsdesk.alerts import AlertError, add_rule

    user = _form_user(request, csrf)
    try:
        rule = add_rule(_web(request).storage, user, action, kind, value)
    except AlertError as exc:
        return _back(error=str(exc))
    return _back(message=f"Rule added: {rule.action} {rule.kind} “{rule.label}”")


@router.post("/rules/{rule_id}/delete")
def delete_rule_form(request: Request, rule_id: PathId, csrf: str = Form("")) -> Response:
    from newsdesk.alerts import AlertError, delete_rule

    user = _form_user(request, csrf)
    try:
        delete_rule(_web(request).storage, user, rule_id)
    except AlertError as exc:
        raise HTTPException(404, str(exc)) from None
    return _back(message="Rule deleted")


@router.post("/digest")
def digest_form(request: Request, csrf: str = Form(""), period: str = Form("off", max_length=10),
                email: str = Form("", max_length=254), hour: int = Form(7, ge=0, le=23)) -> Response:
    from newsdesk.alerts import AlertError, set_digest
    from newsdesk.timeutil import utcnow

    user = _form_user(request, csrf)
    web = _web(request)
    try:
        made = set_digest(web.storage, web.settings, user, None if period == "off" else period,
                          email=email.strip() or None, hour=hour, now=utcnow())
    except AlertError as exc:
        return _back(error=str(exc))
    return _back(message=f"{made.period.capitalize()} digest at {made.hour:02}:00" if made else "No digest")


@router.get("/watchlists/log")
def delivery_log_page(request: Request) -> Response:
    user = page_user(request)
    web = _web(request)
    names = {w.id: w.label for w in web.storage.watchlists(user.id)}
    return web.renderer.page(request, "delivery_log.html", {
        "title": "Delivery log", "attempts": web.storage.delivery_log(user.id, limit=200), "names": names})


# -- notifications -------------------------------------------------------------------------------------------

@router.get("/notifications")
def notifications_page(request: Request, page: int = Query(1, ge=1, le=1000), unread: bool = Query(False)) -> Response:
    from newsdesk.alerts import EVENT_NAMES

    user = page_user(request)
    web = _web(request)
    storage = web.storage
    total = storage.count_notifications(user.id, unread_only=unread)
    return web.renderer.page(request, "notifications.html", {
        "title": "Notifications", "alerts": storage.notifications(user.id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE,
                                                                  unread_only=unread),
        "unread_count": storage.count_notifications(user.id, unread_only=True), "total": total, "page": page,
        "last": max(1, -(-total // PER_PAGE)), "only_unread": unread, "event_names": EVENT_NAMES})


@router.post("/notifications/read")
def read_notifications(request: Request, csrf: str = Form(""), ids: list[int] = Form([])) -> Response:
    user = _form_user(request, csrf)
    _web(request).storage.mark_notifications_read(user.id, ids or None)
    return RedirectResponse("/notifications", status_code=303)


class Notification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    event: str = Field(description="new, grows or update")
    story_id: int
    story_url: str
    headline: str
    detail: str = Field(description="what happened, in a line")
    sources: int = Field(description="independent sources of the story when the alert was decided")
    watchlist_id: int
    watchlist: str
    created_at: str
    read: bool


class Notifications(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notifications: list[Notification]
    unread: int
    total: int
    page: int
    per_page: int


class Marked(BaseModel):
    model_config = ConfigDict(extra="forbid")
    marked: int
    unread: int


class ReadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[int] | None = Field(None, max_length=1000, description="the alerts to mark read; none: all")


def _notification(alert) -> dict:
    from newsdesk.timeutil import to_iso

    return {"id": alert.id, "event": str(alert.event), "story_id": alert.story_id,
            "story_url": f"/stories/{alert.slug or alert.story_id}", "headline": alert.headline, "detail": alert.detail,
            "sources": alert.sources, "watchlist_id": alert.watchlist_id, "watchlist": alert.watchlist_label,
            "created_at": to_iso(alert.created_at), "read": alert.read_at is not None}


@api.get("/notifications", summary="Your alerts, newest first, with the unread count", response_model=Notifications)
def notifications_json(request: Request, page: int = Query(1, ge=1, le=1000),
                       per_page: int = Query(PER_PAGE, ge=1, le=100), unread: bool = Query(False)) -> Response:
    user = api_user(request)
    storage = _web(request).storage
    found = storage.notifications(user.id, limit=per_page, offset=(page - 1) * per_page, unread_only=unread)
    return etagged(request, {"notifications": [_notification(a) for a in found],
                             "unread": storage.count_notifications(user.id, unread_only=True),
                             "total": storage.count_notifications(user.id, unread_only=unread), "page": page,
                             "per_page": per_page})


@api.post("/notifications/read", summary="Mark alerts read (these, or all)", response_model=Marked,
          responses={**CSRF_ERROR, 400: error("a body that is not JSON, or not {\"ids\": [...]}")},
          openapi_extra=takes(ReadRequest, required=False))
async def notifications_read_json(request: Request) -> JSONResponse:
    user = api_writer(request)
    body = await json_body(request, ReadRequest, optional=True)
    storage = _web(request).storage
    marked = storage.mark_notifications_read(user.id, body.ids if body else None)
    return JSONResponse({"marked": marked, "unread": storage.count_notifications(user.id, unread_only=True)})


# -- private feeds ---------------------------------------------------------------------------------------------

def _feed_owner(request: Request, found) -> None:
    """A token that opens nothing: as any unknown feed (404), after the reader check (401 on a private desk)."""
    if found is None:
        require_reader_sync(request)
        raise HTTPException(404, "no such feed (its address may have been revoked)")


def require_reader_sync(request: Request) -> None:
    web = _web(request)
    if web.settings.public_read or current_user(request) is not None:
        return
    raise HTTPException(401, "this desk is private: log in or send an API token", headers={"WWW-Authenticate": "Bearer"})


@router.get("/feeds/watchlists/{token}.atom")
def watchlist_feed(request: Request, token: str) -> Response:
    from newsdesk.alerts import EVENT_NAMES, hash_token
    from newsdesk.web.feeds import Feed

    storage = _web(request).storage
    found = storage.watchlist_by_feed(hash_token(token)) if len(token) < 200 else None
    _feed_owner(request, found)
    feed = Feed(request, f"newsdesk: alerts for “{found.label}”", f"/feeds/watchlists/{token}.atom", "/notifications")
    for alert in storage.watchlist_alerts(found.id, limit=50):
        path = f"/stories/{alert.slug or alert.story_id}"
        feed.entry(entry_id=f"urn:newsdesk:alert:{alert.key}", title=f"{EVENT_NAMES[alert.event].capitalize()}: "
                   f"{alert.headline}", path=path, updated=alert.created_at, published=alert.created_at,
                   summary=alert.detail)
    return feed.response(request)


@router.get("/feeds/digests/{token}.atom")
def digest_feed(request: Request, token: str) -> Response:
    from newsdesk.alerts import hash_token
    from newsdesk.web.feeds import Feed

    storage = _web(request).storage
    user_id = storage.digest_user_by_feed(hash_token(token)) if len(token) < 200 else None
    _feed_owner(request, user_id)
    feed = Feed(request, "newsdesk: your digest", f"/feeds/digests/{token}.atom", "/watchlists")
    for issue in storage.digest_issues(user_id, limit=20):
        feed.entry(entry_id=f"urn:newsdesk:digest:{user_id}:{issue.key}", title=issue.title, path="/watchlists",
                   updated=issue.made_at, published=issue.made_at, summary=issue.text)
    return feed.response(request)
