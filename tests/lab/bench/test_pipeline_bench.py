"""`newsdesk bench pipeline` on a small run: the figures are there, positive and sane; the generated corpus is
deterministic, with many distinct events, several reports each and some wire reprints."""

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from newsdesk_lab.bench.corpus import generate_articles
from newsdesk_lab.bench.cpu import STAGES
from newsdesk_lab.bench.newspages import generate_pages
from newsdesk.cli import app


def test_generated_articles_are_deterministic_distinct_events_with_reprints():
    a, b = generate_articles(600, seed=3), generate_articles(600, seed=3)
    assert [(x.title, x.text) for x in a] == [(x.title, x.text) for x in b]
    assert generate_articles(50, seed=4)[0].text != a[0].text
    assert len(a) == 600
    events = Counter(x.event for x in a)
    assert len(events) >= 100 and max(events.values()) <= 8
    assert sum(1 for n in events.values() if n >= 3) >= 40
    assert [x.published for x in a] == sorted(x.published for x in a)
    reprints = [x for x in a if x.reprint_of]
    assert reprints and len(reprints) < 0.2 * len(a)
    by_id = {x.id: x for x in a}
    assert all(by_id[r.reprint_of].event == r.event for r in reprints)
    own = [x for x in a if not x.reprint_of]
    assert len({x.text for x in own}) == len(own)
    words = sorted(len(x.text.split()) for x in own)
    assert 80 <= words[len(words) // 2] <= 400


def test_bench_pipeline_small_run_prints_figures(embedder):
    result = CliRunner().invoke(app, ["bench", "pipeline", "--articles", "120", "--sizes", "50,150",
                                      "--probe", "15", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    t = figures["throughput"]
    assert t["articles"] == 120 and t["errors"] == 0
    assert t["input"] == "html"
    updates = sum(p.version == 2 for p in generate_pages(120, seed=7))
    assert t["updated"] == updates and updates >= 1
    assert t["stored"] == 120 - updates and 1 <= t["copies"] < 30
    events = len({p.event for p in generate_pages(120, seed=7)})
    assert events * 0.7 <= t["stories"] <= 120
    assert t["articles_per_s"] > 0 and t["seconds"] > 0 and t["cpu_seconds"] > 0
    assert set(t["stage_seconds"]) == {"ingest", "embed", "group", "checkpoint", "entities", "synthesize",
                                       "storylines"}
    for stage in ("ingest", "embed", "group", "synthesize"):
        assert t["stage_seconds"][stage] > 0 and t["stage_articles_per_s"][stage] > 0
    assert t["pages_written"] >= t["stories"]
    assert t["b3_f1"] > 0.8
    cpu = t["cpu_ms_per_article"]
    assert set(cpu) == {*STAGES, "other", "native"}
    for stage in ("extract", "dedupe", "store", "embed", "group", "synthesize", "entities"):
        assert cpu[stage] > 0, stage
    assert sum(cpu.values()) == pytest.approx(t["cpu_ms_per_article_total"], rel=0.03)
    assert t["cpu_ms_per_article_total"] == pytest.approx(1000 * t["cpu_seconds"] / 120, rel=0.01)
    assert t["input_kb_per_article"] > 50
    assert t["db_bytes_per_article"] > 0 and t["peak_rss_mb"] > 0
    assert sum(row["articles"] for row in t["cpu_ms_per_article_by_batch"]) == 120
    scale = figures["scale"]
    assert [r["stories"] for r in scale["sizes"]] == [50, 150]
    for row in scale["sizes"]:
        assert row["probe_articles"] > 0 and row["group_ms"] > 0 and row["group_cpu_ms"] > 0
        assert row["state_mb"] > 0 and row["checkpoint_s"] > 0 and row["restart_s"] > 0
        assert 0 < row["probe_joined_held"] < 1, "the probe brings reports of held stories and of new events"
        assert row["active_stories"] >= row["stories"]
    assert isinstance(scale["flat"], bool)
    costs = [row["group_cpu_ms"] for row in scale["sizes"]]
    mean = sum(costs) / len(costs)
    assert scale["spread"] == pytest.approx(max(abs(c - mean) / mean for c in costs), abs=0.001)
    assert scale["ratio"] == pytest.approx(costs[-1] / costs[0], abs=0.001)
    assert scale["max_ratio"] == pytest.approx(max(costs) / min(costs), abs=0.001)
    assert scale["flat"] == (scale["max_ratio"] <= 1.15)


def test_bench_pipeline_follows_the_entities_setting(embedder, monkeypatch, tmp_path):
    """The NER's cost is measured against the same run without it: `entities = false` runs no NER."""
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("NEWSDESK_ENTITIES", "false")
    result = CliRunner().invoke(app, ["bench", "pipeline", "--articles", "40", "--sizes", "", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    t = json.loads(result.output.strip().splitlines()[-1])["throughput"]
    assert t["entities"] is False and t["stored"] + t["updated"] == 40
    assert t["stage_seconds"]["entities"] == 0 and t["ner_worker_cpu_seconds"] == 0
    assert t["cpu_ms_per_article"]["entities"] == 0


def test_bench_pipeline_text_input_skips_extraction(embedder, monkeypatch, tmp_path):
    """`--text`: the generated articles as plain text, as the bench read them before pages: no extraction."""
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("NEWSDESK_ENTITIES", "false")
    result = CliRunner().invoke(app, ["bench", "pipeline", "--articles", "30", "--sizes", "", "--text", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    t = json.loads(result.output.strip().splitlines()[-1])["throughput"]
    assert t["input"] == "text" and t["stored"] == 30 and t["updated"] == 0
    assert t["cpu_ms_per_article"]["extract"] == 0


def test_bench_pipeline_reads_a_jsonl_file(tmp_path, embedder):
    rows = []
    for event, (place, n) in enumerate([("Harrowgate", 3), ("Kelsby", 2)]):
        for k in range(n):
            rows.append({"id": f"{event}-{k}", "event": str(event), "source": f"Outlet {k}",
                         "published": f"2026-03-0{k + 1}T10:00:00Z",
                         "title": f"Council of {place} votes on the new bridge, report {k}",
                         "text": f"The council of {place} voted on Tuesday to build a new bridge over the river. "
                                 f"Report number {k} adds that the mayor of {place} welcomed the plan. "
                                 f"Work on the {place} bridge is due to start in the spring of next year."})
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["bench", "pipeline", "--jsonl", str(path), "--articles", "0", "--sizes", "",
                                      "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["throughput"]["articles"] == 5 and "scale" not in figures
    assert 1 <= figures["throughput"]["stories"] <= 5


def test_bench_pipeline_rejects_bad_options(tmp_path):
    missing = CliRunner().invoke(app, ["bench", "pipeline", "--jsonl", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    bad = CliRunner().invoke(app, ["bench", "pipeline", "--sizes", "1k,5k"])
    assert bad.exit_code == 2 and "whole numbers" in bad.output
