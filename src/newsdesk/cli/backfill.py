"""`newsdesk backfill`: many local files through the desk's stages, on this machine or a Ray cluster."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from newsdesk.cli.common import console, errors, fail, open_store, state
from newsdesk.cli.terminal import escaped
from newsdesk.timeutil import to_utc

if TYPE_CHECKING:
    from newsdesk.backfill import BackfillReport


def register(app: typer.Typer) -> None:
    app.command("backfill")(backfill)


def backfill(ctx: typer.Context,
             inputs: list[str] = typer.Argument(..., help="JSONL files (as `ingest` reads), folders of HTML files, "
                                                          "WARC files (.warc, .warc.gz); paths or globs."),
             engine: str = typer.Option("local", "--engine", help="local (worker processes here) or ray."),
             address: Optional[str] = typer.Option(None, "--address",
                                                   help="Ray cluster address (ray://…, host:port, auto), or "
                                                        "`local` to start Ray on this machine for the run."),
             workers: int = typer.Option(0, "--workers", help="Worker processes (0: one per CPU core)."),
             since: Optional[datetime] = typer.Option(None, help="Only articles published on or after this."),
             until: Optional[datetime] = typer.Option(None, help="Only articles published before this."),
             as_json: bool = typer.Option(False, "--json", help="End with the report as one JSON object.")
             ) -> None:
    """Load history: extract, fingerprint, embed, fold reprints, group into stories and write the pages, in
    parallel. Stop it at any point and run the same command again: it goes on where it stood."""
    from newsdesk.backfill import BackfillInputError, EngineError, make_engine, run_backfill

    if engine not in ("local", "ray"):
        fail(f"--engine {engine}: local or ray")
    if address is not None and engine != "ray":
        fail("--address is for --engine ray")
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        try:
            runner = make_engine(engine, workers, address)
        except EngineError as exc:
            fail(str(exc))
        shown = errors if as_json else console
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]} articles/s"), TextColumn("ETA"), TimeRemainingColumn())
        try:
            with Progress(*columns, console=shown, transient=True) as bar:
                task = bar.add_task("reading", total=None, rate="–")

                def progress(report: BackfillReport, phase: str) -> None:
                    total = max(report.total - report.resumed_after, report.records) or None
                    bar.update(task, description={"ingest": "reading", "reprints": "reprints", "group": "grouping",
                                                  "pages": "pages", "done": "done"}[phase],
                               total=total, completed=report.records, rate=_rate(bar, task, report))

                report = run_backfill(storage, settings, inputs, runner, since=to_utc(since) if since else None,
                                      until=to_utc(until) if until else None, progress=progress)
        except (BackfillInputError, EngineError) as exc:
            fail(str(exc))
        finally:
            runner.close()
    _print(report, as_json)


def _rate(bar: Progress, task, report: BackfillReport) -> str:
    elapsed = bar.tasks[task].elapsed or 0.0
    return f"{report.records / elapsed:.1f}" if elapsed > 0.5 else "–"


def _print(report: BackfillReport, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.as_json()))
        return
    resumed = f" (after {report.resumed_after} done by an earlier run)" if report.resumed_after else ""
    console.print(f"Read {report.records} records{resumed} in {report.elapsed:.1f} s "
                  f"({report.articles_per_s} a second): {report.articles} new articles, {report.copies} of them "
                  f"reprints; {report.unchanged} already stored, {report.updated} updated, {report.skipped} "
                  f"outside the dates; {report.stories} stories in {report.segments} segments, "
                  f"{report.pages} pages written.")
    if report.errors:
        console.print(f"{report.errors} bad records (kept in the database; the first are):")
        for origin, message in report.error_list[:20]:
            console.print(f"  {escaped(origin)}: {escaped(message)}")
