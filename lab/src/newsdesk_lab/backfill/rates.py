"""Per-core rates of a backfill's stages, in CPU milliseconds per article (steady on a loaded machine, where wall
time is not): realistic generated pages (bench ingest's, ~110 KB with menus, scripts and teasers) extracted and
fingerprinted, their grouping vectors, their storing (the desk's ingest, copies folded) and their grouping.

    python -m newsdesk_lab.backfill.rates [--pages 400] [--db PATH_OR_URL]"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from contextlib import closing
from pathlib import Path

from newsdesk.backfill import Segment, SegmentItem, group_segment, prepare_batch
from newsdesk.cluster import WINDOW
from newsdesk.config import Settings
from newsdesk.pipeline import Ingest, StageTimer, local_incoming
from newsdesk.sources import LocalDocument
from newsdesk.storage import open_storage
from newsdesk_lab.bench.ingest import _page_html, generate_pages


def measure(pages: int = 400, db: str | None = None) -> dict:
    rng = random.Random(3)
    generated = generate_pages(pages, seed=5)
    documents = [LocalDocument(origin=f"bench#{i}", url=f"https://bench.example{p.path}", html=_page_html(p, rng))
                 for i, p in enumerate(generated)]
    prepare_batch(documents[:4])                           # the models loaded before the clock starts
    cpu = time.process_time()
    for start in range(0, len(documents), 64):
        prepare_batch(documents[start:start + 64], embed=False)
    extract_ms = (time.process_time() - cpu) * 1000 / len(documents)
    cpu = time.process_time()
    embedded = [prepare_batch(documents[i:i + 64]) for i in range(0, len(documents), 64)]
    embed_ms = (time.process_time() - cpu) * 1000 / len(documents) - extract_ms
    prepared = [p for r in embedded for p in r.items]
    with tempfile.TemporaryDirectory() as tmp:
        url = db or str(Path(tmp, "rates.db"))
        with closing(open_storage(url)) as storage:
            ingest = Ingest(storage, Settings(db=url), lambda: None, None, StageTimer())
            cpu = time.process_time()
            for document, item in zip(documents, prepared):
                ingest.store(local_incoming(document), item.text, item.fingerprint, extracted=item.processed)
            store_ms = (time.process_time() - cpu) * 1000 / len(documents)
    items = [SegmentItem(i, d.title or "", p.text, g.published, g.outlet, None, p.vector)
             for i, (d, p, g) in enumerate(zip(documents, prepared, generated))]
    cpu = time.process_time()
    group_segment(Segment(0, None, items), WINDOW)
    group_ms = (time.process_time() - cpu) * 1000 / len(items)
    return {"pages": pages, "avg_page_kb": round(sum(len(d.html) for d in documents) / len(documents) / 1024, 1),
            "cpu_ms_per_article": {"extract+fingerprint": round(extract_ms, 2), "embed": round(embed_ms, 2),
                                   "store (driver)": round(store_ms, 2), "group": round(group_ms, 2)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--db")
    args = parser.parse_args()
    print(json.dumps(measure(args.pages, args.db)))


if __name__ == "__main__":
    main()
