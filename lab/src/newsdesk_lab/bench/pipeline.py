"""`newsdesk bench pipeline`: articles through the desk without fetching — ingest (extract, copy detection,
store), lead embeddings, online grouping and story pages — with articles/s overall and per stage; then
the per-article cost of grouping when the desk already holds 1k, 5k and 20k stories."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsdesk_lab.bench.corpus import generate_articles
from newsdesk_lab.bench.scale import run_scale
from newsdesk_lab.cluster.data import iter_jsonl, stream_order
from newsdesk_lab.cluster.metrics import score_clustering
from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import Storage, open_storage

STORY_STAGES = ("embed", "group", "checkpoint", "entities", "synthesize")

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
