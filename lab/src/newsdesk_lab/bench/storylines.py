"""`newsdesk bench storylines`: the storyline linker's cost per event with 1k / 10k / 50k storylines held.

The linker is filled with generated storylines (two to four events each: a topic vector with noise, topic words
with others, a few entities), loaded as a desk's linker loads its stored storylines when it is rebuilt; then
`probe` new events, half of them continuing a held storyline and half new matters, are linked one at a time with
the shipped model, and the mean and p95 CPU time per link is reported (the process's CPU time, which a loaded
machine does not inflate; the wall time beside it), with the CPU seconds the filling took. Candidates come from
the HNSW index and the entity postings, so the cost should stay flat as the storylines held grow."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np

from newsdesk.storylines import EventRep, GroupRep, LinkModel, StorylineLinker

DIM = 384
FLAT_RATIO = 2.0      # the largest size's mean may cost at most this many times the smallest's


def _event(rng: np.random.Generator, event_id: int, topic: np.ndarray, words: list[str], entities: list[int],
           at: datetime) -> EventRep:
    vector = topic + rng.normal(scale=0.9 / np.sqrt(DIM), size=DIM) * 1.2
    vector = (vector / np.linalg.norm(vector)).astype(np.float32)
    terms = Counter(list(rng.choice(words, size=3, replace=False)) + [f"w{rng.integers(50_000)}" for _ in range(5)])
    return EventRep(event_id, vector, terms, frozenset(rng.choice(entities, size=2, replace=False).tolist()), at,
                    int(rng.integers(1, 8)), "")


def _topic(rng: np.random.Generator, n: int) -> tuple[np.ndarray, list[str], list[int]]:
    topic = rng.normal(size=DIM)
    return (topic / np.linalg.norm(topic), [f"t{n}-{k}" for k in range(6)],
            [int(x) for x in rng.integers(1, 200_000, size=4)])


def run_storylines_bench(sizes: tuple[int, ...] = (1000, 10_000, 50_000), probe: int = 500, seed: int = 7,
                         progress=None) -> dict:
    rng = np.random.default_rng(seed)
    model = LinkModel.load()
    counter = itertools.count(1)
    linker = StorylineLinker(model, allocate=lambda: next(counter))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    event_ids = itertools.count(1)
    topics: list[tuple[np.ndarray, list[str], list[int]]] = []
    rows = []
    held = 0
    for size in sorted(sizes):
        if progress:
            progress(f"filling {size} storylines …")
        filling = time.process_time()
        while held < size:          # as a desk's linker is rebuilt from its stored storylines
            topic = _topic(rng, len(topics))
            topics.append(topic)
            at = start + timedelta(minutes=len(topics))
            group = GroupRep(group_id=next(counter), events=[], total=np.zeros(DIM), terms=Counter(),
                             entities=Counter(), stored=True)
            for _ in range(int(rng.integers(2, 5))):
                event = _event(rng, next(event_ids), *topic, at)
                StorylineLinker.contribute(group, event)
                linker.df.add(event.terms, event.entities)
            linker.load_storyline(group)
            held += 1
        fill_cpu_s = time.process_time() - filling
        cpu, wall, scored = [], [], []
        at = start + timedelta(minutes=len(topics) + 1)
        for n in range(probe):
            topic = topics[int(rng.integers(len(topics)))] if n % 2 else _topic(rng, -n)
            event = _event(rng, next(event_ids), *topic, at)
            began, began_cpu = time.perf_counter(), time.process_time()
            linker.link(event)
            cpu.append(time.process_time() - began_cpu)
            wall.append(time.perf_counter() - began)
        for n in range(min(probe, 100)):        # how many candidates a link scores (other events, off the clock)
            topic = topics[int(rng.integers(len(topics)))] if n % 2 else _topic(rng, -n)
            scored.append(len(linker.candidates(_event(rng, next(event_ids), *topic, at))))
        ms, wall_ms = np.asarray(cpu) * 1000, np.asarray(wall) * 1000
        rows.append({"storylines": size, "held": len(linker.groups), "mean_ms": round(float(ms.mean()), 3),
                     "p95_ms": round(float(np.percentile(ms, 95)), 3), "wall_mean_ms": round(float(wall_ms.mean()), 3),
                     "fill_cpu_s": round(fill_cpu_s, 1), "candidates": round(float(np.mean(scored)), 1)})
    ratio = rows[-1]["mean_ms"] / max(rows[0]["mean_ms"], 1e-9)
    return {"sizes": rows, "ratio": round(ratio, 3), "flat": ratio <= FLAT_RATIO, "probe": probe}
