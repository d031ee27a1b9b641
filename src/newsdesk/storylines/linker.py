"""Online linking of events (stories) into storylines: `StorylineLinker.link(EventRep) -> LinkDecision`.

Every event the linker has seen lives in a group: a storyline (two events or more, with an id from `allocate`)
or a lone event that a later related event may pair with. A new or changed event is scored by the link model
against the groups nearest to it (an HNSW index over group centroids, and the groups naming its entities: an
index, never a scan) and joins the best storyline at or above the model's threshold, or starts one with the lone
event it matches; an event already in a storyline stays there (its storyline's profile follows its change).
When an event matches two storylines, they merge if the model links them as wholes. Groups silent for longer
than the horizon leave the index."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from newsdesk.storylines.features import (NEAREST_KEPT, TERMS_KEPT, DocumentFrequency, EventRep, GroupRep,
                                          entity_overlap, link_features)
from newsdesk.storylines.index import VectorIndex
from newsdesk.storylines.model import LinkModel

HORIZON = timedelta(days=120)   # a storyline silent this long is no longer joined
NEIGHBOURS = 16                 # groups read from the vector index per event
POSTING = 16                    # groups kept per entity (the latest)


@dataclass
class LinkDecision:
    event_id: int
    storyline: int | None            # the event's storyline after the link (None: it stands alone for now)
    created: bool = False            # the event started `storyline` with `added[0]`
    added: tuple[int, ...] = ()      # events put into `storyline` by this link
    merged: tuple[int, ...] = ()     # storylines redirected to `storyline` by this link
    probability: float = 0.0
    candidates: int = 0
    changed: bool = False            # the storyline's profile changed (an event in it changed)


def _storyline_key(storyline_id: int) -> int:
    return 2 * storyline_id


def _lone_key(event_id: int) -> int:
    return 2 * event_id + 1


@dataclass
class Candidate:
    key: int
    probability: float
    features: list[float] = field(default_factory=list)


class StorylineLinker:
    def __init__(self, model: LinkModel, allocate: Callable[[], int], horizon: timedelta = HORIZON) -> None:
        self.model = model
        self.allocate = allocate
        self.horizon = horizon
        self.groups: dict[int, GroupRep] = {}
        self.event_group: dict[int, int] = {}
        self.index = VectorIndex()
        self.postings: dict[int, deque[int]] = {}
        self.df = DocumentFrequency()
        self.pinned: set[int] = set()          # events a person placed: never moved by the linker
        self.latest_time: datetime | None = None
        self._links = 0

    # -- reading the state -------------------------------------------------------------------------------
    def storyline_of(self, event_id: int) -> int | None:
        key = self.event_group.get(event_id)
        return key // 2 if key is not None and key % 2 == 0 else None

    def group(self, storyline_id: int) -> GroupRep | None:
        return self.groups.get(_storyline_key(storyline_id))

    # -- building ------------------------------------------------------------------------------------------
    def load_storyline(self, group: GroupRep) -> None:
        """A stored storyline, as it was saved (`GroupRep.stored`), back into the index."""
        group.stored = True
        key = _storyline_key(group.group_id)
        self.groups[key] = group
        for event_id in group.events:
            self.event_group[event_id] = key
        self._index(key, group)

    def _index(self, key: int, group: GroupRep) -> None:
        self.index.put(key, group.centroid)
        for entity in group.entities:
            posting = self.postings.setdefault(entity, deque(maxlen=POSTING))
            if key not in posting:
                posting.append(key)
        if group.last_time is not None and (self.latest_time is None or group.last_time > self.latest_time):
            self.latest_time = group.last_time

    def _drop(self, key: int) -> None:
        group = self.groups.pop(key, None)
        self.index.remove(key)
        if group is None:
            return
        for entity in group.entities:
            posting = self.postings.get(entity)
            if posting is not None and key in posting:
                posting.remove(key)

    # -- scoring -------------------------------------------------------------------------------------------
    def _gap_days(self, a: datetime | None, b: datetime | None) -> float | None:
        if a is None or b is None:
            return None
        return abs((a - b).total_seconds()) / 86400

    def _live(self, group: GroupRep) -> bool:
        return (group.last_time is None or self.latest_time is None
                or self.latest_time - group.last_time <= self.horizon)

    def candidates(self, event: EventRep, exclude: Iterable[int] = ()) -> list[Candidate]:
        """The groups nearest to `event` (by vector and by entity), scored, best first."""
        skip = set(exclude)
        keys = [key for key, _ in self.index.search(event.vector, NEIGHBOURS + len(skip))]
        for entity in event.entities:
            keys.extend(self.postings.get(entity, ()))
        out = []
        for key in dict.fromkeys(keys):
            group = self.groups.get(key)
            if key in skip or group is None or not self._live(group):
                continue
            features = link_features(event, group, self.df)
            p = self.model.probability(features, self._gap_days(event.time, group.last_time),
                                       entity_overlap(event, group, self.df))
            out.append(Candidate(key, p, features))
        out.sort(key=lambda c: -c.probability)
        return out

    # -- changing the state --------------------------------------------------------------------------------
    def _contribute(self, group: GroupRep, event: EventRep) -> None:
        self.contribute(group, event)

    @staticmethod
    def contribute(group: GroupRep, event: EventRep) -> None:
        """Add the event to the group's profile (replacing what it added before, while remembered)."""
        vector = np.asarray(event.vector, dtype=np.float32)
        terms = frozenset(event.terms)
        if event.event_id in group.recent:
            old_vector, old_terms, old_entities, old_articles = group.recent.pop(event.event_id)
            group.moved()
            group.total -= old_vector
            group.terms.subtract(old_terms)
            group.entities.subtract(old_entities)
            group.articles -= old_articles
        elif event.event_id in group.events:       # changed long after it joined: only its time counts
            vector, terms = None, None
        if vector is not None:
            group.moved()
            group.total += vector
            group.terms.update(terms)
            group.entities.update(event.entities)
            group.articles += event.articles
            group.recent[event.event_id] = (vector, terms, event.entities, event.articles)
            while len(group.recent) > NEAREST_KEPT:
                group.recent.pop(next(iter(group.recent)))
        if len(group.terms) > 2 * TERMS_KEPT:
            group.terms = Counter(dict(group.terms.most_common(TERMS_KEPT)))
        group.terms = +group.terms
        group.entities = +group.entities
        if event.time is not None and (group.last_time is None or event.time > group.last_time):
            group.last_time = event.time
        if event.event_id not in group.events:
            group.events.append(event.event_id)

    def _lone(self, event: EventRep) -> GroupRep:
        group = GroupRep(group_id=event.event_id, events=[], total=np.zeros(event.vector.shape[0]),
                         terms=Counter(), entities=Counter())
        self._contribute(group, event)
        return group

    def place(self, event: EventRep, target: int | None, probability: float = 1.0) -> LinkDecision:
        """Put `event` into the group `target` (a key from `candidates`), or leave it alone when None: what
        `link` decides, and what training replays with the gold decision."""
        if event.time is not None and (self.latest_time is None or event.time > self.latest_time):
            self.latest_time = event.time
        current = self.event_group.get(event.event_id)
        if current is not None and current % 2 == 0:          # in a storyline: it stays, the profile follows
            group = self.groups[current]
            self._contribute(group, event)
            self._index(current, group)
            return LinkDecision(event.event_id, current // 2, changed=True)
        if current is not None:
            self._drop(current)
        else:
            self.df.add(event.terms, event.entities)
        if target is None:
            key = _lone_key(event.event_id)
            self.groups[key] = self._lone(event)
            self.event_group[event.event_id] = key
            self._index(key, self.groups[key])
            return LinkDecision(event.event_id, None, probability=probability)
        group = self.groups[target]
        created = not group.stored
        if created:
            self._drop(target)
            storyline_id = self.allocate()
            group = GroupRep(group_id=storyline_id, events=list(group.events), total=group.total.copy(),
                             terms=group.terms, entities=group.entities, last_time=group.last_time,
                             articles=group.articles, stored=True, recent=group.recent)
            target = _storyline_key(storyline_id)
            self.groups[target] = group
            for event_id in group.events:
                self.event_group[event_id] = target
        added = (*([group.events[0]] if created else []), event.event_id)
        self._contribute(group, event)
        self.event_group[event.event_id] = target
        self._index(target, group)
        return LinkDecision(event.event_id, target // 2, created=created, added=added, probability=probability)

    def link(self, event: EventRep) -> LinkDecision:
        """Place a new or changed event; merge the storylines it joins when they converge."""
        self._links += 1
        if self._links % 1000 == 0:
            self.sweep()
        current = self.event_group.get(event.event_id)
        if event.event_id in self.pinned or (current is not None and current % 2 == 0):
            decision = self.place(event, None)
            return decision
        scored = self.candidates(event, exclude=[current] if current is not None else [])
        best = scored[0] if scored and scored[0].probability >= self.model.threshold else None
        decision = self.place(event, best.key if best else None, best.probability if best else 0.0)
        decision.candidates = len(scored)
        if best is None or decision.storyline is None:
            return decision
        others = [c.key for c in scored[1:] if c.probability >= self.model.threshold and c.key % 2 == 0]
        merged = []
        for other in others:
            into = self.merge_if_converged(_storyline_key(decision.storyline), other)
            if into is not None:
                merged.append(other // 2 if into == _storyline_key(decision.storyline) else decision.storyline)
                decision.storyline = into // 2
        decision.merged = tuple(merged)
        return decision

    def as_event(self, group: GroupRep) -> EventRep:
        return EventRep(event_id=-1, vector=group.centroid, terms=Counter(dict(group.terms.most_common(40))),
                        entities=frozenset(group.entities), time=group.last_time, articles=group.articles)

    def merge_if_converged(self, a: int, b: int) -> int | None:
        """Merge storylines `a` and `b` (keys) when the model links them as wholes; the larger survives. Returns
        the surviving key, or None."""
        first, second = self.groups.get(a), self.groups.get(b)
        if first is None or second is None or a == b:
            return None
        if any(e in self.pinned for e in (*first.events, *second.events)):
            return None
        small, large = sorted((first, second), key=lambda g: (len(g.events), -g.group_id))
        p = self.model.probability(link_features(self.as_event(small), large, self.df),
                                   self._gap_days(small.last_time, large.last_time), entity_overlap(
                                       self.as_event(small), large, self.df))
        if p < self.model.merge_threshold:
            return None
        return self.merge(_storyline_key(small.group_id), _storyline_key(large.group_id))

    def merge(self, source: int, into: int) -> int:
        """Storyline `source` (key) folds into `into`; returns `into`."""
        moving, staying = self.groups[source], self.groups[into]
        self._drop(source)
        staying.total = staying.total + moving.total
        staying.moved()
        staying.terms.update(moving.terms)
        staying.entities.update(moving.entities)
        staying.articles += moving.articles
        staying.recent.update(moving.recent)
        while len(staying.recent) > NEAREST_KEPT:
            staying.recent.pop(next(iter(staying.recent)))
        staying.events.extend(e for e in moving.events if e not in staying.events)
        if moving.last_time is not None and (staying.last_time is None or moving.last_time > staying.last_time):
            staying.last_time = moving.last_time
        for event_id in moving.events:
            self.event_group[event_id] = into
        self._index(into, staying)
        return into

    def sweep(self) -> int:
        """Drop the groups silent past the horizon; returns how many left."""
        quiet = [key for key, group in self.groups.items() if not self._live(group)]
        for key in quiet:
            group = self.groups[key]
            self._drop(key)
            for event_id in group.events:
                self.event_group.pop(event_id, None)
        return len(quiet)
