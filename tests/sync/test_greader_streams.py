"""Google Reader API: what a user's app lists and reads — subscriptions with their folders and the Stories
feed, tags, unread counts, item ids and contents of every kind of stream, and the legacy Atom streams; through
a real HTTP server, on SQLite and PostgreSQL."""

import http.client
from urllib.parse import quote, urlparse
from xml.etree import ElementTree as ET

from newsdesk.sync import story_item_id
from newsdesk.sync.greader_ids import STORIES_STREAM
from newsdesk.timeutil import utcnow

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_subscriptions_are_the_desks_sources_in_their_folders_and_the_stories_feed(desk, reader):
    found = {s["id"]: s for s in reader.get("/reader/api/0/subscription/list", output="json").json()["subscriptions"]}
    assert set(found) == ({f"feed/{s.feed_url}" for s in (desk.world, desk.local, desk.sport)} | {STORIES_STREAM}
                          | {f"{STORIES_STREAM}/Local", f"{STORIES_STREAM}/World"})
    world = found[f"feed/{desk.world.feed_url}"]
    assert world["title"] == "World Wire" and world["url"] == desk.world.feed_url
    assert world["htmlUrl"] == "http://127.0.0.1:9/world"
    assert world["categories"] == [{"id": "user/-/label/World", "label": "World", "type": "folder"}]
    assert found[f"feed/{desk.sport.feed_url}"]["categories"] == []
    assert found[STORIES_STREAM]["title"] == "Stories"


def test_hidden_sources_are_left_out_for_that_user_only(desk, reader, other):
    desk.storage.set_hidden(desk.ada.id, "source", str(desk.local.id), True)
    mine = {s["id"] for s in reader.get("/reader/api/0/subscription/list").json()["subscriptions"]}
    assert f"feed/{desk.local.feed_url}" not in mine
    assert desk.articles["market"] not in reader.ids(READING_LIST)
    assert "user/-/label/Local" not in {t["id"] for t in reader.get("/reader/api/0/tag/list").json()["tags"]}
    assert f"feed/{desk.local.feed_url}" not in reader.unread()
    assert reader.get("/reader/api/0/stream/items/ids", s=f"feed/{desk.local.feed_url}").status_code == 404
    theirs = {s["id"] for s in other.get("/reader/api/0/subscription/list").json()["subscriptions"]}
    assert f"feed/{desk.local.feed_url}" in theirs and desk.articles["market"] in other.ids(READING_LIST)


def test_tags_are_starred_and_the_folders(reader):
    tags = [t["id"] for t in reader.get("/reader/api/0/tag/list", output="json").json()["tags"]]
    assert tags == [STARRED, "user/-/label/Local", "user/-/label/World"]


def test_unread_counts_are_the_desks_with_reprints_folded_and_the_story(desk, reader):
    counts = reader.unread()
    storage = desk.storage
    by_source = storage.unread_counts(desk.ada.id, storage.get_user(desk.ada.id).read_before).by_source
    assert counts[f"feed/{desk.world.feed_url}"] == by_source[desk.world.id] == 2
    assert counts[f"feed/{desk.local.feed_url}"] == by_source[desk.local.id] == 2      # the reprint is no item
    assert counts["user/-/label/World"] == 2 and counts["user/-/label/Local"] == 2
    assert counts[STORIES_STREAM] == 1
    assert counts[READING_LIST] == len(desk.originals) + 1
    entry = reader.get("/reader/api/0/unread-count").json()["unreadcounts"][0]
    assert int(entry["newestItemTimestampUsec"]) > 0


def test_the_reading_list_holds_originals_and_stories_newest_first(desk, reader):
    ids = reader.ids(READING_LIST)
    assert set(ids) == set(desk.originals) | {story_item_id(desk.story_id)}
    assert desk.articles["reprint"] not in ids
    articles = [i for i in ids if i in desk.originals]
    assert articles == sorted(articles, reverse=True)
    oldest_first = [i for i in reader.ids(READING_LIST, r="o") if i in desk.originals]
    assert oldest_first == sorted(articles)


def test_feed_folder_and_stories_streams(desk, reader):
    a = desk.articles
    assert reader.ids(f"feed/{desk.world.feed_url}") == [a["ferry"], a["bridge"]]
    assert reader.ids(f"feed/{desk.world.id}") == [a["ferry"], a["bridge"]]       # Miniflux's numeric form
    assert set(reader.ids("user/-/label/Local")) == {a["market"], a["bridge-city"]}
    assert reader.ids(STORIES_STREAM) == [story_item_id(desk.story_id)]
    assert reader.get("/reader/api/0/stream/items/ids", s="feed/http://127.0.0.1:9/nothing").status_code == 404
    assert reader.get("/reader/api/0/stream/items/ids", s="user/-/label/Nowhere").status_code == 404
    assert reader.get("/reader/api/0/stream/items/ids", s="not a stream").status_code == 400
    assert reader.get("/reader/api/0/stream/items/ids").status_code == 400


def test_pages_follow_the_continuation(desk, reader):
    everything = reader.ids(READING_LIST)
    pages, continuation = [], None
    while True:
        params = {"s": READING_LIST, "n": 2, **({"c": continuation} if continuation else {})}
        answer = reader.get("/reader/api/0/stream/items/ids", **params).json()
        pages += [int(r["id"]) for r in answer["itemRefs"]]
        continuation = answer.get("continuation")
        if not continuation:
            break
    assert pages == everything
    assert reader.get("/reader/api/0/stream/items/ids", s=READING_LIST, c="bogus").status_code == 400
    assert reader.get("/reader/api/0/stream/items/ids", s=READING_LIST, n="-1").status_code == 400


def test_time_bounds(desk, reader):
    later = int(utcnow().timestamp()) + 60
    assert reader.ids(READING_LIST, ot=later) == []
    assert set(reader.ids(READING_LIST, nt=later)) >= set(desk.originals)
    assert reader.get("/reader/api/0/stream/items/ids", s=READING_LIST, ot="yesterday").status_code == 400


def test_read_starred_and_exclusions(desk, reader):
    a = desk.articles
    reader.post("/reader/api/0/edit-tag", [("i", str(a["ferry"])), ("i", str(a["match"])), ("a", READ)])
    reader.post("/reader/api/0/edit-tag", {"i": str(a["match"]), "a": STARRED})
    assert set(reader.ids(READ)) == {a["ferry"], a["match"]}
    assert reader.ids(STARRED) == [a["match"]]
    unread = reader.ids(READING_LIST, xt=READ)
    assert a["ferry"] not in unread and a["bridge"] in unread and story_item_id(desk.story_id) in unread
    assert reader.ids(READING_LIST, it=STARRED) == [a["match"]]
    assert reader.ids(READING_LIST, xt=STARRED, it=STARRED) == []
    assert set(reader.ids("user/-/state/com.google/kept-unread")) == set(unread)


def _item(entries, item_id):
    return next(e for e in entries if e["id"] == f"tag:google.com,2005:reader/item/{item_id:016x}")


def test_stream_contents_items_are_whole_and_escaped(desk, reader):
    doc = reader.get(f"/reader/api/0/stream/contents/{READING_LIST}", n=50).json()
    assert doc["id"] == READING_LIST and doc["author"] == "ada"
    bridge = _item(doc["items"], desk.articles["bridge"])
    assert bridge["title"] == "Harbour bridge reopens after repairs"
    assert bridge["origin"] == {"streamId": f"feed/{desk.world.feed_url}", "title": "World Wire",
                                "htmlUrl": "http://127.0.0.1:9/world"}
    assert bridge["alternate"][0]["href"].endswith("/bridge")
    assert "user/-/label/World" in bridge["categories"] and READING_LIST in bridge["categories"]
    assert READ not in bridge["categories"]
    assert "<p>The harbour bridge reopened on Tuesday.</p>" in bridge["content"]["content"]
    assert "Also published by Coast Herald" in bridge["content"]["content"]
    assert int(bridge["timestampUsec"]) // 1000 == int(bridge["crawlTimeMsec"])
    market = _item(doc["items"], desk.articles["market"])
    assert market["title"].endswith('<script>alert("x")</script> & <b>bold</b>')        # JSON keeps the text
    assert "<script>" not in market["content"]["content"] and "&lt;script&gt;" in market["content"]["content"]
    by_s = reader.get("/reader/api/0/stream/contents", s=f"feed/{desk.sport.feed_url}").json()
    assert [i["title"] for i in by_s["items"]] == ["Harbour derby ends level"] and by_s["title"] == "Sport Daily"


def test_the_story_item_is_its_page_with_outlets_named(desk, reader):
    doc = reader.get(f"/reader/api/0/stream/contents/{STORIES_STREAM}").json()
    [story] = doc["items"]
    assert story["id"] == f"tag:google.com,2005:reader/item/{story_item_id(desk.story_id):016x}"
    assert story["title"] == "Harbour bridge reopens"
    content = story["content"]["content"]
    assert "World Wire" in content and "City Paper" in content and "reprinted by Coast Herald" in content
    assert story["alternate"][0]["href"].endswith("/stories/harbour-bridge-%d" % desk.story_id)
    assert story["origin"]["streamId"] == STORIES_STREAM


def test_items_contents_reads_every_id_spelling(desk, reader):
    a = desk.articles
    spellings = [f"tag:google.com,2005:reader/item/{a['bridge']:016x}", f"tag:google.com,2005:reader/item/{a['ferry']:x}",
                 f"{a['market']:016x}", str(a["match"]), str(story_item_id(desk.story_id)),
                 str(a["reprint"]), "999999"]           # a reprint and an unknown id are no items
    answer = reader.post("/reader/api/0/stream/items/contents", [("i", i) for i in spellings], params={"output": "json"})
    assert answer.status_code == 200
    got = [item["id"] for item in answer.json()["items"]]
    wanted = [a["bridge"], a["ferry"], a["market"], a["match"], story_item_id(desk.story_id)]
    assert got == [f"tag:google.com,2005:reader/item/{i:016x}" for i in wanted]
    assert reader.post("/reader/api/0/stream/items/contents", {"i": "tag:google.com,2005:reader/item/xyz"}).status_code == 400
    assert reader.post("/reader/api/0/stream/items/contents", {}).status_code == 400


def test_atom_stream_for_newsboat(desk, reader):
    answer = reader.get(f"/reader/atom/{quote('feed/' + desk.world.feed_url, safe='')}", n=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    assert feed.find(f"{ATOM}title").text == "World Wire"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [
        f"tag:google.com,2005:reader/item/{desk.articles[n]:016x}" for n in ("ferry", "bridge")]
    labels = {c.get("label") for c in entries[0].findall(f"{ATOM}category")
              if c.get("scheme") == "http://www.google.com/reader/"}
    assert labels == {"reading-list", "fresh", "World"}
    reader.post("/reader/api/0/edit-tag", {"i": str(desk.articles["ferry"]), "a": READ})
    again = ET.fromstring(reader.get(f"/reader/atom/feed/{desk.world.feed_url}", n=10).content)
    first = again.findall(f"{ATOM}entry")[0]
    assert "read" in {c.get("label") for c in first.findall(f"{ATOM}category")}
    unread = ET.fromstring(reader.get(f"/reader/atom/{READING_LIST}", n=50, xt=READ).content)
    ids = {e.find(f"{ATOM}id").text for e in unread.findall(f"{ATOM}entry")}
    assert f"tag:google.com,2005:reader/item/{desk.articles['ferry']:016x}" not in ids
    assert len(ids) == len(desk.originals)          # the other originals and the story


def test_paths_with_a_doubled_slash_are_served(desk, live, reader):
    """newsboat joins `feedhq-url "http://host/"` and "/reader/…" with both slashes."""
    where = urlparse(live.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    connection.request("POST", "//accounts/ClientLogin", body="Email=ada&Passwd=lantern%20harbour%2042",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    login = connection.getresponse()
    assert login.status == 200 and b"Auth=" in login.read()
    connection.request("GET", "//reader/api/0/subscription/list?output=json",
                       headers={"Authorization": f"GoogleLogin auth={reader.token}"})
    listing = connection.getresponse()
    assert listing.status == 200 and b"World Wire" in listing.read()
    connection.close()
