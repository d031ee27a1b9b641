"""Running document frequencies, by term number: the features read many at once (every kept member's words of
every candidate story) from an array, and an article's words are looked up once each."""

from __future__ import annotations

import math

import numpy as np


class Vocabulary:
    """Running document frequencies; inverse document frequency from what the desk has seen so far.

    Each term has a number (`term_id`) indexing `counts`, its frequency as a float; a term numbered and not (or no
    longer) counted has 0. The numbers change only when the frequencies are replaced, or pruned with too many
    terms numbered, and `epoch` then moves on, so that arrays of numbers kept elsewhere know to number their terms
    again."""

    RENUMBER_PAST = 2      # a prune numbers the terms anew only when this many times `max_terms` are numbered

    def __init__(self, max_terms: int = 400_000) -> None:
        self.docs = 0
        self.max_terms = max_terms
        self.changed: set[str] = set()     # terms whose frequency changed since the state was last saved
        self.pruned = False                # rare terms were dropped since: the saved frequencies are rewritten
        self.ids: dict[str, int] = {}
        self.counts = np.zeros(1024, dtype=np.float64)
        self.held = 0                      # terms counted at least once
        self.epoch = 0

    @property
    def df(self) -> dict[str, int]:
        """The document frequencies as a dictionary, made anew (to save them)."""
        counts = self.counts
        return {t: int(counts[i]) for t, i in self.ids.items() if counts[i] > 0}

    @df.setter
    def df(self, frequencies) -> None:
        self._renumber({t: c for t, c in dict(frequencies).items() if c > 0})

    def _renumber(self, frequencies: dict[str, int | float]) -> None:
        self.ids = {t: i for i, t in enumerate(frequencies)}
        self.counts = np.zeros(max(1024, 2 * len(self.ids)), dtype=np.float64)
        self.counts[:len(self.ids)] = np.fromiter(frequencies.values(), dtype=np.float64, count=len(self.ids))
        self.held = len(self.ids)
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

    def frequency(self, term: str) -> int:
        i = self.ids.get(term)
        return 0 if i is None else int(self.counts[i])

    def idf(self, term: str) -> float:
        return math.log((self.docs + 1) / (self.frequency(term) + 1)) + 1.0

    def idf_of(self, ids: np.ndarray) -> np.ndarray:
        """`idf` of the numbered terms."""
        return np.log((self.docs + 1) / (self.counts[ids] + 1.0)) + 1.0

    def add(self, terms) -> None:
        self.docs += 1
        unique = set(terms)
        self.changed |= unique
        ids = self.term_ids(unique)      # first: numbering new terms may grow `counts`
        self.held += int(np.count_nonzero(self.counts[ids] == 0))
        self.counts[ids] += 1.0
        if self.held > self.max_terms:
            self.prune()

    def prune(self) -> None:
        """Drop the rarest terms down to three quarters of `max_terms`, so that the next prune is that many new
        terms away. (Dropping only the terms seen once left a vocabulary of more than `max_terms` terms seen
        twice to prune again at every article: 400,000 terms rebuilt per article at ~100k stories held.)"""
        keep = self.max_terms * 3 // 4
        counts = self.counts[:len(self.ids)]
        held = counts[counts > 0]
        floor = float(np.sort(held)[::-1][keep]) if len(held) > keep else 0.0
        bar = max(floor, 1.0)
        if len(self.ids) > self.RENUMBER_PAST * self.max_terms:
            self._renumber({t: counts[i] for t, i in self.ids.items() if counts[i] > bar})
        else:       # the dropped terms keep their numbers, uncounted: arrays of numbers kept elsewhere stay right
            counts[(counts > 0) & (counts <= bar)] = 0.0
            self.held = int(np.count_nonzero(counts))
        self.pruned = True
