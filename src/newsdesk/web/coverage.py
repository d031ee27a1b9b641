"""Coverage by side on the web: sources' labels and label groups (admin), the stories with a blindspot."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from newsdesk.coverage import LabelError, check_name, coverage_json, parse_group_labels, parse_labels, parse_pairs
from newsdesk.storage import LabelInUse
from newsdesk.web.access import require_admin_api, require_admin_page, require_csrf, require_reader
from newsdesk.web.api import CSRF_ERROR, error, etagged
from newsdesk.web.data import PAGE_SIZE, source_json
from newsdesk.web.params import PathId
from newsdesk.web.schema import Answer, Source, StoryCard

api = APIRouter(prefix="/api/v1", tags=["api"])
pages = APIRouter(include_in_schema=False)


def _web(request: Request):
    return request.app.state.web


class LabelGroups(Answer):
    groups: dict[str, list[str]] = Field(description="each label group with its labels in order")


class BlindspotStory(StoryCard):
    coverage: dict[str, dict[str, int]]
    blindspots: dict[str, list[str]]


class Blindspots(Answer):
    stories: list[BlindspotStory]
    page: int
    per_page: int
    total: int


class SourceLabels(BaseModel):
    labels: dict[str, str | None] = Field(..., max_length=20, description="group → label; null takes it off")


class GroupLabels(BaseModel):
    name: str = Field(..., max_length=100, description="the group's name, e.g. lean")
    labels: list[str] = Field(..., min_length=1, max_length=50, description="the group's labels in order")


def _checked_labels(given: dict[str, str | None]) -> dict[str, str | None]:
    try:
        return parse_pairs(f"{group}={label or ''}" for group, label in given.items())
    except LabelError as exc:
        raise HTTPException(400, str(exc)) from exc


@api.put("/sources/{source_id}/labels", dependencies=[Depends(require_admin_api)], response_model=Source,
         summary="Set a source's labels (coverage by side)",
         responses={**CSRF_ERROR, 400: error("a label that cannot be used"), 404: error("no such source")})
def set_labels(request: Request, source_id: PathId, body: SourceLabels | None = None) -> JSONResponse:
    storage = _web(request).storage
    if body is None:
        raise HTTPException(400, 'send the labels as JSON: {"labels": {"lean": "left"}}')
    labels = _checked_labels(body.labels)
    if storage.get_source(source_id) is None:
        raise HTTPException(404, f"no source {source_id}")
    storage.set_source_labels(source_id, labels)
    return JSONResponse(source_json(storage.get_source(source_id)))


@api.get("/label-groups", dependencies=[Depends(require_reader)], response_model=LabelGroups,
         summary="The label groups and their labels")
def label_groups(request: Request) -> Response:
    return etagged(request, {"groups": _web(request).storage.label_groups()})


@api.put("/label-groups", dependencies=[Depends(require_admin_api)], response_model=LabelGroups,
         summary="Define a label group or set the order of its labels",
         responses={**CSRF_ERROR, 400: error("a name or label that cannot be used, or a label sources carry "
                                             "left out")})
def define_group(request: Request, body: GroupLabels) -> JSONResponse:
    storage = _web(request).storage
    try:
        storage.define_label_group(check_name(body.name, "label group"), parse_group_labels("|".join(body.labels)))
    except (LabelError, LabelInUse) as exc:
        raise HTTPException(400, str(exc)) from exc
    return JSONResponse({"groups": storage.label_groups()})


def _blindspot_page(request: Request, page: int, per_page: int) -> tuple[list[tuple[object, dict]], int]:
    from newsdesk.pipeline import blindspot_stories

    web = _web(request)
    found, total = blindspot_stories(web.storage, limit=per_page, offset=(page - 1) * per_page)
    cards = {c.id: c for c in web.reader.cards(web.storage.stories_by_ids([i for i, _ in found]))}
    return [(cards[i], coverage_json(c)) for i, c in found if i in cards], total


@api.get("/blindspots", dependencies=[Depends(require_reader)], response_model=Blindspots,
         summary="Top stories that a side (a label of a group) does not cover")
def blindspots(request: Request, page: int = Query(1, ge=1, le=100),
               per_page: int = Query(PAGE_SIZE, ge=1, le=100)) -> Response:
    found, total = _blindspot_page(request, page, per_page)
    return etagged(request, {"stories": [card.as_json() | cover for card, cover in found], "page": page,
                             "per_page": per_page, "total": total})


@pages.get("/blindspots", dependencies=[Depends(require_reader)])
def blindspots_page(request: Request, page: int = Query(1, ge=1, le=100)) -> Response:
    from newsdesk.web.pages import _pages

    found, total = _blindspot_page(request, page, PAGE_SIZE)
    groups = {group: labels for group, labels in _web(request).storage.labels_in_use().items() if len(labels) > 1}
    return _web(request).renderer.page(request, "blindspots.html", {
        "title": "Blindspots", "found": found, "cards": [card for card, _ in found], "total": total,
        "pages": _pages(total, page), "groups": groups})


def _back(message: str | None = None, error: str | None = None) -> RedirectResponse:
    query = urlencode({k: v for k, v in (("message", message), ("error", error)) if v})
    return RedirectResponse("/sources" + (f"?{query}" if query else ""), status_code=303)


@pages.post("/sources/{source_id}/labels", dependencies=[Depends(require_admin_page)])
def set_labels_form(request: Request, source_id: PathId, labels: str = Form("", max_length=1000),
                    csrf: str = Form("")) -> Response:
    """The sources page's labels field: the labels written there replace the source's own."""
    require_csrf(request, csrf)
    storage = _web(request).storage
    source = storage.get_source(source_id)
    if source is None:
        raise HTTPException(404, f"no source {source_id}")
    try:
        wanted = parse_labels(labels)
    except LabelError as exc:
        return _back(error=f"{source.name}: {exc}")
    wanted = {group: None for group in source.labels} | wanted
    now = storage.set_source_labels(source_id, wanted)
    return _back(message=f"{source.name}: " + (", ".join(f"{g}={v}" for g, v in sorted(now.items()))
                                                or "no labels"))


@pages.post("/sources/label-groups", dependencies=[Depends(require_admin_page)])
def define_group_form(request: Request, name: str = Form("", max_length=100),
                      labels: str = Form("", max_length=1000), csrf: str = Form("")) -> Response:
    require_csrf(request, csrf)
    try:
        group, ordered = check_name(name, "label group"), parse_group_labels(labels)
        _web(request).storage.define_label_group(group, ordered)
    except (LabelError, LabelInUse) as exc:
        return _back(error=str(exc))
    return _back(message=f"Label group {group}: {' | '.join(ordered)}")
