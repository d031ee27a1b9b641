"""Who may do what: strangers (reading a public desk), users (reading, with their own reading state: a session
cookie or an API token), admins (sources, users, settings), and CSRF on every browser's write."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import quote

from fastapi import HTTPException, Request

from newsdesk.accounts import user_for_token
from newsdesk.model import TokenKind, User
from newsdesk.storage import Storage, StorageError
from newsdesk.web.auth import check_csrf, read_session

SESSION_COOKIE = "nd_session"
CSRF_COOKIE = "nd_csrf"
READ_ONLY = ("the desk is read-only: its database cannot be written, so its pages, API and feeds can be read "
             "but nothing can be changed")
ADMIN_ONLY = "only an admin may do this"
_UNSET = object()
# A process reads a user (role, disabled, session generation) again only this many seconds after it last did:
# a change made elsewhere (another worker, `newsdesk user disable`, a new password) ends that user's sessions in
# every worker within that. Changes made through this process take effect at once (UserCache.forget).
USER_TTL = 2.0


class UserCache:
    """The users that sessions name, each read from storage at most every USER_TTL seconds."""

    def __init__(self, storage: Callable[[], Storage]):
        self.storage = storage
        self._users: dict[int, tuple[User | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: int) -> User | None:
        now = time.monotonic()
        with self._lock:
            hit = self._users.get(user_id)
        if hit is not None and now < hit[1]:
            return hit[0]
        user = self.storage().get_user(user_id)
        with self._lock:
            if len(self._users) > 10_000:
                self._users.clear()
            self._users[user_id] = (user, now + USER_TTL)
        return user

    def remember(self, user: User) -> None:
        """The user as just read (a login): what the next requests of their session are checked against."""
        with self._lock:
            self._users[user.id] = (user, time.monotonic() + USER_TTL)

    def last_known(self, user_id: int) -> User | None:
        with self._lock:
            hit = self._users.get(user_id)
        return hit[0] if hit else None

    def forget(self, user_id: int) -> None:
        with self._lock:
            self._users.pop(user_id, None)


def _web(request: Request):
    return request.app.state.web


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def session_user(request: Request, *, last_known: bool = False) -> User | None:
    """The enabled user the session cookie names, when it carries that user's current session generation.
    `last_known`: as the process last read the user, however long ago (for when storage is failing)."""
    found = read_session(_web(request).secret, request.cookies.get(SESSION_COOKIE))
    if found is None:
        return None
    user_id, generation = found
    web = _web(request)
    user = web.users.last_known(user_id) if last_known else web.users.get(user_id)
    if user is None or user.disabled or user.session_generation != generation:
        return None
    return user


def current_user(request: Request) -> User | None:
    """The user making the request: an API token (`Authorization: Bearer …`, which must be valid: a wrong one is
    401) or else the session cookie; None for a stranger. Read once per request."""
    cached = getattr(request.state, "user", _UNSET)
    if cached is not _UNSET:
        return cached
    token = bearer(request)
    if token is not None:
        user = user_for_token(_web(request).storage, token, TokenKind.API)
        if user is None:
            request.state.user = None        # the error page asks again: answer it, do not raise twice
            raise HTTPException(401, "the API token is not valid", headers={"WWW-Authenticate": "Bearer"})
    else:
        user = session_user(request)
    request.state.user = user
    return user


def is_admin(request: Request) -> bool:
    user = current_user(request)
    return user is not None and user.is_admin


def is_admin_without_storage(request: Request) -> bool:
    """is_admin, when storage may be failing: then a session cookie is checked against the user as last read,
    and a bearer token, which only storage can check, does not count."""
    try:
        return is_admin(request)
    except (StorageError, HTTPException):
        pass
    user = session_user(request, last_known=True)
    request.state.user = user
    return user is not None and user.is_admin


def refuse_writes_when_read_only(request: Request) -> None:
    if request.method not in ("GET", "HEAD") and _web(request).read_only:
        raise HTTPException(503, READ_ONLY)


def _login_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(303, "log in to continue", headers={"Location": f"/login?next={quote(target)}"})


async def require_reader(request: Request) -> None:
    """Reading is public unless the desk is private (setting `public_read = false`). A token that is sent must
    be valid (else 401), on a public desk too: a revoked or disabled user's token is told so."""
    if bearer(request) is not None:
        current_user(request)
    if _web(request).settings.public_read or current_user(request) is not None:
        return
    if request.url.path.startswith(("/api/", "/feeds/")):
        raise HTTPException(401, "this desk is private: log in or send an API token",
                            headers={"WWW-Authenticate": "Bearer"})
    raise _login_redirect(request)


def require_user_page(request: Request) -> None:
    """A page or form of a user's own (reading state, their account): strangers are sent to the login."""
    if current_user(request) is None:
        raise _login_redirect(request)


def require_admin_page(request: Request) -> None:
    """An admin's page or form: strangers are sent to the login, readers are refused (403)."""
    user = current_user(request)
    if user is None:
        raise _login_redirect(request)
    if not user.is_admin:
        raise HTTPException(403, ADMIN_ONLY)


def require_admin_api(request: Request) -> None:
    """The API writes: an admin's API token, or an admin's logged-in browser that also sends its CSRF token in
    X-CSRF-Token. A reader's token or browser is refused with 403."""
    if bearer(request) is not None:
        if not is_admin(request):             # raises 401 on a wrong token
            raise HTTPException(403, ADMIN_ONLY)
        return
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "login or API token needed", headers={"WWW-Authenticate": "Bearer"})
    if not check_csrf(_web(request).secret, request.cookies.get(CSRF_COOKIE), request.headers.get("x-csrf-token")):
        raise HTTPException(403, "missing or wrong CSRF token (X-CSRF-Token)")
    if not user.is_admin:
        raise HTTPException(403, ADMIN_ONLY)


def user_api(request: Request) -> User:
    """The user of an API read of their own: an API token's (a wrong one is 401) or a logged-in browser's; 401
    for a stranger."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "login or API token needed", headers={"WWW-Authenticate": "Bearer"})
    return user


def user_api_write(request: Request) -> User:
    """The user of an API write of their own: an API token's, or a logged-in browser's that also sends its CSRF
    token in X-CSRF-Token (403 without it); 401 for a stranger."""
    user = user_api(request)
    if bearer(request) is None and not check_csrf(_web(request).secret, request.cookies.get(CSRF_COOKIE),
                                                  request.headers.get("x-csrf-token")):
        raise HTTPException(403, "missing or wrong CSRF token (X-CSRF-Token)")
    return user


def require_csrf(request: Request, token: str | None) -> None:
    if not check_csrf(_web(request).secret, request.cookies.get(CSRF_COOKIE), token):
        raise HTTPException(403, "the form has expired or did not come from this desk (CSRF check failed): "
                                 "reload the page and try again")
