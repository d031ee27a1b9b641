"""`newsdesk eval clustering`: labelled articles through the production desk, on a fresh temporary database."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newsdesk_lab.cluster.data import iter_jsonl, stream_order
from newsdesk_lab.cluster.metrics import grouping_errors, score_clustering
from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage


def evaluate_grouping(path: Path, progress: Callable[[int, int], None] | None = None) -> dict:
    """Stream the file's articles (published order where present, file order otherwise) into an empty desk
    — storage, copy detection, embeddings and the online grouper, as in production — then score the stories
    against the `event` labels. An article without text is given its title as text (a desk would not store
    it; a clustering benchmark must place it); one with neither title nor text has nothing to group by and is
    left out of the scores (counted as `skipped`). `errors`: the stories that mix events and the events split
    over stories, costliest first (`cluster.metrics.grouping_errors`; stories by their stored id)."""
    everything = stream_order(list(iter_jsonl(path)))
    articles = [a for a in everything if a.title.strip() or a.text.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "stream.jsonl"
        with open(feed, "w", encoding="utf-8") as out:
            for a in articles:
                out.write(json.dumps({"title": a.title, "text": a.text or a.title,
                                      "published": a.published.isoformat() if a.published else None,
                                      "source": a.source}) + "\n")
        settings = Settings(db=str(Path(tmp) / "eval.db"), extract_workers=1, story_pages=False)
        storage = open_storage(settings.database_url())
        done = 0

        def step(_):
            nonlocal done
            done += 1
            if progress:
                progress(done, len(articles))

        async def run():
            async with Desk(storage, settings) as desk:
                return await desk.ingest_path(feed, on_done=step)

        started = time.perf_counter()
        outcomes = asyncio.run(run())
        elapsed = time.perf_counter() - started
        errors = [o for o in outcomes if o.status == "error"]
        if errors:
            raise ValueError(f"{len(errors)} articles could not be stored, e.g. {errors[0].url}: {errors[0].error}")
        predicted = []
        for line, a in enumerate(articles, start=1):
            stored = storage.get_article_by_url(f"urn:newsdesk:{feed}:{line}")
            predicted.append(storage.story_of(stored.id) if stored else None)
        storage.close()
    gold = [a.event for a in articles]
    scores = score_clustering(gold, predicted)
    errors = grouping_errors(gold, predicted, [a.label for a in articles])
    return {**scores, "articles": len(articles), "skipped": len(everything) - len(articles),
            "articles_per_s": round(len(articles) / elapsed, 1), "errors": errors}
