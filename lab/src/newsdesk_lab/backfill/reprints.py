"""Reprints found across a whole backfill (the band-key shuffle and fold) against the single-machine path (the live
desk's ingest, one article at a time against what it has stored): precision and recall of the backfill's copy
links (copy → original) taking the desk's as the truth, on `bench dedupe`'s set and on the generated corpus; on
the dedupe set also both paths' pairwise precision and recall against its labels.

    python -m newsdesk_lab.backfill.reprints [--generated 2000] [--engine local|ray] [--workers N]"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsdesk.backfill import make_engine, run_backfill
from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage
from newsdesk_lab.dedupe.evaluate import default_testset

START = datetime(2026, 2, 1, tzinfo=timezone.utc)


def testset_lines(path: Path | None = None) -> tuple[list[dict], list[dict]]:
    """The dedupe set's documents as ingest lines (an address per document, a minute apart in the set's order)
    and its labelled pairs."""
    data = json.loads((path or default_testset()).read_text(encoding="utf-8"))
    lines = [{"url": f"https://{d['outlet'].lower().replace(' ', '-')}.example/{d['id']}", "title": d["title"],
              "text": d["text"], "published": (START + timedelta(minutes=n)).isoformat(), "source": d["outlet"]}
             for n, d in enumerate(data["documents"])]
    return lines, data["pairs"]


def generated_lines(n: int, seed: int = 13) -> list[dict]:
    from newsdesk_lab.backfill.warcgen import article_url
    from newsdesk_lab.bench.corpus import generate_articles

    return [{"url": article_url(a), "title": a.title, "text": a.text, "published": a.published.isoformat(),
             "source": a.source} for a in generate_articles(n, seed=seed)]


def copy_links(lines: list[dict], folder: Path, engine: str = "local", workers: int = 1) -> dict[str, dict]:
    """The copy links (copy url → original url) of the desk's ingest and of a backfill, over the same lines,
    each into its own SQLite database; the CPU seconds of each."""
    feed = folder / "lines.jsonl"
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out: dict[str, dict] = {}
    desk_db = str(folder / "desk.db")
    with closing(open_storage(desk_db)) as storage:
        async def ingest() -> None:
            async with Desk(storage, Settings(db=desk_db, stories=False, entities=False, extract_workers=1)) as desk:
                await desk.ingest_path(feed)
        cpu = time.process_time()
        asyncio.run(ingest())
        out["desk"] = {"links": _links(storage), "cpu_s": round(time.process_time() - cpu, 2)}
    backfill_db = str(folder / "backfill.db")
    runner = make_engine(engine, workers)
    try:
        with closing(open_storage(backfill_db)) as storage:
            cpu = time.process_time()
            report = run_backfill(storage, Settings(db=backfill_db, stories=False, entities=False), [str(feed)],
                                  runner)
            out["backfill"] = {"links": _links(storage), "cpu_s": round(time.process_time() - cpu, 2),
                               "fold_s": round(report.seconds.get("dedupe", 0.0), 3)}
    finally:
        runner.close()
    return out


def _links(storage) -> dict[str, str]:
    articles = storage.list_articles(limit=1_000_000)
    url_of = {a.id: a.url for a in articles}
    return {a.url: url_of[a.original_id] for a in articles if a.original_id is not None}


def agreement(found: dict[str, str], truth: dict[str, str]) -> dict:
    """Precision and recall of `found` copy links against `truth`'s (the same copy with the same original)."""
    same = sum(1 for copy, original in found.items() if truth.get(copy) == original)
    return {"links": len(found), "truth_links": len(truth), "same": same,
            "precision": round(same / len(found), 4) if found else 1.0,
            "recall": round(same / len(truth), 4) if truth else 1.0}


def labelled(links: dict[str, str], lines: list[dict], pairs: list[dict]) -> dict:
    """Pairwise precision and recall against the set's labels: a pair is called a copy when both documents end
    in the same reprint family."""
    url_of = {line["url"].rsplit("/", 1)[1]: line["url"] for line in lines}
    family = lambda url: links.get(url, url)  # noqa: E731
    tp = fp = fn = 0
    for pair in pairs:
        called = family(url_of[pair["a"]]) == family(url_of[pair["b"]])
        tp += called and pair["duplicate"]
        fp += called and not pair["duplicate"]
        fn += not called and pair["duplicate"]
    return {"precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0}


def compare(generated: int = 2000, engine: str = "local", workers: int = 1) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="reprints-") as tmp:
        lines, pairs = testset_lines()
        folder = Path(tmp, "dedupe")
        folder.mkdir()
        both = copy_links(lines, folder, engine, workers)
        results["dedupe_set"] = {"documents": len(lines), **agreement(both["backfill"]["links"], both["desk"]["links"]),
                                 "labels_desk": labelled(both["desk"]["links"], lines, pairs),
                                 "labels_backfill": labelled(both["backfill"]["links"], lines, pairs)}
        if generated:
            folder = Path(tmp, "generated")
            folder.mkdir()
            both = copy_links(generated_lines(generated), folder, engine, workers)
            results["generated"] = {"articles": generated,
                                    **agreement(both["backfill"]["links"], both["desk"]["links"]),
                                    "desk_cpu_s": both["desk"]["cpu_s"], "backfill_cpu_s": both["backfill"]["cpu_s"],
                                    "fold_s": both["backfill"]["fold_s"]}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=int, default=2000, help="generated articles (0: the dedupe set only)")
    parser.add_argument("--engine", default="local", choices=("local", "ray"))
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(compare(args.generated, args.engine, args.workers)))


if __name__ == "__main__":
    main()
