"""`newsdesk bench pipeline`: articles through the desk without fetching — ingest (extract, copy detection,
store), lead embeddings, online grouping and story pages — with articles/s overall, CPU ms per article end to
end and per stage, and wall seconds per stage; then the per-article cost of grouping when the desk already holds
1k, 5k and 20k stories. The generated articles come as real-length news pages in HTML (bench/newspages.py),
read through the desk's own extraction."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from newsdesk_lab.bench.corpus import generate_articles
from newsdesk_lab.bench.cpu import OTHER, STAGES, StageCpu
from newsdesk_lab.bench.newspages import generate_pages
from newsdesk_lab.bench.scale import run_scale
from newsdesk_lab.cluster.data import iter_jsonl, stream_order
from newsdesk_lab.cluster.metrics import score_clustering
from newsdesk.config import Settings
from newsdesk.dedupe import canonical_url
from newsdesk.entities import MAX_CHARS
from newsdesk.pipeline import Desk
from newsdesk.storage import Storage, open_storage

STORY_STAGES = ("embed", "group", "checkpoint", "entities", "synthesize", "storylines")

Progress = Callable[[str], None]


@dataclass
class BenchDoc:
    title: str | None
    text: str | None
    published: datetime | None
    source: str | None
    event: str | None
    url: str | None = None
    html: str | None = None      # a page: the desk extracts its text, title, date and outlet


def _docs_from_jsonl(path: Path, limit: int | None) -> list[BenchDoc]:
    articles = stream_order(list(iter_jsonl(path)))
    if limit:
        articles = articles[:limit]
    return [BenchDoc(a.title, a.text or a.title, a.published, a.source, a.event if a.event != "None" else None)
            for a in articles]


def _docs_generated(n: int, seed: int, start: datetime | None = None) -> list[BenchDoc]:
    return [BenchDoc(a.title, a.text, a.published, a.source, a.event)
            for a in generate_articles(n, seed=seed, start=start)]


def _docs_pages(n: int, seed: int) -> list[BenchDoc]:
    return [BenchDoc(None, None, p.published, p.outlet, p.event, url=p.url, html=p.html)
            for p in generate_pages(n, seed=seed)]


def _write_feed(docs: list[BenchDoc], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for d in docs:
            if d.html is not None:
                out.write(json.dumps({"url": d.url, "html": d.html}) + "\n")
                continue
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


def distinct_stories(storage: Storage, article_ids: list[int]) -> int:
    """How many stories these articles are in (a merged story counts as the one it went into)."""
    assigned = storage.stories_of(article_ids)
    resolved = set()
    for story_id in set(assigned.values()):
        story = storage.get_story(story_id)
        resolved.add(story.id if story else story_id)
    return len(resolved)


def run_throughput(docs: list[BenchDoc], batch: int = 256, progress: Progress | None = None,
                   entities: bool = True, entity_chars: int = MAX_CHARS, storylines: bool = True) -> dict:
    """Every document through `Desk.ingest_path` on a fresh temporary SQLite desk, stories and pages on (and the
    entities of the stories, with `entities`, the NER reading `entity_chars` of each article, and their
    storylines, with `storylines`: the desk's settings)."""
    _warm_models(entities)
    if any(d.html for d in docs):
        from newsdesk.extract import extract_article

        extract_article(docs[0].html, docs[0].url)     # trafilatura's first call loads its settings
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "bench.jsonl"
        _write_feed(docs, feed)
        settings = Settings(db=str(Path(tmp) / "bench.db"), extract_workers=1, stories=True, story_pages=True,
                            entities=entities, entity_chars=entity_chars, storylines=storylines)
        storage = open_storage(settings.database_url())
        from newsdesk.pipeline import ner_cpu_seconds

        meter, done, ner_cpu_started = StageCpu(), 0, ner_cpu_seconds() or 0.0
        snapshots: list[tuple[int, dict[str, float]]] = []    # (articles done, CPU seconds by stage so far)

        def step(_) -> None:
            nonlocal done
            done += 1
            if done % batch == 0 or done == len(docs):     # a batch's stories and pages are written by now
                snapshots.append((done, _cpu_so_far(meter, ner_cpu_seconds, ner_cpu_started)))
            if progress and (done % 1000 == 0 or done == len(docs)):
                progress(f"  {done}/{len(docs)} articles")

        async def run():
            async with Desk(storage, settings) as desk:
                outcomes = await desk.ingest_path(feed, on_done=step, batch=batch)
                return desk, outcomes

        load_before = os.getloadavg()
        started = time.perf_counter()
        with meter:
            desk, outcomes = asyncio.run(run())
        seconds = time.perf_counter() - started
        ner_cpu = max(0.0, (ner_cpu_seconds() or 0.0) - ner_cpu_started)     # the NER worker process's share
        stored = [o for o in outcomes if o.article_id is not None and o.status in ("new", "copy")]
        errors = [o for o in outcomes if o.status == "error"]
        story_seconds = {stage: desk.stage_seconds.get(stage, 0.0) for stage in STORY_STAGES}
        ingest_seconds = max(seconds - sum(story_seconds.values()), 1e-9)
        stages = {"ingest": ingest_seconds, **story_seconds}
        ids = [o.article_id for o in stored]
        cpu = meter.total + ner_cpu
        per_article = 1000 / max(1, len(docs))
        stage_cpu = meter.by_stage()
        stage_cpu["entities"] += ner_cpu
        by_batch, slopes = _batch_costs(snapshots)
        result = {
            "entities": entities, "entity_chars": entity_chars, "storylines": storylines,
            "input": "html" if all(d.html for d in docs) else "text",
            "articles": len(docs), "stored": len(stored), "copies": sum(o.status == "copy" for o in outcomes),
            "updated": sum(o.status == "updated" for o in outcomes),
            "errors": len(errors), "first_errors": [f"{o.url}: {o.error}" for o in errors[:3]],
            "stories": distinct_stories(storage, ids),
            "pages_written": desk._pages.written if desk._pages else 0,
            # the names found in the grouper's second thread while it placed the articles (not a stage of its own)
            "entities_beside_grouping_seconds": round(desk._pages.entities.ahead_seconds, 2)
            if desk._pages and desk._pages.entities else 0.0,
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "ner_worker_cpu_seconds": round(ner_cpu, 2),
            "articles_per_s": round(len(docs) / seconds, 2),
            "cpu_ms_per_article_total": round(cpu * per_article, 2),
            # CPU by stage, sampled (bench/cpu.py): the model's work is `embed` wherever it is called from
            "cpu_ms_per_article": {k: round(v * per_article, 2) for k, v in stage_cpu.items()},
            "sampler_cpu_seconds": round(meter.sampler_seconds, 2), "sampled_share": round(meter.coverage, 3),
            # each batch's CPU ms per article by stage, and the least-squares slope of those against the articles
            # the desk held when the batch came in (ms per article more for each 1,000 articles held)
            "cpu_ms_per_article_by_batch": by_batch, "cpu_slope_ms_per_1k_articles": slopes,
            "input_kb_per_article": round(sum(len(d.html or d.text or "") for d in docs) / max(1, len(docs)) / 1024, 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
            "stage_articles_per_s": {k: round(len(docs) / v, 1) if v > 0 else None for k, v in stages.items()},
            "ms_per_article": {k: round(1000 * v / max(1, len(docs)), 2) for k, v in stages.items()},
        }
        if all(d.event for d in docs):
            result["b3_f1"] = _b3_f1(storage, docs, outcomes, feed)
        storage.close()
        stored_bytes = sum(f.stat().st_size for f in Path(tmp).glob("bench.db*"))
        result["db_bytes_per_article"] = round(stored_bytes / max(1, len(stored)))
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _cpu_so_far(meter: StageCpu, ner_cpu_seconds: Callable[[], float | None], ner_started: float) -> dict[str, float]:
    seconds = {stage: meter.seconds.get(stage, 0.0) for stage in (*STAGES, OTHER)}
    seconds["entities"] += max(0.0, (ner_cpu_seconds() or 0.0) - ner_started)
    return seconds


def _batch_costs(snapshots: list[tuple[int, dict[str, float]]]) -> tuple[list[dict], dict[str, float]]:
    """Per batch: CPU ms per article by stage; per stage: the slope of that cost against the articles held."""
    rows, previous_done, previous = [], 0, None
    for done, seconds in snapshots:
        count = done - previous_done
        if count > 0:
            spent = {k: v - (previous or {}).get(k, 0.0) for k, v in seconds.items()}
            rows.append({"articles_before": previous_done, "articles": count,
                         **{k: round(1000 * v / count, 2) for k, v in spent.items()}})
        previous_done, previous = done, seconds
    full = [r for r in rows if r["articles"] == rows[0]["articles"]] if rows else []   # a short last batch is noisy
    slopes = {}
    if len(full) >= 3:
        xs = np.array([r["articles_before"] / 1000 for r in full])
        for stage in (*STAGES, OTHER):
            ys = np.array([r[stage] for r in full])
            slopes[stage] = round(float(np.polyfit(xs, ys, 1)[0]), 3)
    return rows, slopes


def _b3_f1(storage: Storage, docs: list[BenchDoc], outcomes: list, feed: Path) -> float:
    """B-cubed F1 of the stories against the generated events, each article once (an updated page is the
    article it updates)."""
    by_url = {o.url: o.article_id for o in outcomes}
    events: dict[str, str] = {}
    for line, d in enumerate(docs, start=1):
        events.setdefault(canonical_url(d.url) if d.url else f"urn:newsdesk:{feed}:{line}", d.event)
    article_ids = {url: by_url.get(url) for url in events}
    story_of = storage.stories_of([i for i in article_ids.values() if i])
    predicted = [story_of.get(i) if i else None for i in article_ids.values()]
    merged = {s: (storage.get_story(s).id if storage.get_story(s) else s) for s in set(predicted) if s}
    predicted = [merged.get(p, p) for p in predicted]
    return round(score_clustering(list(events.values()), predicted)["b3_f1"], 4)


def run_pipeline_bench(articles: int = 5000, jsonl: Path | None = None, sizes: tuple[int, ...] = (1000, 5000, 20000),
                       probe: int = 200, batch: int = 256, seed: int = 7, progress: Progress | None = None,
                       entities: bool = True, text: bool = False, entity_chars: int = MAX_CHARS,
                       storylines: bool = True) -> dict:
    """`text`: the generated articles as plain text (no pages, no extraction), as the bench fed them before."""
    if jsonl is not None:
        docs = _docs_from_jsonl(Path(jsonl), articles or None)
        if not docs:
            raise ValueError(f"{jsonl} holds no articles")
    elif text:
        docs = _docs_generated(articles, seed)
    else:
        docs = _docs_pages(articles, seed)
    if progress:
        progress(f"{len(docs)} articles through ingest, embeddings, grouping and story pages …")
    result = {"throughput": run_throughput(docs, batch=batch, progress=progress, entities=entities,
                                           entity_chars=entity_chars, storylines=storylines)}
    if sizes:
        if progress:
            progress(f"Grouping cost with {', '.join(str(s) for s in sizes)} stories held …")
        result["scale"] = run_scale(tuple(sizes), probe=probe, seed=seed + 4, progress=progress)
    return result
