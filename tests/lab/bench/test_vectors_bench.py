"""`newsdesk bench vectors` on a small desk: with the stored vectors, regrouping and a page rewrite from an
empty memory send nothing to the model, which the model alone cannot say."""

import json

from typer.testing import CliRunner

from newsdesk.cli import app


def test_the_bench_shows_what_stored_vectors_save(embedder):
    result = CliRunner().invoke(app, ["bench", "vectors", "--articles", "30", "--repeats", "1", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    before, after = figures["recluster"]["model_only"], figures["recluster"]["stored"]
    assert before["texts_embedded"] > 0
    assert after["texts_embedded"] == 0
    assert after["texts_from_store"] == before["texts_embedded"]
    assert figures["page_rewrite"]["stored"]["texts_embedded_per_write"] == 0
    assert figures["page_rewrite"]["model_only"]["texts_embedded_per_write"] > 0
    assert figures["stored_vectors"]["bytes_per_article"] > 0
