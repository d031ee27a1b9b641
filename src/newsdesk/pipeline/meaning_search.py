"""Stories found by what a query means, in any language the multilingual model reads: the query's vector
(embed.get_multilingual_embedder, mapped into the grouping's space) against the centroids of recent stories.
Full-text search finds the query's words; this finds the story told in other words or another language."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.embed import get_multilingual_embedder
from newsdesk.model import Story
from newsdesk.pipeline.related import rank_by_centroid
from newsdesk.storage import Storage

# Cosine of a query's vector to a story's centroid above which the story is shown (docs/research/multilingual.md).
MEANING_FLOOR = 0.3
RECENT_STORIES = 5000


@dataclass
class MeaningHit:
    story: Story
    similarity: float


def stories_by_meaning(storage: Storage, query: str, k: int = 5, floor: float = MEANING_FLOOR) -> list[MeaningHit]:
    """Up to `k` live stories, among the RECENT_STORIES last updated, whose centroid is nearest the query's
    vector and at least `floor` close, best first."""
    query = " ".join(query.split())
    if not query:
        return []
    vector = get_multilingual_embedder().encode([query])[0]
    ranked = [(i, s) for i, s in rank_by_centroid(storage.story_centroids(limit=RECENT_STORIES), vector, 4 * k)
              if s >= floor]
    stories = {s.id: s for s in storage.stories_by_ids([i for i, _ in ranked])}
    hits = [MeaningHit(stories[i], round(s, 3)) for i, s in ranked
            if i in stories and stories[i].merged_into is None and stories[i].page_json]
    return hits[:k]


def warm_meaning_search() -> None:
    """Load the multilingual model now (a second or two, once per process) rather than under a reader's first
    search."""
    get_multilingual_embedder().encode(["warm"])
