import json

from newsdesk_lab.bench.readers import PASSWORD, fill_readers
from newsdesk_lab.bench.web import fill_desk
from typer.testing import CliRunner

from newsdesk.accounts import fever_key, user_for_fever_key
from newsdesk.cli import app
from newsdesk.storage import open_storage


def test_readers_get_state_of_their_own(tmp_path):
    storage = open_storage(str(tmp_path / "desk.db"))
    fill_desk(storage, articles=300, stories=60)
    figures = fill_readers(storage, users=12)
    assert figures["users"] == 12 and storage.count_users() == 12
    assert figures["article_marks_written"] > 0 and figures["story_reads_written"] > 0
    reader = user_for_fever_key(storage, fever_key("reader3", PASSWORD))
    assert reader is not None and reader.name == "reader3"
    counts = [storage.unread_counts(u.id, u.read_before).total for u in storage.list_users()]
    assert len(set(counts)) > 1                    # readers are at different places in the desk's history
    assert storage.table_size("article_marks")[0] > 0
    storage.close()


def test_bench_readers_small_run_prints_figures(tmp_path):
    db = str(tmp_path / "bench.db")
    result = CliRunner().invoke(app, ["bench", "readers", "--articles", "300", "--stories", "60", "--users", "8",
                                      "--requests", "5", "--workers", "1", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["errors"] == 0, figures["first_errors"]
    assert (figures["articles"], figures["stories"], figures["users"]) == (300, 60, 8)
    calls = set(figures["latency"])
    assert {"fever items (articles, 50)", "fever items (stories, 50)", "fever unread_item_ids",
            "unread counts query (storage)"} <= calls
    assert any(call.startswith("home page") for call in calls)
    assert ("google reader stream/contents (100)" in calls) == figures["google_reader"]
    for call, latency in figures["latency"].items():
        assert latency["requests"] == 5, call
        assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["max_ms"], call
    assert figures["article_marks"] > 0 and figures["story_reads"] > 0
    assert 10 < figures["bytes_per_mark"] < 10_000
    printed = " ".join(result.output.split())          # the console wraps long lines
    for text in ("fever items (articles, 50)", "p95 ms", "bytes per mark", "8 readers"):
        assert text in printed
    refused = CliRunner().invoke(app, ["bench", "readers", "--articles", "300", "--stories", "60", "--users", "8",
                                       "--db", db])
    assert refused.exit_code == 1 and "already holds articles" in refused.output
