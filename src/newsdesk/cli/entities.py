"""`newsdesk entity NAME`: a person, organisation or place and the stories naming it."""

from __future__ import annotations

import typer
from rich.table import Table

from newsdesk.cli.common import console, fail, open_store, state
from newsdesk.cli.terminal import escaped, json_for_terminal
from newsdesk.timeutil import relative, to_utc, utcnow


def register(app: typer.Typer) -> None:
    app.command("entity")(show_entity)


def show_entity(ctx: typer.Context, name: str = typer.Argument(..., help="A name (any form stories use), or an "
                                                                        "entity's id or slug."),
                limit: int = typer.Option(20, "--limit", "-n", min=1, help="Stories shown at most."),
                as_json: bool = typer.Option(False, "--json", help="The entity as /api/v1/entities/{id} gives it, "
                                                                    "with the other entities the name matched.")
                ) -> None:
    """A person, organisation or place: the stories naming it (newest first, with their outlets), the entities
    named with it most often, and when it was first and last seen."""
    from datetime import datetime

    from newsdesk.web import entity_document, find_entities_json

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        matches = find_entities_json(storage, name, limit=10)
        entity = storage.get_entity(name.strip()) if not matches else storage.get_entity(matches[0]["id"])
        if entity is None:
            fail(f"no entity is called {name!r}: the desk names the people, organisations and places of English "
                 f"stories as it writes their pages")
        doc = entity_document(storage, entity, limit=limit)
    others = [m for m in matches if m["id"] != entity.id]
    if as_json:
        print(json_for_terminal({**doc, "other_matches": others}))
        return

    def when(value: str | None) -> str:
        return relative(to_utc(datetime.fromisoformat(value)), utcnow()) if value else "-"

    console.print(f"[bold]{escaped(doc['name'])}[/] [dim]({doc['type']}, id {doc['id']}, /entities/"
                  f"{escaped(doc['slug'])})[/]")
    count = doc["story_count"]
    console.print(f"named in {count} stor{'y' if count == 1 else 'ies'} · first seen {when(doc['first_seen'])} · last seen "
                  f"{when(doc['last_seen'])}")
    aliases = [a for a in doc["aliases"] if a != doc["name"]]
    if aliases:
        console.print(f"[dim]also written:[/] {escaped(', '.join(aliases))}")
    for form in doc["forms"]:
        console.print(f"[dim]shown with:[/] {escaped(form['name'])} ({form['relation']}, id {form['id']})")
    table = Table(title="stories, newest first")
    for column in ("id", "story", "outlets", "naming it", "updated"):
        table.add_column(column, overflow="fold", justify="right" if column in ("id", "outlets", "naming it")
                         else "left")
    for s in doc["stories"]:
        table.add_row(str(s["id"]), escaped(s["headline"]), str(s["outlets"]), str(s["sources"]),
                      when(s["last_updated"]))
    console.print(table)
    if doc["related"]:
        console.print("named with it most often: " + ", ".join(
            f"{escaped(r['name'])} [dim]({r['stories']})[/]" for r in doc["related"]))
    if others:
        console.print("[dim]other matches:[/] " + ", ".join(
            f"{escaped(m['name'])} [dim]({m['type']}, id {m['id']})[/]" for m in others))
