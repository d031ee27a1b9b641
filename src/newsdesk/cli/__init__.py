"""The `newsdesk` command."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from newsdesk.cli import (alerts, articles, backfill, bench, corrections, desk, entities, evaluate, language, serve,
                          sources, stories, storylines, users)
from newsdesk.cli.common import State, fit_to_terminal
from newsdesk.cli.serve import default_workers

app = typer.Typer(help="newsdesk: a self-hosted news desk. Many sources in, one attributed story per event out.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None)


@app.callback()
def _options(ctx: typer.Context,
             db: Optional[str] = typer.Option(None, "--db", envvar="NEWSDESK_DB",
                                              help="Database: a SQLite file path or a postgresql:// URL."),
             config: Optional[Path] = typer.Option(None, "--config", envvar="NEWSDESK_CONFIG",
                                                   help="Settings file (TOML).")) -> None:
    fit_to_terminal()
    ctx.obj = State(db=db, config=config)


for module in (desk, serve, sources, articles, stories, corrections, users, entities, alerts, language, storylines,
               backfill):
    module.register(app)
app.add_typer(evaluate.app, name="eval")
app.add_typer(bench.app, name="bench")


def main() -> None:
    from newsdesk.cli.common import print_error
    from newsdesk.errors import NewsdeskError

    try:
        app()
    except NewsdeskError as exc:     # any error written for the user: one line, no traceback
        print_error(str(exc))
        raise SystemExit(1) from None
