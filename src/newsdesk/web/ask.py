"""Ask the story on the web: POST /api/v1/stories/{id}/ask, and the story page's question box (/stories/{key}/ask)."""

from __future__ import annotations

import threading

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from newsdesk.ask import MAX_QUESTION, NOT_SAID, AskError, StoryAsker, answer_json
from newsdesk.web.access import CSRF_COOKIE, bearer, check_csrf, current_user, require_reader
from newsdesk.web.api import error
from newsdesk.web.schema import Answer

api = APIRouter(prefix="/api/v1", tags=["api"])
pages = APIRouter(include_in_schema=False)
_lock = threading.Lock()


def _web(request: Request):
    return request.app.state.web


def asker(request: Request) -> StoryAsker:
    """The process's asker, made on first use (it loads the embedder, which reads the desk's stored vectors;
    the LLM endpoint when configured)."""
    state = request.app.state
    with _lock:
        if getattr(state, "asker", None) is None:
            from newsdesk.pipeline import desk_embedder, story_asker

            web = _web(request)
            state.asker = story_asker(web.settings, desk_embedder(web.storage))
        return state.asker


class Question(BaseModel):
    question: str = Field(..., max_length=MAX_QUESTION, description="a question about the story")


class AnswerSentence(Answer):
    text: str
    article_id: int = Field(description="the article the sentence comes from")
    outlet: str
    also: list[tuple[int, str]] = Field(description="[article id, outlet] of other reports saying the same")
    score: float = Field(description="how well it supports an answer (extractive) or its closest source "
                                     "sentence's cosine (LLM)")


class StoryAnswer(Answer):
    story_id: int
    question: str
    answered: bool = Field(description=f"false when nothing in the story's articles supports an answer: "
                                       f"`answer` is then \"{NOT_SAID}\"")
    answer: str
    sentences: list[AnswerSentence]
    method: str = Field(description="extractive, or llm when the LLM endpoint wrote the answer")
    generated: int = Field(description="sentences the LLM wrote")
    dropped: int = Field(description="of those, left out as unsupported by the articles")
    dropped_reasons: dict[str, int]
    error: str | None = Field(description="why the LLM endpoint was not used, when it is configured")


def require_asker(request: Request) -> None:
    """Asking changes nothing, so whoever may read may ask; but a logged-in browser sends its CSRF token
    (X-CSRF-Token), as for every other POST of the API, so that no other site spends the desk's model; and a
    token that is sent must be right."""
    if bearer(request) is not None:
        return
    sent = request.headers.get("x-csrf-token")
    if (sent is not None or current_user(request) is not None) and not check_csrf(
            _web(request).secret, request.cookies.get(CSRF_COOKIE), sent):
        raise HTTPException(403, "missing or wrong CSRF token (X-CSRF-Token)")


def _answer(request: Request, key: str, question: str) -> tuple[object, dict]:
    story = _web(request).reader.story(key)
    if story is None:
        raise HTTPException(404, f"no story {key!r}")
    from newsdesk.pipeline import ask_story

    answer = ask_story(_web(request).storage, asker(request), story.id, question)
    return story, answer_json(answer, story.id)


@api.post("/stories/{key}/ask", dependencies=[Depends(require_reader), Depends(require_asker)],
          response_model=StoryAnswer,
          summary="Ask the story: an answer only from its articles, each sentence with its sources",
          responses={400: error("an empty or too long question"), 404: error("no such story"),
                     403: error("a logged-in browser without its CSRF token (X-CSRF-Token)")})
def ask_api(request: Request, key: str, body: Question | None = None) -> JSONResponse:
    if _web(request).reader.story(key) is None:
        raise HTTPException(404, f"no story {key!r}")
    if body is None:
        raise HTTPException(400, 'send the question as JSON: {"question": "…"}')
    try:
        _, data = _answer(request, key, body.question)
    except AskError as exc:
        raise HTTPException(400, str(exc)) from exc
    return JSONResponse(data)


@pages.get("/stories/{key}/ask", dependencies=[Depends(require_reader)])
def ask_page(request: Request, key: str, q: str = Query("", max_length=MAX_QUESTION)) -> Response:
    web = _web(request)
    story = web.reader.story(key)
    if story is None:
        raise HTTPException(404, f"no story {key!r}")
    problem, data = None, None
    if q.strip():
        try:
            _, data = _answer(request, str(story.id), q)
        except AskError as exc:
            problem = str(exc)
    doc = {"id": story.id, "slug": story.slug, "headline": story.headline}
    return web.renderer.page(request, "ask.html", {"title": f"Ask: {story.headline}", "doc": doc, "asked": data,
                                                   "question": q, "problem": problem},
                             status=400 if problem else 200)
