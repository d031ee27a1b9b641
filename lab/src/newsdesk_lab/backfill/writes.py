"""How fast a backfill's driver writes articles, by way of writing: the desk's ingest one article at a time (each
looked up, its copies searched, its language detected, then inserted: what the backfill's driver did before),
row INSERTs (`insert_article` per article, a transaction per batch of them) and the batched write
(`insert_articles`: COPY on PostgreSQL, executemany on SQLite). Articles/s and rows/s (an article writes its row, its revision and its LSH
bands) by wall time, and the driver's CPU ms per article; each way into a fresh database.

    python -m newsdesk_lab.backfill.writes [--articles 2000] [--batch 64] [--pg postgresql://…] [--repeats 3]"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from newsdesk.config import Settings
from newsdesk.dedupe import Fingerprint, fingerprint
from newsdesk.model import NewArticle
from newsdesk.pipeline import Incoming, Ingest, StageTimer, new_article
from newsdesk.storage import Storage, open_storage
from newsdesk_lab.backfill.warcgen import article_url
from newsdesk_lab.bench.corpus import generate_articles

PG_URL = os.environ.get("NEWSDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def articles(n: int) -> list[tuple[Incoming, Fingerprint, NewArticle]]:
    """Generated articles, fingerprinted and made ready to store before any clock starts."""
    found = []
    for a in generate_articles(n, seed=23):
        doc = Incoming(url=article_url(a), outlet=a.source, title=a.title, published=a.published)
        fp = fingerprint(a.text)
        found.append((doc, fp, new_article(doc, a.text, fp)))
    return found


def _by_ingest(storage: Storage, url: str, items, batch: int) -> None:
    ingest = Ingest(storage, Settings(db=url), lambda: None, None, StageTimer())
    for start in range(0, len(items), batch):
        with storage.transaction():
            for doc, fp, new in items[start:start + batch]:
                ingest.store(doc, new.text, fp)


def _by_rows(storage: Storage, url: str, items, batch: int) -> None:
    for start in range(0, len(items), batch):
        with storage.transaction():
            for _, _, new in items[start:start + batch]:
                storage.insert_article(new)


def _batched(storage: Storage, url: str, items, batch: int) -> None:
    for start in range(0, len(items), batch):
        storage.insert_articles([new for _, _, new in items[start:start + batch]])


WAYS: dict[str, Callable] = {"desk ingest, per article (before)": _by_ingest, "row INSERTs": _by_rows,
                             "batched (COPY on PostgreSQL)": _batched}


@contextmanager
def _fresh(backend: str, pg: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield str(folder / f"{uuid.uuid4().hex}.db")
        return
    import psycopg

    schema = f"w_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{pg}{'&' if '?' in pg else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def measure(n: int = 2000, batch: int = 64, pg: str | None = PG_URL, repeats: int = 3) -> dict:
    items = articles(n)
    rows = sum(2 + len(new.band_keys) for _, _, new in items)
    out: dict = {"articles": n, "batch": batch, "rows": rows, "load_average": os.getloadavg()[0]}
    backends = ["sqlite"] + (["postgresql"] if pg else [])
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as tmp:
        for backend in backends:
            for name, way in WAYS.items():
                best = None
                for _ in range(repeats):
                    with _fresh(backend, pg or "", Path(tmp)) as url, closing(open_storage(url)) as storage:
                        cpu, wall = time.process_time(), time.perf_counter()
                        way(storage, url, items, batch)
                        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                        assert storage.count_articles() == n
                    if best is None or wall < best[0]:
                        best = (wall, cpu)
                wall, cpu = best
                out.setdefault(backend, {})[name] = {
                    "articles_per_s": round(n / wall), "rows_per_s": round(rows / wall),
                    "driver_cpu_ms_per_article": round(cpu * 1000 / n, 3), "seconds": round(wall, 2)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--pg", default=PG_URL, help="PostgreSQL server (a fresh schema each run); '' for none")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each way; the fastest is kept")
    args = parser.parse_args()
    print(json.dumps(measure(args.articles, args.batch, args.pg or None, args.repeats)))


if __name__ == "__main__":
    main()
