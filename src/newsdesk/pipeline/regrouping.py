"""Every stored article (or those since a date) grouped again from a fresh grouper, old story ids kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from newsdesk.cluster import WINDOW, OnlineClusterer
from newsdesk.embed import CachedEmbedder
from newsdesk.entities import MAX_CHARS
from newsdesk.pipeline.grouping import StoryGrouper
from newsdesk.pipeline.pages import PageWriter, StoryWriter
from newsdesk.pipeline.story_entities import StoryEntities
from newsdesk.pipeline.vectors import desk_embedder, desk_multilingual_embedder
from newsdesk.storage import Storage
from newsdesk.synthesize import Writer


def regroup(storage: Storage, since: datetime | None = None, batch: int = 256,
            progress: Callable[[int], None] | None = None, window: timedelta | None = None,
            writer: StoryWriter | None = None, entities: bool = True,
            embedder: CachedEmbedder | None = None, multilingual: CachedEmbedder | None = None,
            entity_chars: int = MAX_CHARS) -> tuple[int, int]:
    """Group the articles published since `since` (all when None) again, from a fresh grouper; each old
    story then resolves to the new story that holds most of its articles, and every page is written again by
    `writer` (else the extractive writer), with its entities unless `entities` is False (the NER reading
    `entity_chars` of each article's text). The grouper and that writer embed with `embedder` (across languages
    `multilingual`), else the desk's, with its stored vectors. Returns (stories, articles)."""
    embedder = embedder or desk_embedder(storage)
    multilingual = multilingual or desk_multilingual_embedder(storage)
    before = dict(storage.clear_stories(since))
    grouper = StoryGrouper(storage, clusterer=OnlineClusterer(window=window or WINDOW, embedder=embedder,
                                                              multilingual=multilingual))
    ids = list(before)
    touched: set[int] = set()
    for start in range(0, len(ids), batch):
        touched |= grouper.group(ids[start:start + batch])
        if progress:
            progress(min(start + batch, len(ids)))
    grouper.save()
    votes: dict[int, Counter] = {}
    for article_id, old in before.items():
        if old is not None:
            votes.setdefault(old, Counter())[storage.story_of(article_id)] += 1
    for old, counts in votes.items():
        new, _ = counts.most_common(1)[0]
        if new is not None and new != old:
            storage.merge_stories(old, new)
            storage.carry_story_override(old, new)
    pages = PageWriter(storage, writer or Writer(encoder=embedder, multilingual=multilingual),
                       entities=StoryEntities(storage, chars=entity_chars) if entities else None)
    pages.write(touched)
    pages.flush()
    embedder.flush()
    multilingual.flush()
    return len(touched), len(ids)
