"""What changed in a story since a reader last read it, or since a moment: the story's articles now, those the
reader saw and each as the desk held it then, read from storage and handed to the reading stage."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone, tzinfo

from newsdesk.model import ChangeMark, StoryChanges, StoryRead
from newsdesk.pipeline.pages import writer_articles
from newsdesk.reading import FactFinder, change_marks, story_changes
from newsdesk.storage import Storage

NOT_READ = "you have not read this story before"
NOTHING_THEN = "the story had no article at that time"
REGROUPED = "none of the articles you read is in this story any more"

_finders: dict[str, FactFinder] = {}
_lock = threading.Lock()


def fact_finder(zone: tzinfo = timezone.utc) -> FactFinder:
    """The process's judge of new facts for the desk's time zone (it keeps no state: the vectors it reuses
    are the shared embedder's)."""
    from newsdesk.synthesize import Writer, WriterConfig

    key = str(zone)
    with _lock:
        if key not in _finders:
            _finders[key] = FactFinder(Writer(WriterConfig(zone=zone)))
        return _finders[key]


def changes_since_read(storage: Storage, story_id: int, user_id: int, *, finder: FactFinder | None = None,
                       zone: tzinfo = timezone.utc) -> tuple[StoryChanges | None, str]:
    """What changed since the user last read the story, or (None, why not)."""
    read = storage.story_reads(user_id, [story_id]).get(story_id)
    if read is None or read.read_at is None:
        return None, NOT_READ
    return _changes(storage, story_id, read.seen_articles or None, read.read_at, finder, zone)


def changes_since(storage: Storage, story_id: int, moment: datetime, *, finder: FactFinder | None = None,
                  zone: tzinfo = timezone.utc) -> tuple[StoryChanges | None, str]:
    """What changed since `moment`, the story then being its articles the desk had by then, as they were then;
    or (None, why not)."""
    return _changes(storage, story_id, None, moment, finder, zone)


def _changes(storage: Storage, story_id: int, seen: Sequence[int] | None, moment: datetime,
             finder: FactFinder | None, zone: tzinfo) -> tuple[StoryChanges | None, str]:
    articles = storage.story_articles(story_id)
    if seen is None:
        seen = [a.id for a in articles if a.first_seen_at <= moment]
        if not seen:
            return None, NOTHING_THEN
    seen_set = set(seen)
    if not seen_set & {a.id for a in articles}:
        return None, REGROUPED
    versions = storage.versions_at([a.id for a in articles if a.id in seen_set and a.revision_count > 1], moment)
    return story_changes(writer_articles(storage, articles), seen, moment, seen_versions=versions,
                         finder=finder or fact_finder(zone), zone=zone), ""


def story_change_marks(storage: Storage, user_id: int, story_ids: Sequence[int], *,
                       reads: Mapping[int, StoryRead] | None = None) -> dict[int, ChangeMark]:
    """For the stories of a list (the home page's) that the user read before, what changed since, counted
    without reading a text: two queries whatever the number of stories (one when `reads`, the user's reads of
    these stories, are given)."""
    if reads is None:
        reads = storage.story_reads(user_id, story_ids)
    reads = {story_id: read for story_id, read in reads.items() if read.read_at is not None}
    if not reads:
        return {}
    return change_marks(storage.story_article_outlines(list(reads)), reads)


def stories_changed_since_read(storage: Storage, user_id: int, limit: int = 100) -> list[ChangeMark]:
    """The stories the user read that changed since (a new report, or a report its outlet updated: reprints
    alone bring nothing new), the most recently changed first, each with what changed, counted as the home
    page counts it."""
    candidates = storage.stories_updated_since_read(user_id, limit)
    marks = story_change_marks(storage, user_id, [story_id for story_id, _ in candidates])
    return [marks[story_id] for story_id, _ in candidates if story_id in marks and marks[story_id].changed]
