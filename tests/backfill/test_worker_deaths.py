"""Kill the local engine's worker processes (kill -9) during a backfill: the batches they held go to new workers,
and the run ends with the same articles and stories as one where no worker died."""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import closing

from newsdesk.backfill import LocalEngine, run_backfill
from newsdesk.config import Settings
from newsdesk.storage import open_storage
from tests.backfill.inputs import articles, write_jsonl
from tests.backfill.desk_reads import article_count, records_done, stories

THRESHOLDS = (16, 48, 80)        # records stored when a worker is killed, of 112


def _kill_a_worker_at(engine: LocalEngine, db: str, killed: list[int], stop: threading.Event) -> None:
    for threshold in THRESHOLDS:
        while records_done(db) < threshold and not stop.is_set():
            time.sleep(0.02)
        workers = [pid for pid in engine.worker_pids() if pid != os.getpid()]
        if stop.is_set() or not workers:
            return
        os.kill(workers[0], signal.SIGKILL)
        killed.append(records_done(db))


def test_workers_killed_mid_run_end_as_a_run_where_none_died(tmp_path, embedder):
    feed = write_jsonl(articles(112, seed=23), tmp_path / "a.jsonl")
    settings = dict(entities=False, story_pages=False)
    whole = str(tmp_path / "whole.db")
    with closing(open_storage(whole)) as storage:
        run_backfill(storage, Settings(db=whole, **settings), [str(feed)], LocalEngine(1), batch=16)
    db = str(tmp_path / "killed.db")
    open_storage(db).close()
    engine, killed, stop = LocalEngine(2), [], threading.Event()
    killer = threading.Thread(target=_kill_a_worker_at, args=(engine, db, killed, stop))
    killer.start()
    try:
        with closing(open_storage(db)) as storage:
            report = run_backfill(storage, Settings(db=db, **settings), [str(feed)], engine, batch=16)
    finally:
        stop.set()
        killer.join()
        engine.close()
    assert len(killed) == len(THRESHOLDS)
    assert engine.restarts >= len(THRESHOLDS)
    assert report.errors == 0
    assert article_count(db) == article_count(whole)
    assert stories(db) == stories(whole)
