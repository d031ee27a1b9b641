"""The Fever API (version 3) at /fever/, as Miniflux serves it, for the desk's users.

A client sends `api_key` = md5("NAME:PASSWORD") in the form or the query; a wrong key gets
`{"api_version": 3, "auth": 0}` and nothing else. Every answer to a known key carries `api_version`, `auth` and
`last_refreshed_on_time` (the time of the answer, as Miniflux gives it), and whatever was asked for: `groups`,
`feeds` (both with `feeds_groups`), `favicons`, `items`, `links`, `unread_item_ids`, `saved_item_ids`; several
may be asked at once (as Fever and FreshRSS allow). `mark=item|feed|group` writes first, and its answer carries
the ids it changed (`unread_item_ids` after read/unread, `saved_item_ids` after saved/unsaved), as Fever's and
FreshRSS's do.

Groups are the desk's folders, feeds its sources (less those the user hides or blocks), a "Stories: FOLDER"
feed in each folder's group and the virtual "Stories" feed (in its own group); their items are story pages. A
Fever item belongs to one feed, so a story is an item of the Stories feed of the folder with the most sources
that reported it independently (ties: the first folder by name), or of "Stories" when none of them is in a
folder. Nothing out of the user's own view (alerts.own_view) is an item or counts as unread (`total_items`
still counts the desk's). Items are original articles (reprints fold into them: "also published by …") and
stories, ids as newsdesk.sync.items gives them. Where this differs from Miniflux:
`as=saved|unsaved` set the flag (Miniflux toggles it); `before` is optional (missing: now) and never later than
now; a malformed number is a 400 (Miniflux reads it as 0); more than 50 `with_ids` is a 413, a form over 64 KiB
too; `unread_item_ids` and `saved_item_ids` list the newest 10,000. With `sync_api = false` it answers 404
saying so, as the Google Reader API does.

FreshRSS's own address for the same API, /api/fever.php, answers too: clients written for FreshRSS
(PyPI's freshrss-api) build it from the desk's address and cannot be pointed elsewhere.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from newsdesk.accounts import user_for_fever_key
from newsdesk.alerts import own_view
from newsdesk.model import Article, OwnView, Source, Story, User
from newsdesk.storage import MAX_ID, ReadOnlyError, Storage, StorageError, mask_password
from newsdesk.sync.items import STORIES_FEED_TITLE, STORY_ITEM_BASE, is_story_item, story_item_id, story_of_item
from newsdesk.timeutil import utcnow

API_VERSION = 3
PAGE = 50                      # items in one answer, as Fever and Miniflux give
MAX_WITH_IDS = 50              # Fever's own limit on `with_ids`
MAX_BODY = 64 * 1024           # a form body; far above what any Fever call needs
MAX_ITEM_IDS = 10_000          # the most ids `unread_item_ids` and `saved_item_ids` list (the newest)
STORIES_FEED_ID = STORY_ITEM_BASE      # above every source id
STORIES_GROUP_ID = 1                   # folders' group ids are 2 and above
SWITCHED_OFF = ("the sync APIs (Fever, Google Reader) are switched off on this desk: an admin switches them on "
                "with the setting sync_api = true")
UNAVAILABLE = "the desk's database is not available at the moment: try again shortly"
READ_ONLY = "the desk is read-only: reading works, marking items does not"
MARKS = {"item": ("read", "unread", "saved", "unsaved"), "feed": ("read",), "group": ("read",)}

router = APIRouter()
log = logging.getLogger(__name__)


class Refused(Exception):
    """A request the API answers with an HTTP error and a message, having changed nothing."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def folder_group_id(folder: str) -> int:
    """A folder's group id: stable across calls and restarts without a table (folders are names), at least 2."""
    return 2 + int.from_bytes(hashlib.sha256(folder.encode("utf-8", "surrogatepass")).digest()[:4], "big") % (2 ** 31 - 2)


def _unix(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def _number(params: dict[str, str], name: str) -> int | None:
    """The non-negative integer `name` holds, None when absent or blank; Refused(400) when it holds anything else."""
    raw = params.get(name)
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(MAX_ID)) or int(text) > MAX_ID:
        raise Refused(400, f"{name} must be a whole number from 0 to {MAX_ID}, not {raw[:40]!r}")
    return int(text)


def _id_list(params: dict[str, str], name: str) -> list[int]:
    raw = params.get(name, "")
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > MAX_WITH_IDS:
        raise Refused(413, f"{name} names {len(parts)} items: at most {MAX_WITH_IDS} in one request")
    ids = []
    for part in parts:
        value = _number({name: part}, name)
        ids.append(value if value is not None else 0)
    return ids


async def _params(request: Request) -> dict[str, str]:
    """The query's parameters, then the form's (a form value wins), each name once."""
    params = dict(request.query_params)
    if request.method != "POST":
        return params
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise Refused(413, f"the request body is over {MAX_BODY} bytes")
    body, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, f"the request body is over {MAX_BODY} bytes")
        body.append(chunk)
    request._body = b"".join(body)      # what Starlette's form parser reads, now that the stream is spent
    try:
        form = await request.form(max_files=0, max_fields=200)
    except Exception as exc:             # a broken multipart body or too many fields: the parser's own errors
        raise Refused(400, f"the request body cannot be read as a form ({exc})") from exc
    for key, value in form.multi_items():
        if isinstance(value, str):
            params[key] = value
    return params


def _answer(status: int, message: str, *, authenticated: bool) -> JSONResponse:
    return JSONResponse({"api_version": API_VERSION, "auth": int(authenticated), "error": message},
                        status_code=status)


async def fever(request: Request) -> Response:
    web = request.app.state.web
    if not web.settings.sync_api:
        return JSONResponse({"error": SWITCHED_OFF}, status_code=404)     # as the Google Reader API answers
    try:
        params = await _params(request)
    except Refused as refused:
        return _answer(refused.status, refused.message, authenticated=False)
    base = str(request.base_url).rstrip("/")
    try:
        return JSONResponse(await web.read(_serve, web, params, base))
    except Refused as refused:
        return _answer(refused.status, refused.message, authenticated=True)
    except ReadOnlyError:
        return _answer(503, READ_ONLY, authenticated=True)
    except StorageError as exc:
        log.warning("%s %s: %s", request.method, request.url.path, mask_password(str(exc)))
        return _answer(503, UNAVAILABLE, authenticated=False)


# Plain routes, outside the app's dependencies: Fever clients POST their reads too, and a read-only desk answers
# those (only the marks are refused, by storage).
for _path in ("/fever/", "/api/fever.php"):
    router.add_route(_path, fever, methods=["GET", "POST"], include_in_schema=False)


def _serve(web, params: dict[str, str], base: str) -> dict[str, Any]:
    storage: Storage = web.storage
    user = user_for_fever_key(storage, params.get("api_key"))
    if user is None:
        return {"api_version": API_VERSION, "auth": 0}
    return Fever(storage, user, base).answer(params)


def folder_stories_feed_id(folder: str) -> int:
    """The feed id of a folder's Stories feed: above the Stories feed's, below every story item's but the
    first 2**31."""
    return STORIES_FEED_ID + folder_group_id(folder)


@dataclass
class View:
    """What one user sees of the desk: the sources they do not hide or block, by id, their folders, and what
    else their own view leaves out."""
    sources: dict[int, Source]
    own: OwnView

    @classmethod
    def of(cls, storage: Storage, user: User) -> "View":
        own = own_view(storage, user)
        return cls({s.id: s for s in storage.list_sources(with_counts=False) if s.id not in own.hidden_sources}, own)

    @property
    def source_ids(self) -> list[int]:
        return sorted(self.sources)

    def folders(self) -> dict[int, tuple[str, list[int]]]:
        """group id -> (folder name, ids of its sources)."""
        found: dict[int, tuple[str, list[int]]] = {}
        for source in self.sources.values():
            if source.folder:
                found.setdefault(folder_group_id(source.folder), (source.folder, []))[1].append(source.id)
        return found


class Fever:
    """One authenticated request: writes first, then the reads asked for."""

    def __init__(self, storage: Storage, user: User, base: str):
        self.storage, self.user, self.base = storage, user, base
        self.view = View.of(storage, user)

    def answer(self, params: dict[str, str]) -> dict[str, Any]:
        reply: dict[str, Any] = {"api_version": API_VERSION, "auth": 1,
                                 "last_refreshed_on_time": int(time.time())}
        if "items" in params:       # checked before any write: a malformed read changes nothing
            _number(params, "since_id"), _number(params, "max_id"), _id_list(params, "with_ids")
        if "mark" in params:
            changed = self.mark(params)
            self.user = self.storage.get_user(self.user.id) or self.user     # its mark may have moved
            reply[changed] = self.unread_ids() if changed == "unread_item_ids" else self.saved_ids()
        if "groups" in params:
            reply["groups"] = self.groups()
        if "groups" in params or "feeds" in params:
            reply["feeds_groups"] = self.feeds_groups()
        if "feeds" in params:
            reply["feeds"] = self.feeds()
        if "favicons" in params:
            reply["favicons"] = []
        if "links" in params:
            reply["links"] = []
        if "items" in params:
            reply["total_items"] = (self.storage.count_original_articles(self.view.source_ids)
                                    + self.storage.count_live_stories())
            reply["items"] = self.items(params)
        if "unread_item_ids" in params:
            reply["unread_item_ids"] = self.unread_ids()
        if "saved_item_ids" in params:
            reply["saved_item_ids"] = self.saved_ids()
        return reply

    # -- groups and feeds --------------------------------------------------------------------------------------

    def story_feeds(self, story_ids: list[int]) -> dict[int, int]:
        """story id -> the feed its item belongs to: its main folder's Stories feed, or Stories."""
        found = {}
        for story_id, sources in self.storage.story_independent_sources(story_ids).items():
            folders: dict[str, int] = {}
            for source_id in sources:
                folder = self.view.sources[source_id].folder if source_id in self.view.sources else None
                if folder:
                    folders[folder] = folders.get(folder, 0) + 1
            if folders:
                main = min(folders, key=lambda f: (-folders[f], f.casefold(), f))
                found[story_id] = folder_stories_feed_id(main)
        return found

    def groups(self) -> list[dict[str, Any]]:
        folders = sorted(self.view.folders().items(), key=lambda kv: kv[1][0].casefold())
        return ([{"id": STORIES_GROUP_ID, "title": STORIES_FEED_TITLE}]
                + [{"id": gid, "title": name} for gid, (name, _) in folders])

    def feeds_groups(self) -> list[dict[str, Any]]:
        folders = sorted(self.view.folders().items(), key=lambda kv: kv[1][0].casefold())
        return ([{"group_id": STORIES_GROUP_ID, "feed_ids": str(STORIES_FEED_ID)}]
                + [{"group_id": gid, "feed_ids": ",".join(str(i) for i in [*sorted(ids), folder_stories_feed_id(name)])}
                   for gid, (name, ids) in folders])

    def feeds(self) -> list[dict[str, Any]]:
        feeds = [{"id": STORIES_FEED_ID, "favicon_id": 0, "title": STORIES_FEED_TITLE,
                  "url": f"{self.base}/feeds/top.atom", "site_url": f"{self.base}/", "is_spark": 0,
                  "last_updated_on_time": _unix(self.storage.last_page_written())}]
        feeds += [{"id": folder_stories_feed_id(name), "favicon_id": 0, "title": f"{STORIES_FEED_TITLE}: {name}",
                   "url": f"{self.base}/feeds/top.atom", "site_url": f"{self.base}/", "is_spark": 0,
                   "last_updated_on_time": _unix(self.storage.last_page_written())}
                  for name, _ in sorted(self.view.folders().values(), key=lambda f: f[0].casefold())]
        for source in sorted(self.view.sources.values(), key=lambda s: (s.name.casefold(), s.id)):
            feeds.append({"id": source.id, "favicon_id": 0, "title": source.name, "url": source.feed_url,
                          "site_url": source.site_url or "", "is_spark": 0,
                          "last_updated_on_time": _unix(source.last_fetch_at)})
        return feeds

    # -- items -------------------------------------------------------------------------------------------------

    def items(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """50 items: above `since_id` oldest first, below `max_id` newest first (0: the newest), or those of
        `with_ids`; with none of them, from the first. Articles' ids are all below stories' ids."""
        sources, own = self.view.source_ids, self.view.own
        if "since_id" in params or ("max_id" not in params and "with_ids" not in params):
            since = _number(params, "since_id") or 0
            articles = (self.storage.original_articles(sources, after_id=since, limit=PAGE, view=own)
                        if since < STORY_ITEM_BASE else [])
            stories = (self.storage.live_stories(after_id=max(0, since - STORY_ITEM_BASE),
                                                 limit=PAGE - len(articles), view=own)
                       if len(articles) < PAGE else [])
            return self.article_items(articles) + self.story_items(stories)
        if "max_id" in params:
            below = _number(params, "max_id") or MAX_ID
            stories = (self.storage.live_stories(before_id=below - STORY_ITEM_BASE, limit=PAGE, view=own)
                       if below > STORY_ITEM_BASE + 1 else [])
            articles = (self.storage.original_articles(sources, before_id=min(below, STORY_ITEM_BASE + 1),
                                                       limit=PAGE - len(stories), view=own)
                        if len(stories) < PAGE else [])
            return self.story_items(stories) + self.article_items(articles)
        wanted = _id_list(params, "with_ids")
        articles = self.storage.original_articles(sources, ids=[i for i in wanted if 0 < i <= STORY_ITEM_BASE],
                                                  view=own)
        stories = self.storage.live_stories(ids=[story_of_item(i) for i in wanted if is_story_item(i)], view=own)
        return self.article_items(articles) + self.story_items(stories)

    def article_items(self, articles: list[Article]) -> list[dict[str, Any]]:
        if not articles:
            return []
        ids = [a.id for a in articles]
        states = self.storage.article_states(self.user.id, self.user.read_before, ids)
        reprinted = self.storage.copy_outlets(ids)
        items = []
        for article in articles:
            read, saved = states.get(article.id, (False, False))
            items.append({"id": article.id, "feed_id": article.source_id, "title": article.title or "",
                          "author": article.author or "", "html": article_html(article, reprinted.get(article.id, [])),
                          "url": article.url, "is_saved": int(saved), "is_read": int(read),
                          "created_on_time": _unix(article.published_at or article.first_seen_at)})
        return items

    def story_items(self, stories: list[Story]) -> list[dict[str, Any]]:
        if not stories:
            return []
        states = self.storage.story_states(self.user.id, self.user.read_before, [s.id for s in stories])
        feeds = self.story_feeds([s.id for s in stories])
        items = []
        for story in stories:
            page = _page(story)
            read, saved = states.get(story.id, (False, False))
            items.append({"id": story_item_id(story.id), "feed_id": feeds.get(story.id, STORIES_FEED_ID),
                          "title": story.headline or page.get("headline") or "",
                          "author": ", ".join(page.get("independent", [])),
                          "html": story_html(page, f"{self.base}/stories/{story.slug}"),
                          "url": f"{self.base}/stories/{story.slug}", "is_saved": int(saved), "is_read": int(read),
                          "created_on_time": _unix(story.last_updated or story.first_published
                                                   or story.page_written_at)})
        return items

    def unread_ids(self) -> str:
        articles = self.storage.unread_original_ids(self.user.id, self.user.read_before, self.view.source_ids,
                                                    limit=MAX_ITEM_IDS, view=self.view.own)
        stories = self.storage.unread_story_ids(self.user.id, self.user.read_before, limit=MAX_ITEM_IDS,
                                                view=self.view.own)
        return ",".join(str(i) for i in sorted(articles + [story_item_id(s) for s in stories]))

    def saved_ids(self) -> str:
        articles = self.storage.starred_original_ids(self.user.id, self.view.source_ids, limit=MAX_ITEM_IDS,
                                                     view=self.view.own)
        stories = self.storage.starred_live_story_ids(self.user.id, limit=MAX_ITEM_IDS, view=self.view.own)
        return ",".join(str(i) for i in sorted(articles + [story_item_id(s) for s in stories]))

    # -- marks -------------------------------------------------------------------------------------------------

    def mark(self, params: dict[str, str]) -> str:
        """Carry out `mark`; the member of the answer that shows what changed."""
        kind, how = params.get("mark", "").strip().lower(), params.get("as", "").strip().lower()
        if kind not in MARKS:
            raise Refused(400, f"mark must be one of {', '.join(MARKS)}, not {params.get('mark', '')[:40]!r}")
        if how not in MARKS[kind]:
            raise Refused(400, f"mark={kind} takes as={'|'.join(MARKS[kind])}, not {params.get('as', '')[:40]!r}")
        target = _number(params, "id")
        if target is None:
            raise Refused(400, f"mark={kind} needs the id of the {kind}")
        stamp = _number(params, "before")
        now = utcnow()
        before = now if stamp is None else min(now, datetime.fromtimestamp(min(stamp, 253402300799), timezone.utc))
        if kind == "item":
            self.mark_item(target, how)
        elif kind == "feed":
            self.mark_feed(target, before)
        else:
            self.mark_group(target, before)
        return "saved_item_ids" if how in ("saved", "unsaved") else "unread_item_ids"

    def mark_item(self, item_id: int, how: str) -> None:
        storage, user = self.storage, self.user
        if is_story_item(item_id):
            if not storage.live_stories(ids=[story_of_item(item_id)], limit=1):
                return
            story_id = story_of_item(item_id)
            if how == "read":
                storage.mark_story_read(user.id, story_id, storage.story_article_ids([story_id]).get(story_id, []))
            elif how == "unread":
                storage.mark_story_unread_explicitly(user.id, story_id)
            else:
                storage.star_story(user.id, story_id, how == "saved")
            return
        if not storage.original_ids_among([item_id], self.view.source_ids):
            return                      # no such item for this user: nothing changes, as Miniflux answers
        if how in ("read", "unread"):
            storage.mark_articles(user.id, [item_id], read=how == "read")
        else:
            storage.mark_articles(user.id, [item_id], starred=how == "saved")

    def mark_feed(self, feed_id: int, before: datetime) -> None:
        folder = next((name for name, _ in self.view.folders().values()
                       if folder_stories_feed_id(name) == feed_id), None)
        if feed_id == STORIES_FEED_ID:
            self.storage.mark_stories_read_before(self.user.id, self.user.read_before, before)
        elif folder is not None:
            self.mark_folder_stories(folder, before)
        elif feed_id in self.view.sources:
            self.storage.mark_all_read(self.user.id, before, source_ids=[feed_id])

    def mark_group(self, group_id: int, before: datetime) -> None:
        if group_id == 0:           # Fever's "Kindling": everything the user reads
            self.storage.mark_all_read(self.user.id, before)
            self.storage.forget_story_unread_marks(self.user.id, before)
        elif group_id == STORIES_GROUP_ID:
            self.storage.mark_stories_read_before(self.user.id, self.user.read_before, before)
        else:
            folder = self.view.folders().get(group_id)
            if folder is not None:
                self.storage.mark_all_read(self.user.id, before, source_ids=folder[1])
                self.mark_folder_stories(folder[0], before)

    def mark_folder_stories(self, folder: str, before: datetime) -> None:
        """The stories of the folder's Stories feed read (those whose item belongs to it)."""
        unread = self.storage.unread_story_ids(self.user.id, self.user.read_before, limit=MAX_ITEM_IDS,
                                               view=self.view.own)
        feed = folder_stories_feed_id(folder)
        mine = [s for s, f in self.story_feeds(unread).items() if f == feed]
        if mine:
            self.storage.mark_stories_read_before(self.user.id, self.user.read_before, before, only=mine)


# -- the HTML of items -----------------------------------------------------------------------------------------

def _page(story: Story) -> dict[str, Any]:
    try:
        page = json.loads(story.page_json or "{}")
    except ValueError:
        return {}
    return page if isinstance(page, dict) else {}


def _e(text: Any) -> str:
    return html.escape(str(text or ""), quote=True)


def article_html(article: Article, reprinted_by: list[str]) -> str:
    text = article.text if article.text.strip() else (article.summary or "")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
    if reprinted_by:
        body += f"<p><em>Also published by {_e(', '.join(reprinted_by))}.</em></p>"
    return body


def _attributed(entry: dict[str, Any]) -> str:
    outlets = [entry.get("outlet")] + [pair[1] for pair in entry.get("also", []) if isinstance(pair, list | tuple)
                                       and len(pair) == 2]
    named = ", ".join(o for o in dict.fromkeys(o for o in outlets if o))
    return f"{_e(entry.get('text', ''))}" + (f" <em>({_e(named)})</em>" if named else "")


def story_html(page: dict[str, Any], url: str) -> str:
    """The story page in brief: its summary and takeaways, each sentence with the outlets that report it, who
    reported it independently and who reprinted whom, and a link to the full page."""
    parts = []
    summary = [s for s in page.get("summary", []) if isinstance(s, dict)]
    if summary:
        parts.append("<p>" + " ".join(_attributed(s) for s in summary) + "</p>")
    takeaways = [t for t in page.get("takeaways", []) if isinstance(t, dict)]
    if takeaways:
        parts.append("<p><strong>Key takeaways</strong></p><ul>"
                     + "".join(f"<li>{_attributed(t)}</li>" for t in takeaways) + "</ul>")
    independent = [o for o in page.get("independent", []) if isinstance(o, str)]
    if independent:
        parts.append(f"<p>Reported independently by {_e(', '.join(independent))}.</p>")
    reprints = [r for r in page.get("reprints", []) if isinstance(r, list | tuple) and r]
    if reprints:
        named = ", ".join(f"{r[0]} (of {r[1]})" if len(r) > 1 and r[1] else str(r[0]) for r in reprints)
        parts.append(f"<p>Reprinted by {_e(named)}.</p>")
    parts.append(f'<p><a href="{_e(url)}">The full story page</a></p>')
    return "".join(parts)
