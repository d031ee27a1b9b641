"""Storylines as data: the block a story page shows, the storyline page and API document, the list."""

from __future__ import annotations

import json
from collections import Counter

from newsdesk.model import Story, Storyline
from newsdesk.storage import Storage
from newsdesk.synthesize import extractive_so_far, so_far_sources, stored_so_far
from newsdesk.timeutil import to_utc
from newsdesk.web.entity_data import entity_brief


def _iso(value) -> str | None:
    return to_utc(value).isoformat() if value is not None else None


def _page(story: Story) -> dict:
    try:
        return json.loads(story.page_json) if story.page_json else {}
    except ValueError:
        return {}


def event_json(story: Story) -> dict:
    page = _page(story)
    return {"id": story.id, "slug": story.slug, "headline": story.headline,
            "first_published": _iso(story.first_published), "last_updated": _iso(story.last_updated),
            "independent_count": story.independent_count, "article_count": story.article_count,
            "sources": list(page.get("independent") or [])}


def storyline_summary(storyline: Storyline) -> dict:
    return {"id": storyline.id, "slug": storyline.slug, "title": storyline.title, "url": f"/storylines/{storyline.slug}",
            "event_count": storyline.event_count, "first_activity": _iso(storyline.first_activity),
            "last_activity": _iso(storyline.last_activity)}


def storyline_brief(storage: Storage, story_id: int) -> dict | None:
    """What a story page shows of its storyline (None when it is in none): its title, size and events."""
    storyline_id = storage.storyline_of_story(story_id)
    storyline = storage.get_storyline(storyline_id) if storyline_id is not None else None
    if storyline is None:
        return None
    events = [event_json(s) for s in storage.storyline_events(storyline.id) if s.merged_into is None]
    return {**storyline_summary(storyline), "events": events}


def _so_far(storage: Storage, storyline: Storyline, events: list[Story]) -> dict:
    """The story so far: the LLM writer's, stored when its events changed, while they still say what it was
    told from; else the opening summary sentence of each of the latest events. Each sentence with the outlet
    it comes from and those that say the same, and the event it tells."""
    sources = so_far_sources(events)
    told = stored_so_far(storage.storyline_so_far(storyline.id), sources)
    shown = told if told is not None and told.method == "llm" else extractive_so_far(sources)
    event_of = {s.story_id: s for s in sources}
    sentences = [{**sentence, "story_slug": event_of[sentence["story_id"]].story_slug,
                  "when": _iso(event_of[sentence["story_id"]].when)}
                 for sentence in shown.sentences if sentence.get("story_id") in event_of]
    note = None
    if told is not None and told.error:
        note = f"The LLM writer could not tell it ({told.error}): these are the events' own opening sentences."
    return {"so_far": sentences, "so_far_by": shown.method, "so_far_note": note}


def storyline_document(storage: Storage, storyline: Storyline, entity_limit: int = 12) -> dict:
    """Everything on a storyline page: the story so far, the events in time order with their coverage, and
    the entities most of its events name."""
    events = [s for s in storage.storyline_events(storyline.id) if s.merged_into is None]
    named = storage.story_entity_ids([s.id for s in events])
    counts = Counter(e for ids in named.values() for e in ids)
    top = [entity_id for entity_id, _ in counts.most_common(entity_limit)]
    found = storage.entities_by_ids(top)
    entities = [{**entity_brief(found[e]), "events": counts[e]} for e in top if e in found]
    return {**storyline_summary(storyline), **_so_far(storage, storyline, events),
            "events": [event_json(s) for s in events],
            "entities": entities, "merged": storage.storylines_merged_into(storyline.id)}


def storylines_list(storage: Storage, limit: int = 20, offset: int = 0) -> dict:
    found, total = storage.list_storylines(limit=limit, offset=offset)
    return {"total": total, "storylines": [storyline_summary(s) for s in found]}
