"""A small desk for the sync API tests, written through storage: three sources in two folders and none, their
articles (one a reprint of another), a live story with its page, and two readers. Every text is the project's
own."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import httpx

from newsdesk.accounts import add_user
from newsdesk.model import NewArticle, Role, Source, User
from newsdesk.storage import Storage
from newsdesk.synthesize import PAGE_VERSION
from newsdesk.timeutil import to_iso, utcnow

PASSWORD = "lantern harbour 42"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@dataclass
class SyncDesk:
    storage: Storage
    ada: User
    bob: User
    world: Source
    local: Source
    sport: Source
    articles: dict[str, int] = field(default_factory=dict)    # name -> article id
    story_id: int = 0

    @property
    def originals(self) -> list[int]:
        return [i for name, i in self.articles.items() if name != "reprint"]


def add_article(storage: Storage, source: Source, name: str, title: str, text: str, outlet: str | None = None) -> int:
    return storage.insert_article(NewArticle(
        url=f"http://127.0.0.1:9/{source.id}/{name}", text=text, text_hash=f"hash-{name}", source_id=source.id,
        outlet=outlet or source.title, title=title, author=f"{outlet or source.title} desk", published_at=utcnow(),
        summary=text.split("\n")[0]))


def write_page(storage: Storage, story_id: int, headline: str, members: list[tuple[int, str]],
               reprints: list[str] = (), updates: list[tuple[str, int, str]] = ()) -> None:
    """A story page as the writer would leave it: `members` (article id, outlet) are the independent reports,
    `updates` (when, article id, outlet) notable updates in the timeline."""
    now = utcnow()
    outlets = list(dict.fromkeys(outlet for _, outlet in members))
    page = {"version": PAGE_VERSION, "headline": headline, "headline_article_id": members[0][0],
            "summary": [{"text": f"{headline}, {outlet} reports.", "article_id": article_id, "outlet": outlet,
                         "also": [], "source_text": ""} for article_id, outlet in members[:2]],
            "takeaways": [{"text": "Crews worked through the night.", "article_id": members[0][0],
                           "outlet": members[0][1], "also": [[m[0], m[1]] for m in members[1:]], "source_text": ""}],
            "unique": {}, "first_published": to_iso(now), "last_updated": to_iso(now),
            "timeline": [[to_iso(now), article_id, outlet, headline, "published"] for article_id, outlet in members]
                        + [[when, article_id, outlet, headline + " (updated)", "updated"]
                           for when, article_id, outlet in updates],
            "independent": outlets, "reprints": [[r, outlets[0]] for r in reprints]}
    storage.save_story_page(story_id, headline=headline, page_json=json.dumps(page), first_published=now,
                            last_updated=utcnow(), article_count=len(members) + len(reprints),
                            independent_count=len(outlets), reprint_count=len(reprints))


def build_desk(storage: Storage) -> SyncDesk:
    world = storage.add_source("http://127.0.0.1:9/world.xml", title="World Wire", folder="World",
                               site_url="http://127.0.0.1:9/world")
    local = storage.add_source("http://127.0.0.1:9/city.xml", title="City Paper", folder="Local")
    sport = storage.add_source("http://127.0.0.1:9/sport.xml", title="Sport Daily")
    ada = add_user(storage, "ada", PASSWORD, Role.ADMIN)
    bob = add_user(storage, "bob", PASSWORD)
    desk = SyncDesk(storage, ada, bob, world, local, sport)
    a = desk.articles
    a["bridge"] = add_article(storage, world, "bridge", "Harbour bridge reopens after repairs",
                              "The harbour bridge reopened on Tuesday.\nCrews worked through the night.")
    a["ferry"] = add_article(storage, world, "ferry", "Ferry timetable changes", "Ferries run every hour now.")
    a["market"] = add_article(storage, local, "market", f"Market hall {HOSTILE}",
                              f"The market hall gets a new roof.\n{HOSTILE}")
    a["bridge-city"] = add_article(storage, local, "bridge-city", "City cheers the reopened bridge",
                                   "Residents walked across the bridge at dawn.")
    a["reprint"] = add_article(storage, local, "reprint", "Harbour bridge reopens after repairs",
                               "The harbour bridge reopened on Tuesday.\nCrews worked through the night.",
                               outlet="Coast Herald")
    a["match"] = add_article(storage, sport, "match", "Harbour derby ends level", "Two goals each in the derby.")
    storage.mark_copy(a["reprint"], a["bridge"], 0.98, "shingles")
    desk.story_id = storage.create_story("harbour-bridge")
    for name in ("bridge", "bridge-city", "reprint"):
        storage.assign_story(a[name], desk.story_id, 0.9)
    write_page(storage, desk.story_id, "Harbour bridge reopens",
               [(a["bridge"], "World Wire"), (a["bridge-city"], "City Paper")], reprints=["Coast Herald"])
    return desk


class Reader:
    """A Google Reader client written for these tests: plain HTTP to the live desk."""

    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.token = token
        self.http = httpx.Client(base_url=base, timeout=30)

    def login(self, name: str, password: str = PASSWORD) -> httpx.Response:
        answer = self.http.post("/accounts/ClientLogin", data={"Email": name, "Passwd": password})
        if answer.status_code == 200:
            self.token = dict(line.split("=", 1) for line in answer.text.split())["Auth"]
        return answer

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"GoogleLogin auth={self.token}"} if self.token else {}

    def get(self, path: str, **params) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers)

    def post(self, path: str, data=None, *, with_t: bool = True, **kwargs) -> httpx.Response:
        pairs = list(data.items() if isinstance(data, dict) else data or [])
        if with_t:
            pairs.append(("T", self.token))
        form: dict[str, list[str]] = {}
        for key, value in pairs:
            form.setdefault(key, []).append(value)
        return self.http.post(path, data=form, headers=self.headers, **kwargs)

    def ids(self, stream: str, **params) -> list[int]:
        answer = self.get("/reader/api/0/stream/items/ids", s=stream, n=1000, **params)
        assert answer.status_code == 200, answer.text
        return [int(ref["id"]) for ref in answer.json()["itemRefs"]]

    def unread(self) -> dict[str, int]:
        answer = self.get("/reader/api/0/unread-count", output="json")
        assert answer.status_code == 200, answer.text
        return {c["id"]: c["count"] for c in answer.json()["unreadcounts"]}

    def close(self) -> None:
        self.http.close()
