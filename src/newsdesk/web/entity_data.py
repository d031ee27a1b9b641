"""Entities as the pages, the API, the feeds and `newsdesk entity` show them: built from storage in a few
queries, as plain data."""

from __future__ import annotations

from newsdesk.model import Entity
from newsdesk.storage import Storage
from newsdesk.timeutil import to_utc

STORY_ENTITIES = 24        # entities a story page lists at most
ENTITY_STORIES = 50        # stories an entity page lists at most


def _iso(value) -> str | None:
    return to_utc(value).isoformat() if value else None


def entity_brief(entity: Entity) -> dict:
    return {"id": entity.id, "slug": entity.slug, "name": entity.name, "type": str(entity.type),
            "url": f"/entities/{entity.slug}", "api_url": f"/api/v1/entities/{entity.id}"}


def story_entities_json(storage: Storage, story_id: int, limit: int = STORY_ENTITIES) -> list[dict]:
    """The entities a story names, by how many independent sources name each: with `part_of` the id of the
    entity it is a longer form of, when the story names that one too (pages show the two together)."""
    named = storage.story_entities(story_id, limit=limit)
    listed = {n.entity.id for n in named}
    return [{**entity_brief(n.entity), "sources": n.sources, "mentions": n.mentions,
             "part_of": n.entity.parent_id if n.entity.parent_id in listed else None} for n in named]


def entity_summary(entity: Entity) -> dict:
    return {**entity_brief(entity), "first_seen": _iso(entity.first_seen), "last_seen": _iso(entity.last_seen),
            "story_count": entity.story_count}


def find_entities_json(storage: Storage, query: str, limit: int = 20) -> list[dict]:
    from newsdesk.entities import search_key

    return [entity_summary(e) for e in storage.find_entities(search_key(query), limit=limit)]


def entity_document(storage: Storage, entity: Entity, *, limit: int = ENTITY_STORIES, offset: int = 0) -> dict:
    """One entity with the stories naming it (newest first, each with its independent outlets and how many of
    them name the entity), the entities most often named with it, its other forms and the names it goes by."""
    stories = storage.entity_stories(entity.id, limit=limit, offset=offset)
    return {
        **entity_summary(entity),
        "aliases": storage.entity_aliases(entity.id),
        "forms": [{**entity_brief(f), "relation": "longer form" if f.parent_id == entity.id else "shorter form"}
                  for f in storage.entity_forms(entity.id)],
        "stories": [{"id": s.story_id, "slug": s.slug, "headline": s.headline or "",
                          "url": f"/stories/{s.slug}", "first_published": _iso(s.first_published),
                          "last_updated": _iso(s.last_updated), "outlets": s.independent_count,
                          "sources": s.sources} for s in stories],
        "related": [{**entity_brief(c.entity), "stories": c.stories} for c in storage.co_entities(entity.id)],
    }
