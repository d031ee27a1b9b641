"""Stories' coverage by side, read from storage: the sources behind each story and their labels."""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.coverage import story_coverage
from newsdesk.model import Coverage
from newsdesk.storage import Storage


def stories_coverage(storage: Storage, story_ids: Sequence[int]) -> dict[int, Coverage]:
    """Per story, its coverage by the labels of its independent sources (three queries for any number)."""
    in_use = storage.labels_in_use()
    sources = storage.story_sources(story_ids)
    if not in_use:
        return {story_id: Coverage(unlabelled=len(found)) for story_id, found in sources.items()}
    labels_of = storage.source_labels({s for found in sources.values() for s in found})
    return {story_id: story_coverage(found, labels_of, in_use) for story_id, found in sources.items()}


def blindspot_stories(storage: Storage, *, scan: int = 300, limit: int = 20, offset: int = 0
                      ) -> tuple[list[tuple[int, Coverage]], int]:
    """The stories with a blindspot among the `scan` best ranked, in rank order: one page of them and how
    many there are in all."""
    if not storage.labels_in_use():
        return [], 0
    ids, _ = storage.rank_stories(limit=scan)
    coverage = stories_coverage(storage, ids)
    found = [(story_id, coverage[story_id]) for story_id in ids if coverage[story_id].blindspots]
    return found[offset:offset + limit], len(found)
