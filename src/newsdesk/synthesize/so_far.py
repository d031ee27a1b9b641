"""The story so far of a storyline, from its events' stored summaries: extractively, the opening summary
sentence of each of the latest events, oldest first, each with the outlet it comes from and those that say the
same (the LLM's retelling of the same sentences is `llm.so_far`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newsdesk.model import Story

SO_FAR_EVENTS = 8        # the story so far tells the latest events


@dataclass
class SoFarSource:
    """One event as the story so far reads it: its summary sentences as its page shows them."""
    story_id: int
    story_slug: str
    when: datetime | None
    summary: list[dict]          # {"text", "article_id", "outlet", "also"} as stored on the story's page


@dataclass
class SoFar:
    """The story so far: its sentences ({"text", "article_id", "outlet", "also", "story_id"}), who wrote them
    (extractive or llm) and, when the LLM was asked and failed, why."""
    method: str = "extractive"
    sentences: list[dict] = field(default_factory=list)
    error: str = ""
    generated: int = 0
    dropped: int = 0
    dropped_reasons: dict[str, int] = field(default_factory=dict)


def _summary(story: Story) -> list[dict]:
    try:
        page = json.loads(story.page_json) if story.page_json else {}
    except ValueError:
        return []
    return [s for s in page.get("summary") or [] if isinstance(s, dict) and s.get("text")]


def so_far_sources(events: Sequence[Story]) -> list[SoFarSource]:
    """The latest events (time order, as given) that have a summary."""
    return [SoFarSource(s.id, s.slug, s.first_published, summary)
            for s in events[-SO_FAR_EVENTS:] if (summary := _summary(s))]


def sources_key(sources: Sequence[SoFarSource]) -> str:
    """What a story so far was written from: a stored one is shown only while its events still say the same."""
    told = [[s.story_id, [item["text"] for item in s.summary]] for s in sources]
    return hashlib.sha256(json.dumps(told, ensure_ascii=False).encode("utf-8")).hexdigest()


def _sentence(item: dict, source: SoFarSource) -> dict:
    return {"text": item["text"], "article_id": item.get("article_id"), "outlet": item.get("outlet"),
            "also": item.get("also", []), "story_id": source.story_id}


def extractive_so_far(sources: Sequence[SoFarSource]) -> SoFar:
    return SoFar(sentences=[_sentence(s.summary[0], s) for s in sources])


def so_far_json(so_far: SoFar, sources: Sequence[SoFarSource]) -> str:
    """A story so far as stored, with the key of the events it was told from."""
    return json.dumps({"key": sources_key(sources), "method": so_far.method, "sentences": so_far.sentences,
                       "error": so_far.error, "generated": so_far.generated, "dropped": so_far.dropped,
                       "dropped_reasons": so_far.dropped_reasons}, ensure_ascii=False)


def stored_so_far(stored: str | None, sources: Sequence[SoFarSource]) -> SoFar | None:
    """The stored story so far while its events still say what it was told from; None otherwise."""
    try:
        data = json.loads(stored) if stored else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("key") != sources_key(sources):
        return None
    return SoFar(method=data.get("method", "extractive"), sentences=list(data.get("sentences") or []),
                 error=data.get("error", ""), generated=int(data.get("generated", 0)),
                 dropped=int(data.get("dropped", 0)), dropped_reasons=dict(data.get("dropped_reasons") or {}))
