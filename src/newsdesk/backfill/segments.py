"""Grouping a backfill's time line in parallel: the articles in time order are cut into segments, each read
with the story window before it (the overlap) by its own online clusterer, then stitched: a story of a segment
that holds overlap articles continues the story that owns most of them.

An article is compared only with stories that have an article within the window before it, so the overlap
holds every article the sequential grouper could have joined it to; what a segment does not see is the part of
a long story older than the window, which the sequential grouper's story profile still remembers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from newsdesk.cluster import ClusterInput, OnlineClusterer


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

    def cluster_input(self) -> ClusterInput:
        vector = np.frombuffer(self.vector, dtype=np.float32).copy() if self.vector is not None else None
        return ClusterInput(id=self.id, title=self.title, text=self.text, published=self.time, source=self.source,
                            language=self.language, embedding=vector)


@dataclass
class Segment:
    number: int
    start: datetime | None    # articles from here on belong to this segment (None: from the first)
    items: list[SegmentItem]  # the overlap's articles first, then its own, in time order


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
    """The segment through a fresh online clusterer (the desk's model); the final story of each article."""
    clusterer = OnlineClusterer(window=window, embedder=embedder)
    inputs = [it.cluster_input() for it in segment.items]
    assignments = clusterer.add_many(inputs)
    return [Placed(it.id, clusterer.resolve(a.story_id), a.score, segment.start is None or it.time >= segment.start)
            for it, a in zip(segment.items, assignments)]


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
