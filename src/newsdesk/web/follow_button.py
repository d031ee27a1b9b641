"""What every follow button shares (an entity's, a storyline's): who is pressing it, and the way back to the
page it is on. A stranger is sent to the login first, to come back to that page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from newsdesk.model import User, WatchKind, Watchlist
from newsdesk.web.access import current_user, require_csrf


def follower(request: Request, page: str, csrf: str) -> User:
    """The user pressing the button on `page`, checked before what they follow is looked up."""
    user = current_user(request)
    if user is None:
        raise HTTPException(303, "log in to follow", headers={"Location": f"/login?{urlencode({'next': page})}"})
    require_csrf(request, csrf)
    return user


def back_to(page: str, **query: str) -> RedirectResponse:
    return RedirectResponse(page + (f"?{urlencode(query)}" if query else ""), status_code=303)


def start_following(request: Request, user: User, kind: WatchKind, value: str,
                    watching: Watchlist | None) -> str | None:
    """Follow `value` unless `watching` (the user's watchlist of it) already does; the error to show, if any."""
    if watching is not None:
        return None
    from newsdesk.alerts import AlertError, follow

    web = request.app.state.web
    try:
        follow(web.storage, user, kind, value, settings=web.settings)
    except AlertError as exc:
        return str(exc)
    return None


def stop_following(request: Request, user: User, watching: Watchlist | None) -> None:
    if watching is not None:
        request.app.state.web.storage.delete_watchlist(user.id, watching.id)
