"""A logged-in user's reading state on the web: what they read (a story page opened marks the story and the
articles it showed read; an article page, that article), unread again, starred ("Saved"), "mark all as read"
(in all, or of a source or a folder, optionally only what is older than a day), and the sources or folders they
hide from their own view. Every change is a POST with the form's CSRF token, and acts only on the user of the
session: no form names a user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from newsdesk.model import OwnView, Source, StoryRead, User
from newsdesk.reading import mark_line
from newsdesk.storage import MAX_ID, Storage
from newsdesk.timeutil import to_utc, utcnow
from newsdesk.web.access import current_user, require_csrf, require_user_page
from newsdesk.web.login import safe_next
from newsdesk.web.params import PathId

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_user_page)])
HIDDEN_KINDS = ("source", "folder")


def _web(request: Request):
    return request.app.state.web


def _user(request: Request) -> User:
    user = current_user(request)
    if user is None:                  # require_user_page sent strangers to the login already
        raise HTTPException(401, "log in to keep reading state")
    return user


# -- what the pages show --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardState:
    """A story as one user sees it in a list."""
    unread: int          # its original articles the user has not read
    opened: bool         # the user opened its page (and has not marked it unread since)
    starred: bool
    changes: str = ""    # what changed since the user opened it ("2 new sources, 1 report updated"), if anything

    @property
    def read(self) -> bool:
        return self.unread == 0 and not self.changes


def card_states(storage: Storage, user: User, story_ids: Sequence[int],
                view: OwnView | None = None) -> dict[int, CardState]:
    """story id -> its state for the user (unread counting only what is in their view): three queries for a
    whole page of cards (two when the user opened none of them)."""
    from newsdesk.pipeline import story_change_marks

    reads = storage.story_reads(user.id, story_ids)
    unread = storage.story_unread_counts(user.id, user.read_before, story_ids, view)
    changed = story_change_marks(storage, user.id, story_ids, reads=reads)
    return {sid: CardState(unread=unread.get(sid, 0),
                           opened=sid in reads and reads[sid].read_at is not None,
                           starred=sid in reads and reads[sid].starred,
                           changes=mark_line(changed[sid]) if sid in changed and changed[sid].changed else "")
            for sid in story_ids}


def hidden_sources(storage: Storage, user: User, sources: Iterable[Source]) -> tuple[frozenset[int], set[str]]:
    """(ids of the sources the user does not see: hidden one by one or by folder, the hidden folders)."""
    hidden = storage.hidden(user.id)
    ids = {int(v) for v in hidden.get("source", ()) if v.isdigit()}
    folders = set(hidden.get("folder", ()))
    return frozenset(ids | {s.id for s in sources if s.folder and s.folder in folders}), folders


@dataclass
class NewCounts:
    """Unread articles in one user's view: in all, by source and by folder."""
    total: int
    by_source: dict[int, int]
    by_folder: dict[str, int]


def new_counts(storage: Storage, user: User, sources: Iterable[Source], view: OwnView | None) -> NewCounts:
    counts = storage.unread_counts(user.id, user.read_before, view)
    by_folder: dict[str, int] = {}
    for source in sources:
        if source.folder and counts.by_source.get(source.id):
            by_folder[source.folder] = by_folder.get(source.folder, 0) + counts.by_source[source.id]
    return NewCounts(counts.total, counts.by_source, by_folder)


def story_opened(storage: Storage, user: User, story_id: int, article_ids: Sequence[int]) -> StoryRead | None:
    """The user opened the story's page showing these articles: the story and those articles are read. Returns
    the user's read of the story from before this visit (what "since you last read" compares with), if any."""
    before = storage.story_reads(user.id, [story_id]).get(story_id)
    if storage.read_only:
        return before
    with storage.transaction():
        storage.mark_story_read(user.id, story_id, article_ids)
        storage.mark_articles(user.id, article_ids, read=True)
    return before


def story_marked_unread(storage: Storage, user: User, story_id: int) -> None:
    """The story and its articles unread again."""
    with storage.transaction():
        storage.mark_story_unread(user.id, story_id)
        storage.mark_articles(user.id, [a.id for a in storage.story_article_briefs(story_id)], read=False)


def read_all_scope(storage: Storage, source: int | None, folder: str | None) -> list[int] | None:
    """The sources "mark all as read" reads: one source, a folder's, or every one (None); 404 for a source or a
    folder that is not there."""
    if source is not None:
        if storage.get_source(source) is None:
            raise HTTPException(404, f"no source {source}")
        return [source]
    if folder:
        scope = [s.id for s in storage.list_sources(with_counts=False) if s.folder == folder]
        if not scope:
            raise HTTPException(404, f"no folder {folder!r}")
        return scope
    return None


def article_opened(storage: Storage, user: User, article_id: int) -> None:
    if not storage.read_only:
        storage.mark_articles(user.id, [article_id], read=True)


def article_starred(storage: Storage, user: User, article_id: int) -> bool:
    state = storage.article_states(user.id, user.read_before, [article_id]).get(article_id)
    return bool(state and state[1])


# -- the forms ------------------------------------------------------------------------------------------------

def _back(target: str) -> RedirectResponse:
    return RedirectResponse(safe_next(target), status_code=303)


def _story(request: Request, story_id: int):
    story = _web(request).storage.get_story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id}")
    return story


def _article(request: Request, article_id: int):
    article = _web(request).storage.get_article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    return article


@router.post("/stories/{story_id}/unread")
def story_unread(request: Request, story_id: PathId, csrf: str = Form(""),
                 next: str = Form("/", max_length=500)) -> Response:
    """The story and its articles unread again (back to the list: its page would mark it read)."""
    require_csrf(request, csrf)
    story = _story(request, story_id)
    story_marked_unread(_web(request).storage, _user(request), story.id)
    return _back(next)


@router.post("/stories/{story_id}/star")
def story_star(request: Request, story_id: PathId, csrf: str = Form(""), starred: bool = Form(True),
               next: str = Form("/", max_length=500)) -> Response:
    require_csrf(request, csrf)
    user = _user(request)
    story = _story(request, story_id)
    _web(request).storage.star_story(user.id, story.id, starred)
    return _back(next)


@router.post("/articles/{article_id}/unread")
def article_unread(request: Request, article_id: PathId, csrf: str = Form(""),
                   next: str = Form("/", max_length=500)) -> Response:
    require_csrf(request, csrf)
    user = _user(request)
    article = _article(request, article_id)
    _web(request).storage.mark_articles(user.id, [article.id], read=False)
    return _back(next)


@router.post("/articles/{article_id}/star")
def article_star(request: Request, article_id: PathId, csrf: str = Form(""), starred: bool = Form(True),
                 next: str = Form("/", max_length=500)) -> Response:
    require_csrf(request, csrf)
    user = _user(request)
    article = _article(request, article_id)
    _web(request).storage.mark_articles(user.id, [article.id], starred=starred)
    return _back(next)


def _day_start(request: Request, value: str) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise HTTPException(400, f"older than: {value!r} is not a date (YYYY-MM-DD)") from None
    return to_utc(datetime.combine(day, time.min, tzinfo=_web(request).settings.zone()))


def _moment(value: str) -> datetime | None:
    try:
        return to_utc(datetime.fromisoformat(value)) if value else None
    except ValueError:
        raise HTTPException(400, f"shown at: {value!r} is not a time") from None


@router.post("/read-all")
def read_all(request: Request, csrf: str = Form(""), older_than: str = Form("", max_length=20),
             shown_at: str = Form("", max_length=40), source: int | None = Form(None, ge=1, le=MAX_ID),
             folder: str = Form("", max_length=200), next: str = Form("/", max_length=500)) -> Response:
    """Mark all as read: everything, or a source's or a folder's articles; first seen before the day
    `older_than` (in the desk's time zone) when given, else before the page offering the button was shown
    (what arrived since, the user has not seen)."""
    require_csrf(request, csrf)
    web, user = _web(request), _user(request)
    storage = web.storage
    now = utcnow()
    before = _day_start(request, older_than) if older_than else (_moment(shown_at) or now)
    before = min(before, now)
    scope = read_all_scope(storage, source, folder)
    storage.mark_all_read(user.id, before, scope)
    web.users.forget(user.id)               # its read_before moved
    return _back(next)


@router.post("/hidden")
def hide(request: Request, csrf: str = Form(""), kind: str = Form("", max_length=10),
         value: str = Form("", max_length=200), hidden: bool = Form(True),
         next: str = Form("/sources", max_length=500)) -> Response:
    """Hide a source or a folder from this user's home page and new count (or show it again)."""
    require_csrf(request, csrf)
    user, storage = _user(request), _web(request).storage
    if kind not in HIDDEN_KINDS:
        raise HTTPException(400, f"kind: {kind!r} is neither source nor folder")
    sources = storage.list_sources(with_counts=False)
    if kind == "source" and not any(str(s.id) == value for s in sources):
        raise HTTPException(404, f"no source {value}")
    if kind == "folder" and not any(s.folder == value for s in sources):
        raise HTTPException(404, f"no folder {value!r}")
    storage.set_hidden(user.id, kind, value, hidden)
    return _back(next)


@router.get("/saved")
def saved(request: Request) -> Response:
    """The user's starred stories and articles."""
    web, user = _web(request), _user(request)
    storage = web.storage
    stories = web.reader.cards(storage.stories_by_ids(storage.starred_story_ids(user.id, limit=200)))
    article_ids = storage.starred_article_ids(user.id, limit=200)
    found = storage.articles_by_ids(article_ids, with_text=False)
    articles = [found[i] for i in article_ids if i in found]
    return web.renderer.page(request, "saved.html", {
        "title": "Saved", "cards": stories, "states": card_states(storage, user, [c.id for c in stories]),
        "articles": articles, "shown_at": utcnow().isoformat()})


def older_than_default(request: Request) -> str:
    """The day a week ago in the desk's time zone: what the "older than" field offers."""
    day = (datetime.now(_web(request).settings.zone()) - timedelta(days=7)).date()
    return day.isoformat()
