"""What the link model weighs between an event (a story) and a storyline: meaning (vector cosines), the subject's
words (rare words the event shares with the storyline), the size of each side; entities and time enter as
hand-set priors (`model.LinkModel`), since the training set carries neither."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

FEATURES = ("cos_centroid", "cos_nearest", "term_cover", "term_share", "log_events", "log_articles")

_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
_STOP = frozenset("""a about after again against all also an and any are as at be been before being between both but
by can could did do does doing down during each few for from further had has have having he her here hers him his
how i if in into is it its itself just me more most my no nor not now of off on once only or other our out over own
same says said she should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your new news live
update updates report reports latest after amid over says""".split())

TERMS_KEPT = 200          # a storyline's word profile keeps its most frequent words
NEAREST_KEPT = 8          # and the vectors of its latest events


def subject_terms(titles: list[str], limit: int = 40) -> Counter:
    """The words of an event's headlines that can name its subject: lower-cased, no stop words, no numbers."""
    counts: Counter = Counter()
    for title in titles:
        counts.update(w for w in (m.group(0).lower().strip("'-") for m in _WORD.finditer(title or ""))
                      if len(w) > 2 and w not in _STOP)
    return Counter(dict(counts.most_common(limit)))


@dataclass
class EventRep:
    """One event as the linker reads it: its story id, unit vector, subject words, entity ids, latest time."""
    event_id: int
    vector: np.ndarray
    terms: Counter
    entities: frozenset[int] = frozenset()
    time: datetime | None = None
    articles: int = 1
    title: str = ""


@dataclass
class GroupRep:
    """A storyline (or a lone event that may start one) as the linker holds it."""
    group_id: int
    events: list[int]
    total: np.ndarray                       # sum of its events' unit vectors (float64)
    terms: Counter                          # in how many of its events each word appears
    entities: Counter                       # in how many of its events each entity appears
    last_time: datetime | None = None
    articles: int = 0
    stored: bool = False                    # a storyline (two events or more), not a lone event
    # what its latest events added (vector, words, entities, articles), so that a change replaces it
    recent: dict[int, tuple[np.ndarray, frozenset[str], frozenset[int], int]] = field(default_factory=dict)

    @property
    def latest(self) -> list[np.ndarray]:
        return [vector for vector, *_ in self.recent.values()]

    _centroid: np.ndarray | None = field(default=None, repr=False)

    @property
    def centroid(self) -> np.ndarray:
        if self._centroid is None:
            norm = float(np.linalg.norm(self.total))
            self._centroid = (self.total / norm if norm else self.total).astype(np.float32)
        return self._centroid

    def moved(self) -> None:
        """Its vector sum changed: the centroid is computed again when next read."""
        self._centroid = None


class DocumentFrequency:
    """In how many events each word (and each entity) appeared: the rarity that weighs a shared one."""

    def __init__(self) -> None:
        self.df: Counter = Counter()
        self.entity_df: Counter = Counter()
        self.events = 0

    def add(self, terms, entities=()) -> None:
        self.events += 1
        self.df.update(set(terms))
        self.entity_df.update(set(entities))

    def idf(self, term: str) -> float:
        return math.log((1 + self.events) / (1 + self.df.get(term, 0))) + 1.0

    def entity_idf(self, entity: int) -> float:
        return math.log((1 + self.events) / (1 + self.entity_df.get(entity, 0))) + 1.0


def link_features(event: EventRep, group: GroupRep, df: DocumentFrequency) -> list[float]:
    """The FEATURES of `event` against `group`, in order."""
    centroid = group.centroid
    cos_centroid = float(np.dot(event.vector, centroid)) if centroid.size else 0.0
    cos_nearest = max((float(np.dot(event.vector, v)) for v in group.latest), default=cos_centroid)
    weights = {t: df.idf(t) for t in event.terms}
    total = sum(weights.values()) or 1.0
    size = max(len(group.events), 1)
    cover = sum(w for t, w in weights.items() if group.terms.get(t))
    share = sum(w * min(group.terms.get(t, 0) / size, 1.0) for t, w in weights.items())
    return [cos_centroid, cos_nearest, cover / total, share / total, math.log1p(len(group.events)),
            math.log1p(event.articles)]


def entity_overlap(event: EventRep, group: GroupRep, df: DocumentFrequency) -> float | None:
    """The share of the event's entities the storyline names, each weighed by its rarity (a country every story
    names counts little, the bridge or the minister much); None when either side names none."""
    if not event.entities or not group.entities:
        return None
    weights = {e: df.entity_idf(e) for e in event.entities}
    return sum(w for e, w in weights.items() if group.entities.get(e)) / sum(weights.values())
