"""What every command shares: settings, the storage, the console."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer

from newsdesk.cli.terminal import escaped, make_console
from newsdesk.config import ConfigError, Settings, load_settings
from newsdesk.pipeline import Desk
from newsdesk.storage import Storage, StorageError, open_storage

console = make_console()
errors = make_console(stderr=True)


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
    errors.print(f"[bold red]error:[/] {escaped(message)}")


def fail(message: str, code: int = 1):
    print_error(message)
    raise typer.Exit(code)


def state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


@contextmanager
def open_store(settings: Settings):
    try:
        storage = open_storage(settings.database_url())
    except StorageError as exc:
        fail(str(exc))
    try:
        yield storage
    except StorageError as exc:
        fail(str(exc))
    finally:
        storage.close()


def run_desk(settings: Settings, storage: Storage, work):
    """Run `work(desk)` (a coroutine function) on a desk and close it properly."""
    async def main():
        async with Desk(storage, settings) as desk:
            return await work(desk)
    return asyncio.run(main())
