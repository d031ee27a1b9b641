"""Kill the backfill's driver (kill -9) at several points and run the same command again: it goes on where it
stood, stores no article twice, loses none, and ends with the same stories as a run never cut off."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import closing

import pytest

from newsdesk.backfill import LocalEngine, run_backfill
from newsdesk.config import Settings
from newsdesk.storage import open_storage
from tests.backfill.desk_reads import article_count, records_done, stories
from tests.backfill.inputs import articles, write_jsonl, write_warc_file

pytest.importorskip("warcio", reason="WARC input needs warcio (a product dependency: pip install -e .)")


def _env() -> dict[str, str]:
    return {**os.environ, "NEWSDESK_ENTITIES": "false", "NEWSDESK_STORY_PAGES": "false"}


def _command(db: str, inputs: list[str], *extra: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk", "--db", db, "backfill", *inputs, "--workers", "1", "--json", *extra]


def test_killed_runs_end_as_an_uninterrupted_one(db_url, tmp_path, embedder):
    generated = articles(150, seed=21)
    warc = tmp_path / "a.warc.gz"
    write_warc_file(generated[:100], warc, bad_every=40)
    feed = write_jsonl(generated[100:], tmp_path / "b.jsonl")
    inputs = [str(warc), str(feed)]
    whole = str(tmp_path / "whole.db")
    with closing(open_storage(whole)) as storage:      # the run never cut off, in this process
        run_backfill(storage, Settings(db=whole, entities=False, story_pages=False), inputs, LocalEngine(1))
    open_storage(db_url).close()

    killed_at = []
    for threshold in (30, 80, 140):           # in the WARC, then past it, then near the end
        proc = subprocess.Popen(_command(db_url, inputs), env=_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 600
        while records_done(db_url) < threshold and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at.append(records_done(db_url))
    subprocess.run(_command(db_url, inputs), env=_env(), check=True, capture_output=True, timeout=900)

    assert killed_at == sorted(killed_at)
    assert killed_at[0] < 100
    assert article_count(db_url) == article_count(whole) == len(generated)
    assert stories(db_url) == stories(whole)
