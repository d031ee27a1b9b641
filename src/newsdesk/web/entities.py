"""Entity pages, the entities API and an Atom feed per entity."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.model import Entity
from newsdesk.web.access import current_user, require_reader
from newsdesk.web.api import ERRORS, etagged
from newsdesk.web.entity_data import entity_document, find_entities_json
from newsdesk.web.entity_follow import entity_watchlist
from newsdesk.web.schema import EntityDocument, EntityList

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_reader)])
api = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS, dependencies=[Depends(require_reader)])
feeds = APIRouter(prefix="/feeds", include_in_schema=False, dependencies=[Depends(require_reader)])


def _entity(request: Request, key: str) -> Entity:
    found = request.app.state.web.storage.get_entity(key)
    if found is None:
        raise HTTPException(404, f"no entity {key!r}")
    return found


@pages.get("/entities")
def entities_page(request: Request, q: str = Query("", max_length=200)) -> Response:
    storage = request.app.state.web.storage
    found = find_entities_json(storage, q, limit=50) if q.strip() else []
    return request.app.state.web.renderer.page(request, "entities.html", {
        "title": f"Entities: {q}" if q.strip() else "Entities", "q": q, "found": found})


@pages.get("/entities/{key}")
def entity_page(request: Request, key: str, page: int = Query(1, ge=1, le=1000),
                error: str | None = Query(None, max_length=500)) -> Response:
    entity = _entity(request, key)
    if key != entity.slug:           # one address per entity: its id leads to its slug
        return RedirectResponse(f"/entities/{entity.slug}" + (f"?page={page}" if page > 1 else ""), status_code=301)
    per_page = 30
    storage = request.app.state.web.storage
    doc = entity_document(storage, entity, limit=per_page, offset=(page - 1) * per_page)
    last = max(1, -(-entity.story_count // per_page))
    return request.app.state.web.renderer.page(request, "entity.html", {
        "title": entity.name, "doc": doc, "pages": {"page": page, "last": last, "has_prev": page > 1,
                                                    "has_next": page < last},
        "following": entity_watchlist(storage, current_user(request), entity.id), "error": error,
        "feed": f"/feeds/entities/{entity.id}.atom", "feed_title": f"Stories naming {entity.name}"})


@api.get("/entities", summary="Find entities by name", response_model=EntityList)
def find_entities(request: Request, q: str = Query(..., min_length=1, max_length=200),
                  limit: int = Query(20, ge=1, le=100)) -> Response:
    return etagged(request, {"query": q, "entities": find_entities_json(request.app.state.web.storage, q, limit)})


@api.get("/entities/{key}", summary="One entity (id or slug) with the stories naming it", response_model=EntityDocument)
def entity(request: Request, key: str, page: int = Query(1, ge=1, le=1000),
           per_page: int = Query(50, ge=1, le=100)) -> Response:
    found = _entity(request, key)
    return etagged(request, entity_document(request.app.state.web.storage, found, limit=per_page,
                                            offset=(page - 1) * per_page))


@feeds.get("/entities/{key}.atom")
def entity_feed(request: Request, key: str) -> Response:
    from newsdesk.web.feeds import Feed

    found = _entity(request, key)
    storage = request.app.state.web.storage
    feed = Feed(request, f"newsdesk: {found.name}", f"/feeds/entities/{found.id}.atom", f"/entities/{found.slug}")
    stories = storage.entity_stories(found.id, limit=30)
    cards = {c.id: c for c in request.app.state.web.reader.cards(storage.stories_by_ids([s.story_id for s in stories]))}
    for s in stories:
        card = cards.get(s.story_id)
        summary = " ".join(x["text"] for x in card.summary) if card else ""
        named = f"{s.sources} of {s.independent_count} independent sources name {found.name}"
        feed.entry(entry_id=f"/stories/{s.story_id}", title=s.headline or "", path=f"/stories/{s.slug}",
                   updated=s.last_updated, published=s.first_published,
                   summary=f"{summary} ({named})" if summary else named)
    return feed.response(request)
