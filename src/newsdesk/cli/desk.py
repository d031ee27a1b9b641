"""Filling the desk: init, fetch, ingest, run, demo."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk.cli.common import console, demo_database, fail, open_store, run_desk, state
from newsdesk.cli.serve import HOST_OPTION, PORT_OPTION, WORKERS_OPTION, default_workers, serve_app
from newsdesk.cli.terminal import escaped
from newsdesk.config import Settings
from newsdesk.storage import mask_password
from newsdesk.timeutil import utcnow

if TYPE_CHECKING:
    from newsdesk.model import User
    from newsdesk.pipeline import Desk, Outcome, SourceReport
    from newsdesk.storage import Storage


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("fetch")(fetch)
    app.command("ingest")(ingest)
    app.command("run")(run)
    app.command("demo")(demo)
    app.command("reextract")(reextract)


def init(ctx: typer.Context,
         defaults: bool = typer.Option(True, "--defaults/--no-defaults",
                                       help="Subscribe to the default list of 39 news feeds."),
         password: Optional[str] = typer.Option(None, "--password", envvar="NEWSDESK_ADMIN_PASSWORD",
                                                help="Password of the desk's first admin, the user \"admin\" "
                                                     "(at least 8 characters)."),
         new_token: bool = typer.Option(False, "--new-token",
                                        help="Make a new API token for the user \"admin\" (replaces the one "
                                             "the last --new-token made); shown once."),
         revoke_sessions: bool = typer.Option(False, "--revoke-sessions",
                                              help="Log every user out of every browser (a new password does "
                                                   "that for its user).")
         ) -> None:
    """Create the database (or upgrade it), make the first admin (the user "admin"), and subscribe to the
    default feeds. More users: `newsdesk user add`."""
    from newsdesk.accounts import AccountError

    settings = state(ctx).settings()
    with open_store(settings, create=True) as storage:
        console.print(f"Database ready: {mask_password(settings.database_url())} "
                      f"(schema version {storage.schema_version()})")
        try:
            admin = _first_admin(storage, password)
            if new_token:
                _admin_token(storage, admin)
            if revoke_sessions:
                from newsdesk.accounts import revoke_sessions as revoke

                for user in storage.list_users():
                    revoke(storage, user)
                console.print("Web sessions ended: every browser must log in again.")
        except AccountError as exc:
            fail(str(exc))
        if defaults:
            from newsdesk.pipeline import Subscriptions

            added, skipped = Subscriptions(storage).import_default_feeds()
            console.print(f"Default feeds: {added} added" + (f", {skipped} already there" if skipped else ""))


INIT_TOKEN_LABEL = "newsdesk init --new-token"


def _first_admin(storage: Storage, password: str | None) -> User | None:
    """The user "admin": made with the desk (the password from the option or environment, else asked on a
    terminal, else generated and printed once), or the admin password of a desk made before accounts
    adopted; an existing admin's password changes only when a new one is given."""
    import sys

    from newsdesk.accounts import LEGACY_ADMIN_NAME, add_user, adopt_single_admin, new_password, set_password
    from newsdesk.model import Role

    adopt_single_admin(storage)
    admin = storage.user_named(LEGACY_ADMIN_NAME)
    if admin is None and storage.count_users() > 0:
        if password is not None:
            fail(f"this desk has no user {LEGACY_ADMIN_NAME!r}: set passwords with `newsdesk user passwd NAME`")
        console.print(f"Accounts: {storage.count_users()} users (`newsdesk user list`).")
        return None
    if admin is not None:
        if password is None:
            console.print(f"Admin password of {admin.name}: unchanged (`newsdesk init --password …` or "
                          f"`newsdesk user passwd {admin.name}` sets a new one).", highlight=False)
            return admin
        set_password(storage, admin, password)
        console.print("Admin password set (browsers logged in before must log in again; admin's API tokens and "
                      "reader apps' logins are revoked).")
        return storage.get_user(admin.id)
    generated = False
    if password is None and sys.stdin.isatty() and sys.stdout.isatty():
        password = typer.prompt("Password of the first admin (the user \"admin\")", hide_input=True,
                                confirmation_prompt=True)
    if password is None:
        password, generated = new_password(), True
    admin = add_user(storage, LEGACY_ADMIN_NAME, password, Role.ADMIN)
    console.print(f"First admin: the user {admin.name!r} (more users: `newsdesk user add NAME`).", highlight=False)
    if generated:
        console.print(f"Admin password (generated; shown only this once): {password}", highlight=False)
    else:
        console.print("Admin password set.")
    return admin


def _admin_token(storage: Storage, admin: User | None) -> None:
    """A new API token for the admin, replacing the one the last `init --new-token` made."""
    from newsdesk.accounts import list_tokens, new_token, revoke_token
    from newsdesk.model import TokenKind

    if admin is None:
        fail("this desk has no user 'admin': make tokens with `newsdesk user token NAME`")
    for old in list_tokens(storage, admin):
        if old["label"] == INIT_TOKEN_LABEL:
            revoke_token(storage, admin, old["id"])
    token = new_token(storage, admin, TokenKind.API, INIT_TOKEN_LABEL)
    console.print(f"Admin API token (shown once; send it as `Authorization: Bearer …`): {token}",
                  highlight=False, soft_wrap=True)


def _summary(reports: list[SourceReport], title: str) -> Table:
    table = Table(title=title)
    for column in ("source", "status", "new", "updated", "copies", "errors"):
        table.add_column(column, overflow="fold", justify="right" if column in ("new", "updated", "copies") else "left")
    totals = {"new": 0, "updated": 0, "copy": 0, "errors": 0}
    for r in sorted(reports, key=lambda r: r.name.lower()):
        errs = r.errors
        for key in ("new", "updated", "copy"):
            totals[key] += r.count(key)
        totals["errors"] += len(errs)
        status = {"error": "[red]error[/]", "disabled": "[red]disabled[/]"}.get(r.status, escaped(r.status))
        shown = escaped("\n".join(errs[:3])) + (f"\n… and {len(errs) - 3} more" if len(errs) > 3 else "")
        table.add_row(escaped(r.name), status, str(r.count("new")), str(r.count("updated")),
                      str(r.count("copy")),
                      f"[red]{shown}[/]" if shown else "")
    table.add_section()
    table.add_row("total", "", str(totals["new"]), str(totals["updated"]), str(totals["copy"]),
                  str(totals["errors"]) if totals["errors"] else "")
    return table


async def _poll_with_progress(desk: Desk, storage: Storage, due_only: bool) -> list[SourceReport]:
    sources = storage.due_sources(utcnow()) if due_only else [s for s in storage.list_sources() if s.enabled]
    if not sources:
        return []
    columns = (TextColumn("[bold]fetching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=len(sources))
        return await desk.poll(sources, on_done=lambda r: progress.update(task, advance=1,
                                                                          description=escaped(r.name)))


def fetch(ctx: typer.Context, all_sources: bool = typer.Option(False, "--all", help="Poll every source, due or not.")
          ) -> None:
    """Poll every due source once, then print what came in."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        reports = run_desk(settings, storage, lambda desk: _poll_with_progress(desk, storage, not all_sources))
    if not reports:
        console.print("Nothing is due. (`newsdesk fetch --all` polls every source now.)")
        return
    console.print(_summary(reports, f"Fetched {len(reports)} sources"))
    if all(r.failed for r in reports):
        fail(f"every source failed ({len(reports)} of {len(reports)}): nothing was fetched; "
             "the table shows why")


def ingest(ctx: typer.Context, target: str = typer.Argument(..., help="An article URL, an HTML file, a directory "
                                                                     "of HTML files, or a JSONL file.")) -> None:
    """Add articles from a URL or local files (bulk loads, backfills)."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        if target.startswith(("http://", "https://")):
            outcomes = [run_desk(settings, storage, lambda desk: desk.ingest_url(target))]
        else:
            path = Path(target)
            if not path.exists():
                fail(f"{target}: no such file or directory (and not an http(s) URL)")
            with Progress(TextColumn("[bold]ingesting"), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=True) as progress:
                task = progress.add_task("", total=None)
                outcomes = run_desk(settings, storage, lambda desk: desk.ingest_path(
                    path, on_done=lambda o: progress.update(task, advance=1)))
    _print_outcomes(outcomes)
    if outcomes and all(o.status == "error" for o in outcomes):
        raise typer.Exit(1)


def reextract(ctx: typer.Context) -> None:
    """Extract every kept page again (after an extractor upgrade); changed texts replace the old ones."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        with Progress(TextColumn("[bold]re-extracting"), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("", total=storage.count_articles())
            outcomes = run_desk(settings, storage, lambda desk: desk.reextract(
                on_done=lambda o: progress.update(task, advance=1)))
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("updated", "unchanged", "error")}
    console.print(f"{len(outcomes)} pages: {counts['updated']} articles updated, {counts['unchanged']} unchanged, "
                  f"{counts['error']} errors")


def _print_outcomes(outcomes: list[Outcome]) -> None:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    for o in outcomes:
        if o.error:
            console.print(f"[red]error[/] {escaped(o.url)}: {escaped(o.error)}")
        elif len(outcomes) <= 20:
            extra = f" (copy of #{o.original_id})" if o.status == "copy" else ""
            console.print(f"{o.status:>9} #{o.article_id} {escaped(o.url)}{extra}")
    console.print(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to ingest")


def run(ctx: typer.Context, host: str = HOST_OPTION, port: int = PORT_OPTION,
        workers: int = WORKERS_OPTION,
        engine: str = typer.Option("local", "--engine", help="Where pages are parsed, extracted and their "
                                                            "leads embedded: local (worker processes here; the "
                                                            "model in this process) or ray."),
        address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (host:port, auto, "
                                                                      "ray://…), or `local` to start Ray here.")
        ) -> None:
    """Serve the web desk and poll sources on their schedule until stopped (Ctrl-C): the poller in this
    process, the web pages in `--workers` processes; with `--engine ray` the pages are parsed, extracted and
    their leads embedded on a Ray cluster, while polling, grouping and writing stay here."""
    if engine not in ("local", "ray"):
        fail(f"--engine {engine}: local or ray")
    if address is not None and engine != "ray":
        fail("--address is for --engine ray")
    settings = state(ctx).settings()
    cluster = pool = None
    if engine == "ray":
        from newsdesk.backfill import EngineError, make_engine

        try:
            cluster = make_engine("ray", 0, address)
        except EngineError as exc:
            fail(str(exc))
        pool = cluster.executor()
    try:
        _run_desk(settings, host, port, workers, pool)
    finally:
        if cluster is not None:
            cluster.close()


def _run_desk(settings: Settings, host: str, port: int, workers: int, pool) -> None:
    with open_store(settings, create=True) as storage:
        if not storage.list_sources():
            from newsdesk.pipeline import Subscriptions

            added, _ = Subscriptions(storage).import_default_feeds()
            console.print(f"New desk at {mask_password(settings.database_url())}: "
                          f"subscribed to {added} default feeds.")
        console.print(f"newsdesk is running on {mask_password(settings.database_url())}.")
        serve_app(settings, host, port, background=lambda stop: _poll_forever(storage, settings, stop, pool),
                  workers=workers or default_workers())


async def _poll_forever(storage: Storage, settings: Settings, stop: asyncio.Event, pool=None) -> None:
    from newsdesk.alerts import DeliveryWorker

    # alerts are pushed from a thread of their own, over its own connection: a slow receiver never stalls polling
    worker = DeliveryWorker(settings).start()
    try:
        await _poll_until_stopped(storage, settings, stop, worker.wake, pool)
    finally:
        await asyncio.to_thread(worker.stop)


PAGE_UPKEEP_SECONDS = 3600.0


async def _poll_until_stopped(storage: Storage, settings: Settings, stop: asyncio.Event, wake,
                              pool=None) -> None:
    from newsdesk.pipeline import Desk, page_upkeep_round

    upkept: float | None = None
    behind = False
    async with Desk(storage, settings, executor=pool, embed_in_workers=pool is not None) as desk:
        desk.on_alerts(wake)
        while not stop.is_set():
            try:
                reports = await desk.poll()
            except Exception as exc:  # a bad cycle must not end the daemon; the next one retries
                console.print(f"[red]poll failed:[/] {escaped(repr(exc))}")
                reports = []
            if reports:
                new = sum(r.count("new") for r in reports)
                errs = sum(1 for r in reports if r.status == "error")
                console.print(f"{utcnow():%H:%M:%S} polled {len(reports)} sources: {new} new articles, "
                              f"{errs} sources with errors")
            # the kept pages: a bounded round after the first poll, then hourly, or each cycle while it has work
            if upkept is None or behind or time.monotonic() - upkept >= PAGE_UPKEEP_SECONDS:
                upkept = time.monotonic()
                try:
                    behind = (await asyncio.to_thread(page_upkeep_round, storage, settings)).busy
                except Exception as exc:  # the pages wait for the next round; polling goes on
                    behind = False
                    console.print(f"[red]page upkeep failed:[/] {escaped(repr(exc))}")
            upcoming = [s.next_fetch_at for s in storage.list_sources() if s.enabled and s.next_fetch_at]
            wait = min([(t - utcnow()).total_seconds() for t in upcoming] or [60.0])
            try:
                await asyncio.wait_for(stop.wait(), timeout=min(60.0, max(1.0, wait)))
            except asyncio.TimeoutError:
                pass


def demo(ctx: typer.Context, host: str = HOST_OPTION, port: int = PORT_OPTION,
         serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo desk on the web once loaded.")
         ) -> None:
    """Load the sample corpus into its own database, offline, and serve the desk on the web."""
    from newsdesk.cli.articles import list_articles
    from newsdesk.demo import DemoServer, load_corpus
    from newsdesk.pipeline import Desk

    st = state(ctx)
    db = st.db or str(demo_database())
    if "://" not in db:   # the demo server's port changes each run, so the demo desk starts afresh
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    with DemoServer(load_corpus(now=utcnow())) as server:   # dated as if its news had just happened
        local = {"fetch_allow": server.fetch_allow} if hasattr(Settings(), "fetch_allow") else {}
        settings = st.settings(db=db, per_host_delay=0.0, per_host_concurrency=8, poll_interval=0.0, **local)
        with open_store(settings, create=True) as storage:
            desk = Desk(storage, settings)
            desk.import_opml(server.opml().encode("utf-8"))
            reports = run_desk(settings, storage, lambda d: _poll_with_progress(d, storage, False))
            console.print(_summary(reports, "Demo desk: first edition"))
            server.set_revision(1)
            reports = run_desk(settings, storage, lambda d: _poll_with_progress(d, storage, False))
            console.print(_summary(reports, "Demo desk: later the same day (updated articles)"))
        ctx.obj.db = db
        list_articles(ctx, source=None, limit=60, copies=False)
        console.print(f"\nThe demo desk is in {db}. From the terminal: "
                      f"`newsdesk --db {db} stories`, `newsdesk --db {db} story ID`.")
        if serve:   # the outlets' server stays up meanwhile: lead images and original links work offline
            serve_app(settings, host, port, banner="newsdesk demo")
