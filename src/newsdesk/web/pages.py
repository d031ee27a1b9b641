"""The HTML pages. Complete without JavaScript; /static/app.js adds keyboard shortcuts."""

from __future__ import annotations

from dataclasses import replace
import json
from datetime import datetime, timedelta, timezone
from datetime import time as dtime

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from newsdesk.alerts import own_view
from newsdesk.storage import SourceExists, StorageError
from newsdesk.timeutil import utcnow
from newsdesk.web import marks
from newsdesk.web.access import current_user, is_admin, require_admin_page, require_csrf, require_reader
from newsdesk.web.data import PAGE_SIZE
from newsdesk.web.languages import in_language, reader_language
from newsdesk.web.params import PathId, QueryId
from newsdesk.web.search import SearchUnavailable
from newsdesk.web.since import LAST_READ, story_changes_fields
from newsdesk.web.story_paging import MAX_PAGE, story_pages

router = APIRouter(include_in_schema=False)


def _web(request: Request):
    return request.app.state.web


def _page(request: Request, template: str, **context) -> Response:
    return _web(request).renderer.page(request, template, context)


def _pages(total: int, page: int, per_page: int = PAGE_SIZE) -> dict:
    last = max(1, -(-total // per_page))
    return {"page": page, "last": last, "has_prev": page > 1, "has_next": page < last}


@router.get("/", dependencies=[Depends(require_reader)])
async def home(request: Request, page: int = Query(1, ge=1, le=1000), source: QueryId = None,
               lang: str | None = Query(None, max_length=20)) -> Response:
    web = _web(request)
    user = current_user(request)
    sources = web.reader.sources()
    context = {"sources": sources, "languages": web.reader.languages(), "source": source, "lang": lang or "",
               "feed": "/feeds/top.atom", "feed_title": "Top stories"}
    if user is None:        # the same page for every stranger: the cards are rendered once per few seconds
        cards, total = web.reader.top(page, source_id=source, language=lang or None)
        pages = _pages(total, page)
        cards_html = web.renderer.fragment((page, source, lang), "_cards.html", cards=cards, pages=pages)
    else:                   # a user's own view (hidden sources shown when asked for), read and unread marked
        storage = web.storage
        hidden, _ = marks.hidden_sources(storage, user, sources)
        view = own_view(storage, user)
        cards, total = web.reader.top(page, source_id=source, language=lang or None,
                                      view=replace(view, hidden_sources=frozenset()) if source else view)
        pages = _pages(total, page)
        states = marks.card_states(storage, user, [c.id for c in cards], view)
        cards_html = Markup(web.renderer.env.get_template("_cards.html").render(cards=cards, pages=pages,
                                                                                states=states))
        context.update(new=marks.new_counts(storage, user, sources, view), hidden_count=len(hidden),
                       shown_at=utcnow().isoformat(), older_than=marks.older_than_default(request))
    return _page(request, "home.html", title="Top stories", cards=cards, cards_html=cards_html, pages=pages,
                 total=total, **context)


@router.get("/stories/{key}", dependencies=[Depends(require_reader)])
async def story_page(request: Request, key: str, sources: int = Query(1, ge=1, le=MAX_PAGE),
                     timeline: int = Query(1, ge=1, le=MAX_PAGE)) -> Response:
    from newsdesk.web.corrections import story_context as correction_context    # it imports the API's errors

    web = _web(request)
    reader = web.reader
    story = reader.story(key)
    if story is None:
        raise HTTPException(404, f"no story {key!r}")
    if key not in (str(story.id), story.slug):     # an old id or slug of a story merged into this one
        return RedirectResponse(f"/stories/{story.slug}", status_code=301)
    user = current_user(request)
    page_lang = reader_language(web.storage, user)
    doc = in_language(reader.story_document(story), page_lang)
    articles = {s["article_id"]: s for s in doc["sources"]}
    cards = reader.cards([story])
    image = cards[0].image_article_id if cards else None      # the lead image the home page shows for it
    named = tuple((e["id"], e["sources"], e["part_of"]) for e in doc.get("entities", []))
    covered = json.dumps(doc.get("coverage"), sort_keys=True)
    shown_sources, shown_timeline = story_pages(doc, sources, timeline)
    line = doc.get("storyline")
    threaded = (line["id"], line["title"], tuple(e["id"] for e in line["events"])) if line else None
    story_html = web.renderer.fragment(
        (story.id, story.page_written_at, story.updated_at, named, covered, shown_sources.page, shown_timeline.page,
         page_lang, threaded),
        "_story.html", doc=doc, articles=articles, image=image, sources=shown_sources, timeline=shown_timeline,
        why=lambda: reader.story_why(story, [s["article_id"] for s in shown_sources.items]), page_lang=page_lang)
    previous = None           # the user's read of the story before this visit
    changes = None            # what changed since then, asked before this visit becomes the last read
    if user is not None:
        read = web.storage.story_reads(user.id, [story.id]).get(story.id)
        if read is not None and read.read_at is not None:
            changes = story_changes_fields(request, story, LAST_READ, user)["changes"]
        # opening the page reads the story as written, and the reports it lists
        previous = marks.story_opened(web.storage, user, story.id, list(articles))
    return _page(request, "story.html", title=doc["headline"], story_html=story_html, story=story,
                 **correction_context(request, story, doc),
                 starred=bool(previous and previous.starred), previous_read=previous, changes=changes,
                 feed=f"/feeds/stories/{story.id}.atom", feed_title=f"Updates: {doc['headline']}")


@router.get("/articles/{article_id}", dependencies=[Depends(require_reader)])
async def article_page(request: Request, article_id: PathId) -> Response:
    web = _web(request)
    storage = web.storage
    article = storage.get_article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    original = storage.get_article(article.original_id) if article.original_id else None
    copies = storage.copies_of(article.id)
    story_id = storage.story_of(article.id)
    story = web.reader.story(str(story_id)) if story_id else None
    source = next((s for s in web.reader.sources() if s.id == article.source_id), None)
    user = current_user(request)
    starred = False
    if user is not None:
        marks.article_opened(storage, user, article.id)
        starred = marks.article_starred(storage, user, article.id)
    return _page(request, "article.html", title=article.title or article.url, article=article, original=original,
                 copies=copies, story=story, source=source, starred=starred)


@router.get("/sources", dependencies=[Depends(require_reader)])
def sources_page(request: Request, message: str | None = Query(None, max_length=300),
                 error: str | None = Query(None, max_length=500)) -> Response:
    web = _web(request)
    sources = web.reader.sources(fresh=True, counts=True)
    context: dict = {"sources": sources, "message": message, "error": error,
                     "label_groups": web.storage.label_groups()}
    user = current_user(request)
    if user is not None:      # each user's new counts, and what they hide
        hidden, hidden_folders = marks.hidden_sources(web.storage, user, sources)
        context.update(new=marks.new_counts(web.storage, user, sources, own_view(web.storage, user)), hidden=hidden,
                       hidden_folders=hidden_folders, shown_at=utcnow().isoformat(),
                       folders=sorted({s.folder for s in sources if s.folder}, key=str.lower))
    return _page(request, "sources.html", title="Sources", **context)


def _back(message: str | None = None, error: str | None = None) -> RedirectResponse:
    from urllib.parse import urlencode
    query = urlencode({k: v for k, v in (("message", message), ("error", error)) if v})
    return RedirectResponse("/sources" + (f"?{query}" if query else ""), status_code=303)


@router.post("/sources", dependencies=[Depends(require_admin_page)])
async def add_source(request: Request, url: str = Form(..., max_length=2000), folder: str = Form("", max_length=200),
                     title: str = Form("", max_length=300), csrf: str = Form("")) -> Response:
    from newsdesk.pipeline import SubscribeError, subscribe

    require_csrf(request, csrf)
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        return _back(error=f"{url or 'an empty address'}: give a feed or site address starting with http:// or https://")
    web = _web(request)
    try:
        source = await subscribe(web.pool.main, web.settings, url, folder=folder.strip() or None,
                                 title=title.strip() or None)
    except (SubscribeError, SourceExists, StorageError) as exc:
        return _back(error=str(exc))
    return _back(message=f"Subscribed to {source.name}")


@router.post("/sources/{source_id}/remove", dependencies=[Depends(require_admin_page)])
def remove_source(request: Request, source_id: PathId, csrf: str = Form(""), purge: bool = Form(False)) -> Response:
    require_csrf(request, csrf)
    storage = _web(request).storage
    source = storage.get_source(source_id)
    if source is None:
        raise HTTPException(404, f"no source {source_id}")
    deleted = storage.remove_source(source_id, purge=purge)
    return _back(message=f"Removed {source.name}" + (f" and {deleted} articles" if purge else ""))


@router.post("/sources/import", dependencies=[Depends(require_admin_page)])
async def import_sources(request: Request, opml: UploadFile = File(...), csrf: str = Form("")) -> Response:
    from newsdesk.pipeline import Subscriptions
    from newsdesk.sources import OpmlError

    require_csrf(request, csrf)
    data = await opml.read(5 * 1024 * 1024 + 1)
    if len(data) > 5 * 1024 * 1024:
        return _back(error="that OPML file is larger than 5 MB")
    web = _web(request)
    try:
        done = Subscriptions(web.pool.main).import_opml(data)
    except OpmlError as exc:
        return _back(error=f"{opml.filename or 'the file'}: {exc}")
    skipped = f" ({done.skipped} already subscribed)" if done.skipped else ""
    return _back(message=f"Imported {done.added} feeds{skipped}", error=_refusals(done.refused))


def _refusals(refused: list[tuple[str, str]], shown: int = 3) -> str | None:
    """The feeds an import refused, in a line short enough for the sources page's notice (500 characters)."""
    if not refused:
        return None
    listed = "; ".join(_cut(f"{url} ({why})", 140) for url, why in refused[:shown])
    more = f"; and {len(refused) - shown} more" if len(refused) > shown else ""
    return f"Refused {len(refused)} feeds: {listed}{more}"


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


@router.get("/sources/export.opml", dependencies=[Depends(require_reader)])
def export_sources(request: Request) -> Response:
    from newsdesk.pipeline import Subscriptions
    web = _web(request)
    return Response(Subscriptions(web.storage).export_opml(), media_type="text/x-opml; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="newsdesk.opml"'})


def parse_day(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
    moment = datetime.combine(day, dtime.min, tzinfo=timezone.utc)
    return moment + timedelta(days=1) if end else moment


@router.get("/search", dependencies=[Depends(require_reader)])
async def search_page(request: Request, q: str = Query("", max_length=500), since: str | None = Query(None),
                      until: str | None = Query(None), source: QueryId = None,
                      page: int = Query(1, ge=1, le=500), entity: QueryId = None) -> Response:
    web = _web(request)
    start, end = parse_day(since, "since"), parse_day(until, "until", end=True)
    results, error = None, None
    named = web.storage.get_entity(entity) if entity else None
    if entity and named is None:
        raise HTTPException(404, f"no entity {entity}")
    if q.strip():
        try:
            results = await web.read(web.reader.search, q, since=start, until=end, source_id=source, page=page,
                                     entity_id=entity, view=own_view(web.storage, current_user(request)))
        except SearchUnavailable as exc:
            raise HTTPException(503, str(exc)) from exc
        except ValueError as exc:
            error = str(exc)
    by_meaning = []
    if results is not None and page == 1 and not (since or until or source or entity):
        by_meaning = await web.read(web.reader.by_meaning, q)
        found = {g.story_id for g in results.groups if getattr(g, "story_id", None)}
        by_meaning = [h for h in by_meaning if h.story.id not in found]
    status = 400 if error else 200
    return web.renderer.page(request, "search.html", {
        "title": f"Search: {q}" if q else "Search", "q": q, "since": since or "", "until": until or "",
        "source": source, "results": results, "error": error, "sources": web.reader.sources(), "entity": named,
        "by_meaning": by_meaning,
        "pages": _pages(results.total if results else 0, page),
        "feed": f"/feeds/search.atom?q={q}" if q.strip() else None, "feed_title": f"Search: {q}"}, status=status)


@router.get("/images/{article_id}", dependencies=[Depends(require_reader)])
async def image(request: Request, article_id: PathId) -> Response:
    found = await _web(request).images.get(article_id)
    if isinstance(found, str):         # why (a fetch refused, a server's answer) is for the admin only
        raise HTTPException(404, found if is_admin(request) else "no image for this article")
    body, kind = found
    return Response(body, media_type=kind, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    from newsdesk.web.app import STATIC
    return Response((STATIC / "manifest.webmanifest").read_bytes(), media_type="application/manifest+json",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/favicon.ico")
def favicon() -> Response:
    from newsdesk.web.app import STATIC
    return Response((STATIC / "icon.svg").read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
