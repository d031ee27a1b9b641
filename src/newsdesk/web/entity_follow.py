"""The follow button of an entity page: a logged-in user follows the entity (a watchlist of theirs, new stories
naming it) or stops following it, and is sent back to the page; a stranger is sent to the login first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.model import Entity, User, WatchKind, Watchlist
from newsdesk.storage import Storage
from newsdesk.web.follow_button import back_to, follower, start_following, stop_following
from newsdesk.web.params import key_in_range

router = APIRouter(include_in_schema=False)


def entity_watchlist(storage: Storage, user: User | None, entity_id: int) -> Watchlist | None:
    """The user's watchlist of this entity, when they follow it."""
    if user is None:
        return None
    return next((w for w in storage.watchlists(user.id) if w.kind == WatchKind.ENTITY and w.entity_id == entity_id),
                None)


def _entity(request: Request, key: str) -> Entity:
    found = request.app.state.web.storage.get_entity(key)
    if found is None:
        raise HTTPException(404, f"no entity {key!r}")
    return found


def _back(entity: Entity, **query: str) -> RedirectResponse:
    return back_to(f"/entities/{entity.slug}", **query)


@router.post("/entities/{key}/follow", dependencies=[Depends(key_in_range)])
def follow_entity(request: Request, key: str, csrf: str = Form("")) -> Response:
    user = follower(request, f"/entities/{key}", csrf)
    entity = _entity(request, key)
    watching = entity_watchlist(request.app.state.web.storage, user, entity.id)
    error = start_following(request, user, WatchKind.ENTITY, str(entity.id), watching)
    return _back(entity, error=error) if error else _back(entity)


@router.post("/entities/{key}/unfollow", dependencies=[Depends(key_in_range)])
def unfollow_entity(request: Request, key: str, csrf: str = Form("")) -> Response:
    user = follower(request, f"/entities/{key}", csrf)
    entity = _entity(request, key)
    stop_following(request, user, entity_watchlist(request.app.state.web.storage, user, entity.id))
    return _back(entity)
