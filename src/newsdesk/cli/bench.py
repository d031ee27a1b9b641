"""`newsdesk bench …`: performance and quality figures, printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from newsdesk.cli.common import console

app = typer.Typer(help="Benchmarks that print their figures.", no_args_is_help=True)


@app.command("ingest")
def ingest(pages: int = typer.Option(1000, help="How many pages to serve and ingest."),
           workers: int = typer.Option(0, help="Extraction processes (0 = one per core)."),
           as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Serve generated news pages on 127.0.0.1 and ingest them end to end: fetch, extract, dedupe, store."""
    from newsdesk.bench.ingest import run_ingest_bench

    console.print(f"Serving {pages} generated pages on 127.0.0.1 and ingesting them …")
    result = run_ingest_bench(pages=pages, workers=workers)
    console.print(f"{result['stored']} articles stored ({result['originals']} originals, {result['copies']} copies, "
                  f"{result['errors']} errors) in {result['seconds']} s: [bold]{result['articles_per_s']} "
                  f"articles/s[/] (pages average {result['avg_page_kb']} KB)")
    table = Table(title="time per article by stage (summed over concurrent work)")
    table.add_column("stage")
    table.add_column("ms/article", justify="right")
    for stage, ms in result["ms_per_article"].items():
        table.add_row(stage, f"{ms:.2f}")
    console.print(table)
    for error in result["first_errors"]:
        console.print(f"[red]error:[/] {error}")
    if as_json:
        print(json.dumps(result))


@app.command("dedupe")
def dedupe(testset: Optional[Path] = typer.Argument(None, help="Labelled pairs (default: the project's own set)."),
           threshold: Optional[float] = typer.Option(None, help="Containment threshold (default: the setting)."),
           as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Precision and recall of copy detection on labelled pairs: reprints vs different reports of one event."""
    from newsdesk.config import Settings
    from newsdesk.dedupe.evaluate import evaluate_dedupe

    result = evaluate_dedupe(testset, threshold if threshold is not None else Settings().duplicate_threshold)
    console.print(f"pairs {result['pairs']}  precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
                  f"F1 {result['f1']:.4f}  (threshold {result['threshold']}, {result['seconds']} s)")
    for kind, counts in sorted(result["by_kind"].items()):
        console.print(f"  {kind:<28} {counts['correct']}/{counts['pairs']} right")
    for mistake in result["mistakes"][:10]:
        console.print(f"  [red]wrong:[/] {mistake['a']} / {mistake['b']} ({mistake['kind']}, "
                      f"expected {'copy' if mistake['expected'] else 'distinct'})")
    if as_json:
        print(json.dumps({k: result[k] for k in ("precision", "recall", "f1", "pairs", "threshold")}))
