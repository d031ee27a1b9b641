"""The Fever API over HTTP on 127.0.0.1, field by field, on SQLite and PostgreSQL: authentication, groups, feeds,
items (reprints folded, stories as items), unread and saved ids, marks, and what one user cannot see or change
of another's."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from newsdesk.accounts import disable_user
from newsdesk.model import NewArticle
from newsdesk.sync import STORY_ITEM_BASE, story_item_id
from newsdesk.sync.fever import MAX_BODY, STORIES_FEED_ID, STORIES_GROUP_ID, folder_group_id, folder_stories_feed_id
from newsdesk.timeutil import utcnow
from newsdesk.web import create_app
from tests.web.conftest import LiveServer, web_settings

from .fever_desk import PASSWORD, desk  # noqa: F401  (the fixture)


def ids(text: str) -> set[int]:
    return {int(i) for i in text.split(",") if i}


def items_by_id(desk, name: str, *query: str) -> dict[int, dict]:
    return {item["id"]: item for item in desk.fever(name, "items", *query)["items"]}


def state(desk, name: str) -> tuple[set[int], set[int]]:
    unread = ids(desk.fever(name, "unread_item_ids")["unread_item_ids"])
    saved = ids(desk.fever(name, "saved_item_ids")["saved_item_ids"])
    return unread, saved


def everything(desk) -> set[int]:
    originals = {i for n, i in desk.articles.items() if n != "tram-reprint"}
    return originals | {story_item_id(s) for s in desk.stories.values()}


# -- authentication ------------------------------------------------------------------------------------------------

def test_a_wrong_key_gets_auth_0_and_nothing_else(desk):
    for key in ("0" * 32, "", "not a key", desk.key("ada").upper()[:-1] + "0"):
        response = desk.call(None, "items", "groups", "unread_item_ids", key=key)
        assert response.status_code == 200
        assert response.json() == {"api_version": 3, "auth": 0}


def test_the_key_is_md5_of_name_and_password_in_form_or_query(desk):
    before = int(time.time())
    for method in ("POST", "GET"):
        body = desk.call("ada", method=method).json()
        assert body["api_version"] == 3 and body["auth"] == 1
        assert before - 1 <= body["last_refreshed_on_time"] <= time.time() + 1
    assert desk.call(None, key=desk.key("ada").upper()).json()["auth"] == 1       # case does not matter


def test_a_disabled_user_is_refused(desk):
    disable_user(desk.storage, desk.users["bob"])
    assert desk.call("bob").json() == {"api_version": 3, "auth": 0}


def test_freshrss_address_answers_the_same(desk):
    response = httpx.post(f"{desk.url}/api/fever.php?api&unread_item_ids", data={"api_key": desk.key("ada")})
    assert response.status_code == 200
    assert ids(response.json()["unread_item_ids"]) == everything(desk)


# -- groups, feeds, favicons, links --------------------------------------------------------------------------------

def test_groups_are_the_folders_and_stories(desk):
    body = desk.fever("ada", "groups")
    assert body["groups"] == [{"id": STORIES_GROUP_ID, "title": "Stories"},
                              {"id": folder_group_id("Local"), "title": "Local"},
                              {"id": folder_group_id("World"), "title": "World"}]
    relations = {g["group_id"]: g["feed_ids"] for g in body["feeds_groups"]}
    s = desk.sources
    assert relations == {STORIES_GROUP_ID: str(STORIES_FEED_ID),
                         folder_group_id("Local"): f"{s['Harbour Gazette']},{s['River Courier']},"
                                                   f"{folder_stories_feed_id('Local')}",
                         folder_group_id("World"): f"{s['Mountain Herald']},{folder_stories_feed_id('World')}"}


def test_feeds_are_the_sources_and_the_stories_feed(desk):
    body = desk.fever("ada", "feeds")
    feeds = {f["id"]: f for f in body["feeds"]}
    assert set(feeds) == set(desk.sources.values()) | {STORIES_FEED_ID, folder_stories_feed_id("Local"),
                                                       folder_stories_feed_id("World")}
    assert feeds[folder_stories_feed_id("World")]["title"] == "Stories: World"
    gazette = feeds[desk.sources["Harbour Gazette"]]
    assert gazette == {"id": desk.sources["Harbour Gazette"], "favicon_id": 0, "title": "Harbour Gazette",
                       "url": "https://harbour.example/feed.xml", "site_url": "https://harbour.example/",
                       "is_spark": 0, "last_updated_on_time": 0}
    assert feeds[STORIES_FEED_ID]["title"] == "Stories"
    assert feeds[STORIES_FEED_ID]["last_updated_on_time"] > 0
    assert "feeds_groups" in body


def test_favicons_and_links_are_empty_lists(desk):
    body = desk.fever("ada", "favicons", "links")
    assert body["favicons"] == [] and body["links"] == []


# -- items ---------------------------------------------------------------------------------------------------------

def test_items_are_originals_and_stories(desk):
    body = desk.fever("ada", "items")
    assert body["total_items"] == len(everything(desk))
    assert [i["id"] for i in body["items"]] == sorted(everything(desk))
    for item in body["items"]:
        assert set(item) == {"id", "feed_id", "title", "author", "html", "url", "is_saved", "is_read",
                             "created_on_time"}
        assert item["is_read"] == 0 and item["is_saved"] == 0
    assert desk.articles["tram-reprint"] not in {i["id"] for i in body["items"]}


def test_a_reprint_folds_into_its_original(desk):
    wire = items_by_id(desk, "ada", f"with_ids={desk.articles['tram-wire']},{desk.articles['tram-reprint']}")
    assert list(wire) == [desk.articles["tram-wire"]]
    assert "Also published by Mountain Herald" in wire[desk.articles["tram-wire"]]["html"]


def test_an_article_item(desk):
    item = items_by_id(desk, "ada")[desk.articles["tram-gazette"]]
    assert item["feed_id"] == desk.sources["Harbour Gazette"]
    assert item["title"] == "Tram news from Harbour Gazette"
    assert item["author"] == "Writer of Harbour Gazette"
    assert item["url"] == "https://harbour.example/tram-gazette"
    assert item["html"] == ("<p>First paragraph of tram-gazette.</p>"
                            "<p>Second paragraph of tram-gazette &lt;b&gt;not markup&lt;/b&gt;.</p>")
    assert abs(item["created_on_time"] - time.time()) < 600


def test_a_story_item_names_its_outlets(desk):
    story_id = desk.stories["tram"]
    item = items_by_id(desk, "ada", f"with_ids={story_item_id(story_id)}")[story_item_id(story_id)]
    assert item["feed_id"] == folder_stories_feed_id("Local")        # two of its three outlets are in Local
    assert item["title"] == "The tram story"
    assert item["url"] == f"{desk.url}/stories/tram-{story_id}"
    html = item["html"]
    for outlet in ("Harbour Gazette", "River Courier", "Wire Service"):
        assert f"What {outlet} adds about it. <em>({outlet})</em>" in html
    assert "Reprinted by Mountain Herald (of Wire Service)" in html
    assert f'<a href="{desk.url}/stories/tram-{story_id}">' in html


def test_since_id_pages_forward_through_articles_then_stories(desk):
    last_article = max(i for n, i in desk.articles.items() if n != "tram-reprint")
    assert list(items_by_id(desk, "ada", f"since_id={last_article}")) == sorted(
        story_item_id(s) for s in desk.stories.values())
    assert list(items_by_id(desk, "ada", f"since_id={desk.articles['ferry-gazette']}")) == [
        desk.articles["ferry-herald"], desk.articles["lone-courier"], *sorted(
            story_item_id(s) for s in desk.stories.values())]
    assert items_by_id(desk, "ada", f"since_id={story_item_id(max(desk.stories.values()))}") == {}


def test_max_id_pages_back_from_the_newest(desk):
    newest = list(items_by_id(desk, "ada", "max_id=0"))
    assert newest == sorted(everything(desk), reverse=True)
    assert list(items_by_id(desk, "ada", f"max_id={desk.articles['tram-wire']}")) == [
        desk.articles["tram-courier"], desk.articles["tram-gazette"]]


def test_with_ids_gives_those_items(desk):
    wanted = [desk.articles["lone-courier"], story_item_id(desk.stories["ferry"])]
    assert sorted(items_by_id(desk, "ada", "with_ids=" + ",".join(map(str, wanted)))) == sorted(wanted)


def test_fifty_items_at_most(desk):
    source = desk.sources["Wire Service"]
    for n in range(60):
        desk.storage.insert_article(NewArticle(url=f"https://wire.example/more-{n}", text=f"More {n}.",
                                               text_hash=f"more-{n}", source_id=source, title=f"More {n}"))
    body = desk.fever("ada", "items", "since_id=0")
    assert len(body["items"]) == 50
    assert body["total_items"] == len(everything(desk)) + 60
    following = desk.fever("ada", "items", f"since_id={body['items'][-1]['id']}")["items"]
    assert len(following) == len(everything(desk)) + 60 - 50


# -- marks ---------------------------------------------------------------------------------------------------------

def test_mark_an_article_read_and_unread(desk):
    item = desk.articles["tram-courier"]
    answer = desk.fever("ada", mark="item", **{"as": "read"}, id=str(item))
    assert ids(answer["unread_item_ids"]) == everything(desk) - {item}
    assert items_by_id(desk, "ada")[item]["is_read"] == 1
    desk.fever("ada", mark="item", **{"as": "unread"}, id=str(item))
    assert items_by_id(desk, "ada")[item]["is_read"] == 0


def test_saved_and_unsaved_set_the_flag(desk):
    item = desk.articles["ferry-gazette"]
    for _ in range(2):          # saved twice stays saved (Miniflux would toggle it back)
        answer = desk.fever("ada", mark="item", **{"as": "saved"}, id=str(item))
        assert answer["saved_item_ids"] == str(item)
    assert items_by_id(desk, "ada")[item]["is_saved"] == 1
    desk.fever("ada", mark="item", **{"as": "unsaved"}, id=str(item))
    assert state(desk, "ada")[1] == set()


def test_reading_a_story_item_records_its_articles(desk):
    story_id = desk.stories["tram"]
    desk.fever("ada", mark="item", **{"as": "read"}, id=str(story_item_id(story_id)))
    read = desk.storage.story_reads(desk.users["ada"].id, [story_id])[story_id]
    assert sorted(read.seen_articles) == sorted(desk.articles[n] for n in ("tram-gazette", "tram-courier",
                                                                          "tram-wire", "tram-reprint"))
    assert story_item_id(story_id) not in state(desk, "ada")[0]
    assert items_by_id(desk, "ada", f"with_ids={story_item_id(story_id)}")[story_item_id(story_id)]["is_read"] == 1


def _join(desk, story: str, name: str, source: str, *, reprint_of: str | None = None) -> int:
    article = desk.storage.insert_article(NewArticle(url=f"https://late.example/{name}", text=f"Late {name}.",
                                                     text_hash=f"late-{name}", source_id=desk.sources[source],
                                                     outlet=source))
    if reprint_of:
        desk.storage.mark_copy(article, desk.articles[reprint_of], 0.98, "minhash")
    story_id = desk.stories[story]
    desk.storage.assign_story(article, story_id, 0.9)
    time.sleep(0.01)
    desk.storage.save_story_page(story_id, headline=f"The {story} story", page_json=desk.storage.get_story(
        story_id).page_json, first_published=utcnow(), last_updated=utcnow(), article_count=9,
        independent_count=4, reprint_count=1)
    return article


def test_a_read_story_is_unread_again_when_an_independent_report_joins(desk):
    item = story_item_id(desk.stories["ferry"])
    desk.fever("ada", mark="item", **{"as": "read"}, id=str(item))
    _join(desk, "ferry", "ferry-copy", "Wire Service", reprint_of="ferry-gazette")
    assert item not in state(desk, "ada")[0]            # a reprint is nothing new
    _join(desk, "ferry", "ferry-again", "Harbour Gazette")
    assert item not in state(desk, "ada")[0]            # nor another report of an outlet already read
    _join(desk, "ferry", "ferry-new", "River Courier")
    assert item in state(desk, "ada")[0]
    assert items_by_id(desk, "ada", f"with_ids={item}")[item]["is_read"] == 0


def test_a_story_can_be_saved_and_marked_unread(desk):
    item = story_item_id(desk.stories["tram"])
    desk.fever("ada", mark="item", **{"as": "saved"}, id=str(item))
    desk.fever("ada", mark="item", **{"as": "read"}, id=str(item))
    assert state(desk, "ada") == (everything(desk) - {item}, {item})
    desk.fever("ada", mark="item", **{"as": "unread"}, id=str(item))
    assert state(desk, "ada") == (everything(desk), {item})


def test_a_story_written_before_mark_all_can_still_be_marked_unread(desk):
    item = story_item_id(desk.stories["tram"])
    desk.fever("ada", mark="group", **{"as": "read"}, id="0")
    assert state(desk, "ada")[0] == set()
    desk.fever("ada", mark="item", **{"as": "unread"}, id=str(item))
    assert state(desk, "ada")[0] == {item}
    desk.fever("ada", mark="group", **{"as": "read"}, id="0")
    assert state(desk, "ada")[0] == set()


def test_mark_a_feed_read_before_a_time(desk):
    gazette = {desk.articles["tram-gazette"], desk.articles["ferry-gazette"]}
    earlier = int((utcnow() - timedelta(hours=1)).timestamp())
    desk.fever("ada", mark="feed", **{"as": "read"}, id=str(desk.sources["Harbour Gazette"]), before=str(earlier))
    assert state(desk, "ada")[0] == everything(desk)         # nothing was seen that early
    answer = desk.fever("ada", mark="feed", **{"as": "read"}, id=str(desk.sources["Harbour Gazette"]),
                        before=str(int(time.time()) + 5))
    assert ids(answer["unread_item_ids"]) == everything(desk) - gazette


def test_mark_the_stories_feed_read(desk):
    desk.fever("ada", mark="feed", **{"as": "read"}, id=str(STORIES_FEED_ID), before=str(int(time.time()) + 5))
    assert state(desk, "ada")[0] == everything(desk) - {story_item_id(s) for s in desk.stories.values()}
    seen = desk.storage.story_reads(desk.users["ada"].id, [desk.stories["ferry"]])[desk.stories["ferry"]]
    assert sorted(seen.seen_articles) == sorted([desk.articles["ferry-gazette"], desk.articles["ferry-herald"]])


def test_mark_a_folder_read(desk):
    desk.fever("ada", mark="group", **{"as": "read"}, id=str(folder_group_id("Local")))
    local = {desk.articles[n] for n in ("tram-gazette", "tram-courier", "ferry-gazette", "lone-courier")}
    local_stories = {story_item_id(desk.stories[n]) for n in ("tram", "ferry")}       # the items of "Stories: Local"
    assert state(desk, "ada")[0] == everything(desk) - local - local_stories


def test_mark_group_0_reads_everything(desk):
    answer = desk.fever("ada", mark="group", **{"as": "read"}, id="0")
    assert answer["unread_item_ids"] == ""
    assert all(item["is_read"] == 1 for item in desk.fever("ada", "items")["items"])


def test_a_later_article_is_unread_after_mark_all(desk):
    desk.fever("ada", mark="group", **{"as": "read"}, id="0", before=str(int(time.time()) + 3600))
    time.sleep(0.01)
    late = desk.storage.insert_article(NewArticle(url="https://wire.example/late", text="Late.", text_hash="late",
                                                  source_id=desk.sources["Wire Service"]))
    assert state(desk, "ada")[0] == {late}               # `before` is never later than now


# -- two users -----------------------------------------------------------------------------------------------------

def test_one_users_marks_are_not_anothers(desk):
    item, story = desk.articles["tram-gazette"], story_item_id(desk.stories["tram"])
    for target in (item, story):
        desk.fever("ada", mark="item", **{"as": "read"}, id=str(target))
        desk.fever("ada", mark="item", **{"as": "saved"}, id=str(target))
    desk.fever("ada", mark="group", **{"as": "read"}, id=str(folder_group_id("World")))
    assert state(desk, "bob") == (everything(desk), set())
    bob_items = items_by_id(desk, "bob")
    assert bob_items[item]["is_read"] == 0 and bob_items[item]["is_saved"] == 0
    desk.fever("bob", mark="group", **{"as": "read"}, id="0")
    assert state(desk, "ada")[1] == {item, story}
    assert state(desk, "ada")[0] == everything(desk) - {item, story, desk.articles["ferry-herald"]}


def test_a_hidden_source_is_left_out_and_cannot_be_marked(desk):
    ada = desk.users["ada"]
    desk.storage.set_hidden(ada.id, "source", str(desk.sources["Mountain Herald"]), True)
    herald = desk.articles["ferry-herald"]
    feeds = {f["id"] for f in desk.fever("ada", "feeds")["feeds"]}
    assert desk.sources["Mountain Herald"] not in feeds
    assert folder_group_id("World") not in {g["id"] for g in desk.fever("ada", "groups")["groups"]}
    assert herald not in items_by_id(desk, "ada")
    assert herald not in state(desk, "ada")[0]
    desk.fever("ada", mark="item", **{"as": "saved"}, id=str(herald))
    assert desk.storage.starred_article_ids(ada.id) == []
    assert herald in items_by_id(desk, "bob")


def test_a_hidden_folder_is_left_out(desk):
    desk.storage.set_hidden(desk.users["ada"].id, "folder", "Local", True)
    feeds = {f["id"] for f in desk.fever("ada", "feeds")["feeds"]}
    assert feeds == {STORIES_FEED_ID, desk.sources["Wire Service"], desk.sources["Mountain Herald"],
                     folder_stories_feed_id("World")}


# -- bad input -----------------------------------------------------------------------------------------------------

def test_unknown_ids_change_nothing(desk):
    for target in ("999999", str(desk.articles["tram-reprint"]), str(story_item_id(999)), "0"):
        for how in ("read", "saved"):
            answer = desk.fever("ada", mark="item", **{"as": how}, id=target)
            assert answer["auth"] == 1
    for kind in ("feed", "group"):
        desk.fever("ada", mark=kind, **{"as": "read"}, id="987654")
    assert state(desk, "ada") == (everything(desk), set())


@pytest.mark.parametrize("form", [
    {"mark": "item", "as": "read", "id": "12abc"},
    {"mark": "item", "as": "read", "id": "-3"},
    {"mark": "item", "as": "read", "id": "99999999999999999999999"},
    {"mark": "item", "as": "read"},
    {"mark": "item", "as": "starred", "id": "1"},
    {"mark": "feed", "as": "unread", "id": "1"},
    {"mark": "everything", "as": "read", "id": "1"},
    {"mark": "feed", "as": "read", "id": "1", "before": "yesterday"},
])
def test_malformed_marks_are_400_and_change_nothing(desk, form):
    response = desk.call("ada", **form)
    assert response.status_code == 400
    body = response.json()
    assert body["auth"] == 1 and body["error"]
    assert state(desk, "ada") == (everything(desk), set())


@pytest.mark.parametrize("query", ["since_id=abc", "max_id=-1", "with_ids=1,two,3"])
def test_malformed_item_queries_are_400(desk, query):
    response = desk.call("ada", "items", query)
    assert response.status_code == 400 and "error" in response.json()


def test_a_malformed_read_beside_a_mark_changes_nothing(desk):
    response = desk.call("ada", "items", "since_id=x", mark="item", **{"as": "read"},
                         id=str(desk.articles["tram-gazette"]))
    assert response.status_code == 400
    assert state(desk, "ada")[0] == everything(desk)


def test_too_many_ids_is_413(desk):
    response = desk.call("ada", "items", "with_ids=" + ",".join(str(i) for i in range(1, 52)))
    assert response.status_code == 413
    assert desk.fever("ada", "items", "with_ids=" + ",".join(str(i) for i in range(1, 51)))["items"]


def test_a_huge_body_is_413(desk):
    response = httpx.post(f"{desk.url}/fever/?api&items", data={"api_key": desk.key("ada"),
                                                                 "with_ids": "1," * (MAX_BODY // 2)})
    assert response.status_code == 413


def test_a_wrong_key_with_bad_input_learns_nothing(desk):
    response = desk.call(None, "items", "since_id=abc", key="f" * 32, mark="item", **{"as": "read"}, id="1")
    assert response.json() == {"api_version": 3, "auth": 0}


def test_story_ids_do_not_reach_articles(desk):
    assert STORY_ITEM_BASE > max(desk.articles.values())
    body = desk.fever("ada", "items", f"with_ids={STORY_ITEM_BASE}")
    assert body["items"] == []


def test_switched_off(tmp_path):
    from newsdesk.accounts import add_user, fever_key
    from newsdesk.storage import open_storage

    db = str(tmp_path / "off.db")
    storage = open_storage(db)
    add_user(storage, "ada", PASSWORD)
    storage.close()
    with LiveServer(create_app(db, web_settings(db=db, sync_api=False))) as server:
        for path in ("/fever/?api", "/api/fever.php?api"):
            response = httpx.post(server.url + path, data={"api_key": fever_key("ada", PASSWORD)})
            assert response.status_code == 404
            assert "sync_api" in response.json()["error"]


def test_a_read_only_desk_is_read_and_refuses_marks(tmp_path):
    from newsdesk.accounts import add_user, fever_key
    from newsdesk.storage import open_storage
    from tests.crash.test_disk_errors import _make_read_only, tmpfs
    from tests.sync.deskdata import build_desk

    with tmpfs(tmp_path / "ro", "20m") as folder:
        db = folder / "desk.db"
        storage = open_storage(str(db))
        _, articles, _ = build_desk(storage)
        add_user(storage, "ada", PASSWORD)
        storage.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        storage.close()
        restore = _make_read_only(folder, db)
        try:
            with LiveServer(create_app(str(db), web_settings(db=str(db)))) as server:
                key = {"api_key": fever_key("ada", PASSWORD)}
                read = httpx.post(f"{server.url}/fever/?api&items&unread_item_ids", data=key)
                assert read.status_code == 200
                assert len(read.json()["items"]) == len(articles) - 1 + 2
                mark = httpx.post(f"{server.url}/fever/?api", data={**key, "mark": "item", "as": "read",
                                                                    "id": str(articles["tram-wire"])})
                assert mark.status_code == 503 and "read-only" in mark.json()["error"]
        finally:
            restore()
