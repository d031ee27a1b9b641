"""Grouping a backfill's time line in parallel: the articles in time order are cut into segments, each read
with the story window before it (the overlap) by its own online clusterer, then stitched: a story of a segment
that holds overlap articles continues the story that owns most of them; then, at each boundary, the stories
on either side are profiled from their articles within a window of it and the desk's merge model is asked about
each pair across it, as the online grouper asks it after every placement (`merge_at_boundaries`).

An article is compared only with stories that have an article within the window before it, so the overlap
holds every article the sequential grouper could have joined it to; what a segment does not see is the part of
a long story older than the window, which the sequential grouper's story profile still remembers. The term
weights a segment's clusterer reads are the sequential grouper's: it starts from the document frequencies of
every article before its first (`backfill.vocabulary`, counted in parallel)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from newsdesk.cluster import ClusterInput, OnlineClusterer, final_stories

if TYPE_CHECKING:
    from newsdesk.backfill.vocabulary import TermCounts


@dataclass
class SegmentItem:
    """One original article as the grouping reads it (vector included)."""
    id: int
    title: str
    text: str
    time: datetime
    source: str | None
    language: str | None
    vector: bytes | None
    cross: bytes | None = None    # the multilingual vector (float32), computed by the clusterer when None

    def cluster_input(self) -> ClusterInput:
        vector = np.frombuffer(self.vector, dtype=np.float32).copy() if self.vector is not None else None
        cross = np.frombuffer(self.cross, dtype=np.float32).copy() if self.cross is not None else None
        return ClusterInput(id=self.id, title=self.title, text=self.text, published=self.time, source=self.source,
                            language=self.language, embedding=vector, cross=cross)


@dataclass
class Segment:
    number: int
    start: datetime | None    # articles from here on belong to this segment (None: from the first)
    items: list[SegmentItem]  # the overlap's articles first, then its own, in time order
    # The document frequencies of every article before the segment's first, and before its boundary's merge
    # window (start − window): the vocabulary the sequential grouper has there (backfill.vocabulary).
    terms_before: TermCounts | None = None
    terms_before_boundary: TermCounts | None = None


@dataclass
class Placed:
    article_id: int
    story: int                # the segment's story (after the segment's merges)
    score: float
    own: bool                 # the article belongs to this segment (not its overlap)


def plan_segments(items: list[SegmentItem], segments: int, overlap: timedelta) -> list[Segment]:
    """`segments` parts of about equal size of the items in time order, each with the `overlap` before it."""
    items = sorted(items, key=lambda it: (it.time, it.id))
    segments = max(1, min(segments, len(items)))
    if segments == 1:
        return [Segment(0, None, items)]
    starts = [items[len(items) * k // segments].time for k in range(1, segments)]
    starts = sorted(set(starts))
    planned: list[Segment] = []
    bounds = [None, *starts, None]
    for number, (start, end) in enumerate(zip(bounds, bounds[1:])):
        lo = None if start is None else start - overlap
        part = [it for it in items if (lo is None or it.time >= lo) and (end is None or it.time < end)]
        planned.append(Segment(number, start, part))
    return planned


def group_segment(segment: Segment, window: timedelta, embedder=None) -> list[Placed]:
    """The segment through a fresh online clusterer (the desk's model) that starts from the vocabulary of
    everything before it, when the segment has it (`terms_before`); the final story of each article."""
    clusterer = OnlineClusterer(window=window, embedder=embedder)
    if segment.terms_before is not None:
        clusterer.vocab = segment.terms_before.as_vocabulary()
    inputs = [it.cluster_input() for it in segment.items]
    assignments = clusterer.add_many(inputs)
    return [Placed(it.id, story, a.score, segment.start is None or it.time >= segment.start)
            for it, a, story in zip(segment.items, assignments, final_stories(assignments))]


def stitch(results: list[list[Placed]]) -> list[list[tuple[int, float]]]:
    """Segments' placements (in segment order) → stories, each a list of (article id, score) in the order the
    segments placed them. A segment's story continues the story that owns most of its overlap articles (the
    earliest such story on a tie), else it is a new story."""
    owner: dict[int, tuple[int, int]] = {}            # article → (segment, story) that owns it
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(key: tuple[int, int]) -> tuple[int, int]:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for number, placed in enumerate(results):
        votes: dict[int, Counter] = {}
        for p in placed:
            if p.own:
                owner[p.article_id] = (number, p.story)
            elif p.article_id in owner:
                votes.setdefault(p.story, Counter())[root(owner[p.article_id])] += 1
        for story, counts in votes.items():
            best = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))[0]
            parent[(number, story)] = best
    stories: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for number, placed in enumerate(results):
        for p in placed:
            if p.own:
                stories.setdefault(root((number, p.story)), []).append((p.article_id, p.score))
    return list(stories.values())


def merge_at_boundaries(stories: list[list[tuple[int, float]]], plan: list[Segment], window: timedelta,
                        embedder=None) -> list[list[tuple[int, float]]]:
    """The stitched stories, those across a boundary merged where the merge model says so. At each boundary a
    fresh clusterer is given the articles within `window` of it, each into its stitched story (profiles as
    the online grouper builds them); then each story from after the boundary has `merge_checks` run on it, the
    online grouper's own merge step, allowed to merge only with a story from before the boundary."""
    item_of = {it.id: it for segment in plan for it in segment.items}
    story_of = {article: n for n, members in enumerate(stories) for article, _ in members}
    first = [min(item_of[a].time for a, _ in members) for members in stories]
    parent = list(range(len(stories)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for segment in plan[1:]:
        boundary = segment.start
        near = sorted((it for a, it in item_of.items() if a in story_of and
                       boundary - window <= it.time < boundary + window), key=lambda it: (it.time, it.id))
        for group in _boundary_merges(near, story_of, root, first, boundary, window, embedder,
                                      segment.terms_before_boundary):
            for n in group[1:]:
                parent[root(n)] = root(group[0])
    merged: dict[int, list[tuple[int, float]]] = {}
    for n, members in enumerate(stories):
        merged.setdefault(root(n), []).extend(members)
    return list(merged.values())


def _boundary_merges(near: list[SegmentItem], story_of: dict[int, int], root, first: list[datetime],
                     boundary: datetime, window: timedelta, embedder,
                     terms_before: TermCounts | None = None) -> list[list[int]]:
    """The stitched stories (by number) the merge model joins across one boundary, in groups."""
    clusterer = OnlineClusterer(window=window, embedder=embedder)
    if terms_before is not None:
        clusterer.vocab = terms_before.as_vocabulary()
    inputs = [it.cluster_input() for it in near]
    clusterer.embed(inputs)
    local: dict[int, int] = {}         # stitched story → its story in this clusterer
    side: dict[int, str] = {}          # the clusterer's story → "before" or "after" the boundary, or "both"
    for item in inputs:
        n = root(story_of[item.id])
        target = clusterer.stories.get(clusterer.resolve(local[n])) if n in local else None
        story = clusterer.commit(clusterer.represent(item), target)
        if target is None:              # its first article here, or its story went out of the window
            local[n] = story.id
            side[story.id] = "before" if first[n] < boundary else "after"

    def across_only(story, other, features) -> bool | None:
        if side.get(story.id) == side.get(other.id) != "both":
            return False
        return None

    clusterer.merge_hook = across_only
    for n, story_id in local.items():
        current = clusterer.resolve(story_id)
        if side.get(story_id) == "after" and current in clusterer.stories:
            survivor, merged = clusterer.merge_checks(clusterer.stories[current])
            if merged:
                side[survivor.id] = "both"
    groups: dict[int, list[int]] = {}
    for n, story_id in local.items():
        groups.setdefault(clusterer.resolve(story_id), []).append(n)
    return [g for g in groups.values() if len(g) > 1]
