"""Running document frequencies, by term and by a term's number: the features read one term's inverse document
frequency by its name, and many at once (every kept member's words of every candidate story) from an array."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


class Vocabulary:
    """Running document frequencies; inverse document frequency from what the desk has seen so far.

    Each term also has a number (`term_id`) indexing `counts`, its frequency as a float: a term numbered and not
    (or no longer) counted has 0. The numbers change only when the frequencies are replaced or pruned, and
    `epoch` then moves on, so that arrays of numbers kept elsewhere know to number their terms again."""

    def __init__(self, max_terms: int = 400_000) -> None:
        self._df: Counter = Counter()
        self.docs = 0
        self.max_terms = max_terms
        self.changed: set[str] = set()     # terms whose frequency changed since the state was last saved
        self.pruned = False                # rare terms were dropped since: the saved frequencies are rewritten
        self.ids: dict[str, int] = {}
        self.counts = np.zeros(1024, dtype=np.float64)
        self.epoch = 0

    @property
    def df(self) -> Counter:
        return self._df

    @df.setter
    def df(self, frequencies) -> None:
        self._df = Counter(frequencies)
        self._renumber()

    def _renumber(self) -> None:
        self.ids = {t: i for i, t in enumerate(self._df)}
        self.counts = np.zeros(max(1024, 2 * len(self.ids)), dtype=np.float64)
        self.counts[:len(self.ids)] = np.fromiter(self._df.values(), dtype=np.float64, count=len(self.ids))
        self.epoch += 1

    def term_id(self, term: str) -> int:
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.ids)
            if i >= len(self.counts):
                self.counts = np.concatenate([self.counts, np.zeros(len(self.counts), dtype=np.float64)])
        return i

    def term_ids(self, terms) -> np.ndarray:
        return np.fromiter((self.term_id(t) for t in terms), dtype=np.int32, count=len(terms))

    def idf(self, term: str) -> float:
        return math.log((self.docs + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def idf_of(self, ids: np.ndarray) -> np.ndarray:
        """`idf` of the numbered terms."""
        return np.log((self.docs + 1) / (self.counts[ids] + 1.0)) + 1.0

    def add(self, terms) -> None:
        self.docs += 1
        unique = set(terms)
        self._df.update(unique)
        self.changed |= unique
        if len(self._df) > self.max_terms:
            self.prune()
        else:
            ids = self.term_ids(unique)      # first: numbering new terms may grow `counts`
            self.counts[ids] += 1.0

    def prune(self) -> None:
        """Drop the rarest terms down to three quarters of `max_terms`, so that the next prune is that many new
        terms away. (Dropping only the terms seen once left a vocabulary of more than `max_terms` terms seen
        twice to prune again at every article: 400,000 terms rebuilt per article at ~100k stories held.)"""
        keep = self.max_terms * 3 // 4
        floor = sorted(self._df.values(), reverse=True)[keep] if len(self._df) > keep else 0
        self._df = Counter({t: c for t, c in self._df.items() if c > max(floor, 1)})
        self._renumber()
        self.pruned = True
