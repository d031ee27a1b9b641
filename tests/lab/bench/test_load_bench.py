import json
import os

from typer.testing import CliRunner

from newsdesk_lab.bench.load import process_tree, tree_memory_kb
from newsdesk.cli import app


def test_bench_load_small_run_prints_figures():
    result = CliRunner().invoke(app, ["bench", "load", "--clients", "10", "--duration", "3", "--articles", "300",
                                      "--stories", "60", "--pages", "60", "--feeds", "4", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["errors"] == 0 and figures["timeouts"] == 0, figures["first_errors"]
    assert figures["ok"] is True
    assert set(figures["pages"]) == {"home", "story", "search"}
    for kind, page in figures["pages"].items():
        assert page["requests"] > 0, kind
        assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["p99_ms"], kind
    assert figures["requests"] == sum(p["requests"] for p in figures["pages"].values())
    assert figures["articles"] == 300 and figures["stories"] == 60
    assert 0 < figures["articles_ingested_total"] <= 60        # the ingest really ran, from the local feeds
    assert figures["poll_errors"] == 0
    # memory of `newsdesk run` was sampled: a Python web server with the pipeline holds tens of MB at least
    assert 30 < figures["peak_server_rss_mb"] <= figures["peak_rss_mb"] < 8000
    assert figures["processes_max"] >= 1
    tenths = figures["rss_by_tenth_mb"]
    assert 1 <= len(tenths) <= 10 and max(tenths) <= figures["peak_rss_mb"]
    per_process = figures["rss_by_process_tenths_mb"]
    assert any("run" in role for role in per_process), per_process     # each process named by its command
    assert all(len(row) == len(tenths) for row in per_process.values())
    printed = result.output
    for label in ("requests", "errors", "timeouts", "p95 ms", "peak RSS", "articles stored during the load"):
        assert label in printed, label


def test_memory_of_a_process_tree_counts_children():
    import subprocess
    import sys
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(40_000_000); time.sleep(30)"])
    try:
        import time
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            own, total, pss, count = tree_memory_kb(os.getpid())
            if child.pid in process_tree(os.getpid()) and total - own > 39_000:
                break
            time.sleep(0.1)
        assert child.pid in process_tree(os.getpid())
        assert total - own > 39_000 and count >= 2 and pss > 0
    finally:
        child.kill()
        child.wait()


def test_the_filled_desk_holds_a_grouper_checkpoint_and_lead_vectors(tmp_path):
    from newsdesk_lab.bench.load import prepare_desk
    from newsdesk.pipeline import VECTOR_MODEL
    from newsdesk.storage import open_storage

    target = tmp_path / "desk.db"
    fill, reused = prepare_desk(target, 120, 30, reuse=False, say=lambda message: None)
    assert not reused and fill["articles"] == 120
    storage = open_storage(str(target))
    try:
        assert storage.grouper_meta()              # the desk under load starts from a checkpoint, no replay
        originals = [a.id for a in storage.list_articles(limit=500) if a.original_id is None]
        assert originals and set(storage.vectors(originals, VECTOR_MODEL)) == set(originals)
    finally:
        storage.close()


def test_rss_per_process_is_averaged_over_tenths_of_the_window():
    from newsdesk_lab.bench.load import Watcher

    watcher = Watcher([], ":memory:")
    watcher.roles = {1: "newsdesk run", 2: "worker"}
    # process 1 grows by 1 MiB a second for 20 s; process 2 only lives through the second half
    watcher.by_process = [(float(t), {1: 1024 * t, **({2: 2048} if t >= 10 else {})}) for t in range(20)]
    tenths = watcher.process_tenths(0.0, 19.0)
    assert list(tenths) == ["1 newsdesk run", "2 worker"]
    assert tenths["1 newsdesk run"] == [0.5, 2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5, 16.5, 18.5]
    assert tenths["2 worker"] == [None] * 5 + [2.0] * 5
