"""Following from the terminal: `follow`, `watchlists`, `block`/`keep`/`rules`, and `alerts deliver|log|digest`."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from typing import Optional

import typer
from rich.table import Table

from newsdesk.cli.common import console, fail, open_store, state
from newsdesk.cli.terminal import escaped
from newsdesk.timeutil import relative, utcnow

USER_OPTION = typer.Option(..., "--user", "-u", help="The user whose watchlists these are.")
app = typer.Typer(help="Alerts: deliver what is due, the delivery log, digests.", no_args_is_help=True,
                  rich_markup_mode=None)


def register(main: typer.Typer) -> None:
    main.command("follow")(follow)
    main.command("watchlists")(watchlists)
    main.command("block")(block)
    main.command("keep")(keep)
    main.command("rules")(rules)
    main.add_typer(app, name="alerts")


@contextmanager
def _refusals():
    """Every refusal of accounts and alerts as one `error:` line and exit 1."""
    from newsdesk.accounts import AccountError
    from newsdesk.alerts import AlertError

    try:
        yield
    except (AccountError, AlertError) as exc:
        fail(str(exc))


def _user(storage, name: str):
    from newsdesk.accounts import find_user

    return find_user(storage, name)


def follow(ctx: typer.Context,
           kind: str = typer.Argument(..., help="entity, query, source, folder, story or storyline."),
           value: str = typer.Argument(..., help="The entity (a name stories give it, its id or slug), the search "
                                                 "query, the source (id, title or feed URL), the folder, or the "
                                                 "story (id or slug)."),
           user: str = USER_OPTION,
           webhook: Optional[str] = typer.Option(None, "--webhook", help="POST each alert (JSON, signed) here."),
           email: Optional[str] = typer.Option(None, "--email", help="E-mail each alert to this address."),
           on: Optional[str] = typer.Option(None, "--on", help="What counts, comma-separated: new (a new story), "
                                            "grows (a new independent source), update (a notable update). Default: "
                                            "new; for a story, grows,update."),
           quiet: Optional[str] = typer.Option(None, "--quiet", help="Quiet hours, e.g. 22:00-07:00 (the desk's "
                                               "time zone): pushes wait until they end."),
           gap: Optional[float] = typer.Option(None, "--gap", help="At most one alert per story per this many hours."),
           feed: bool = typer.Option(False, "--feed", help="Make the watchlist's private Atom feed and print its URL.")
           ) -> None:
    """Follow an entity, a search query, a source, a folder or a story."""
    from newsdesk import alerts

    settings = state(ctx).settings()
    with open_store(settings) as storage, _refusals():
        who = _user(storage, user)
        watch = alerts.follow(storage, who, kind, value, settings=settings, events=on, quiet=quiet, min_gap_hours=gap,
                              webhook=webhook, email=email, entities=alerts.default_entities(storage))
        console.print(f"Watchlist {watch.id}: {escaped(watch.kind)} {escaped(watch.label)} "
                      f"({', '.join(sorted(watch.events))})", soft_wrap=True)
        if watch.webhook_url:
            console.print(f"Webhook signing secret (HMAC-SHA256 of the body, header X-Newsdesk-Signature): "
                          f"{watch.webhook_secret}", highlight=False, soft_wrap=True)
        if feed:
            console.print(f"Private Atom feed: {_feed_url(settings, alerts.new_feed(storage, who, watch.id))}",
                          highlight=False, soft_wrap=True)


def _feed_url(settings, path: str) -> str:
    from newsdesk.alerts import desk_link

    return desk_link(settings, path)


def watchlists(ctx: typer.Context, user: str = USER_OPTION,
               delete: Optional[int] = typer.Option(None, "--delete", help="Delete this watchlist (and its alerts)."),
               feed: Optional[int] = typer.Option(None, "--feed", help="A new private Atom feed URL for this "
                                                  "watchlist (the old URL stops working)."),
               revoke_feed: Optional[int] = typer.Option(None, "--revoke-feed", help="Stop this watchlist's feed."),
               enable_hook: Optional[int] = typer.Option(None, "--enable-hook", help="Enable this watchlist's "
                                                         "disabled webhook again.")) -> None:
    """A user's watchlists: what each follows, what counts, where alerts go and how their hooks fare."""
    from newsdesk import alerts

    settings = state(ctx).settings()
    with open_store(settings) as storage, _refusals():
        who = _user(storage, user)
        if delete is not None:
            gone = alerts.unfollow(storage, who, delete)
            console.print(f"Deleted watchlist {gone.id} ({escaped(gone.kind)} {escaped(gone.label)}).")
            return
        if feed is not None:
            console.print(f"Private Atom feed of watchlist {feed}: {_feed_url(settings, alerts.new_feed(storage, who, feed))}",
                          highlight=False, soft_wrap=True)
            return
        if revoke_feed is not None:
            alerts.revoke_feed(storage, who, revoke_feed)
            console.print(f"The Atom feed of watchlist {revoke_feed} is revoked.")
            return
        if enable_hook is not None:
            alerts.enable_hook(storage, who, enable_hook)
            console.print(f"The webhook of watchlist {enable_hook} is enabled again.")
            return
        found = storage.watchlists(who.id)
        unread = storage.count_notifications(who.id, unread_only=True)
    if not found:
        console.print(f"{escaped(user)} follows nothing yet: `newsdesk follow query \"…\" --user {escaped(user)}`.")
        return
    table = Table(title=f"{escaped(user)}'s watchlists ({unread} unread alerts)")
    for column in ("id", "follows", "counts", "pushes", "limits"):
        table.add_column(column, overflow="fold", justify="right" if column == "id" else "left")
    for w in found:
        pushes = []
        if w.webhook_url:
            state_text = f"[red]{escaped(w.webhook_disabled)}[/]" if w.webhook_disabled else (
                f"{w.webhook_failures} failures in a row" if w.webhook_failures else "ok")
            pushes.append(f"webhook {escaped(w.webhook_url)} ({state_text})")
        if w.email:
            pushes.append(f"e-mail {escaped(w.email)}")
        if w.has_feed:
            pushes.append("Atom feed")
        limits = [f"quiet {alerts.format_quiet(w)}"] if w.quiet_start is not None else []
        if w.min_gap_hours:
            limits.append(f"≤1 per story per {w.min_gap_hours:g} h")
        table.add_row(str(w.id), f"{escaped(w.kind)}: {escaped(w.label)}", ", ".join(sorted(w.events)),
                      "\n".join(pushes) or "in the app", ", ".join(limits))
    console.print(table)


def _rule(ctx: typer.Context, action: str, kind: str, value: str, user: str) -> None:
    from newsdesk import alerts

    settings = state(ctx).settings()
    with open_store(settings) as storage, _refusals():
        rule = alerts.add_rule(storage, _user(storage, user), action, kind, value)
        console.print(f"Rule {rule.id}: {rule.action} {rule.kind} {escaped(rule.label)}")


def block(ctx: typer.Context, kind: str = typer.Argument(..., help="query, entity or source."),
          value: str = typer.Argument(...), user: str = USER_OPTION) -> None:
    """Hide the stories and articles that match a query, an entity or a source."""
    _rule(ctx, "block", kind, value, user)


def keep(ctx: typer.Context, kind: str = typer.Argument(..., help="query, entity or source."),
         value: str = typer.Argument(...), user: str = USER_OPTION) -> None:
    """Always show the stories and articles that match, whatever a block rule or a hidden source or folder says."""
    _rule(ctx, "keep", kind, value, user)


def rules(ctx: typer.Context, user: str = USER_OPTION,
          delete: Optional[int] = typer.Option(None, "--delete", help="Delete this rule.")) -> None:
    """A user's block and keep rules."""
    from newsdesk import alerts

    settings = state(ctx).settings()
    with open_store(settings) as storage, _refusals():
        who = _user(storage, user)
        if delete is not None:
            alerts.delete_rule(storage, who, delete)
            console.print(f"Deleted rule {delete}.")
            return
        found = storage.rules(who.id)
    if not found:
        console.print(f"{escaped(user)} has no rules.")
    for r in found:
        console.print(f"{r.id:>4}  {r.action:<5} {r.kind:<6} {escaped(r.label)}")


@app.command("deliver")
def deliver(ctx: typer.Context) -> None:
    """Make the digests that are due and send every push that is due now, once (for cron and tests)."""
    from newsdesk.alerts import Deliverer

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        async def run():
            deliverer = Deliverer(storage, settings)
            try:
                return await deliverer.run_once()
            finally:
                await deliverer.aclose()
        report = asyncio.run(run())
    console.print(f"{report.sent} sent, {report.retried} to try again, {report.failed} given up"
                  + (f", {report.digests} digests made" if report.digests else "")
                  + (f", {report.released} taken back from a stopped worker" if report.released else ""))
    for error in report.errors[:10]:
        console.print(f"[red]failed:[/] {escaped(error)}", soft_wrap=True)


@app.command("log")
def log(ctx: typer.Context, user: str = USER_OPTION, limit: int = typer.Option(30, "--limit", "-n")) -> None:
    """The user's delivery log: every attempt to push an alert, newest first."""
    settings = state(ctx).settings()
    with open_store(settings) as storage, _refusals():
        attempts = storage.delivery_log(_user(storage, user).id, limit=limit)
    now = utcnow()
    for a in attempts:
        outcome = "[green]ok[/]" if a.ok else f"[red]failed[/] {escaped(a.error or '')}"
        status = f" HTTP {a.status}" if a.status else ""
        console.print(f"{relative(a.at, now):>14}  {a.channel:<7} {escaped(a.target)}{status}  {outcome}",
                      soft_wrap=True)
    if not attempts:
        console.print("Nothing was pushed yet.")


@app.command("digest")
def digest(ctx: typer.Context, user: str = USER_OPTION,
           period: str = typer.Option("daily", "--period", help="daily or weekly; `off` stops the digest."),
           email: Optional[str] = typer.Option(None, "--email", help="Also e-mail it to this address."),
           hour: int = typer.Option(7, "--hour", min=0, max=23, help="Made at this hour (the desk's time zone)."),
           feed: bool = typer.Option(False, "--feed", help="A new private Atom feed URL of the digests.")) -> None:
    """A daily or weekly digest of the top stories in what the user follows."""
    import secrets

    from newsdesk.alerts import hash_token, set_digest

    settings = state(ctx).settings()
    with open_store(settings) as storage, _refusals():
        who = _user(storage, user)
        made = set_digest(storage, settings, who, None if period == "off" else period, email=email, hour=hour,
                          now=utcnow())
        if made is None:
            console.print(f"No digest for {escaped(user)}.")
            return
        console.print(f"{made.period.capitalize()} digest at {made.hour:02}:00"
                      + (f", e-mailed to {escaped(made.email)}" if made.email else "")
                      + f"; the next on {made.next_at:%Y-%m-%d %H:%M} UTC.")
        if feed:
            token = "ndd_" + secrets.token_urlsafe(24)
            storage.set_digest_feed(who.id, hash_token(token))
            console.print(f"Private Atom feed of the digests: {_feed_url(settings, f'/feeds/digests/{token}.atom')}",
                          highlight=False, soft_wrap=True)
