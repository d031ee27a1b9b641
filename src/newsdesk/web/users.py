"""The admins' Users page: list, add, disable and enable, delete, reset a password, set a role, end a user's
sessions. Refusals (a taken name, a weak password, the last admin) are shown on the page; nothing is changed."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.accounts import (
    AccountError,
    add_user,
    delete_user,
    disable_user,
    new_password,
    revoke_sessions,
    set_password,
    set_role,
)
from newsdesk.model import Role, User
from newsdesk.web.access import require_admin_page, require_csrf
from newsdesk.web.params import PathId

REVOKED = "their sessions ended, and their API tokens, reader apps' logins and private feed address are revoked."
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin_page)])


def _web(request: Request):
    return request.app.state.web


def _page(request: Request, *, message: str | None = None, error: str | None = None,
          shown_once: tuple[str, str] | None = None, status: int = 200) -> Response:
    web = _web(request)
    return web.renderer.page(request, "users.html", {
        "title": "Users", "users": web.storage.list_users(), "message": message, "error": error,
        "shown_once": shown_once, "roles": [r.value for r in Role]}, status=status)


def _back(message: str) -> RedirectResponse:
    return RedirectResponse("/users?" + urlencode({"message": message}), status_code=303)


def _target(request: Request, user_id: int) -> User:
    user = _web(request).storage.get_user(user_id)
    if user is None:
        raise HTTPException(404, f"no user {user_id}")
    return user


@router.get("/users")
def users_page(request: Request, message: str | None = Query(None, max_length=300)) -> Response:
    return _page(request, message=message)


@router.post("/users")
def add(request: Request, csrf: str = Form(""), name: str = Form("", max_length=200),
        password: str = Form("", max_length=1100), admin: bool = Form(False)) -> Response:
    """A new user; without a password one is made and shown on the answer, once."""
    require_csrf(request, csrf)
    generated = not password
    password = password or new_password()
    try:
        user = add_user(_web(request).storage, name, password, Role.ADMIN if admin else Role.READER)
    except AccountError as exc:
        return _page(request, error=f"{exc}: nobody was added", status=400)
    if generated:
        return _page(request, message=f"Added {user.name} ({user.role}).", shown_once=(user.name, password))
    return _back(f"Added {user.name} ({user.role}).")


def _change(request: Request, user_id: int, csrf: str, change, done: str) -> Response:
    require_csrf(request, csrf)
    user = _target(request, user_id)
    try:
        change(_web(request).storage, user)
    except AccountError as exc:
        return _page(request, error=f"{exc}: nothing was changed", status=400)
    _web(request).users.forget(user.id)
    return _back(done.format(name=user.name))


@router.post("/users/{user_id}/disable")
def disable(request: Request, user_id: PathId, csrf: str = Form("")) -> Response:
    return _change(request, user_id, csrf, disable_user,
                   "Disabled {name}: their sessions and tokens no longer work.")


@router.post("/users/{user_id}/enable")
def enable(request: Request, user_id: PathId, csrf: str = Form("")) -> Response:
    return _change(request, user_id, csrf, lambda storage, user: disable_user(storage, user, False),
                   "Enabled {name}.")


@router.post("/users/{user_id}/delete")
def delete(request: Request, user_id: PathId, csrf: str = Form(""), confirm: bool = Form(False)) -> Response:
    if not confirm:
        require_csrf(request, csrf)
        return _page(request, error="tick the box to confirm the deletion: nothing was changed", status=400)
    return _change(request, user_id, csrf, delete_user, "Deleted {name} with their reading state and tokens.")


@router.post("/users/{user_id}/role")
def change_role(request: Request, user_id: PathId, csrf: str = Form(""),
                role: str = Form("", max_length=20)) -> Response:
    require_csrf(request, csrf)
    if role not in {r.value for r in Role}:
        raise HTTPException(400, f"role: {role!r} is neither admin nor reader")
    return _change(request, user_id, csrf, lambda storage, user: set_role(storage, user, Role(role)),
                   f"{{name}} is now {'an admin' if role == Role.ADMIN else 'a reader'}.")


@router.post("/users/{user_id}/revoke-sessions")
def end_sessions(request: Request, user_id: PathId, csrf: str = Form("")) -> Response:
    return _change(request, user_id, csrf, revoke_sessions, "Logged {name} out of every browser.")


@router.post("/users/{user_id}/password")
def reset_password(request: Request, user_id: PathId, csrf: str = Form(""),
                   password: str = Form("", max_length=1100)) -> Response:
    """A new password for the user (made and shown once when none is given); their sessions end."""
    require_csrf(request, csrf)
    user = _target(request, user_id)
    generated = not password
    password = password or new_password()
    try:
        set_password(_web(request).storage, user, password)
    except AccountError as exc:
        return _page(request, error=f"{exc}: nothing was changed", status=400)
    _web(request).users.forget(user.id)
    if generated:
        return _page(request, message=f"New password for {user.name}; {REVOKED}",
                     shown_once=(user.name, password))
    return _back(f"New password for {user.name}; {REVOKED}")
