"""Who may do what: readers (public or logged in), the admin (session cookie or bearer token), CSRF."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import HTTPException, Request

from newsdesk.storage import StorageError
from newsdesk.web.auth import TOKEN_KEY, check_csrf, read_session, verify_token

SESSION_COOKIE = "nd_session"
READ_ONLY = ("the desk is read-only: its database cannot be written, so its pages, API and feeds can be read "
             "but nothing can be changed")


def _web(request: Request):
    return request.app.state.web


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def session(request: Request) -> dict | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    web = _web(request)
    return read_session(web.secret, cookie, generation=web.session_generation())


def is_admin(request: Request) -> bool:
    cached = getattr(request.state, "admin", None)
    if cached is not None:
        return cached
    web = _web(request)
    token = bearer(request)
    if token is not None:
        admin = verify_token(token, web.storage.get_setting(TOKEN_KEY))
        if not admin:
            request.state.admin = False      # the error page asks again: answer it, do not raise twice
            raise HTTPException(401, "the admin token is not valid", headers={"WWW-Authenticate": "Bearer"})
    else:
        admin = session(request) is not None
    request.state.admin = admin
    return admin


def is_admin_without_storage(request: Request) -> bool:
    """is_admin, when storage may be failing: then a session cookie is checked against the generation last
    read, and a bearer token, which only storage can check, does not count."""
    try:
        return is_admin(request)
    except (StorageError, HTTPException):
        pass
    web = _web(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    admin = read_session(web.secret, cookie, generation=web.last_session_generation()) is not None
    request.state.admin = admin
    return admin


def refuse_writes_when_read_only(request: Request) -> None:
    if request.method not in ("GET", "HEAD") and _web(request).read_only:
        raise HTTPException(503, READ_ONLY)


def _login_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(303, "log in to continue", headers={"Location": f"/login?next={quote(target)}"})


async def require_reader(request: Request) -> None:
    """Reading is public unless the desk is private (setting `public_read = false`)."""
    if _web(request).settings.public_read or is_admin(request):
        return
    if request.url.path.startswith(("/api/", "/feeds/")):
        raise HTTPException(401, "this desk is private: log in or send the admin token",
                            headers={"WWW-Authenticate": "Bearer"})
    raise _login_redirect(request)


def require_admin_page(request: Request) -> None:
    if not is_admin(request):
        raise _login_redirect(request)


def require_admin_api(request: Request) -> None:
    """The API writes: a bearer token, or a logged-in browser that also sends its CSRF token in X-CSRF-Token."""
    if bearer(request) is not None:
        is_admin(request)             # raises 401 on a wrong token
        return
    if session(request) is None:
        raise HTTPException(401, "admin login or token needed", headers={"WWW-Authenticate": "Bearer"})
    from newsdesk.web.render import CSRF_COOKIE
    if not check_csrf(_web(request).secret, request.cookies.get(CSRF_COOKIE), request.headers.get("x-csrf-token")):
        raise HTTPException(403, "missing or wrong CSRF token (X-CSRF-Token)")


def require_csrf(request: Request, token: str | None) -> None:
    from newsdesk.web.render import CSRF_COOKIE
    if not check_csrf(_web(request).secret, request.cookies.get(CSRF_COOKIE), token):
        raise HTTPException(403, "the form has expired or did not come from this desk (CSRF check failed): "
                                 "reload the page and try again")
