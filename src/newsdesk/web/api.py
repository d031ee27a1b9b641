"""The JSON API under /api/v1: reads answer with an ETag (304 when unchanged); errors are {"error": message}."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from newsdesk.alerts import own_view
from newsdesk.model import OwnView, User
from newsdesk.storage import SourceExists
from newsdesk.web.access import current_user, require_admin_api, require_reader
from newsdesk.web.data import PAGE_SIZE, article_json, iso, source_json
from newsdesk.web.pages import parse_day
from newsdesk.web.params import PathId, QueryId
from newsdesk.web.render import highlight
from newsdesk.web.schema import (
    ArticleDocument,
    ArticleList,
    Error,
    RemovedSource,
    SearchResults,
    Source,
    SourceList,
    StoryDocument,
    StoryList,
)
from newsdesk.web.search import SearchUnavailable
from newsdesk.web.since import SINCE_HELP, story_changes_fields
from newsdesk.web.story_paging import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, STORY_PAGE_HELP, story_pages


def error(description: str) -> dict:
    """An error answer as the OpenAPI schema documents it: {"error": message}."""
    return {"description": description, "model": Error,
            "content": {"application/json": {"example": {"error": description}}}}


ERRORS = {code: error(text) for code, text in ((400, "bad request"), (401, "login or token needed"),
                                               (404, "not found"), (422, "invalid parameters"),
                                               (503, "the database or the search index is not available"))}
CSRF_ERROR = {403: error("a logged-in browser without its CSRF token (X-CSRF-Token)")}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)


def _web(request: Request):
    return request.app.state.web


def etagged(request: Request, data) -> Response:
    """JSON with a strong ETag over its bytes; 304 Not Modified when the client holds the same."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    wanted = request.headers.get("if-none-match", "")
    if wanted and (wanted.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in wanted.split(",")]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def personal(response: Response, view: OwnView | None) -> Response:
    """An answer made for one user's own view: no shared cache may keep it for another."""
    if view is not None:
        response.headers.update({"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"})
    return response


@router.get("/stories", dependencies=[Depends(require_reader)], summary="Top stories, ranked",
            response_model=StoryList)
def stories(request: Request, page: int = Query(1, ge=1, le=1000), per_page: int = Query(PAGE_SIZE, ge=1, le=100),
            source: Annotated[QueryId, Query(description="only stories with an article from this source id")] = None,
            lang: str | None = Query(None, max_length=20, description="only stories with an article in this language")
            ) -> Response:
    web = _web(request)
    view = own_view(web.storage, current_user(request))
    cards, total = web.reader.top(page, source_id=source, language=lang or None, per_page=per_page, view=view)
    return personal(etagged(request, {"stories": [c.as_json() for c in cards], "page": page, "per_page": per_page,
                                      "total": total}), view)


@router.get("/stories/{key}", dependencies=[Depends(require_reader)], summary="One story page (id or slug)",
            response_model=StoryDocument)
def story(request: Request, key: str, since: str | None = Query(None, max_length=64, description=SINCE_HELP),
          page: int = Query(1, ge=1, le=MAX_PAGE, description=STORY_PAGE_HELP),
          per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE, description="sources and timeline entries a page"),
          user: User | None = Depends(current_user)) -> Response:
    reader = _web(request).reader
    found = reader.story(key)
    if found is None:
        raise HTTPException(404, f"no story {key!r}")
    doc = reader.story_document(found)
    sources, timeline = story_pages(doc, page, page, per_page)
    data = {k: v for k, v in doc.items() if k != "version"} | {
        "sources": sources.items, "timeline": timeline.items,
        "why": reader.story_why(found, [s["article_id"] for s in sources.items]),
        "sources_page": sources.as_json(), "timeline_page": timeline.as_json()}
    if since is None:
        return etagged(request, data)
    response = etagged(request, data | story_changes_fields(request, found, since, user))
    response.headers.update({"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"})
    return response


@router.get("/articles", dependencies=[Depends(require_reader)], summary="Latest articles",
            response_model=ArticleList)
def articles(request: Request, page: int = Query(1, ge=1, le=10000), per_page: int = Query(PAGE_SIZE, ge=1, le=100),
             source: QueryId = None, copies: bool = Query(True, description="include reprints")
             ) -> Response:
    storage = _web(request).storage
    found = storage.list_articles(source=source, limit=per_page, offset=(page - 1) * per_page,
                                  include_copies=copies)
    stories_of = storage.stories_of([a.id for a in found])
    return etagged(request, {"articles": [article_json(a, story_id=stories_of.get(a.id), with_text=False)
                                          for a in found], "page": page, "per_page": per_page})


@router.get("/articles/{article_id}", dependencies=[Depends(require_reader)], summary="One article with its text",
            response_model=ArticleDocument)
def article(request: Request, article_id: PathId) -> Response:
    storage = _web(request).storage
    found = storage.get_article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id}")
    data = article_json(found, story_id=storage.story_of(article_id))
    data["copies"] = [{"id": c.id, "outlet": c.outlet, "url": c.url, "published": iso(c.time)}
                      for c in storage.copies_of(article_id)]
    return etagged(request, data)


@router.get("/sources", dependencies=[Depends(require_reader)], summary="Subscriptions with their health",
            response_model=SourceList)
def sources(request: Request) -> Response:
    return etagged(request, {"sources": [source_json(s) for s in _web(request).reader.sources(fresh=True, counts=True)]})


class NewSource(BaseModel):
    url: str = Field(..., max_length=2000, description="a feed URL, or a site URL whose feed is discovered")
    folder: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=300)


@router.post("/sources", dependencies=[Depends(require_admin_api)], status_code=201, summary="Subscribe",
             response_model=Source, responses={**CSRF_ERROR, 409: error("already subscribed")})
async def add_source(request: Request, new: NewSource) -> JSONResponse:
    from newsdesk.pipeline import SubscribeError, subscribe

    if not new.url.startswith(("http://", "https://")):
        raise HTTPException(400, f"{new.url!r}: give a feed or site address starting with http:// or https://")
    web = _web(request)
    try:
        source = await subscribe(web.pool.main, web.settings, new.url, folder=new.folder, title=new.title)
    except SourceExists as exc:
        raise HTTPException(409, str(exc)) from exc
    except SubscribeError as exc:
        raise HTTPException(400, str(exc)) from exc
    return JSONResponse(source_json(source), status_code=201)


@router.delete("/sources/{source_id}", dependencies=[Depends(require_admin_api)], summary="Unsubscribe",
               response_model=RemovedSource, responses=CSRF_ERROR)
def remove_source(request: Request, source_id: PathId, purge: bool = Query(False)) -> JSONResponse:
    storage = _web(request).storage
    if storage.get_source(source_id) is None:
        raise HTTPException(404, f"no source {source_id}")
    deleted = storage.remove_source(source_id, purge=purge)
    return JSONResponse({"removed": source_id, "articles_deleted": deleted})


@router.get("/search", dependencies=[Depends(require_reader)], summary="Full-text search, grouped by story",
            response_model=SearchResults)
def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
           since: str | None = Query(None, description="YYYY-MM-DD"), until: str | None = Query(None),
           source: QueryId = None, page: int = Query(1, ge=1, le=500),
           entity: Annotated[QueryId, Query(description="only articles and stories naming this entity id")] = None
           ) -> Response:
    start, end = parse_day(since, "since"), parse_day(until, "until", end=True)
    try:
        view = own_view(_web(request).storage, current_user(request))
        results = _web(request).reader.search(q, since=start, until=end, source_id=source, page=page,
                                              entity_id=entity, view=view)
    except SearchUnavailable as exc:
        raise HTTPException(503, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    groups = [{"story_id": g.story_id, "headline": g.headline,
               "url": f"/stories/{g.story_id}" if g.story_id else f"/articles/{g.hits[0].article_id}",
               "hits": [{"article_id": h.article_id, "title": h.title, "outlet": h.outlet,
                         "published": iso(h.published_at), "rank": h.rank,
                         "snippet": h.snippet, "snippet_html": str(highlight(h.snippet, h.highlights))}
                        for h in g.hits],
               "hit_count": g.hit_count, "snippet": g.snippet,
               "snippet_html": str(highlight(g.snippet, g.highlights))}
              for g in results.groups]
    return personal(etagged(request, {"query": results.query, "total": results.total, "page": page,
                                      "groups": groups}), view)
