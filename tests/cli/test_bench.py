import json

import pytest
from typer.testing import CliRunner

from newsdesk_lab.bench.ingest import generate_pages
from newsdesk_lab.bench.newspages import generate_pages as generate_news_pages
from newsdesk.cli import app


def test_generated_pages_are_deterministic_and_include_reprints():
    a, b = generate_pages(200), generate_pages(200)
    assert [p.title for p in a] == [p.title for p in b]
    assert len({p.title for p in a}) == 200
    assert any("(With agency inputs)" in p.paragraphs for p in a)


def test_bench_ingest_small_run_prints_figures(embedder):
    """Stories on, as the desk runs: the pages are grouped and written, and the CPU is told by stage."""
    result = CliRunner().invoke(app, ["bench", "ingest", "--pages", "60", "--workers", "1", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["stored"] == 60 and figures["errors"] == 0
    assert figures["copies"] >= 1 and figures["articles_per_s"] > 0
    events = len({p.event for p in generate_news_pages(60, update_share=0.0)})
    assert events * 0.5 <= figures["stories"] <= 60
    assert {"fetch", "extract", "dedupe", "store", "embed", "group", "synthesize"} <= set(figures["ms_per_article"])
    cpu = figures["cpu_ms_per_article"]
    for stage in ("fetch", "extract", "store", "embed", "group", "synthesize"):
        assert cpu[stage] > 0, stage
    assert sum(cpu.values()) == pytest.approx(figures["cpu_ms_per_article_total"], rel=0.03)


def test_bench_ingest_without_stories_stops_at_the_store():
    result = CliRunner().invoke(app, ["bench", "ingest", "--pages", "20", "--workers", "1", "--no-stories", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["stored"] == 20 and figures["stories"] == 0
    assert set(figures["ms_per_article"]) == {"fetch", "extract", "dedupe", "store"}
    assert figures["cpu_ms_per_article"]["embed"] == 0
