"""The related-stories rule, one for the web and the CLI: the nearest other stories in time and meaning."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from newsdesk.model import Story, StoryCentroid
from newsdesk.storage import Storage
from newsdesk.synthesize import title_key


@dataclass
class Related:
    story: Story
    similarity: float


def rank_by_centroid(near: list[StoryCentroid], centroid: np.ndarray, want: int) -> list[tuple[int, float]]:
    """The `want` stories of `near` closest to `centroid`, best first, as (story id, cosine)."""
    rows = [(s.story_id, s.centroid) for s in near if s.centroid and len(s.centroid) == centroid.nbytes]
    if not rows:
        return []
    scores = np.einsum("ij,j->i", np.frombuffer(b"".join(c for _, c in rows), dtype=np.float32).reshape(len(rows), -1),
                       centroid)
    order = np.argsort(-scores, kind="stable")[:want]
    return [(rows[i][0], float(scores[i])) for i in order]


def related_stories(storage: Storage, story: Story, k: int = 5, span: timedelta = timedelta(days=7),
                    floor: float = 0.35, same: float = 0.92,
                    ranked: Callable[[int], list[tuple[int, float]]] | None = None) -> list[Related]:
    """Never the story itself, one merged into it, a near-identical story (`same`), or two with one headline
    (the seed page listed one story three times). `ranked(want)` gives the `want` best (story id, cosine)
    candidates within `span` of the story's last update; by default they are scored from storage (the web
    passes its centroid index). Candidates are read four times as deep until `k` are found or none is left."""
    if story.centroid is None or story.last_updated is None:
        return []
    if ranked is None:
        mine = np.frombuffer(story.centroid, dtype=np.float32)
        ranked = lambda want: rank_by_centroid(  # noqa: E731
            storage.story_centroids(around=story.last_updated, span=span), mine, want)
    want = 2 * k
    while True:
        candidates = ranked(want)
        chosen = _choose(storage, story, candidates, k, floor, same)
        if len(chosen) == k or len(candidates) < want or candidates[-1][1] < floor:
            return chosen
        want *= 4


def _choose(storage: Storage, story: Story, ranked: list[tuple[int, float]], k: int, floor: float, same: float
            ) -> list[Related]:
    ranked = [(i, score) for i, score in ranked if i != story.id and floor <= score < same]
    stories = {s.id: s for s in storage.stories_by_ids([i for i, _ in ranked])}
    seen = {title_key(story.headline)}
    chosen: list[Related] = []
    for story_id, score in ranked:
        other = stories.get(story_id)
        if other is None or other.merged_into is not None or not other.page_json:
            continue                           # merged or cleared since the candidates were read
        headline = title_key(other.headline)
        if headline in seen:
            continue
        seen.add(headline)
        chosen.append(Related(other, round(score, 3)))
        if len(chosen) == k:
            break
    return chosen
