"""Every user's own account page: a new password, API tokens (made, shown once, revoked) and "log out
everywhere". Each form acts on the user of the session only."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.accounts import (
    AccountError,
    authenticate,
    list_tokens,
    new_feed_token,
    new_token,
    revoke_feed_token,
    revoke_sessions,
    revoke_token,
    set_password,
)
from newsdesk.model import TokenKind, User
from newsdesk.web.access import SESSION_COOKIE, current_user, require_csrf, require_user_page
from newsdesk.web.login import start_session
from newsdesk.web.params import PathId

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_user_page)])


def _web(request: Request):
    return request.app.state.web


def _user(request: Request) -> User:
    user = current_user(request)
    if user is None:                  # require_user_page sent strangers to the login already
        raise HTTPException(401, "log in to see your account")
    return user


def _page(request: Request, user: User, *, message: str | None = None, error: str | None = None,
          token: str | None = None, feed_url: str | None = None, status: int = 200) -> Response:
    web = _web(request)
    tokens = list_tokens(web.storage, user)
    feed = next((t for t in tokens if t["kind"] == TokenKind.CHANGES_FEED), None)
    return web.renderer.page(request, "account.html", {
        "title": "Your account", "me": user, "tokens": [t for t in tokens if t["kind"] == TokenKind.API],
        "message": message, "error": error, "new_token": token, "feed": feed, "feed_url": feed_url},
        status=status)


def _back(message: str) -> RedirectResponse:
    return RedirectResponse("/account?" + urlencode({"message": message}), status_code=303)


@router.get("/account")
def account(request: Request, message: str | None = Query(None, max_length=300)) -> Response:
    return _page(request, _user(request), message=message)


@router.post("/account/password")
def change_password(request: Request, csrf: str = Form(""), current: str = Form("", max_length=1100),
                    password: str = Form("", max_length=1100), repeat: str = Form("", max_length=1100)) -> Response:
    """A new password, given the current one (its tries count against the login limit); every other browser of
    the user is logged out, this one stays in."""
    require_csrf(request, csrf)
    web, user = _web(request), _user(request)
    client = request.client.host if request.client else "unknown"
    wait = web.limiter.attempt(client)
    if wait > 0:
        raise HTTPException(429, f"too many failed password checks from {client}: try again in {int(wait) + 1} "
                                 "seconds", headers={"Retry-After": str(int(wait) + 1)})
    try:
        authenticate(web.storage, user.name, current)
    except AccountError:
        return _page(request, user, error="the current password is wrong: nothing was changed", status=400)
    web.limiter.succeeded(client)
    if password != repeat:
        return _page(request, user, error="the two new passwords differ: nothing was changed", status=400)
    try:
        set_password(web.storage, user, password)
    except AccountError as exc:
        return _page(request, user, error=f"{exc}: nothing was changed", status=400)
    changed = web.storage.get_user(user.id)
    web.users.remember(changed)
    response = _back("Password changed. Your other browsers and devices must log in again; your API tokens, "
                     "reader apps' logins and private feed address were revoked: make new ones.")
    start_session(request, response, changed)
    return response


@router.post("/account/tokens")
def make_token(request: Request, csrf: str = Form(""), label: str = Form("", max_length=200)) -> Response:
    """A new API token, shown on the answer only: the desk keeps its hash."""
    require_csrf(request, csrf)
    web, user = _web(request), _user(request)
    try:
        token = new_token(web.storage, user, TokenKind.API, label or None)
    except AccountError as exc:
        return _page(request, user, error=str(exc), status=400)
    return _page(request, user, token=token)


@router.post("/account/tokens/{token_id}/revoke")
def drop_token(request: Request, token_id: PathId, csrf: str = Form("")) -> Response:
    require_csrf(request, csrf)
    web, user = _web(request), _user(request)
    if not revoke_token(web.storage, user, token_id):
        raise HTTPException(404, f"you have no token {token_id}")
    return _back("Token revoked: it no longer opens the desk.")


@router.post("/account/feed")
def make_feed(request: Request, csrf: str = Form("")) -> Response:
    """A new address for the user's private feed of what changed, shown on this answer only; the former
    address stops working."""
    from newsdesk.web.changes_feed import feed_url

    require_csrf(request, csrf)
    web, user = _web(request), _user(request)
    return _page(request, user, feed_url=feed_url(request, new_feed_token(web.storage, user)))


@router.post("/account/feed/revoke")
def drop_feed(request: Request, csrf: str = Form("")) -> Response:
    require_csrf(request, csrf)
    web, user = _web(request), _user(request)
    if not revoke_feed_token(web.storage, user):
        raise HTTPException(404, "you have no private feed address to revoke")
    return _back("Feed address revoked: it no longer opens your feed of what changed.")


@router.post("/account/logout-everywhere")
def logout_everywhere(request: Request, csrf: str = Form("")) -> Response:
    """End every session of the user, this browser's included (API tokens stay: revoke them one by one)."""
    require_csrf(request, csrf)
    web, user = _web(request), _user(request)
    revoke_sessions(web.storage, user)
    web.users.forget(user.id)
    response = RedirectResponse("/login?" + urlencode({"message": "Logged out everywhere."}), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
