"""`newsdesk bench vectors`: what stored text vectors save. N generated articles go through the desk (stories and
pages on, entities off), which keeps the vector of every text it embeds; then the stored articles are regrouped
and a large story's page rewritten, each from an empty memory of texts, once with the model alone (as before
vectors were stored) and once with the stored vectors: CPU seconds, texts sent to the model, and the bytes
the vectors add per article."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newsdesk.config import Settings
from newsdesk.embed import CachedEmbedder, get_embedder
from newsdesk.pipeline import Desk, PageWriter, desk_embedder, regroup
from newsdesk.storage import Storage, open_storage
from newsdesk.synthesize import Writer
from newsdesk_lab.bench.pipeline import _docs_generated, _warm_models, _write_feed

Progress = Callable[[str], None]


def _model_only() -> CachedEmbedder:
    """The desk's embedder as it was before vectors were stored: the model behind a memory of 30,000 texts."""
    return CachedEmbedder(get_embedder().encoder)


def _recluster(storage: Storage, embedder: CachedEmbedder) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    stories, articles = regroup(storage, writer=Writer(encoder=embedder), entities=False, embedder=embedder)
    return {"seconds": round(time.perf_counter() - started, 2), "cpu_seconds": round(time.process_time() - cpu, 2),
            "texts_embedded": embedder.misses, "texts_from_store": embedder.stored, "stories": stories,
            "articles": articles}


def _rewrite(storage: Storage, story_id: int, make: Callable[[], CachedEmbedder], repeats: int) -> dict:
    """Median wall and CPU seconds to write the story's page from an empty memory of texts, then again from a
    warm one."""
    times: dict[str, list[float]] = {"cold_s": [], "warm_s": [], "cold_cpu_s": [], "warm_cpu_s": []}
    sent = 0
    for _ in range(repeats):
        embedder = make()
        for memory in ("cold", "warm"):
            started, cpu = time.perf_counter(), time.process_time()
            PageWriter(storage, Writer(encoder=embedder)).write([story_id])
            times[f"{memory}_s"].append(time.perf_counter() - started)
            times[f"{memory}_cpu_s"].append(time.process_time() - cpu)
        sent += embedder.misses
    return {**{k: round(statistics.median(v), 4) for k, v in times.items()},
            "texts_embedded_per_write": round(sent / repeats, 1)}


def run_vectors_bench(articles: int = 5000, seed: int = 5, repeats: int = 5,
                      progress: Progress | None = None) -> dict:
    _warm_models(entities=False)
    docs = _docs_generated(articles, seed)
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "vectors.jsonl"
        _write_feed(docs, feed)
        settings = Settings(db=str(Path(tmp) / "vectors.db"), extract_workers=1, stories=True, story_pages=True,
                            entities=False)
        storage = open_storage(settings.database_url())

        async def ingest() -> None:
            async with Desk(storage, settings) as desk:
                await desk.ingest_path(feed)

        if progress:
            progress(f"  ingesting {articles} generated articles …")
        started, cpu = time.perf_counter(), time.process_time()
        asyncio.run(ingest())
        ingested = {"seconds": round(time.perf_counter() - started, 2),
                    "cpu_seconds": round(time.process_time() - cpu, 2)}
        originals = storage.count_articles_to_embed()
        text_rows, text_bytes = storage.table_size("text_vectors")
        article_rows, article_bytes = storage.table_size("article_vectors")
        if progress:
            progress("  regrouping with the model alone …")
        before = _recluster(storage, _model_only())
        if progress:
            progress("  regrouping with the stored vectors …")
        after = _recluster(storage, desk_embedder(storage))
        largest = max(storage.top_stories(limit=articles), key=lambda s: (s.article_count, -s.id))
        rewrite = {"story_articles": largest.article_count,
                   "model_only": _rewrite(storage, largest.id, _model_only, repeats),
                   "stored": _rewrite(storage, largest.id, lambda: desk_embedder(storage), repeats)}
        storage.close()
    return {"articles": articles, "originals": originals, "ingest": ingested,
            "stored_vectors": {"text_vectors": text_rows, "text_vector_bytes": text_bytes,
                               "article_vector_bytes": article_bytes,
                               "texts_per_article": round(text_rows / max(1, originals), 2),
                               "bytes_per_article": round((text_bytes + article_bytes) / max(1, originals)),
                               "article_vectors": article_rows},
            "recluster": {"model_only": before, "stored": after}, "page_rewrite": rewrite}
