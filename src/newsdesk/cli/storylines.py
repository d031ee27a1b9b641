"""`newsdesk storylines` and `newsdesk storyline ID`: the developing stories and the events of each."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table
from newsdesk.cli.common import ShowByDefault, console, fail, open_store, state
from newsdesk.cli.terminal import escaped, json_for_terminal
from newsdesk.timeutil import relative, to_utc, utcnow

SHOW = "show"
storyline_app = typer.Typer(cls=ShowByDefault, no_args_is_help=True, rich_markup_mode=None,
                            help="One storyline (`newsdesk storyline ID|SLUG [--json]`), or a correction of the "
                                 "storylines: move, merge, split (undo with `newsdesk story undo`).")


def register(app: typer.Typer) -> None:
    app.command("storylines")(list_storylines)
    storyline_app.command(SHOW, hidden=True)(show_storyline)
    app.add_typer(storyline_app, name="storyline")


@storyline_app.command("move")
def move(ctx: typer.Context, story: str = typer.Argument(..., metavar="STORY_ID"),
         to: str = typer.Option(..., "--to", metavar="STORYLINE_ID|new|none",
                                help="A storyline id or slug, `new`, or `none` (out of any storyline).")) -> None:
    """Move an event (a story) to another storyline, a new one, or out of any; the linker keeps it there."""
    from newsdesk.cli.corrections import _correct
    from newsdesk.corrections import move_event

    _correct(ctx, lambda storage, actor: move_event(storage, story, to, actor))


@storyline_app.command("merge")
def merge(ctx: typer.Context, into: str = typer.Argument(..., help="The storyline that stays (id or slug)."),
          merged: str = typer.Argument(..., metavar="FROM", help="The storyline merged into it.")) -> None:
    """Merge storyline FROM into storyline INTO; FROM's id and slug lead to INTO from now on."""
    from newsdesk.cli.corrections import _correct
    from newsdesk.corrections import merge_storylines

    _correct(ctx, lambda storage, actor: merge_storylines(storage, into, merged, actor))


@storyline_app.command("split")
def split(ctx: typer.Context, storyline: str = typer.Argument(..., metavar="STORYLINE_ID"),
          stories: list[str] = typer.Argument(..., metavar="STORY_ID…", help="The events that leave.")) -> None:
    """Split a storyline: the events (story ids) named leave it for a new storyline."""
    from newsdesk.cli.corrections import _correct, _whole
    from newsdesk.corrections import split_storyline

    ids = [_whole(s, "a story id") for s in stories]
    _correct(ctx, lambda storage, actor: split_storyline(storage, storyline, ids, actor))


def _when(value: str | None) -> str:
    return relative(to_utc(datetime.fromisoformat(value)), utcnow()) if value else "-"


def list_storylines(ctx: typer.Context, limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000),
                    page: int = typer.Option(1, "--page", min=1),
                    as_json: bool = typer.Option(False, "--json", help="As /api/v1/storylines gives them.")) -> None:
    """The storylines (events of one developing story, linked over weeks), latest activity first."""
    from newsdesk.web import storylines_list

    with open_store(state(ctx).settings()) as storage:
        listed = storylines_list(storage, limit=limit, offset=(page - 1) * limit)
    if as_json:
        print(json_for_terminal(listed))
        return
    table = Table(title=f"storylines ({listed['total']})")
    for column in ("id", "storyline", "events", "since", "latest"):
        table.add_column(column, overflow="fold", justify="right" if column in ("id", "events") else "left")
    for s in listed["storylines"]:
        table.add_row(str(s["id"]), escaped(s["title"] or "(untitled)"), str(s["event_count"]),
                      _when(s["first_activity"]), _when(s["last_activity"]))
    console.print(table)


def show_storyline(ctx: typer.Context, key: str = typer.Argument(..., help="A storyline's id or slug (old ids of "
                                                                         "merged storylines still resolve)."),
                   as_json: bool = typer.Option(False, "--json", help="As /api/v1/storylines/{id} gives it.")) -> None:
    """One storyline: the story so far, its events in time order with their sources, the entities it names."""
    from newsdesk.web import storyline_document

    with open_store(state(ctx).settings()) as storage:
        found = storage.get_storyline(key.strip())
        if found is None:
            fail(f"no storyline {key!r}: `newsdesk storylines` lists them")
        doc = storyline_document(storage, found)
    if as_json:
        print(json_for_terminal(doc))
        return
    console.print(f"[bold]{escaped(doc['title'] or '(untitled storyline)')}[/] [dim](storyline {doc['id']}, "
                  f"/storylines/{escaped(doc['slug'])})[/]")
    console.print(f"{doc['event_count']} events · since {_when(doc['first_activity'])} · latest "
                  f"{_when(doc['last_activity'])}")
    if doc["so_far"]:
        console.print("[bold]the story so far[/]" + (" [dim](the LLM writer's, every sentence checked)[/]"
                                                     if doc["so_far_by"] == "llm" else ""))
        if doc["so_far_note"]:
            console.print(f"  [yellow]{escaped(doc['so_far_note'])}[/]")
        for s in doc["so_far"]:
            also = f" +{len(s['also'])}" if s["also"] else ""
            console.print(f"  {escaped(s['text'])} [dim]— {escaped(s['outlet'] or '')}{also}[/]")
    table = Table(title="events, oldest first")
    for column in ("story", "headline", "sources", "first published"):
        table.add_column(column, overflow="fold", justify="right" if column in ("story", "sources") else "left")
    for e in doc["events"]:
        table.add_row(str(e["id"]), escaped(e["headline"] or "(untitled)"), str(e["independent_count"]),
                      _when(e["first_published"]))
    console.print(table)
    if doc["entities"]:
        console.print("named most: " + ", ".join(f"{escaped(e['name'])} [dim]({e['events']})[/]"
                                                for e in doc["entities"]))
