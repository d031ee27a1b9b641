"""Reading the desk from the terminal."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from newsdesk.cli.common import console, fail, open_store, state
from newsdesk.cli.terminal import escaped
from newsdesk.timeutil import relative, utcnow


pages_app = typer.Typer(invoke_without_command=True, rich_markup_mode=None,
                        help="The fetched pages kept for re-extraction: how many, their size; prune them.")


def register(app: typer.Typer) -> None:
    app.command("articles")(list_articles)
    app.command("article")(show_article)
    pages_app.callback()(page_stats)
    pages_app.command("prune")(prune_pages)
    app.add_typer(pages_app, name="pages")


def list_articles(ctx: typer.Context,
                  source: Optional[str] = typer.Option(None, "--source", "-s", help="Source id, title or outlet."),
                  limit: int = typer.Option(30, "--limit", "-n"),
                  copies: bool = typer.Option(False, "--copies", help="List reprints too, not only originals.")) -> None:
    """The latest articles; a reprinted story shows once, with who else published it."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        rows = storage.list_articles(source=source, limit=limit, include_copies=copies)
        also = storage.copy_outlets([a.id for a in rows])
    if not rows:
        console.print("No articles yet." if source is None else f"No articles from {escaped(repr(source))}.")
        return
    now = utcnow()
    table = Table(show_lines=False)
    for column in ("id", "when", "outlet", "title"):
        table.add_column(column, overflow="fold")
    for a in rows:
        title = escaped(a.title or "(untitled)")
        if a.original_id:
            title += f"\n[dim]copy of #{a.original_id}[/]"
        if also.get(a.id):
            title += f"\n[cyan]also published by {escaped(', '.join(also[a.id]))}[/]"
        if not a.full_text:
            title += f"\n[yellow]teaser only: {escaped(a.extraction_error or 'full text unavailable')}[/]"
        table.add_row(str(a.id), relative(a.time, now), escaped(a.outlet), title)
    console.print(table)


def show_article(ctx: typer.Context, article_id: int = typer.Argument(...),
                 text: bool = typer.Option(True, "--text/--no-text", help="Print the article text.")) -> None:
    """One article: metadata, revisions, copies and text."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        article = storage.get_article(article_id)
        if article is None:
            fail(f"no article {article_id}")
        copies = storage.copies_of(article.id)
        revisions = storage.revisions(article.id)
        original = storage.get_article(article.original_id) if article.original_id else None
    console.print(f"[bold]{escaped(article.title or '(untitled)')}[/]")
    facts = [("outlet", article.outlet), ("author", article.author), ("url", article.url),
             ("published", article.published_at and f"{article.published_at:%Y-%m-%d %H:%M} UTC"),
             ("updated", article.updated_at and f"{article.updated_at:%Y-%m-%d %H:%M} UTC"),
             ("first seen", f"{article.first_seen_at:%Y-%m-%d %H:%M} UTC"), ("language", article.language),
             ("image", article.image_url), ("revisions", str(article.revision_count))]
    if not article.full_text:
        facts.append(("full text", f"unavailable: {article.extraction_error}"))
    if original:
        facts.append(("copy of", f"#{original.id} {original.outlet}: {original.title} "
                                  f"({article.copy_method}, similarity {article.copy_similarity:.2f})"))
    for name, value in facts:
        if value:
            console.print(f"[dim]{name:>11}[/]  {escaped(value)}")
    if copies:
        also_by = "; ".join(f"#{c.id} {c.outlet}" for c in copies)
        console.print(f"[dim]{'also by':>11}[/]  {escaped(also_by)}")
    if len(revisions) > 1:
        for rev in revisions:
            console.print(f"[dim]{'revision':>11}[/]  {rev.fetched_at:%Y-%m-%d %H:%M:%S} "
                          f"{escaped(rev.title)}")
    if text:
        console.print()
        console.print(escaped(article.text), soft_wrap=True)


def _print_page_stats(stats) -> None:
    per_page = stats.packed_bytes / stats.pages if stats.pages else 0
    oldest = f", the oldest fetched {stats.oldest:%Y-%m-%d %H:%M} UTC" if stats.oldest else ""
    dictionary = (f"packed with dictionary #{stats.dictionary_id} ({stats.undictionaried} kept before it are not "
                  "yet)"
                  if stats.dictionary_id is not None else "no page dictionary yet")
    console.print(f"{stats.pages} pages kept, {stats.packed_bytes / 1e6:.1f} MB packed "
                  f"({per_page / 1e3:.1f} KB a page){oldest}; {dictionary}")


def page_stats(ctx: typer.Context) -> None:
    """How many fetched pages are kept, their packed size and the oldest."""
    if ctx.invoked_subcommand is not None:
        return
    with open_store(state(ctx).settings()) as storage:
        _print_page_stats(storage.page_stats())


def prune_pages(ctx: typer.Context,
                days: Optional[float] = typer.Option(None, "--days", min=0,
                                                     help="Keep pages fetched in the last DAYS days (default: the "
                                                          "html_retention_days setting; 0 keeps every page)."),
                vacuum: bool = typer.Option(False, "--vacuum", help="Then give the freed space back to the "
                                                                    "file system (SQLite: VACUUM; rewrites the file).")
                ) -> None:
    """Drop the HTML of pages fetched longer ago than the retention (every article's text stays), and pack
    the pages kept with the desk's page dictionary (trained here once enough pages are kept)."""
    from newsdesk.pipeline import page_upkeep

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        report = page_upkeep(storage, settings, days=days)
        if vacuum:
            storage.vacuum()
        console.print(f"{report.pruned} pages pruned, {report.repacked} repacked"
                      + (f", dictionary #{report.trained} trained" if report.trained else ""))
        _print_page_stats(storage.page_stats())
