"""Where the grouping's CPU goes as the stories held grow, step by step, at several sizes at once.

    python -m newsdesk_lab.bench.flatness --sizes 1000,100000 [--probe 200] [--cache /tmp/flatness]

One clusterer per size is filled in this process with the scale bench's stories (`scale._Filler`, the clusterer
alone: nothing stored), then the same kind of probe as the scale bench's — half new reports of held stories, half
reports of new events — is given to the clusterers INTERLEAVED: probe article i to every size in turn before
article i + 1, so that the machine's load falls on every size alike. With `--restarted` the clusterers are first
put as a restart leaves them, as the scale bench probes them. The thread's CPU clock is read around each step of
the clusterer (wrappers put on its methods for the run, no profiler), and each step is reported per probe
article, inclusive of and exclusive of the steps it calls. Vectors are made, as in the scale bench; the
probe has no multilingual vectors. With `--cache`, each filled clusterer is pickled there (keyed by the size,
the seed and the clusterer's and the fill's source) and loaded instead of filled again: a loaded clusterer's
objects lie in memory in the order they were unpickled, as a restarted desk's do, not in the order of a fill.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsdesk.cluster import ClusterInput, OnlineClusterer, decode_story, encode_story
from newsdesk_lab.bench.scale import _Filler, _pool_vectors, _probe_articles, _Vectors

# (owner, attribute, step name): the clusterer's steps the clock is read around.
STEPS = (
    ("newsdesk.cluster.online:OnlineClusterer", "add", "add"),
    ("newsdesk.cluster.online:OnlineClusterer", "represent", "represent (text analysis)"),
    ("newsdesk.cluster.online:OnlineClusterer", "_near_stories", "nearest stories"),
    ("newsdesk.cluster.online:_Bucket", "nearest", "HNSW search"),
    ("newsdesk.cluster.online", "pair_features", "pair features"),
    ("newsdesk.cluster.model:PairModel", "score", "model score"),
    ("newsdesk.cluster.online", "join_facts", "join facts"),
    ("newsdesk.cluster.online:OnlineClusterer", "commit", "placing"),
    ("newsdesk.cluster.features:Vocabulary", "add", "vocabulary add"),
    ("newsdesk.cluster.features:Story", "add", "story add"),
    ("newsdesk.cluster.online:_Bucket", "extend", "HNSW insert"),
    ("newsdesk.cluster.online:OnlineClusterer", "_evict", "evict"),
    ("newsdesk.cluster.online:OnlineClusterer", "merge_checks", "merge checks"),
    ("newsdesk.cluster.online", "story_pair_features", "story-pair features"),
)
BASE = datetime(2026, 11, 1, tzinfo=timezone.utc)
FILL_SPAN = timedelta(hours=40)


class StepClock:
    """Thread CPU nanoseconds per path of nested steps ("add/merge checks/nearest stories/HNSW search"), inclusive
    and exclusive of the steps called inside, for whichever clusterer `current` names."""

    def __init__(self) -> None:
        self.inclusive: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.exclusive: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.current = ""
        self.running = False
        self._path: list[str] = []
        self._children: list[int] = []
        self._undo: list[tuple[object, str, object]] = []

    def install(self) -> None:
        import importlib

        for where, attribute, name in STEPS:
            module, _, cls = where.partition(":")
            owner = importlib.import_module(module)
            if cls:
                owner = getattr(owner, cls)
            original = getattr(owner, attribute)
            self._undo.append((owner, attribute, original))
            setattr(owner, attribute, self._timed(original, name))

    def remove(self) -> None:
        for owner, attribute, original in reversed(self._undo):
            setattr(owner, attribute, original)
        self._undo.clear()

    def _timed(self, original, name: str):
        clock = self

        def timed(*args, **kwargs):
            if not clock.running:
                return original(*args, **kwargs)
            clock._path.append(name)
            clock._children.append(0)
            start = time.thread_time_ns()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.thread_time_ns() - start
                children = clock._children.pop()
                path = "/".join(clock._path)
                clock._path.pop()
                clock.inclusive[clock.current][path] += spent
                clock.exclusive[clock.current][path] += spent - children
                clock.calls[clock.current][path] += 1
                if clock._children:
                    clock._children[-1] += spent

        return timed


def _source_key(size: int, seed: int) -> str:
    import newsdesk.cluster
    import newsdesk_lab.bench.scale

    digest = hashlib.sha256(f"{size}:{seed}".encode())
    for path in sorted(Path(newsdesk.cluster.__file__).parent.glob("*.py")) + [Path(newsdesk_lab.bench.scale.__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def filled(size: int, seed: int, probe: int, pool, cache: Path | None, say) -> tuple[OnlineClusterer, _Filler, _Vectors]:
    """A clusterer holding `size` stories of the scale bench's fill, its filler (for the probe's follow-ups) and
    vectors; from `cache` when it holds one of the same source."""
    path = cache / f"fill-{size}-{_source_key(size, seed)}.pickle" if cache is not None else None
    if path is not None and path.exists():
        started = time.process_time()
        with open(path, "rb") as f:
            loaded = pickle.load(f)
        say(f"{size} stories: loaded {path.name} in {time.process_time() - started:.1f} CPU-s")
        return loaded
    vectors = _Vectors(pool, seed)
    filler = _Filler(None, vectors, BASE, FILL_SPAN, seed, follow_ups_wanted=probe // 2)
    clusterer = OnlineClusterer()
    started = time.process_time()
    filler.fill_clusterer(clusterer, size, 0)
    say(f"{size} stories: {filler.articles} articles filled in {time.process_time() - started:.1f} CPU-s")
    if path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".part"), "wb") as f:
            pickle.dump((clusterer, filler, vectors), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(path.with_suffix(".part"), path)
    return clusterer, filler, vectors


def as_restarted(clusterer: OnlineClusterer) -> None:
    """The clusterer as a restart leaves it (as the scale bench probes it): every story decoded from the bytes a
    checkpoint saves, the document frequencies loaded anew; nothing a story keeps for the comparisons is kept."""
    clusterer.stories = {sid: decode_story(encode_story(s), clusterer.dim) for sid, s in clusterer.stories.items()}
    clusterer.vocab.df = Counter(clusterer.vocab.df)


def run_flatness(sizes: tuple[int, ...], probe: int = 200, seed: int = 11, cache: Path | None = None,
                 say=lambda line: None, pool=None, restarted: bool = False) -> dict:
    """Each step's CPU per probe article at each size (see the module's doc); `pool`: the real article vectors
    the made ones are moved from (by default the scale bench's, embedded by the model)."""
    pool = _pool_vectors(seed, BASE) if pool is None else pool
    held = {size: filled(size, seed, probe, pool, cache, say) for size in sizes}
    if restarted:
        for size, (clusterer, _, _) in held.items():
            started = time.process_time()
            as_restarted(clusterer)
            say(f"{size} stories: restarted in {time.process_time() - started:.1f} CPU-s")
    start = BASE + FILL_SPAN + timedelta(hours=2)
    probes = {size: _probe_articles(filler, vectors, probe, start, seed * 1000 + 500)
              for size, (_, filler, vectors) in held.items()}
    count = min(len(p) for p in probes.values())
    clock = StepClock()
    clock.install()
    joined = defaultdict(int)
    last_held = {size: clusterer.next_story - 1 for size, (clusterer, _, _) in held.items()}
    try:
        for i in range(count):
            for size, (clusterer, _, _) in held.items():
                p = probes[size][i]
                item = ClusterInput(id=f"probe-{i}", title=p.title, text=p.text, published=p.published,
                                    source=p.source, embedding=p.vector)
                clock.current, clock.running = str(size), True
                assignment = clusterer.add(item)
                clock.running = False
                joined[size] += assignment.story_id <= last_held[size]
    finally:
        clock.remove()
    rows = {}
    for size in sizes:
        name = str(size)
        rows[name] = {"probe_articles": count, "joined_held": joined[size],
                      "steps": {path: {"ms": round(ns / count / 1e6, 4),
                                       "own_ms": round(clock.exclusive[name][path] / count / 1e6, 4),
                                       "calls": round(clock.calls[name][path] / count, 2)}
                                for path, ns in sorted(clock.inclusive[name].items())}}
    return {"sizes": rows, "load": os.getloadavg(), "restarted": restarted,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def table(result: dict) -> str:
    sizes = list(result["sizes"])
    paths = sorted({p for r in result["sizes"].values() for p in r["steps"]})
    head = "| step (CPU ms per probe article: inclusive / own) | " + " | ".join(f"{s} stories" for s in sizes)
    lines = [head + " | largest/smallest |", "|---" * (len(sizes) + 2) + "|"]
    for path in paths:
        cells = [result["sizes"][s]["steps"].get(path, {"ms": 0.0, "own_ms": 0.0, "calls": 0}) for s in sizes]
        ratio = cells[-1]["ms"] / cells[0]["ms"] if cells[0]["ms"] else float("nan")
        depth = path.count("/")
        lines.append(f"| {'· ' * depth}{path.rsplit('/', 1)[-1]} | "
                     + " | ".join(f"{c['ms']:.3f} / {c['own_ms']:.3f} ({c['calls']:g}×)" for c in cells)
                     + f" | {ratio:.2f} |")
    joined = ", ".join(f"{s}: {r['joined_held']} of {r['probe_articles']}" for s, r in result["sizes"].items())
    lines.append(f"\njoined a held story: {joined}; load average after {result['load']}; "
                 f"peak RSS {result['peak_rss_mb']} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk_lab.bench.flatness", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="stories held, comma-separated")
    parser.add_argument("--probe", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cache", type=Path, default=None, help="a folder for the filled clusterers (pickles)")
    parser.add_argument("--restarted", action="store_true",
                        help="probe the clusterers as a restart leaves them (stories decoded from their saved bytes)")
    parser.add_argument("--json", action="store_true", help="end with the figures as one JSON object")
    args = parser.parse_args(argv)
    try:
        sizes = tuple(sorted({int(s) for s in args.sizes.split(",") if s.strip()}))
    except ValueError:
        parser.error(f"--sizes takes whole numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one size of one story or more")
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    say(f"load average before: {os.getloadavg()}")
    result = run_flatness(sizes, args.probe, args.seed, args.cache, say, restarted=args.restarted)
    print(table(result))
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
