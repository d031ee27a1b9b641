""""Updated since I read": the stories a user read whose reports changed since (a new report, a reprint, a report
updated), the most recently changed first, each with what changed in words. The page (/updated) and the API's
list (/api/v1/reading/updated) read it from here."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from newsdesk.model import ChangeMark, User
from newsdesk.reading import mark_line
from newsdesk.web.access import current_user, require_user_page
from newsdesk.web.data import StoryCard, iso

MAX_LISTED = 100
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_user_page)])


@dataclass(frozen=True)
class UpdatedStory:
    card: StoryCard
    mark: ChangeMark

    @property
    def line(self) -> str:
        return mark_line(self.mark)

    def as_json(self) -> dict:
        return self.card.as_json() | {
            "read_at": iso(self.mark.read_at), "changes_line": self.line, "new_sources": self.mark.new_sources,
            "new_reports": self.mark.new_reports, "new_reprints": self.mark.new_reprints,
            "updated_reports": self.mark.updated_reports,
            "changes_url": f"/api/v1/stories/{self.card.id}?since=last_read"}


def updated_stories(web, user: User, limit: int = MAX_LISTED) -> list[UpdatedStory]:
    """The user's stories changed since they read them, newest change first (a page of cards, three queries
    and the cards' cache)."""
    from newsdesk.pipeline import stories_changed_since_read

    marks = stories_changed_since_read(web.storage, user.id, limit)
    cards = {c.id: c for c in web.reader.cards(web.storage.stories_by_ids([m.story_id for m in marks]))}
    return [UpdatedStory(cards[m.story_id], m) for m in marks if m.story_id in cards]


@router.get("/updated")
def updated_page(request: Request) -> Response:
    web, user = request.app.state.web, current_user(request)
    return web.renderer.page(request, "updated.html", {"title": "Updated since you read",
                                                       "updated": updated_stories(web, user)})
