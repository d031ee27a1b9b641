"""Each user's private Atom feed of what changed (/feeds/changes/TOKEN.atom): one entry per story they read that
changed since, its content the story page's "Since you read this" block (new sources, new facts with the
outlet that reported each, changed figures). The token in the address is the user's only key here (made and
revoked on the Account page, kept as a hash: TokenKind.CHANGES_FEED); a token that opens nothing is 404."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from newsdesk.accounts import hash_token
from newsdesk.model import TokenKind
from newsdesk.timeutil import utcnow
from newsdesk.web.alerts import require_reader_sync
from newsdesk.web.since import LAST_READ, story_changes_fields
from newsdesk.web.updated import updated_stories

MAX_ENTRIES = 20               # each entry tells the new facts, which cost an embedding of the new reports
TOUCH_EVERY = timedelta(hours=1)
NO_FEED = "no such feed (its address may have been revoked, or the password changed: make a new one on the " \
          "Account page)"
router = APIRouter(include_in_schema=False)


def feed_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/feeds/changes/{token}.atom"


@router.get("/feeds/changes/{token}.atom")
def changes_feed(request: Request, token: str) -> Response:
    from newsdesk.web.feeds import Feed

    web = request.app.state.web
    storage = web.storage
    use = storage.token_use(TokenKind.CHANGES_FEED, hash_token(token)) if len(token) < 200 else None
    if use is None or use.user.disabled:
        require_reader_sync(request)          # on a private desk a stranger is told to log in first (401)
        raise HTTPException(404, NO_FEED)
    user, now = use.user, utcnow()
    if (use.last_used_at is None or use.last_used_at < now - TOUCH_EVERY) and not storage.read_only:
        storage.touch_user_token(use.token_id, now)
    feed = Feed(request, f"newsdesk: what changed since {user.name} read it", f"/feeds/changes/{token}.atom",
                "/updated")
    base = str(request.base_url).rstrip("/")
    template = web.renderer.env.get_template("_since_read.html")
    updated = updated_stories(web, user, MAX_ENTRIES)
    stories = {s.id: s for s in storage.stories_by_ids([u.card.id for u in updated])}
    for item in updated:
        card, story = item.card, stories.get(item.card.id)
        if story is None:
            continue
        changes = story_changes_fields(request, story, LAST_READ, user)["changes"]
        line = changes["line"] if changes else item.line
        path = f"/stories/{card.slug}"
        feed.entry(entry_id=f"urn:newsdesk:changed:{user.id}:{card.id}", title=f"{card.headline} — {line}",
                   path=path, updated=story.updated_at, summary=line,
                   content_html=template.render(changes=changes, base=base, story_path=path) if changes else None)
    return feed.response(request)
