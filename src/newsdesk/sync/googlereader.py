"""The Google Reader API at the desk's root, in the dialect Miniflux and FreshRSS serve: ClientLogin, then
/reader/api/0/… (token, user-info, subscription/list, tag/list, unread-count, stream/items/ids,
stream/contents, stream/items/contents, edit-tag, mark-all-as-read) and the legacy Atom streams
/reader/atom/<stream> that newsboat reads. Answers are JSON (whatever `output` says), Atom, or plain text for
writes ("OK") and refusals. Every route is also found under a doubled leading slash: newsboat joins its
`feedhq-url` ("http://host/") and the path ("/reader/…") with both slashes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from newsdesk.sync.greader_auth import (
    MAX_IDS,
    Caller,
    Form,
    caller,
    client_login,
    read_form,
    require_sync_api,
    storage_of,
)
from newsdesk.sync.greader_ids import (
    LABEL_PREFIX,
    STATE_PREFIX,
    STORIES_STREAM,
    ApiError,
    BadRequest,
    Stream,
    StreamKind,
    Tag,
    TooLarge,
    parse_item_id,
    parse_stream,
    parse_tag,
)
from newsdesk.sync.greader_items import (
    atom_feed,
    entries,
    feed_stream_id,
    item_refs_json,
    stream_json,
)
from newsdesk.sync.greader_view import MAX_OFFSET, ReaderView
from newsdesk.sync.items import STORIES_FEED_TITLE
from newsdesk.timeutil import utcnow

ATOM_TYPE = "application/atom+xml; charset=utf-8"
MAX_ITEMS = 1000          # items of one stream/contents or Atom page
MAX_REFS = 10_000         # ids of one stream/items/ids page


class _PlainErrors(APIRoute):
    """A refusal (ApiError) is answered here, as plain text, whichever dependency raised it."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as exc:
                return exc.response()
        return answer


class _Router(APIRouter):
    """Takes "//reader/…" and "//accounts/…" for its own: newsboat asks for them so."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if scope.get("type") == "http" and path.startswith("//"):
            single = "/" + path.lstrip("/")
            if single.startswith(("/reader/", "/accounts/")):
                scope["path"] = single
                if isinstance(scope.get("raw_path"), bytes):
                    scope["raw_path"] = b"/" + scope["raw_path"].lstrip(b"/")
        return super().matches(scope)


router = _Router(route_class=_PlainErrors, include_in_schema=False, dependencies=[Depends(require_sync_api)])


def _route(path: str, methods: list[str]) -> Callable:
    def register(endpoint: Callable) -> Callable:
        router.add_api_route(path, endpoint, methods=methods)
        return endpoint
    return register


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _view(request: Request, who: Caller) -> ReaderView:
    return ReaderView(storage_of(request), who.user)


# -- parameters ----------------------------------------------------------------------------------------------

def _count(form: Form, name: str, default: int, most: int) -> int:
    raw = form.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise BadRequest(f"{name}={raw[:40]!r}: expected a whole number")
    return max(1, min(int(raw), most))


def _offset(form: Form) -> int:
    raw = form.get("c")
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise BadRequest(f"c={raw[:40]!r}: not a continuation this desk handed out")
    return min(int(raw), MAX_OFFSET)


def _time(form: Form, name: str) -> datetime | None:
    raw = form.get(name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        raise BadRequest(f"{name}={raw[:40]!r}: expected a Unix time")
    value = int(raw)
    seconds = value / 1_000_000 if len(raw) >= 16 else value / 1000 if len(raw) >= 13 else value
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise BadRequest(f"{name}={raw[:40]!r}: not a time this desk can read") from None


def _tags(form: Form, name: str) -> frozenset[Tag]:
    return frozenset(parse_tag(value) for value in form.getlist(name)) - {Tag.IGNORED}


def _item_ids(form: Form) -> list[int]:
    raw = form.getlist("i")
    if not raw:
        raise BadRequest("no item given (i=, one or more)")
    if len(raw) > MAX_IDS:
        raise TooLarge(f"request too large: at most {MAX_IDS} item ids in one request (this one has {len(raw)}); "
                       "send them in several")
    return [parse_item_id(value) for value in raw]


def _page(view: ReaderView, stream: Stream, form: Form, default: int, most: int):
    n = _count(form, "n", default, most)
    offset = _offset(form)
    refs, more = view.refs(stream, exclude=_tags(form, "xt"), include=_tags(form, "it"), since=_time(form, "ot"),
                           until=_time(form, "nt"), oldest_first=form.get("r") == "o", offset=offset, limit=n)
    return refs, (str(offset + n) if more else None)


def _title(view: ReaderView, stream: Stream) -> str:
    if stream.kind == StreamKind.FEED:
        return view.source(stream.value).name
    if stream.kind == StreamKind.LABEL:
        return stream.value
    if stream.kind == StreamKind.STORIES:
        return STORIES_FEED_TITLE
    if stream.kind == StreamKind.FOLDER_STORIES:
        return f"{STORIES_FEED_TITLE}: {stream.value}"
    return {StreamKind.READING_LIST: "Reading list", StreamKind.STARRED: "Starred", StreamKind.READ: "Read",
            StreamKind.KEPT_UNREAD: "Kept unread"}[stream.kind]


def _stream_id(view: ReaderView, stream: Stream) -> str:
    return feed_stream_id(view.source(stream.value)) if stream.kind == StreamKind.FEED else stream.id


# -- login and who -------------------------------------------------------------------------------------------

@_route("/accounts/ClientLogin", ["POST"])
def login(request: Request, form: Form = Depends(read_form)) -> Response:
    user, token = client_login(request, form)
    if form.get("output") == "json":
        return JSONResponse({"SID": token, "LSID": token, "Auth": token})
    return PlainTextResponse(f"SID={token}\nLSID={token}\nAuth={token}\n")


@_route("/reader/api/0/token", ["GET", "POST"])
def token(who: Caller = Depends(caller)) -> Response:
    return PlainTextResponse(who.token)


@_route("/reader/ping", ["GET"])
def ping(who: Caller = Depends(caller)) -> Response:
    return PlainTextResponse("OK")


@_route("/reader/api/0/user-info", ["GET"])
def user_info(who: Caller = Depends(caller)) -> Response:
    user = who.user
    return JSONResponse({"userId": str(user.id), "userName": user.name, "userProfileId": str(user.id),
                         "userEmail": user.name, "isBloggerUser": False,
                         "signupTimeSec": int(user.created_at.timestamp()), "isMultiLoginEnabled": False})


# -- what the user reads -------------------------------------------------------------------------------------

def _folder(name: str) -> dict:
    return {"id": f"{LABEL_PREFIX}{name}", "label": name, "type": "folder"}


@_route("/reader/api/0/subscription/list", ["GET"])
def subscriptions(request: Request, who: Caller = Depends(caller)) -> Response:
    view, base = _view(request, who), _base(request)
    found = [{"id": feed_stream_id(s), "title": s.name, "categories": [_folder(s.folder)] if s.folder else [],
              "url": s.feed_url, "htmlUrl": s.site_url or s.feed_url, "iconUrl": "", "sortid": f"{s.id:08x}",
              "firstitemmsec": str(int(s.added_at.timestamp() * 1000))} for s in view.sources]
    found.append({"id": STORIES_STREAM, "title": STORIES_FEED_TITLE, "categories": [],
                  "url": f"{base}/feeds/top.atom", "htmlUrl": f"{base}/", "iconUrl": "", "sortid": "stories",
                  "firstitemmsec": "0"})
    # a folder's Stories feed is in no folder: its items are the Stories feed's, which no label holds either
    found += [{"id": Stream(StreamKind.FOLDER_STORIES, folder).id, "title": f"{STORIES_FEED_TITLE}: {folder}",
               "categories": [], "url": f"{base}/feeds/top.atom", "htmlUrl": f"{base}/", "iconUrl": "",
               "sortid": f"stories-{index}", "firstitemmsec": "0"} for index, folder in enumerate(view.folders())]
    return JSONResponse({"subscriptions": found})


@_route("/reader/api/0/tag/list", ["GET"])
def tags(request: Request, who: Caller = Depends(caller)) -> Response:
    view = _view(request, who)
    return JSONResponse({"tags": [{"id": f"{STATE_PREFIX}starred"}, *(_folder(f) for f in view.folders())]})


def _usec(when: datetime | None) -> str:
    return str(int((when or datetime.fromtimestamp(0, timezone.utc)).timestamp() * 1_000_000))


@_route("/reader/api/0/unread-count", ["GET"])
def unread_count(request: Request, who: Caller = Depends(caller)) -> Response:
    view = _view(request, who)
    by_source, stories = view.unread_counts()
    newest = view.storage.newest_article_times(list(by_source))
    counts, folders = [], {}
    for source in view.sources:
        n = by_source.get(source.id, 0)
        if not n:
            continue
        counts.append({"id": feed_stream_id(source), "count": n,
                       "newestItemTimestampUsec": _usec(newest.get(source.id))})
        if source.folder:
            total, when = folders.get(source.folder, (0, None))
            folders[source.folder] = (total + n, max(filter(None, (when, newest.get(source.id))), default=None))
    latest_story = max((r.time for r in view.unread_stories()), default=None)
    if stories:
        counts.append({"id": STORIES_STREAM, "count": stories, "newestItemTimestampUsec": _usec(latest_story)})
    counts += [{"id": Stream(StreamKind.FOLDER_STORIES, folder).id, "count": len(items),
                "newestItemTimestampUsec": _usec(max(i.time for i in items))}
               for folder, items in sorted(view.unread_stories_by_folder().items())]
    counts += [{"id": f"{LABEL_PREFIX}{name}", "count": n, "newestItemTimestampUsec": _usec(when)}
               for name, (n, when) in sorted(folders.items())]
    total = sum(by_source.values()) + stories
    latest = max(filter(None, [*newest.values(), latest_story]), default=None)
    counts.append({"id": f"{STATE_PREFIX}reading-list", "count": total, "newestItemTimestampUsec": _usec(latest)})
    return JSONResponse({"max": total, "unreadcounts": counts})


@_route("/reader/api/0/stream/items/ids", ["GET", "POST"])
def item_ids(request: Request, who: Caller = Depends(caller), form: Form = Depends(read_form)) -> Response:
    view = _view(request, who)
    refs, continuation = _page(view, parse_stream(form.get("s")), form, 1000, MAX_REFS)
    return JSONResponse(item_refs_json(refs, continuation))


def _contents(request: Request, who: Caller, form: Form, stream_id: str | None) -> Response:
    view, base = _view(request, who), _base(request)
    stream = parse_stream(stream_id if stream_id else form.get("s") or f"{STATE_PREFIX}reading-list")
    refs, continuation = _page(view, stream, form, 20, MAX_ITEMS)
    found = entries(view, [r.item_id for r in refs], base, stream)
    return JSONResponse(stream_json(_stream_id(view, stream), _title(view, stream), base, request.url.path,
                                    who.user.name, found, continuation))


@_route("/reader/api/0/stream/contents", ["GET", "POST"])
def contents_of_s(request: Request, who: Caller = Depends(caller), form: Form = Depends(read_form)) -> Response:
    return _contents(request, who, form, None)


@_route("/reader/api/0/stream/contents/{stream_id:path}", ["GET", "POST"])
def contents(stream_id: str, request: Request, who: Caller = Depends(caller),
             form: Form = Depends(read_form)) -> Response:
    return _contents(request, who, form, stream_id)


@_route("/reader/api/0/stream/items/contents", ["GET", "POST"])
def items_contents(request: Request, who: Caller = Depends(caller), form: Form = Depends(read_form)) -> Response:
    view, base = _view(request, who), _base(request)
    ids = _item_ids(form)
    found = entries(view, ids, base)
    if form.get("r") == "o":
        found.sort(key=lambda e: (e.crawled, e.item_id))
    return JSONResponse(stream_json(f"{STATE_PREFIX}reading-list", "Reading list", base, request.url.path,
                                    who.user.name, found, None))


@_route("/reader/atom/{stream_id:path}", ["GET"])
def atom(stream_id: str, request: Request, who: Caller = Depends(caller), form: Form = Depends(read_form)) -> Response:
    view, base = _view(request, who), _base(request)
    stream = parse_stream(stream_id or f"{STATE_PREFIX}reading-list")
    refs, continuation = _page(view, stream, form, 20, MAX_ITEMS)
    found = entries(view, [r.item_id for r in refs], base, stream)
    body = atom_feed(_stream_id(view, stream), _title(view, stream), base, request.url.path, found, continuation)
    return Response(body, media_type=ATOM_TYPE, headers={"Cache-Control": "no-store"})


# -- changing state ------------------------------------------------------------------------------------------

@_route("/reader/api/0/edit-tag", ["POST"])
def edit_tag(request: Request, who: Caller = Depends(caller), form: Form = Depends(read_form)) -> Response:
    ids = _item_ids(form)
    add, remove = _tags(form, "a"), _tags(form, "r")
    if not form.getlist("a") and not form.getlist("r"):
        raise BadRequest("nothing to change: give a= (tags to add) or r= (tags to remove)")
    if add & remove:
        raise BadRequest(f"the same tag added and removed: {', '.join(sorted(add & remove))}")
    read = True if (Tag.READ in add or Tag.KEPT_UNREAD in remove) else None
    unread = Tag.READ in remove or Tag.KEPT_UNREAD in add
    if read and unread:
        raise BadRequest("an item cannot be marked both read and unread")
    starred = True if Tag.STARRED in add else False if Tag.STARRED in remove else None
    _view(request, who).mark(ids, read=False if unread else read, starred=starred)
    return PlainTextResponse("OK")


@_route("/reader/api/0/mark-all-as-read", ["POST"])
def mark_all_as_read(request: Request, who: Caller = Depends(caller), form: Form = Depends(read_form)) -> Response:
    stream = parse_stream(form.get("s"))
    before = _time(form, "ts")
    view = _view(request, who)
    view.mark_all_read(stream, min(before, utcnow()) if before else None)
    return PlainTextResponse("OK")
