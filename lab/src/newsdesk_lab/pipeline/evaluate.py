"""`newsdesk eval clustering`: labelled articles through the production desk, on a fresh temporary database."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from newsdesk_lab.cluster.data import LabelledArticle, iter_jsonl, stream_order
from newsdesk_lab.cluster.metrics import grouping_errors, score_clustering
from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import Storage, open_storage


@contextmanager
def streamed(articles: list[LabelledArticle], progress: Callable[[int, int], None] | None = None,
             **settings) -> Iterator[tuple[Storage, list[int | None], float]]:
    """Stream `articles` into an empty desk on a temporary database (the `Settings` given on top of the
    evaluation's): yields its storage, each article's stored id (None when not stored) and the wall seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "stream.jsonl"
        with open(feed, "w", encoding="utf-8") as out:
            for a in articles:
                out.write(json.dumps({"title": a.title, "text": a.text or a.title,
                                      "published": a.published.isoformat() if a.published else None,
                                      "source": a.source}) + "\n")
        config = Settings(db=str(Path(tmp) / "eval.db"), extract_workers=1, story_pages=False, **settings)
        storage = open_storage(config.database_url())
        done = 0

        def step(_):
            nonlocal done
            done += 1
            if progress:
                progress(done, len(articles))

        async def run():
            async with Desk(storage, config) as desk:
                return await desk.ingest_path(feed, on_done=step)

        started = time.perf_counter()
        outcomes = asyncio.run(run())
        elapsed = time.perf_counter() - started
        errors = [o for o in outcomes if o.status == "error"]
        if errors:
            storage.close()
            raise ValueError(f"{len(errors)} articles could not be stored, e.g. {errors[0].url}: {errors[0].error}")
        ids = []
        for line in range(1, len(articles) + 1):
            stored = storage.get_article_by_url(f"urn:newsdesk:{feed}:{line}")
            ids.append(stored.id if stored else None)
        try:
            yield storage, ids, elapsed
        finally:
            storage.close()


def evaluate_grouping(path: Path, progress: Callable[[int, int], None] | None = None, level: str = "event") -> dict:
    """Stream the file's articles (published order where present, file order otherwise) into an empty desk
    — storage, copy detection, embeddings and the online grouper, as in production — then score the stories
    against the `event` labels. An article without text is given its title as text (a desk would not store
    it; a clustering benchmark must place it); one with neither title nor text has nothing to group by and is
    left out of the scores (counted as `skipped`). `errors`: the stories that mix events and the events split
    over stories, costliest first (`cluster.metrics.grouping_errors`; stories by their stored id).
    `level`: "event" scores each article's story; "storyline" each article's storyline (its story's own when
    the story is in none), with the desk's storyline linking on."""
    if level not in ("event", "storyline"):
        raise ValueError(f"level must be event or storyline, not {level!r}")
    everything = stream_order(list(iter_jsonl(path)))
    articles = [a for a in everything if a.title.strip() or a.text.strip()]
    with streamed(articles, progress, storylines=level == "storyline") as (storage, ids, elapsed):
        predicted = [storage.story_of(i) if i is not None else None for i in ids]
        if level == "storyline":
            lines = storage.storylines_of_stories([p for p in predicted if p is not None])
            predicted = [None if p is None else f"storyline {lines[p]}" if p in lines else f"story {p}"
                         for p in predicted]
    gold = [a.event for a in articles]
    scores = score_clustering(gold, predicted)
    errors = grouping_errors(gold, predicted, [a.label for a in articles])
    return {**scores, "articles": len(articles), "skipped": len(everything) - len(articles),
            "articles_per_s": round(len(articles) / elapsed, 1), "errors": errors}
