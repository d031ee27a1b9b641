"""`newsdesk user …`: the desk's accounts from the command line. Every refusal is one `error:` line and exit 1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Optional

import typer
from rich.table import Table

from newsdesk.cli.common import console, fail, open_store, state
from newsdesk.cli.terminal import escaped

if TYPE_CHECKING:
    from newsdesk.storage import Storage

app = typer.Typer(help="The desk's users: add, list, disable, enable, delete, passwords, roles, API tokens.",
                  no_args_is_help=True, rich_markup_mode=None)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="user")


@contextmanager
def accounts(ctx: typer.Context) -> Iterator[Storage]:
    """The desk's storage, a desk made before accounts adopted first; an AccountError ends the command with
    its message."""
    from newsdesk.accounts import AccountError, adopt_single_admin

    with open_store(state(ctx).settings()) as storage:
        try:
            adopt_single_admin(storage)
            yield storage
        except AccountError as exc:
            fail(str(exc))


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask_password(prompt: str) -> str | None:
    """A password typed twice on a terminal; None without a terminal (the caller makes one)."""
    if not interactive():
        return None
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


def show_generated(whose: str, password: str) -> None:
    console.print(f"{whose} (generated; shown only this once): {password}", highlight=False, soft_wrap=True)


def _password(name: str, given: str | None) -> tuple[str, bool]:
    """(the password, whether it was made here): given, else typed on a terminal, else made."""
    from newsdesk.accounts import new_password

    if given is not None:
        return given, False
    typed = ask_password(f"Password for {name}")
    return (typed, False) if typed is not None else (new_password(), True)


NAME = typer.Argument(..., help="The user name.")


@app.command("add")
def add(ctx: typer.Context, name: str = typer.Argument(..., help="The user name (no spaces, / \\ : or @)."),
        password: Optional[str] = typer.Option(None, "--password",
                                               help="The password (at least 8 characters); asked on a terminal, "
                                                    "else made and printed once."),
        admin: bool = typer.Option(False, "--admin", help="An admin (sources, users, settings), not a reader.")
        ) -> None:
    """Add a user: a reader, or an admin with --admin."""
    from newsdesk.accounts import NameTaken, add_user, check_name
    from newsdesk.model import Role

    with accounts(ctx) as storage:
        name = check_name(name)                 # a bad or taken name is refused before a password is asked for
        if storage.user_named(name) is not None:
            raise NameTaken(name)
        password, generated = _password(name, password)
        user = add_user(storage, name, password, Role.ADMIN if admin else Role.READER)
        console.print(f"Added {escaped(user.name)} ({user.role}).", highlight=False)
        if generated:
            show_generated(f"Password of {escaped(user.name)}", password)


@app.command("list")
def list_users(ctx: typer.Context) -> None:
    """Every user: name, role, enabled, created."""
    with accounts(ctx) as storage:
        users = storage.list_users()
    if not users:
        console.print("No users yet: `newsdesk init` makes the first admin, `newsdesk user add NAME` a reader.")
        return
    table = Table()
    for column in ("name", "role", "enabled", "created"):
        table.add_column(column, overflow="fold")
    for user in users:
        table.add_row(escaped(user.name), str(user.role), "no" if user.disabled else "yes",
                      f"{user.created_at:%Y-%m-%d %H:%M} UTC")
    console.print(table)


def _find(storage: Storage, name: str):
    from newsdesk.accounts import find_user
    return find_user(storage, name)


@app.command("disable")
def disable(ctx: typer.Context, name: str = NAME) -> None:
    """Disable a user: they cannot log in, and their sessions and tokens stop working."""
    from newsdesk.accounts import disable_user

    with accounts(ctx) as storage:
        user = _find(storage, name)
        disable_user(storage, user)
        console.print(f"Disabled {escaped(user.name)}: their sessions and tokens no longer work.", highlight=False)


@app.command("enable")
def enable(ctx: typer.Context, name: str = NAME) -> None:
    """Enable a disabled user again."""
    from newsdesk.accounts import disable_user

    with accounts(ctx) as storage:
        user = _find(storage, name)
        disable_user(storage, user, False)
        console.print(f"Enabled {escaped(user.name)}.", highlight=False)


@app.command("delete")
def delete(ctx: typer.Context, name: str = NAME,
           yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking.")) -> None:
    """Delete a user with their reading state and tokens (asks first unless --yes)."""
    from newsdesk.accounts import delete_user

    with accounts(ctx) as storage:
        user = _find(storage, name)
        if not yes:
            if not interactive():
                fail(f"deleting {user.name} cannot be undone: confirm with --yes")
            if not typer.confirm(f"Delete {user.name} with their reading state and tokens?", default=False):
                fail("nothing was deleted")
        delete_user(storage, user)
        console.print(f"Deleted {escaped(user.name)}.", highlight=False)


@app.command("passwd")
def passwd(ctx: typer.Context, name: str = NAME,
           password: Optional[str] = typer.Option(None, "--password",
                                                  help="The new password; asked on a terminal, else made and "
                                                       "printed once.")) -> None:
    """Set a user's password; every browser they are logged in with must log in again."""
    from newsdesk.accounts import set_password

    with accounts(ctx) as storage:
        user = _find(storage, name)
        password, generated = _password(user.name, password)
        set_password(storage, user, password)
        console.print(f"New password for {escaped(user.name)}: their browsers must log in again, and their API "
                      "tokens, reader apps' logins and private feed address are revoked.", highlight=False)
        if generated:
            show_generated(f"Password of {escaped(user.name)}", password)


@app.command("role")
def role(ctx: typer.Context, name: str = NAME,
         new_role: str = typer.Argument(..., metavar="admin|reader", help="admin or reader.")) -> None:
    """Make a user an admin or a reader."""
    from newsdesk.accounts import set_role
    from newsdesk.model import Role

    if new_role not in {r.value for r in Role}:
        fail(f"{new_role!r} is not a role: admin or reader")
    with accounts(ctx) as storage:
        user = _find(storage, name)
        set_role(storage, user, Role(new_role))
        console.print(f"{escaped(user.name)} is now {'an admin' if new_role == Role.ADMIN else 'a reader'}.",
                      highlight=False)


@app.command("token")
def token(ctx: typer.Context, name: str = NAME,
          label: Optional[str] = typer.Option(None, "--label", help="What the token is for (shown on the "
                                                                     "Account page).")) -> None:
    """Make a new API token for a user (`Authorization: Bearer …`); printed once."""
    from newsdesk.accounts import new_token
    from newsdesk.model import TokenKind

    with accounts(ctx) as storage:
        user = _find(storage, name)
        made = new_token(storage, user, TokenKind.API, label)
        console.print(f"API token of {escaped(user.name)} (shown only this once; send it as "
                      f"`Authorization: Bearer …`): {made}", highlight=False, soft_wrap=True)
