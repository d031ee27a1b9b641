"""`newsdesk bench pipeline`: articles through the desk without fetching — ingest (extract, copy detection,
store), lead embeddings, online grouping and story pages — with articles/s overall and per stage; then
the per-article cost of grouping when the desk already holds 1k, 5k and 20k stories."""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from newsdesk_lab.bench.corpus import GeneratedArticle, generate_articles
from newsdesk_lab.cluster.data import iter_jsonl, stream_order
from newsdesk_lab.cluster.metrics import score_clustering
from newsdesk.cluster import ClusterInput, lead_vectors
from newsdesk.config import Settings
from newsdesk.model import NewArticle
from newsdesk.pipeline import VECTOR_MODEL, Desk, PageWriter, StoryGrouper, slugify
from newsdesk.storage import Storage, open_storage

STORY_STAGES = ("embed", "group", "checkpoint", "entities", "synthesize", "storylines")
# Grouping is flat when an article costs at most this many times as much CPU at the largest size held as at the
# smallest: a steady rise fails it (a spread around the mean let one pass at smaller sizes).
FLAT_RATIO = 1.15

Progress = Callable[[str], None]


@dataclass
class BenchDoc:
    title: str
    text: str
    published: datetime | None
    source: str | None
    event: str | None


def _docs_from_jsonl(path: Path, limit: int | None) -> list[BenchDoc]:
    articles = stream_order(list(iter_jsonl(path)))
    if limit:
        articles = articles[:limit]
    return [BenchDoc(a.title, a.text or a.title, a.published, a.source, a.event if a.event != "None" else None)
            for a in articles]


def _docs_generated(n: int, seed: int, start: datetime | None = None) -> list[BenchDoc]:
    return [BenchDoc(a.title, a.text, a.published, a.source, a.event)
            for a in generate_articles(n, seed=seed, start=start)]


def _write_feed(docs: list[BenchDoc], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for d in docs:
            out.write(json.dumps({"title": d.title, "text": d.text, "source": d.source,
                                  "published": d.published.isoformat() if d.published else None}) + "\n")


def _warm_models(entities: bool = True) -> None:
    """Load the embedding and sentence models (and the NER, with `entities`) before the clock starts (a second or
    two, once per process)."""
    from newsdesk.embed import get_embedder
    from newsdesk.extract import split_sentences

    get_embedder().encode(["warm up"])
    split_sentences("Warm up. Twice over.")
    if entities:
        from newsdesk.pipeline import warm_ner

        warm_ner()


def _distinct_stories(storage: Storage, article_ids: list[int]) -> int:
    assigned = storage.stories_of(article_ids)
    resolved = set()
    for story_id in set(assigned.values()):
        story = storage.get_story(story_id)
        resolved.add(story.id if story else story_id)
    return len(resolved)


def run_throughput(docs: list[BenchDoc], batch: int = 256, progress: Progress | None = None,
                   entities: bool = True) -> dict:
    """Every document through `Desk.ingest_path` on a fresh temporary SQLite desk, stories and pages on (and the
    entities of the stories, with `entities`: the desk's setting)."""
    _warm_models(entities)
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "bench.jsonl"
        _write_feed(docs, feed)
        settings = Settings(db=str(Path(tmp) / "bench.db"), extract_workers=1, stories=True, story_pages=True,
                            entities=entities)
        storage = open_storage(settings.database_url())
        done = 0

        def step(_) -> None:
            nonlocal done
            done += 1
            if progress and (done % 1000 == 0 or done == len(docs)):
                progress(f"  {done}/{len(docs)} articles")

        async def run():
            async with Desk(storage, settings) as desk:
                outcomes = await desk.ingest_path(feed, on_done=step, batch=batch)
                return desk, outcomes

        from newsdesk.pipeline import ner_cpu_seconds

        ner_cpu_started = ner_cpu_seconds() or 0.0
        started, cpu_started = time.perf_counter(), time.process_time()
        desk, outcomes = asyncio.run(run())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        ner_cpu = max(0.0, (ner_cpu_seconds() or 0.0) - ner_cpu_started)     # the NER worker process's share
        stored = [o for o in outcomes if o.article_id is not None and o.status in ("new", "copy")]
        errors = [o for o in outcomes if o.status == "error"]
        story_seconds = {stage: desk.stage_seconds.get(stage, 0.0) for stage in STORY_STAGES}
        ingest_seconds = max(seconds - sum(story_seconds.values()), 1e-9)
        stages = {"ingest": ingest_seconds, **story_seconds}
        ids = [o.article_id for o in stored]
        result = {
            "entities": entities, "articles": len(docs), "stored": len(stored), "copies": sum(o.status == "copy" for o in outcomes),
            "errors": len(errors), "first_errors": [f"{o.url}: {o.error}" for o in errors[:3]],
            "stories": _distinct_stories(storage, ids),
            "pages_written": desk._pages.written if desk._pages else 0,
            # the names found in the grouper's second thread while it placed the articles (not a stage of its own)
            "entities_beside_grouping_seconds": round(desk._pages.entities.ahead_seconds, 2)
            if desk._pages and desk._pages.entities else 0.0,
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu + ner_cpu, 2),
            "ner_worker_cpu_seconds": round(ner_cpu, 2),
            "articles_per_s": round(len(docs) / seconds, 2),
            "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
            "stage_articles_per_s": {k: round(len(docs) / v, 1) if v > 0 else None for k, v in stages.items()},
            "ms_per_article": {k: round(1000 * v / max(1, len(docs)), 2) for k, v in stages.items()},
        }
        if all(d.event for d in docs):
            by_url = {o.url: o.article_id for o in outcomes}
            story_of = storage.stories_of(ids)
            predicted = []
            for line, _ in enumerate(docs, start=1):
                article_id = by_url.get(f"urn:newsdesk:{feed}:{line}")
                predicted.append(story_of.get(article_id) if article_id else None)
            merged = {s: (storage.get_story(s).id if storage.get_story(s) else s) for s in set(predicted) if s}
            predicted = [merged.get(p, p) for p in predicted]
            result["b3_f1"] = round(score_clustering([d.event for d in docs], predicted)["b3_f1"], 4)
        storage.close()
    return result


# -- the cost of grouping as the desk grows ------------------------------------------------------------------

def _pool_vectors(docs: list[GeneratedArticle]) -> np.ndarray:
    from newsdesk.embed import get_embedder

    return lead_vectors(get_embedder(), [(d.title, d.text) for d in docs])


def _prefill(storage: Storage, grouper: StoryGrouper, count: int, pool: list[GeneratedArticle],
             vectors: np.ndarray, rng: random.Random, start: datetime, span: timedelta, serial: int) -> int:
    """`count` one-article stories put straight into storage and the clusterer: a pool article's words with
    other names (the generator's next events) and its vector nudged, so that each is its own event yet lies
    among realistic neighbours. Costs no model call."""
    clusterer = grouper.clusterer
    noise_rng = np.random.default_rng(rng.randrange(1 << 30))
    fillers = generate_articles(count, seed=100_000 + serial, start=start)
    chunk = 500
    for begin in range(0, count, chunk):
        with storage.transaction():
            for offset, filler in enumerate(fillers[begin:begin + chunk]):
                k = rng.randrange(len(pool))
                noise = noise_rng.standard_normal(vectors.shape[1]).astype(np.float32)
                vector = vectors[k] + 0.6 * noise / np.linalg.norm(noise)
                vector = (vector / np.linalg.norm(vector)).astype(np.float32)
                published = start + span * rng.random()
                article_id = storage.insert_article(NewArticle(
                    url=f"urn:newsdesk:bench-prefill:{serial}:{begin + offset}", text=filler.text,
                    text_hash=f"prefill-{serial}-{begin + offset}", outlet=filler.source, title=filler.title,
                    published_at=published))
                story_id = storage.create_story(slugify(filler.title))
                storage.assign_story(article_id, story_id, None)
                storage.save_vectors(VECTOR_MODEL, {article_id: vector.tobytes()})
                rep = clusterer.represent(ClusterInput(id=article_id, title=filler.title, text=filler.text,
                                                       published=published, source=filler.source,
                                                       embedding=vector))
                story = clusterer.commit(rep, None)
                grouper.story_ids[story.id] = story_id
    return count


def run_scale(sizes: tuple[int, ...] = (1000, 5000, 20000), probe: int = 200, batch: int = 64, seed: int = 11,
              progress: Progress | None = None) -> dict:
    """Fill one desk to each size in turn (stories whose last article lies inside the grouping window, so the
    clusterer holds all of them: the hardest case), checkpoint it, then group `probe` new articles of new events
    in batches of `batch` as the desk does, and time the grouping per article (embedding apart: it costs the
    same at any size). Flat means every size within ±30% of the mean."""
    _warm_models()
    rng = random.Random(seed)
    base = datetime(2026, 11, 1, tzinfo=timezone.utc)
    fill_span = timedelta(hours=40)
    pool = generate_articles(300, seed=seed, start=base)
    vectors = _pool_vectors(pool)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "scale.db"), extract_workers=1, stories=False)
        storage = open_storage(settings.database_url())
        grouper = StoryGrouper(storage)
        pages = PageWriter(storage)
        held = 0
        for n, size in enumerate(sorted(sizes)):
            started = time.perf_counter()
            held += _prefill(storage, grouper, size - held, pool, vectors, rng, base, fill_span, n)
            fill_seconds = time.perf_counter() - started
            started = time.perf_counter()
            grouper.save()
            checkpoint_seconds = time.perf_counter() - started
            state_mb = len(storage.grouper_state() or b"") / 1e6
            if progress:
                progress(f"  {held} stories held (filled in {fill_seconds:.0f} s, "
                         f"checkpoint {checkpoint_seconds:.1f} s)")
            probe_start = base + fill_span + timedelta(hours=2 * n)
            docs = [BenchDoc(a.title, a.text, a.published, a.source, a.event)
                    for a in generate_articles(probe, seed=seed * 1000 + n, start=probe_start, days=0.05)]
            ids = _ingest_only(storage, settings, docs, Path(tmp) / f"probe-{n}.jsonl")
            seconds_before, cpu_before = dict(grouper.seconds), dict(grouper.cpu)
            pages_seconds = 0.0
            for begin in range(0, len(ids), batch):
                touched = grouper.group(ids[begin:begin + batch])
                started = time.perf_counter()
                pages.write(touched)
                pages_seconds += time.perf_counter() - started
            count = max(1, len(ids))
            rows.append({
                "stories": held, "probe_articles": len(ids),
                "group_ms": round(1000 * (grouper.seconds["group"] - seconds_before.get("group", 0.0)) / count, 2),
                "group_cpu_ms": round(1000 * (grouper.cpu["group"] - cpu_before.get("group", 0.0)) / count, 2),
                "embed_ms": round(1000 * (grouper.seconds["embed"] - seconds_before.get("embed", 0.0)) / count, 2),
                "pages_ms": round(1000 * pages_seconds / count, 2),
                "active_stories": len(grouper.clusterer.stories),
                "checkpoint_s": round(checkpoint_seconds, 2), "state_mb": round(state_mb, 1),
                "fill_s": round(fill_seconds, 1)})
            if progress:
                r = rows[-1]
                progress(f"  {held} stories: grouping {r['group_ms']} ms/article ({r['group_cpu_ms']} ms CPU), "
                         f"embedding {r['embed_ms']} ms, pages {r['pages_ms']} ms")
        storage.close()
    costs = [r["group_cpu_ms"] for r in sorted(rows, key=lambda r: r["stories"])]
    mean = sum(costs) / len(costs)
    spread = max(abs(c - mean) / mean for c in costs) if mean > 0 else 0.0
    ratio = costs[-1] / costs[0] if costs[0] > 0 else float("inf")
    return {"sizes": rows, "spread": round(spread, 3), "ratio": round(ratio, 3), "flat": ratio <= FLAT_RATIO}


def _ingest_only(storage: Storage, settings: Settings, docs: list[BenchDoc], feed: Path) -> list[int]:
    _write_feed(docs, feed)

    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(feed)

    return [o.article_id for o in asyncio.run(run()) if o.article_id is not None and o.status == "new"]


def run_pipeline_bench(articles: int = 5000, jsonl: Path | None = None, sizes: tuple[int, ...] = (1000, 5000, 20000),
                       probe: int = 200, batch: int = 256, seed: int = 7, progress: Progress | None = None,
                       entities: bool = True) -> dict:
    if jsonl is not None:
        docs = _docs_from_jsonl(Path(jsonl), articles or None)
        if not docs:
            raise ValueError(f"{jsonl} holds no articles")
    else:
        docs = _docs_generated(articles, seed)
    if progress:
        progress(f"{len(docs)} articles through ingest, embeddings, grouping and story pages …")
    result = {"throughput": run_throughput(docs, batch=batch, progress=progress, entities=entities)}
    if sizes:
        if progress:
            progress(f"Grouping cost with {', '.join(str(s) for s in sizes)} stories held …")
        result["scale"] = run_scale(tuple(sizes), probe=probe, seed=seed + 4, progress=progress)
    return result
