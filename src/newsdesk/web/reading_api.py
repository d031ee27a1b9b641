"""A user's reading state in the JSON API (/api/v1/reading/…), with an API token or a logged-in browser (whose
writes also send X-CSRF-Token): the state of a story or an article; read, unread, star and unstar of stories
and articles by id; mark all as read (optionally before a moment, of a source or a folder); the unread counts;
the stories updated since the user read them. Every call acts on its caller's own state only.

A write names at most sync.MAX_IDS ids (413 beyond, as the sync APIs); a body that is not {"ids": [ids]} is 400;
an id that names no story or article is 404 and nothing is marked."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse, Response

from newsdesk.alerts import own_view
from newsdesk.model import User
from newsdesk.storage import MAX_ID, Storage
from newsdesk.sync import MAX_IDS
from newsdesk.timeutil import to_utc, utcnow
from newsdesk.web import marks
from newsdesk.web.access import user_api, user_api_write
from newsdesk.web.api import CSRF_ERROR, ERRORS, error, etagged
from newsdesk.web.data import iso
from newsdesk.web.params import PathId
from newsdesk.web.reading_schema import ArticleState, MarkedIds, ReadAll, StoryState, UnreadCountsAnswer, UpdatedList
from newsdesk.web.updated import updated_stories

MAX_BODY = MAX_IDS * 24 + 1024          # room for MAX_IDS ids of any size, as JSON
WRITE_ERRORS = {**CSRF_ERROR, 413: error(f"more than {MAX_IDS} ids in one request")}
router = APIRouter(prefix="/api/v1/reading", tags=["reading"], responses=ERRORS)


class Action(StrEnum):
    READ = "read"
    UNREAD = "unread"
    STAR = "star"
    UNSTAR = "unstar"


# checked once the caller is known, so that a stranger is refused (401) before an unknown action is told (404)
ActionPath = Annotated[str, Path(description="read, unread, star or unstar (anything else names nothing: 404)")]


def _action(value: str) -> Action:
    try:
        return Action(value)
    except ValueError:
        raise HTTPException(404, f"no action {value[:20]!r}: read, unread, star or unstar") from None


def _web(request: Request):
    return request.app.state.web


async def _body(request: Request) -> object:
    """The request's JSON, read with a limit (413 beyond it); 400 when it is not JSON."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"request too large: at most {MAX_IDS} ids in one request; send them in several")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"request too large: at most {MAX_IDS} ids in one request; send them in "
                                     "several")
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, 'the body is not JSON: send {"ids": [1, 2, 3]}') from None


async def _ids(request: Request) -> list[int]:
    data = await _body(request)
    if not isinstance(data, dict) or set(data) != {"ids"} or not isinstance(data["ids"], list):
        raise HTTPException(400, 'send a JSON object {"ids": [1, 2, 3]} and nothing else')
    ids = data["ids"]
    if len(ids) > MAX_IDS:
        raise HTTPException(413, f"request too large: {len(ids)} ids, at most {MAX_IDS} in one request; send them "
                                 "in several")
    if not ids:
        raise HTTPException(400, "ids: give at least one id")
    bad = [i for i in ids if type(i) is not int or not 1 <= i <= MAX_ID]
    if bad:
        raise HTTPException(400, f"ids: {str(bad[0])[:40]!r} is not an id (a whole number from 1)")
    return list(dict.fromkeys(ids))


def _missing(kind: str, missing: list[int]) -> HTTPException:
    listed = ", ".join(str(i) for i in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return HTTPException(404, f"no {kind} {listed}: nothing was marked")


# -- one story's or article's state ----------------------------------------------------------------------------

@router.get("/stories/{story_id}", summary="The caller's state of a story", response_model=StoryState)
def story_state(request: Request, story_id: PathId) -> Response:
    user, storage = user_api(request), _web(request).storage
    if storage.get_story(story_id) is None:
        raise HTTPException(404, f"no story {story_id}")
    state = marks.card_states(storage, user, [story_id])[story_id]
    read = storage.story_reads(user.id, [story_id]).get(story_id)
    answer = etagged(request, {"id": story_id, "read": state.read, "opened": state.opened,
                               "read_at": iso(read.read_at if read else None), "starred": state.starred,
                               "unread_reports": state.unread})
    answer.headers.update({"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"})
    return answer


@router.get("/articles/{article_id}", summary="The caller's state of an article", response_model=ArticleState)
def article_state(request: Request, article_id: PathId) -> Response:
    user, storage = user_api(request), _web(request).storage
    found = storage.article_states(user.id, user.read_before, [article_id]).get(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id}")
    answer = etagged(request, {"id": article_id, "read": found[0], "starred": found[1]})
    answer.headers.update({"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"})
    return answer


# -- marks -----------------------------------------------------------------------------------------------------

@router.post("/stories/{action}", summary="Mark stories read, unread, starred or not", response_model=MarkedIds,
             responses=WRITE_ERRORS)
async def mark_stories(request: Request, action: ActionPath) -> JSONResponse:
    """Read: as opening each story's page (the story and the reports it lists read). Unread: the story and its
    reports unread again. Star, unstar: saved or not."""
    user = user_api_write(request)
    action = _action(action)
    ids = await _ids(request)
    web = _web(request)
    storage = web.storage
    stories = storage.stories_by_ids(ids)
    if len(stories) != len(ids):
        found = {s.id for s in stories}
        raise _missing("story", [i for i in ids if i not in found])
    shown = {story.id: [s["article_id"] for s in web.reader.story_document(story)["sources"]]
             for story in stories} if action == Action.READ else {}
    with storage.transaction():
        for story in stories:
            if action == Action.READ:
                marks.story_opened(storage, user, story.id, shown[story.id])
            elif action == Action.UNREAD:
                marks.story_marked_unread(storage, user, story.id)
            else:
                storage.star_story(user.id, story.id, action == Action.STAR)
    return JSONResponse({"marked": len(stories)})


@router.post("/articles/{action}", summary="Mark articles read, unread, starred or not", response_model=MarkedIds,
             responses=WRITE_ERRORS)
async def mark_articles(request: Request, action: ActionPath) -> JSONResponse:
    user = user_api_write(request)
    action = _action(action)
    ids = await _ids(request)
    storage: Storage = _web(request).storage
    found = storage.article_states(user.id, user.read_before, ids)
    if len(found) != len(ids):
        raise _missing("article", [i for i in ids if i not in found])
    if action in (Action.READ, Action.UNREAD):
        marked = storage.mark_articles(user.id, ids, read=action == Action.READ)
    else:
        marked = storage.mark_articles(user.id, ids, starred=action == Action.STAR)
    return JSONResponse({"marked": marked})


@router.post("/mark-all-read", summary="Mark all as read (before a moment, of a source or a folder)",
             response_model=ReadAll, responses=WRITE_ERRORS)
async def mark_all_read(request: Request) -> JSONResponse:
    """Body (all optional): {"before": ISO 8601 time, "source": id, "folder": name}. What was first seen
    before `before` (default: now) is read, in every source or only the source's or the folder's."""
    user = user_api_write(request)
    data = await _body(request)
    data = {} if data is None else data
    if not isinstance(data, dict) or set(data) - {"before", "source", "folder"}:
        raise HTTPException(400, 'send a JSON object with any of "before" (an ISO 8601 time), "source" (an id), '
                                 '"folder" (a name)')
    before, source, folder = data.get("before"), data.get("source"), data.get("folder")
    if source is not None and (type(source) is not int or not 1 <= source <= MAX_ID):
        raise HTTPException(400, f"source: {str(source)[:40]!r} is not a source id")
    if folder is not None and (not isinstance(folder, str) or len(folder) > 200):
        raise HTTPException(400, "folder: give a folder's name")
    now = utcnow()
    moment = _moment(before) if before is not None else now
    web = _web(request)
    scope = marks.read_all_scope(web.storage, source, folder)
    moment = min(moment, now)
    web.storage.mark_all_read(user.id, moment, scope)
    web.users.forget(user.id)               # its read_before moved
    return JSONResponse({"before": iso(moment), "sources": scope})


def _moment(value: object) -> datetime:
    if isinstance(value, str) and len(value) <= 64:
        try:
            moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
            return to_utc(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
        except ValueError:
            pass
    raise HTTPException(400, f"before: {str(value)[:60]!r} is not an ISO 8601 time such as 2026-11-10T21:00:00Z")


# -- counts and lists ------------------------------------------------------------------------------------------

@router.get("/unread-counts", summary="The caller's unread reports: in all, per source, per folder",
            response_model=UnreadCountsAnswer)
def unread_counts(request: Request) -> Response:
    user: User = user_api(request)
    web = _web(request)
    sources = web.reader.sources()
    counts = marks.new_counts(web.storage, user, sources, own_view(web.storage, user))
    answer = etagged(request, {"total": counts.total,
                               "by_source": {str(k): v for k, v in sorted(counts.by_source.items())},
                               "by_folder": dict(sorted(counts.by_folder.items()))})
    answer.headers.update({"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"})
    return answer


@router.get("/updated", summary="Stories the caller read that changed since, newest change first",
            response_model=UpdatedList)
def updated(request: Request) -> Response:
    user = user_api(request)
    answer = etagged(request, {"stories": [u.as_json() for u in updated_stories(_web(request), user)]})
    answer.headers.update({"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"})
    return answer
