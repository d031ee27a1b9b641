"""Subscriptions: add, remove, list with health, OPML in and out."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from newsdesk.cli.common import console, fail, open_store, state
from newsdesk.cli.terminal import escaped, xml_for_terminal
from newsdesk.coverage import LabelError, check_name, format_labels, parse_group_labels, parse_pairs
from newsdesk.storage import LabelInUse, SourceExists
from newsdesk.timeutil import relative, utcnow


sources_app = typer.Typer(help="Subscriptions with their health; their labels (coverage by side).",
                          invoke_without_command=True, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    app.command("add")(add)
    app.command("remove")(remove)
    sources_app.callback(invoke_without_command=True)(list_sources)
    sources_app.command("label")(label)
    sources_app.command("groups")(groups)
    sources_app.command("group")(define_group)
    app.add_typer(sources_app, name="sources")
    app.command("import-opml")(import_opml)
    app.command("export-opml")(export_opml)


def add(ctx: typer.Context, url: str = typer.Argument(..., help="A feed URL, or a site URL whose feed is discovered."),
        folder: Optional[str] = typer.Option(None, help="Folder (category) for the subscription."),
        title: Optional[str] = typer.Option(None, help="Name to show instead of the feed's own title.")) -> None:
    """Subscribe to a feed, by feed URL or by site URL."""
    from newsdesk.pipeline import SubscribeError, subscribe

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        try:
            source = asyncio.run(subscribe(storage, settings, url, folder=folder, title=title))
        except (SubscribeError, SourceExists) as exc:
            fail(str(exc))
        console.print(f"Subscribed to [bold]{escaped(source.name)}[/] ({escaped(source.format or 'feed')}): "
                      f"{escaped(source.feed_url)}  [dim]id {source.id}[/]")


def remove(ctx: typer.Context, source: str = typer.Argument(..., help="Source id, feed URL or title."),
           purge: bool = typer.Option(False, help="Also delete the articles it brought in.")) -> None:
    """Unsubscribe. Its articles stay on the desk unless --purge."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        found = storage.get_source(source)
        if found is None:
            fail(f"no source {source!r}; `newsdesk sources` lists them")
        deleted = storage.remove_source(found.id, purge=purge)
        console.print(f"Removed {escaped(found.name)}" + (f" and {deleted} articles" if purge else ""))


def list_sources(ctx: typer.Context) -> None:
    """Subscriptions with their health: last fetch, status, last error, articles, labels."""
    if ctx.invoked_subcommand is not None:
        return
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        rows = storage.list_sources()
    if not rows:
        console.print("No sources yet: `newsdesk add URL`, `newsdesk import-opml FILE` or `newsdesk init`.")
        return
    now = utcnow()
    table = Table(title=f"{len(rows)} sources", show_lines=False)
    # Columns no source fills are left out; the source (name, feed URL) and the last error take the room left.
    columns = {"id": None, "source": 3, "folder": 1, "labels": 1, "format": None, "fetched": None,
               "status": None, "articles": None, "last error": 2, "next": None}
    if not any(s.folder for s in rows):
        del columns["folder"]
    if not any(s.labels for s in rows):
        del columns["labels"]
    if not any(s.format for s in rows):
        del columns["format"]
    for column, ratio in columns.items():
        table.add_column(column, overflow="fold", ratio=ratio, justify="right" if column in ("id", "articles") else "left")
    for s in rows:
        status = escaped(s.last_status or "never fetched")
        if not s.enabled:
            status = f"[red]disabled[/]: {escaped(s.disabled_reason)}"
        elif s.last_status == "error":
            status = f"[red]error[/] ×{s.error_count}"
        error = f"{escaped(s.last_error)} ({relative(s.last_error_at, now)})" if s.last_error else ""
        cells = {"id": str(s.id), "source": f"{escaped(s.name)}\n[dim]{escaped(s.feed_url)}[/]",
                 "folder": escaped(s.folder), "labels": escaped(format_labels(s.labels)),
                 "format": escaped(s.format),
                 "fetched": relative(s.last_fetch_at, now) if s.last_fetch_at else "never", "status": status,
                 "articles": str(s.article_count), "last error": f"[red]{error}[/]" if error else "",
                 "next": relative(s.next_fetch_at, now) if s.next_fetch_at and s.next_fetch_at > now else "due"}
        table.add_row(*(cells[c] for c in columns))
    console.print(table)


def import_opml(ctx: typer.Context, file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Subscribe to every feed of an OPML file (folders kept)."""
    from newsdesk.pipeline import Subscriptions
    from newsdesk.sources import OpmlError

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        try:
            done = Subscriptions(storage).import_opml(file.read_bytes())
        except OpmlError as exc:
            fail(f"{file}: {exc}")
    console.print(f"Imported {done.added} feeds from {escaped(file)}"
                  + (f" ({done.skipped} already subscribed)" if done.skipped else ""))
    for url, why in done.refused:
        console.print(f"[yellow]refused[/] {escaped(url)}: {escaped(why)}")
    if done.labelled:
        console.print(f"Set the labels of {done.labelled} feeds")
    for url, why in done.unlabelled:
        console.print(f"[yellow]labels not set[/] for {escaped(url)}: {escaped(why)}")


def export_opml(ctx: typer.Context, output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                                         help="Write here instead of stdout.")) -> None:
    """Write the subscriptions as OPML 2.0, with folders."""
    from newsdesk.pipeline import Subscriptions

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        text = Subscriptions(storage).export_opml()
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {escaped(output)}")
    else:
        print(xml_for_terminal(text))


def label(ctx: typer.Context, source: str = typer.Argument(..., help="Source id, feed URL or title."),
          pairs: list[str] = typer.Argument(..., help="group=label (lean=left country=uk); group= takes it off.")
          ) -> None:
    """Set a source's labels: one per group, in groups you define (newsdesk ships none)."""
    try:
        labels = parse_pairs(pairs)
    except LabelError as exc:
        fail(str(exc))
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        found = storage.get_source(source)
        if found is None:
            fail(f"no source {source!r}; `newsdesk sources` lists them")
        now = storage.set_source_labels(found.id, labels)
    console.print(f"{escaped(found.name)}: {escaped(format_labels(now)) or 'no labels'}")


def groups(ctx: typer.Context) -> None:
    """The label groups, each with its labels in order and how many sources carry each."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        defined = storage.label_groups()
        carried = storage.source_labels()
    if not defined:
        console.print("No label groups yet: `newsdesk sources group lean 'left|centre|right'` or "
                      "`newsdesk sources label SOURCE lean=left`.")
        return
    for name, labels in defined.items():
        counts = {label: sum(1 for found in carried.values() if found.get(name) == label) for label in labels}
        console.print(f"[bold]{escaped(name)}[/]: " + " · ".join(f"{escaped(label)} ({n} sources)"
                                                                for label, n in counts.items()))


def define_group(ctx: typer.Context, name: str = typer.Argument(..., help="The group's name, e.g. lean."),
                 labels: str = typer.Argument(..., help="Its labels in order: left|centre|right.")) -> None:
    """Define a label group, or set the order of its labels (the order coverage shows them in)."""
    try:
        name, ordered = check_name(name, "label group"), parse_group_labels(labels)
    except LabelError as exc:
        fail(str(exc))
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        try:
            storage.define_label_group(name, ordered)
        except LabelInUse as exc:
            fail(str(exc))
    console.print(f"{escaped(name)}: {escaped(' | '.join(ordered))}")
