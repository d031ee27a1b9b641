"""Digests: once a day or a week per user, the top stories in what they follow (the stories their watchlists
alerted about since the last digest), each with its summary, its source count and what changed since the last
digest; kept as an entry of the user's digest feed and, with an address, sent by e-mail."""

from __future__ import annotations

import html as htmlmod
from datetime import datetime, timedelta

from newsdesk.alerts.errors import BadWatchlist
from newsdesk.alerts.messages import desk_link
from newsdesk.alerts.watchlists import check_email
from newsdesk.config import Settings
from newsdesk.model import DigestSettings, User
from newsdesk.storage import Storage
from newsdesk.synthesize import is_update, page_version
from newsdesk.timeutil import from_iso

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
TOP = 10


def next_time(settings: Settings, period: str, hour: int, after: datetime) -> datetime:
    """The first moment after `after` at `hour` o'clock (the desk's zone); a weekly digest is kept a week apart
    by its caller."""
    zone = settings.zone()
    local = after.astimezone(zone)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    while at <= local:
        at += timedelta(days=1)
    return at.astimezone(after.tzinfo)


def set_digest(storage: Storage, settings: Settings, user: User, period: str | None, *, email: str | None = None,
               hour: int = 7, now: datetime) -> DigestSettings | None:
    """Turn the user's digest on (daily or weekly, at `hour` in the desk's zone, by e-mail to `email` and in their
    digest feed) or off (`period` None)."""
    if period is None:
        storage.delete_digest(user.id)
        return None
    if period not in PERIODS:
        raise BadWatchlist(f"a digest is daily or weekly, not {period!r}")
    if not 0 <= hour <= 23:
        raise BadWatchlist(f"the digest's hour is 0 to 23, not {hour}")
    address = check_email(email, settings) if email else None
    storage.set_digest(user.id, period, address, hour, next_time(settings, period, hour, now))
    return storage.digest_settings(user.id)


def _issue_key(settings: Settings, period: str, when: datetime) -> str:
    local = when.astimezone(settings.zone())
    if period == "weekly":
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02}"
    return f"daily:{local.date().isoformat()}"


def build_digest(storage: Storage, settings: Settings, digest: DigestSettings, now: datetime) -> dict | None:
    """The digest due now: title, text, html and the stories' source counts; None when nothing moved."""
    since = digest.last_at or now - PERIODS[digest.period]
    alerts = storage.alerts_between(digest.user_id, since, now)
    stories = storage.alert_stories({a.story_id for a in alerts})
    if not stories:
        return None
    previous = storage.digest_issues(digest.user_id, 1)
    before = previous[0].stories if previous else {}
    ranked = sorted(stories.values(), key=lambda s: (-s["independent_count"], -s["id"]))[:TOP]
    items = []
    for s in ranked:
        page, count = s["page"], s["independent_count"]
        if s["id"] not in before:
            change = "new since the last digest"
        elif count > before[s["id"]]:
            change = f"{count - before[s['id']]} more source{'s' * (count - before[s['id']] != 1)} since the last digest"
        else:
            change = "no new sources since the last digest"
        version = page_version(page)
        updates = [f"{e[2]} updated its report: {e[3]}" for e in page.get("timeline", [])
                   if len(e) > 3 and is_update(e, version) and (from_iso(e[0]) or now) > since]
        summary = " ".join(str(i.get("text", "")) if isinstance(i, dict) else str(i)
                           for i in (page.get("summary") or [])[:2])
        items.append({"headline": s["headline"] or s["slug"], "link": desk_link(settings, f"/stories/{s['slug']}"),
                      "summary": summary, "sources": count, "changes": [change, *updates[:3]]})
    label = "Daily" if digest.period == "daily" else "Weekly"
    local = now.astimezone(settings.zone())
    title = f"[newsdesk] {label} digest, {local:%d %b %Y}: {len(items)} stor{'ies' if len(items) != 1 else 'y'} you follow"
    text = "\n\n".join(f"{i['headline']}\n{i['sources']} independent sources; {'; '.join(i['changes'])}\n"
                       f"{i['summary']}\n{i['link']}" for i in items)
    e = htmlmod.escape
    body = "".join(f"<h2><a href=\"{e(i['link'])}\">{e(i['headline'])}</a></h2>"
                   f"<p><em>{i['sources']} independent sources; {e('; '.join(i['changes']))}</em></p>"
                   f"<p>{e(i['summary'])}</p>" for i in items)
    return {"title": title, "text": f"{title}\n\n{text}\n", "html": f"<!doctype html><html><body><h1>{e(title)}</h1>"
            f"{body}</body></html>", "stories": {s["id"]: s["independent_count"] for s in ranked}}


def make_due_digests(storage: Storage, settings: Settings, now: datetime) -> int:
    """Make every digest due now (each issue once: its key is the user's day or week); returns how many."""
    made = 0
    for digest in storage.due_digests(now):
        following = next_time(settings, digest.period, digest.hour, now)
        if digest.period == "weekly":
            following = max(following, digest.next_at + PERIODS["weekly"])
        built = build_digest(storage, settings, digest, now)
        if built is None:
            storage.set_digest(digest.user_id, digest.period, digest.email, digest.hour, following)
            continue
        if storage.record_digest(digest, _issue_key(settings, digest.period, now), built["title"], built["text"],
                                 built["html"], built["stories"], now, following) is not None:
            made += 1
    return made
