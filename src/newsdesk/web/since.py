"""What changed in a story since the reader last read it, for the API (`?since=last_read` or `?since=ISO-
TIME`) and the story page's "Since you read this" block (`_since_read.html`, given `changes_json`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone

from fastapi import HTTPException, Request

from newsdesk.model import Story, StoryChanges, User
from newsdesk.reading import changes_line
from newsdesk.timeutil import to_utc
from newsdesk.web.data import LRU, iso

LAST_READ = "last_read"
NO_USER = "log in to see what changed since you last read this story"
SINCE_HELP = ('"last_read" (what changed since the logged-in reader last read the story) or an ISO 8601 time '
              '(what changed since then: the story then being the articles the desk had by that time)')


def current_user(request: Request) -> User | None:
    """The logged-in reader. A stand-in until web/access.py's `current_user` lands: the user a middleware put in
    `request.state.user`, else nobody."""
    return getattr(request.state, "user", None)


def parse_since(value: str) -> str | datetime:
    """LAST_READ, or the moment an ISO 8601 time names (UTC when it names no zone); HTTP 400 otherwise."""
    value = value.strip()
    if value == LAST_READ:
        return LAST_READ
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise HTTPException(400, f"since: give {LAST_READ} or an ISO 8601 time such as 2026-11-10T21:00:00Z, "
                                 f"not {value[:60]!r}") from None
    return to_utc(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


def changes_json(changes: StoryChanges) -> dict:
    """The changes as the API gives them and the template reads them."""
    return {
        "since": iso(changes.since),
        "seen_articles": list(changes.seen),
        "nothing_new": changes.nothing_new,
        "line": changes_line(changes),
        "new_sources": changes.new_sources,
        "new_reports": [_report(r) for r in changes.new_reports],
        "new_reprints": [_report(r) for r in changes.new_reprints],
        "new_facts": [{"text": f.text, "article_id": f.article_id, "outlet": f.outlet,
                       "also": [list(pair) for pair in f.also], "source_text": f.source_text}
                      for f in changes.new_facts],
        "figures": [asdict(f) for f in changes.figures],
        "updates": [[iso(e.when), e.article_id, e.outlet, e.title, str(e.kind)] for e in changes.updates],
    }


def _report(report) -> dict:
    data = asdict(report)
    data["published"] = iso(report.published)
    return data


def story_changes_fields(request: Request, story: Story, since: str, user: User | None) -> dict:
    """{"changes": …, "changes_reason": …} for a story answer asked `since`: the changes, or null and why."""
    from newsdesk.pipeline import changes_since, changes_since_read, fact_finder

    moment = parse_since(since)
    if moment == LAST_READ and user is None:
        return {"changes": None, "changes_reason": NO_USER}
    web = request.app.state.web
    cache = getattr(request.app.state, "since_read_cache", None)
    if cache is None:
        cache = request.app.state.since_read_cache = LRU(1024, ttl=30.0)
    storage = web.storage
    zone = web.settings.zone()
    if moment == LAST_READ:
        read = storage.story_reads(user.id, [story.id]).get(story.id)
        key = (story.id, story.updated_at, user.id, read.read_at if read else None,
               tuple(read.seen_articles) if read else ())
    else:
        key = (story.id, story.updated_at, moment)
    found = cache.get(key)
    if found is None:
        if moment == LAST_READ:
            changes, reason = changes_since_read(storage, story.id, user.id, finder=fact_finder(zone), zone=zone)
        else:
            changes, reason = changes_since(storage, story.id, moment, finder=fact_finder(zone), zone=zone)
        found = {"changes": changes_json(changes) if changes else None, "changes_reason": reason or None}
        cache.put(key, found)
    return found
