"""`newsdesk bench alerts`, tiny: it matches a generated stream against each number of watchlists, decides alerts,
and measures the delay to a real webhook receiver on 127.0.0.1 (every webhook arrives)."""

from typer.testing import CliRunner

from newsdesk.cli import app


def test_bench_alerts_small_run_prints_figures():
    result = CliRunner().invoke(app, ["bench", "alerts", "--articles", "150", "--history", "100", "--sizes", "20,200",
                                      "--delay-articles", "60", "--rate", "100", "--hooks", "40", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "ms/article" in result.output and "p95" in result.output
    import json
    figures = json.loads(result.output.strip().splitlines()[-1])
    small, large = figures["matching"]
    assert small["watchlists"] == 20 and large["watchlists"] == 200
    assert large["alerts"] > small["alerts"] > 0
    assert 0 < large["ms_per_article"] < 50
    assert figures["silent"]["watchlists"] == 200 and figures["silent"]["alerts"] == 0
    delay = figures["delay"]
    assert delay["webhooks_expected"] > 0 and delay["webhooks_received"] == delay["webhooks_expected"]
    assert 0 < delay["p95_ms"] < 10_000


def test_bench_alerts_refuses_odd_sizes():
    result = CliRunner().invoke(app, ["bench", "alerts", "--sizes", "ten"])
    assert result.exit_code == 2 and "whole numbers" in result.output
