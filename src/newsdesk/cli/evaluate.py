"""`newsdesk eval …`: quality measured against labelled data whose path is given."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsdesk.cli.common import console, fail

app = typer.Typer(help="Evaluate a stage against labelled data.", no_args_is_help=True)


@app.command("extraction")
def extraction(directory: Path = typer.Argument(..., help="A folder with html/*.html.gz and ground-truth.json."),
               as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Shingle precision / recall / F1 of article extraction (the Scrapinghub benchmark's metric)."""
    from newsdesk.extract.evaluate import evaluate_extraction

    if not (directory / "ground-truth.json").exists() or not (directory / "html").is_dir():
        fail(f"{directory} must hold html/*.html.gz and ground-truth.json")
    with Progress(TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("", total=None)
        result = evaluate_extraction(directory, progress=lambda done, total: progress.update(
            task, completed=done, total=total))
    console.print(f"pages {result['pages']}  precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
                  f"F1 {result['f1']:.4f}  {result['pages_per_s']:.1f} pages/s")
    if as_json:
        print(json.dumps({k: result[k] for k in ("precision", "recall", "f1", "pages_per_s")}))
