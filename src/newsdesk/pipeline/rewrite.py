"""Story pages written again on demand, e.g. after a person corrected their stories."""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.config import Settings
from newsdesk.pipeline.pages import PageWriter, story_writer
from newsdesk.pipeline.story_entities import StoryEntities
from newsdesk.pipeline.vectors import desk_embedder, desk_multilingual_embedder
from newsdesk.storage import Storage


def rewrite_pages(storage: Storage, settings: Settings, story_ids: Iterable[int]) -> int:
    """Write the pages of these stories again (with their entities when the desk finds them); returns how many
    were written."""
    embedder, multilingual = desk_embedder(storage), desk_multilingual_embedder(storage)
    pages = PageWriter(storage, story_writer(settings, embedder, multilingual),
                       entities=StoryEntities(storage, chars=settings.entity_chars) if settings.entities else None)
    written = pages.write(set(story_ids))
    pages.flush()
    embedder.flush()
    multilingual.flush()
    return written
