"""The vocabulary a segment's clusterer starts from: the document frequencies the sequential grouper holds when
it reaches the segment's first article, counted in parallel. The time line is cut where a segment's articles
begin (and where a boundary's merge window begins); each slice's articles are counted on a worker (map,
`count_terms`) and the counts before each cut are summed on the driver (reduce, `running_sums`).

The grouper's vocabulary is never windowed: every article it has placed counts, once per term. It is exact
until the frequencies hold more than the vocabulary's `max_terms` terms; past that the grouper prunes its rarest
terms as it goes (a pruned term starts again from zero), which a sum cannot replay: the sum is pruned once, so
the rarest terms' counts can be higher than the grouper's."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from newsdesk.backfill.segments import Segment, SegmentItem
from newsdesk.cluster import ClusterInput, Vocabulary, document_terms, read_words


@dataclass
class TermCounts:
    """The document frequencies of `docs` articles."""
    docs: int = 0
    df: Counter = field(default_factory=Counter)

    def __add__(self, other: "TermCounts") -> "TermCounts":
        return TermCounts(self.docs + other.docs, self.df + other.df)

    def as_vocabulary(self) -> Vocabulary:
        vocabulary = Vocabulary()
        vocabulary.df = Counter(self.df)
        vocabulary.docs = self.docs
        if len(vocabulary.df) > vocabulary.max_terms:
            vocabulary.prune()
        return vocabulary


def count_terms(items: list[SegmentItem]) -> TermCounts:
    """The map: one slice's document frequencies, as the grouper counts each article it places."""
    df: Counter = Counter()
    for item in items:
        df.update(document_terms(read_words(ClusterInput(item.id, item.title, item.text, language=item.language))))
    return TermCounts(len(items), df)


def running_sums(slices: list[TermCounts]) -> list[TermCounts]:
    """The reduce: nothing, the first slice, the first two, … all of them."""
    sums = [TermCounts()]
    for counts in slices:
        sums.append(sums[-1] + counts)
    return sums


def attach_vocabularies(plan: list[Segment], window: timedelta,
                        count: Callable[[list[list[SegmentItem]]], list[TermCounts]] | None = None) -> None:
    """Give each segment the counts of every article before its first (`Segment.terms_before`) and before its
    boundary's merge window (`Segment.terms_before_boundary`). `count` maps `count_terms` over the slices (an
    engine's `count_terms`); in this process when None."""
    items = sorted({it.id: it for segment in plan for it in segment.items}.values(), key=lambda it: (it.time, it.id))
    times = [it.time for it in items]
    firsts = {s.number: bisect_left(times, s.items[0].time) if s.items else len(items) for s in plan}
    windows = {s.number: bisect_left(times, s.start - window) for s in plan if s.start is not None}
    cuts = sorted({0, *firsts.values(), *windows.values()})
    slices = [items[a:b] for a, b in zip(cuts, cuts[1:])]
    counted = count(slices) if count is not None else [count_terms(part) for part in slices]
    before = dict(zip(cuts, running_sums(counted)))
    for segment in plan:
        segment.terms_before = before[firsts[segment.number]] if firsts[segment.number] else None
        if segment.number in windows:
            segment.terms_before_boundary = before[windows[segment.number]]
