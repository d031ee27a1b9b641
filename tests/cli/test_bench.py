import json

from typer.testing import CliRunner

from newsdesk_lab.bench.ingest import generate_pages
from newsdesk.cli import app


def test_generated_pages_are_deterministic_and_include_reprints():
    a, b = generate_pages(200), generate_pages(200)
    assert [p.title for p in a] == [p.title for p in b]
    assert len({p.title for p in a}) == 200
    assert any("(With agency inputs)" in p.paragraphs for p in a)


def test_bench_ingest_small_run_prints_figures():
    result = CliRunner().invoke(app, ["bench", "ingest", "--pages", "60", "--workers", "1", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["stored"] == 60 and figures["errors"] == 0
    assert figures["copies"] >= 1 and figures["articles_per_s"] > 0
    assert set(figures["ms_per_article"]) == {"fetch", "extract", "dedupe", "store"}
