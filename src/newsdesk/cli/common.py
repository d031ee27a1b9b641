"""What every command shares: settings, the storage, the console."""

from __future__ import annotations

import asyncio
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

from newsdesk.cli.terminal import escaped, make_console
from newsdesk.config import ConfigError, Settings, data_dir, load_settings

if TYPE_CHECKING:       # the pipeline and storage load in a second: `--help` does without them
    from newsdesk.storage import Storage

console = make_console()
errors = make_console(stderr=True)


def fit_to_terminal() -> None:
    """Each command prints as wide as COLUMNS says when it runs, else as its terminal is: the consoles are made
    once per process, and a process may run several commands (tests do)."""
    columns = os.environ.get("COLUMNS", "")
    for each in (console, errors):
        each.width = int(columns) if columns.isdigit() else None


@dataclass
class State:
    db: str | None = None
    config: Path | None = None

    def settings(self, **overrides) -> Settings:
        try:
            return load_settings(self.config, **{"db": self.db, **overrides})
        except ConfigError as exc:
            fail(f"configuration: {exc}")


def print_error(message: str) -> None:
    """`message` (which may quote a feed or a server) on stderr after a red `error:`."""
    errors.print(f"[bold red]error:[/] {escaped(message)}", soft_wrap=True)     # one line, however long


def fail(message: str, code: int = 1):
    print_error(message)
    raise typer.Exit(code)


def state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


@contextmanager
def open_store(settings: Settings, *, create: bool = False):
    """The desk's storage; only the commands that start a desk (`create`) may make a new database file."""
    from newsdesk.storage import DatabaseMissing, StorageError, open_storage

    try:
        storage = open_storage(settings.database_url(), create=create)
    except DatabaseMissing as exc:
        fail(f"{exc}: `newsdesk init` creates it{_demo_hint(settings)}")
    except StorageError as exc:
        fail(str(exc))
    try:
        yield storage
    except StorageError as exc:
        fail(str(exc))
    finally:
        storage.close()


def demo_database() -> Path:
    """Where `newsdesk demo` keeps its desk unless given --db."""
    return data_dir() / "demo.db"


def _demo_hint(settings: Settings) -> str:
    demo = demo_database()
    return f" (the demo desk is in {demo}: `newsdesk --db {demo} …` reads it)" if demo.exists() else ""


def run_desk(settings: Settings, storage: Storage, work):
    """Run `work(desk)` (a coroutine function) on a desk and close it properly."""
    from newsdesk.pipeline import Desk

    async def main():
        async with Desk(storage, settings) as desk:
            return await work(desk)
    return asyncio.run(main())


class ShowByDefault(TyperGroup):
    """A command group whose first word, when it names none of its commands, is a thing to show: `newsdesk story
    12 --json` runs `story show 12 --json`."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().resolve_command(ctx, args)
