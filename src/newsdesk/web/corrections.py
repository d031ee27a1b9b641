"""Correcting stories on the web: the admin's controls and the corrections log on a story page (forms), and the
same under /api/v1 for an admin's token. A refused correction changes nothing: 400 (or 404 for what does not
exist), with the reason."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from newsdesk.corrections import (
    BadCorrection,
    Corrected,
    NotFound,
    correction_json,
    describe,
    hide_story,
    merge_stories,
    move_article,
    pin_story,
    rename_story,
    split_story,
    undo,
)
from newsdesk.model import Story, User
from newsdesk.storage import Storage
from newsdesk.web.access import current_user, require_admin_api, require_admin_page, require_csrf
from newsdesk.web.api import error
from newsdesk.web.params import PathId, key_in_range
from newsdesk.web.schema import CorrectionDone, CorrectionLog

api = APIRouter(prefix="/api/v1", tags=["corrections"])
DONE = {"response_model": CorrectionDone,
        "responses": {400: error("the correction cannot be made as asked; nothing was changed"),
                      403: error("not an admin"), 404: error("no such story, article or correction")}}
pages = APIRouter(include_in_schema=False)

Action = Callable[[Storage, str], Corrected]


def _web(request: Request):
    return request.app.state.web


def _actor(request: Request) -> str:
    user = current_user(request)
    return user.name if user is not None else "admin"


def _apply(request: Request, action: Action) -> Corrected:
    """Make the correction, write the pages it changed, and let the listings show it at once."""
    from newsdesk.pipeline import rewrite_pages

    web = _web(request)
    storage = web.storage
    corrected = action(storage, _actor(request))
    rewrite_pages(storage, web.settings, corrected.stories)
    web.reader.forget_rankings()
    return corrected


def _answer(request: Request, action: Action) -> JSONResponse:
    try:
        corrected = _apply(request, action)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except BadCorrection as exc:
        raise HTTPException(400, str(exc)) from exc
    return JSONResponse({"correction": correction_json(corrected.correction), "stories": sorted(corrected.stories)})


# -- the API -------------------------------------------------------------------------------------------------

class MergeFrom(BaseModel):
    story: str = Field(..., alias="from", max_length=300, description="the story merged into this one (id or slug)")


class MoveTo(BaseModel):
    to: str = Field(..., max_length=300, description='a story id or slug, or "new"')


class SplitOff(BaseModel):
    articles: list[int] = Field(..., min_length=1, max_length=1000, description="the articles that leave")


class Headline(BaseModel):
    headline: str | None = Field(..., max_length=300, description="the headline to pin; null unpins it")


class Hidden(BaseModel):
    hidden: bool = True


class Pinned(BaseModel):
    pinned: bool = True


def _existing_story(request: Request, key: str) -> None:
    """404 for a story key that names nothing, before the body is read (a path that names nothing is not found,
    whatever the body says)."""
    if _web(request).storage.get_story(key) is None:
        raise HTTPException(404, f"no story {key!r}; `newsdesk stories` lists them")


ADMIN = [Depends(require_admin_api)]
STORY = [*ADMIN, Depends(_existing_story)]


@api.get("/corrections", dependencies=ADMIN, summary="The corrections log, newest first",
         response_model=CorrectionLog)
def list_corrections(request: Request, story: str | None = Query(None, max_length=300),
                     limit: int = Query(200, ge=1, le=1000)) -> JSONResponse:
    storage = _web(request).storage
    ids = None
    if story is not None:
        found = storage.get_story(story)
        if found is None:
            raise HTTPException(404, f"no story {story!r}")
        ids = [found.id, *storage.stories_merged_into(found.id)]
    return JSONResponse({"corrections": [correction_json(c) for c in storage.list_corrections(story_ids=ids,
                                                                                              limit=limit)]})


@api.post("/stories/{key}/merge", dependencies=STORY, **DONE,
          summary="Merge another story into this one")
async def api_merge(request: Request, key: str, body: MergeFrom) -> JSONResponse:
    return await run_in_threadpool(_answer, request, lambda s, who: merge_stories(s, key, body.story, who))


@api.post("/articles/{article_id}/move", dependencies=ADMIN, **DONE,
          summary="Move an article to another or a new story")
async def api_move(request: Request, article_id: PathId, body: MoveTo) -> JSONResponse:
    return await run_in_threadpool(_answer, request, lambda s, who: move_article(s, article_id, body.to, who))


@api.post("/stories/{key}/split", dependencies=STORY, **DONE,
          summary="Split articles out of a story into a new one")
async def api_split(request: Request, key: str, body: SplitOff) -> JSONResponse:
    return await run_in_threadpool(_answer, request, lambda s, who: split_story(s, key, body.articles, who))


@api.post("/stories/{key}/headline", dependencies=STORY, **DONE,
          summary="Pin (or unpin) a story's headline")
async def api_headline(request: Request, key: str, body: Headline) -> JSONResponse:
    return await run_in_threadpool(_answer, request, lambda s, who: rename_story(s, key, body.headline, who))


@api.post("/stories/{key}/hide", dependencies=STORY, **DONE,
          summary="Hide a story from the listings (or show it)")
async def api_hide(request: Request, key: str, body: Hidden) -> JSONResponse:
    return await run_in_threadpool(_answer, request, lambda s, who: hide_story(s, key, who, body.hidden))


@api.post("/stories/{key}/pin", dependencies=STORY, **DONE,
          summary="Pin a story to the top (or unpin it)")
async def api_pin(request: Request, key: str, body: Pinned) -> JSONResponse:
    return await run_in_threadpool(_answer, request, lambda s, who: pin_story(s, key, who, body.pinned))


@api.post("/corrections/{correction_id}/undo", dependencies=ADMIN, **DONE,
          summary="Undo a correction")
async def api_undo(request: Request, correction_id: PathId) -> JSONResponse:
    return await run_in_threadpool(_answer, request, lambda s, who: undo(s, correction_id, who))


# -- the story page ------------------------------------------------------------------------------------------

def story_context(request: Request, story: Story, doc: dict) -> dict:
    """What the story page shows of corrections: its log (who made each only to admins), and for an admin the
    controls, the story's pinned headline and marks, and the message of the last correction made."""
    storage = _web(request).storage
    log = storage.list_corrections(story_ids=[story.id, *storage.stories_merged_into(story.id)], limit=50)
    context = {"corrections": [(c, describe(c)) for c in log]}
    user: User | None = current_user(request)
    if user is not None and user.is_admin:
        context.update(override=storage.story_override(story.id),
                       originals=[s for s in doc["sources"] if not s["reprint_of"]],
                       corrected_message=request.query_params.get("corrected", "")[:300],
                       correction_error=request.query_params.get("refused", "")[:500])
    return context


def _back_to(story_key: str, **query: str) -> RedirectResponse:
    return RedirectResponse(f"/stories/{story_key}?{urlencode(query)}#corrections", status_code=303)


@pages.post("/stories/{key}/corrections", dependencies=[Depends(key_in_range), Depends(require_admin_page)])
def correct_from_page(request: Request, key: str, action: str = Form("", max_length=20), csrf: str = Form(""),
                      headline: str = Form("", max_length=300), to: str = Form("", max_length=300),
                      other: str = Form("", max_length=300), article: str = Form("", max_length=30),
                      articles: list[str] = Form([]), correction: str = Form("", max_length=30)) -> Response:
    require_csrf(request, csrf)
    storage = _web(request).storage
    story = storage.get_story(key)
    if story is None:
        raise HTTPException(404, f"no story {key!r}")

    def whole(value: str, what: str) -> int:
        if not value.strip().isdigit():
            raise BadCorrection(f"choose {what}")
        return int(value)

    def chosen() -> Action:
        match action:
            case "merge":
                return lambda s, who: merge_stories(s, story.id, other.strip(), who)
            case "move":
                target = to.strip().lower() or "new"
                return lambda s, who: move_article(s, whole(article, "the article to move"), target, who)
            case "split":
                ids = [whole(a, "the articles that leave") for a in articles]
                return lambda s, who: split_story(s, story.id, ids, who)
            case "rename" | "unpin-headline":
                return lambda s, who: rename_story(s, story.id, headline if action == "rename" else None, who)
            case "hide" | "show":
                return lambda s, who: hide_story(s, story.id, who, hidden=action == "hide")
            case "pin" | "unpin":
                return lambda s, who: pin_story(s, story.id, who, pinned=action == "pin")
            case "undo":
                return lambda s, who: undo(s, whole(correction, "the correction to undo"), who)
        raise BadCorrection(f"no such correction as {action!r}")

    try:
        corrected = _apply(request, chosen())
    except NotFound as exc:
        return _back_to(story.slug, refused=str(exc))
    except BadCorrection as exc:
        return _back_to(story.slug, refused=str(exc))
    here = storage.get_story(story.id)       # a merge away or an emptied story leads on to where it went
    return _back_to(here.slug if here else story.slug, corrected=describe(corrected.correction))
