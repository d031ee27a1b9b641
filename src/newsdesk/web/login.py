"""Logging in and out: a user name and password (rate-limited per client), a session cookie naming the user."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.accounts import AccountError, UserDisabled, authenticate
from newsdesk.model import User
from newsdesk.web.access import SESSION_COOKIE, require_csrf
from newsdesk.web.auth import sign_session

router = APIRouter(include_in_schema=False)


def _web(request: Request):
    return request.app.state.web


def safe_next(target: str) -> str:
    """Where to go after a form: a path on this desk only (never //elsewhere or /\\elsewhere)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def start_session(request: Request, response: Response, user: User) -> None:
    """Give this browser a session cookie for `user` (their current session generation)."""
    web = _web(request)
    lifetime = web.settings.session_hours * 3600
    cookie = sign_session(web.secret, lifetime, user_id=user.id, generation=user.session_generation)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=int(lifetime), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def _login_page(request: Request, *, next: str, name: str = "", error: str | None = None,
                message: str | None = None, status: int = 200) -> Response:
    web = _web(request)
    return web.renderer.page(request, "login.html", {
        "title": "Log in", "next": safe_next(next), "name": name, "error": error, "message": message,
        "has_users": web.storage.count_users() > 0}, status=status)


@router.get("/login")
def login_form(request: Request, next: str = Query("/", max_length=500),
               message: str | None = Query(None, max_length=300)) -> Response:
    return _login_page(request, next=next, message=message)


@router.post("/login")
def login(request: Request, name: str = Form("", max_length=200), password: str = Form("", max_length=1100),
          csrf: str = Form(""), next: str = Form("/", max_length=500)) -> Response:
    web = _web(request)
    require_csrf(request, csrf)
    client = request.client.host if request.client else "unknown"
    wait = web.limiter.attempt(client)
    if wait > 0:
        raise HTTPException(429, f"too many failed logins from {client}: try again in {int(wait) + 1} seconds",
                            headers={"Retry-After": str(int(wait) + 1)})
    try:                                    # the limiter counted this try already: a failure stays counted
        user = authenticate(web.storage, name, password)
    except UserDisabled as exc:
        return _login_page(request, next=next, name=name, error=str(exc), status=403)
    except AccountError as exc:
        return _login_page(request, next=next, name=name, error=str(exc), status=401)
    web.limiter.succeeded(client)
    web.users.remember(user)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, user)
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    require_csrf(request, csrf)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
