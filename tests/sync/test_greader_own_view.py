"""Google Reader API and a reader's own view, through a real HTTP server on SQLite and PostgreSQL: an article a
block rule matches, a story a block rule matches and a blocked source never reach the app (subscriptions, item
ids, contents, Atom, unread counts); a keep rule wins; another user sees everything. And the per-folder Stories
feeds: listed, read by id and as Atom, counted unread, read with the Stories feed."""

from xml.etree import ElementTree as ET

from newsdesk.alerts import add_rule
from newsdesk.sync import story_item_id
from newsdesk.sync.greader_ids import STORIES_STREAM

READING_LIST = "user/-/state/com.google/reading-list"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_blocked_article_never_reaches_the_app_nor_counts(desk, reader, other):
    ferry = desk.articles["ferry"]
    world = f"feed/{desk.world.feed_url}"
    before = reader.unread()
    add_rule(desk.storage, desk.ada, "block", "query", "ferries")
    assert ferry not in reader.ids(READING_LIST)
    assert ferry not in reader.ids(world)
    assert reader.unread()[world] == before[world] - 1
    assert reader.unread()[READING_LIST] == before[READING_LIST] - 1
    contents = reader.post("/reader/api/0/stream/items/contents", [("i", str(ferry))]).json()
    assert contents["items"] == []
    atom = reader.get(f"/reader/atom/{world}", n=100).text
    assert "Ferry timetable" not in atom
    assert "Harbour bridge reopens after repairs" in atom
    assert ferry in other.ids(READING_LIST)


def test_a_blocked_source_is_no_subscription(desk, reader):
    add_rule(desk.storage, desk.ada, "block", "source", "Sport Daily")
    listed = {s["id"] for s in reader.get("/reader/api/0/subscription/list").json()["subscriptions"]}
    assert f"feed/{desk.sport.feed_url}" not in listed
    assert desk.articles["match"] not in reader.ids(READING_LIST)


def test_a_blocked_story_is_no_item_until_a_keep_rule_wins(desk, reader, other):
    item = story_item_id(desk.story_id)
    add_rule(desk.storage, desk.ada, "block", "query", "harbour bridge")     # the story's headline
    assert item not in reader.ids(READING_LIST)
    assert reader.ids(STORIES_STREAM) == []
    assert STORIES_STREAM not in reader.unread()
    assert item in other.ids(STORIES_STREAM)
    add_rule(desk.storage, desk.ada, "keep", "source", "City Paper")
    assert reader.ids(STORIES_STREAM) == [item]
    assert desk.articles["bridge-city"] in reader.ids(READING_LIST)
    assert desk.articles["bridge"] not in reader.ids(READING_LIST)            # the World Wire's matches, unkept


def test_each_folder_has_its_stories_feed(desk, reader):
    item = story_item_id(desk.story_id)
    listed = {s["id"]: s for s in reader.get("/reader/api/0/subscription/list").json()["subscriptions"]}
    world = f"{STORIES_STREAM}/World"
    assert listed[world]["title"] == "Stories: World"
    assert listed[world]["categories"] == []
    assert reader.ids(world) == [item]                   # reported independently by the World Wire
    assert reader.ids(f"{STORIES_STREAM}/Local") == [item]
    assert reader.unread()[world] == 1
    assert reader.unread()[READING_LIST] == len(desk.originals) + 1        # the story counted once
    entries = ET.fromstring(reader.get(f"/reader/atom/{world}").content).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Harbour bridge reopens"]
    contents = reader.get(f"/reader/api/0/stream/contents/{world}").json()
    assert contents["title"] == "Stories: World"
    assert contents["items"][0]["origin"]["streamId"] == world
    assert reader.post("/reader/api/0/edit-tag", [("i", str(item)), ("a", "user/-/state/com.google/read")]).text \
        == "OK"
    assert world not in reader.unread()
    assert STORIES_STREAM not in reader.unread()
    assert reader.get("/reader/api/0/stream/items/ids", s=f"{STORIES_STREAM}/Nowhere").status_code == 404


def test_a_folder_hidden_has_no_stories_feed(desk, reader):
    desk.storage.set_hidden(desk.ada.id, "folder", "World", True)
    listed = {s["id"] for s in reader.get("/reader/api/0/subscription/list").json()["subscriptions"]}
    assert f"{STORIES_STREAM}/World" not in listed
    assert f"{STORIES_STREAM}/Local" in listed
    assert reader.get("/reader/api/0/stream/items/ids", s=f"{STORIES_STREAM}/World").status_code == 404
