"""Segmented against sequential grouping: the same articles grouped by one online clusterer in time order and by
`plan_segments` + `group_segment` + `stitch` + `merge_at_boundaries` (what a backfill does; the stitch's vote
alone also scored), scored by B³ F1 against the gold events and
against each other; what the stitch gets wrong, counted.

    python -m newsdesk_lab.backfill.segmented [--ecbplus FILE] [--neus VAL.source] [--generated N] [--segments 2,4,8]
        [--workers N] [--vocabulary sequential,segment] [--cache DIR]

ECB+ and NeuS carry no dates: each event is given a start at random over `days` and its articles times within
a day of it (seeded), so that both groupings read the same dated stream."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from newsdesk.backfill import (Segment, SegmentItem, attach_vocabularies, group_segment, merge_at_boundaries,
                               plan_segments, stitch)
from newsdesk.cluster import WINDOW, lead_vectors
from newsdesk_lab.cluster.data import LabelledArticle, iter_jsonl, neus_articles
from newsdesk_lab.cluster.metrics import bcubed

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def dated(articles: list[LabelledArticle], days: float, seed: int = 0) -> list[LabelledArticle]:
    """The articles with times: each event starts at random over `days`, its articles within a day after."""
    rng = random.Random(seed)
    starts: dict[str, datetime] = {}
    out = []
    for a in articles:
        start = starts.setdefault(a.event, START + timedelta(days=rng.random() * days))
        out.append(LabelledArticle(a.id, a.title, a.text, a.event, start + timedelta(hours=rng.random() * 24),
                                   a.source))
    return sorted(out, key=lambda a: (a.published, a.id))


def generated(n: int, seed: int = 11) -> list[LabelledArticle]:
    from newsdesk_lab.bench.corpus import generate_articles

    return [LabelledArticle(a.id, a.title, a.text, a.event, a.published, a.source)
            for a in generate_articles(n, seed=seed)]


def compare(articles: list[LabelledArticle], segments: list[int], window: timedelta = WINDOW, embedder=None,
            workers: int = 1, overlaps: tuple[float, ...] = (1.0,), vocabularies: tuple[str, ...] = ("sequential",),
            cache: Path | None = None, name: str = "stream") -> dict:
    """B³ F1 of the sequential and of each segmented grouping against the gold events; each segmented one's F1
    against the sequential one; the stitch's seconds; the articles the stitch put elsewhere than the sequential
    grouping, by kind. Each segmented grouping starts each segment from the vocabulary the sequential grouper
    has there ("sequential") or from an empty one ("segment"), as `vocabularies` asks."""
    return dict(comparisons(articles, segments, window, embedder, workers, overlaps, vocabularies, cache, name))


def comparisons(articles: list[LabelledArticle], segments: list[int], window: timedelta = WINDOW, embedder=None,
                workers: int = 1, overlaps: tuple[float, ...] = (1.0,), vocabularies: tuple[str, ...] = ("sequential",),
                cache: Path | None = None, name: str = "stream") -> Iterator[tuple[str, object]]:
    """`compare`'s figures one grouping at a time, as each is done."""
    started = time.perf_counter()
    vectors, cross = stream_vectors(articles, embedder, cache, name, workers=workers)
    embed_s = time.perf_counter() - started
    items = [SegmentItem(i, a.title, a.text, a.published, a.source, None, v.tobytes(), c.tobytes())
             for i, (a, v, c) in enumerate(zip(articles, vectors, cross))]
    gold = [a.event for a in articles]
    yield "articles", len(articles)
    yield "events", len(set(gold))
    yield "embed_s", round(embed_s, 1)
    started, cpu = time.perf_counter(), time.process_time()
    sequential = _labels(stitch([group_segment(Segment(0, None, items), window)]), len(items))
    seq_f1 = bcubed(gold, sequential)[2]
    yield "sequential", {"b3_f1": round(seq_f1, 4), "group_s": round(time.perf_counter() - started, 1),
                         "group_cpu_s": round(time.process_time() - cpu, 1)}
    for n, overlap, vocabulary in ((n, o, v) for n in segments for o in overlaps for v in vocabularies):
        plan = plan_segments(items, n, window * overlap)
        started = time.perf_counter()
        placed = _group_all(plan, window, workers, vocabulary == "sequential")
        group_s = time.perf_counter() - started
        started = time.perf_counter()
        voted = stitch(placed)
        vote_s = time.perf_counter() - started
        started = time.perf_counter()
        stories = merge_at_boundaries(voted, plan, window, embedder)
        merge_s = time.perf_counter() - started
        labels = _labels(stories, len(items))
        voted_labels = _labels(voted, len(items))
        f1, voted_f1 = bcubed(gold, labels)[2], bcubed(gold, voted_labels)[2]
        key = (f"segments_{n}" + (f"_overlap_{overlap:g}w" if overlap != 1.0 else "")
               + ("_segment_vocabulary" if vocabulary == "segment" else ""))
        yield key, {
            "segments": len(plan), "b3_f1": round(f1, 4), "delta_vs_sequential": round(f1 - seq_f1, 4),
            "b3_f1_against_sequential": round(bcubed(sequential, labels)[2], 4),
            "vote_only_b3_f1": round(voted_f1, 4), "vote_only_delta_vs_sequential": round(voted_f1 - seq_f1, 4),
            "boundary_merges": len(voted) - len(stories),
            "overlap_articles": sum(len(s.items) for s in plan) - len(items),
            "group_s": round(group_s, 1), "stitch_s": round(vote_s + merge_s, 4), "merge_s": round(merge_s, 4),
            "stitch_errors": stitch_errors(sequential, labels, items, plan)}


def stream_vectors(articles: list[LabelledArticle], embedder=None, cache: Path | None = None, name: str = "stream",
                   chunk: int = 500, cross_embedder=None, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The articles' grouping vectors and multilingual vectors (both as the clusterer would compute them), `chunk`
    articles at a time, on `workers` processes (the desk's models; in this process with `embedder` or
    `cross_embedder` given). With `cache` (a folder) each chunk's vectors are kept there under a digest of the
    stream once done and read back by later runs: the sequential and every segmented grouping, in this run and
    the next, read one set of vectors, and a run cut off while embedding goes on where it was."""
    digest = hashlib.sha256()
    for a in articles:
        digest.update(f"{a.title}\0{a.text}\1".encode())
    stem = f"{name}-{len(articles)}-{digest.hexdigest()[:16]}"
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    firsts = list(range(0, len(articles), chunk))
    paths = [cache / f"{stem}-{chunk}-{k}.npz" if cache is not None else None for k in range(len(firsts))]
    parts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for k, path in enumerate(paths):
        if path is not None and path.exists():
            with np.load(path) as kept:
                parts[k] = (kept["vectors"], kept["cross"])
    missing = [k for k in range(len(firsts)) if k not in parts]
    texts = {k: [(a.title, a.text) for a in articles[firsts[k]:firsts[k] + chunk]] for k in missing}
    started = time.perf_counter()
    for k, part in _embedded(texts, embedder, cross_embedder, workers):
        parts[k] = part
        if paths[k] is not None:
            partial = paths[k].with_suffix(".part.npz")
            np.savez(partial, vectors=part[0], cross=part[1])
            os.replace(partial, paths[k])
        print(f"{name}: chunk {k + 1}/{len(firsts)} embedded, {len(parts)} of {len(firsts)} ready, "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if not parts:
        return np.zeros((0, 0), np.float32), np.zeros((0, 0), np.float32)
    ordered = [parts[k] for k in range(len(firsts))]
    return (np.concatenate([p[0] for p in ordered]).astype(np.float32),
            np.concatenate([p[1] for p in ordered]).astype(np.float32))


def _embedded(texts: dict[int, list[tuple[str, str]]], embedder, cross_embedder,
              workers: int) -> Iterator[tuple[int, tuple[np.ndarray, np.ndarray]]]:
    if workers <= 1 or embedder is not None or cross_embedder is not None or len(texts) <= 1:
        for k, part in texts.items():
            yield k, embed_chunk(part, embedder, cross_embedder)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_one_text_at_a_time) as pool:
        futures = {pool.submit(embed_chunk, part): k for k, part in texts.items()}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _one_text_at_a_time() -> None:
    from newsdesk.embed import EMBED_THREADS_ENV

    os.environ.setdefault(EMBED_THREADS_ENV, "1")


def embed_chunk(texts: list[tuple[str, str]], embedder=None, cross_embedder=None) -> tuple[np.ndarray, np.ndarray]:
    """(title, text)s' grouping vectors and multilingual vectors."""
    from newsdesk.embed import get_embedder, get_multilingual_embedder

    return (lead_vectors(embedder or get_embedder(), texts),
            lead_vectors(cross_embedder or get_multilingual_embedder(), texts))


def _group_all(plan: list[Segment], window: timedelta, workers: int, sequential_vocabulary: bool = True):
    if workers <= 1:
        if sequential_vocabulary:
            attach_vocabularies(plan, window)
        return [group_segment(s, window) for s in plan]
    from newsdesk.backfill import LocalEngine

    engine = LocalEngine(workers)
    try:
        if sequential_vocabulary:
            attach_vocabularies(plan, window, engine.count_terms)
        return engine.group(plan, window)
    finally:
        engine.close()


def _labels(stories: list[list[tuple[int, float]]], n: int) -> list[int]:
    labels = [-1] * n
    for number, members in enumerate(stories):
        for article, _ in members:
            labels[article] = number
    return labels


def stitch_errors(sequential: list[int], segmented: list[int], items: list[SegmentItem],
                  plan: list[Segment]) -> dict:
    """Pairs of articles from either side of a segment boundary (within a window of it) that the sequential
    grouping puts together and the segmented one apart ("split at a boundary"), or the reverse ("joined at a
    boundary"); and the same disagreements away from boundaries, which come from what a segment's clusterer
    did not see (the older part of a long story)."""
    starts = [s.start for s in plan if s.start is not None]
    segment_of = [sum(1 for b in starts if it.time >= b) for it in items]
    counts: Counter = Counter()
    by_seq: dict[int, list[int]] = {}
    for i, label in enumerate(sequential):
        by_seq.setdefault(label, []).append(i)
    by_seg: dict[int, list[int]] = {}
    for i, label in enumerate(segmented):
        by_seg.setdefault(label, []).append(i)
    for members, other, kind in ((by_seq, segmented, "split"), (by_seg, sequential, "joined")):
        for group in members.values():
            for k, i in enumerate(group):
                for j in group[k + 1:]:
                    if other[i] != other[j]:
                        where = "at a boundary" if segment_of[i] != segment_of[j] else "within a segment"
                        counts[f"{kind} {where}"] += 1
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ecbplus", type=Path)
    parser.add_argument("--neus", type=Path)
    parser.add_argument("--generated", type=int, default=0)
    parser.add_argument("--segments", default="2,4,8")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--overlaps", default="1", help="overlaps to try, in story windows (e.g. 1,2)")
    parser.add_argument("--vocabulary", default="sequential",
                        help="each segment's starting vocabulary: sequential (the sequential grouper's there), "
                             "segment (empty), or both: sequential,segment")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsdesk-segmented-vectors"),
                        help="folder keeping each stream's vectors for later runs ('' for none)")
    args = parser.parse_args()
    segments = [int(s) for s in args.segments.split(",")]
    overlaps = tuple(float(o) for o in args.overlaps.split(","))
    streams = []
    if args.ecbplus:
        streams.append(("ecbplus", lambda: dated(list(iter_jsonl(args.ecbplus)), days=20)))
    if args.neus:
        streams.append(("neus", lambda: dated(neus_articles(args.neus, seed=0), days=120)))
    if args.generated:
        streams.append(("generated", lambda: generated(args.generated)))
    vocabularies = tuple(v.strip() for v in args.vocabulary.split(","))
    cache = args.cache if str(args.cache) else None
    for name, stream in streams:
        for key, result in comparisons(stream(), segments, workers=args.workers, overlaps=overlaps,
                                       vocabularies=vocabularies, cache=cache, name=name):
            print(json.dumps({name: {key: result}}), flush=True)


if __name__ == "__main__":
    main()
