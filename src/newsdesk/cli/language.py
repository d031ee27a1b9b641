"""`newsdesk language`: the language story pages are read in, for the desk or for one reader."""

from __future__ import annotations

from typing import Optional

import typer

from newsdesk.cli.common import console, fail, open_store, state
from newsdesk.cli.terminal import escaped


def register(parent: typer.Typer) -> None:
    parent.command("language")(language)


def language(ctx: typer.Context,
             code: Optional[str] = typer.Argument(None, help="An ISO 639-1 code (en, fr, es, de…); '-' clears a "
                                                             "reader's own. Without it, show the current one."),
             user: Optional[str] = typer.Option(None, "--user", help="Set or show this reader's own language.")
             ) -> None:
    """The display language: a story with reports in it leads with their headline and summary (the desk's
    setting, or a reader's own with --user; new pages are written in the desk's)."""
    from newsdesk.language import DEFAULT_DISPLAY_LANGUAGE, DISPLAY_LANGUAGE_SETTING, NAMES, base_language

    chosen = None
    if code is not None and code != "-":
        chosen = base_language(code)
        if chosen is None or chosen not in NAMES:
            fail(f"{code!r} is not a language code the desk knows: one of {', '.join(sorted(NAMES))}")
    if code == "-" and user is None:
        fail("'-' clears a reader's own language: give --user NAME")
    with open_store(state(ctx).settings()) as storage:
        if user is not None:
            found = storage.user_named(user)
            if found is None:
                fail(f"no user {user!r}")
            if code is not None:
                storage.set_user_language(found.id, chosen)
            current = storage.user_language(found.id)
            desk = storage.get_setting(DISPLAY_LANGUAGE_SETTING) or DEFAULT_DISPLAY_LANGUAGE
            console.print(f"{escaped(found.name)} reads story pages in {current or desk}"
                          f"{'' if current else ' (the desk’s)'}.", highlight=False)
            return
        if code is not None:
            storage.set_setting(DISPLAY_LANGUAGE_SETTING, chosen)
        current = storage.get_setting(DISPLAY_LANGUAGE_SETTING) or DEFAULT_DISPLAY_LANGUAGE
        console.print(f"The desk's display language is {current}.", highlight=False)
