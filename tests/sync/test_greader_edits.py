"""Google Reader API: edit-tag and mark-all-as-read change the caller's state and nobody else's; the story
item reads as unread again only when its story changed notably; bad bodies are refused with nothing changed;
through a real HTTP server, on SQLite and PostgreSQL."""

from datetime import timedelta

from newsdesk.model import NewArticle
from newsdesk.sync import story_item_id
from newsdesk.sync.greader_auth import MAX_IDS
from newsdesk.sync.greader_ids import STORIES_STREAM
from newsdesk.timeutil import to_iso, utcnow
from tests.sync.desk import add_article, write_page

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
KEPT_UNREAD = "user/-/state/com.google/kept-unread"


def revised(article_id: int, text: str) -> NewArticle:
    return NewArticle(url=f"http://127.0.0.1:9/revised/{article_id}", text=text, text_hash=f"revised-{article_id}",
                      title="Harbour bridge reopens after repairs")


def unread_ids(client) -> set[int]:
    return set(client.ids(READING_LIST, xt=READ))


def test_read_unread_and_starred_in_every_id_spelling(desk, reader):
    a = desk.articles
    ids = [f"tag:google.com,2005:reader/item/{a['bridge']:016x}", f"{a['ferry']:016x}", str(a["market"])]
    assert reader.post("/reader/api/0/edit-tag", [*(("i", i) for i in ids), ("a", READ)]).text == "OK"
    assert unread_ids(reader) == set(desk.originals) - {a["bridge"], a["ferry"], a["market"]} | {story_item_id(desk.story_id)}
    storage = desk.storage
    assert storage.article_states(desk.ada.id, desk.ada.read_before, [a["bridge"]]) == {a["bridge"]: (True, False)}
    reader.post("/reader/api/0/edit-tag", {"i": str(a["ferry"]), "r": READ})
    assert a["ferry"] in unread_ids(reader)
    reader.post("/reader/api/0/edit-tag", {"i": str(a["bridge"]), "a": KEPT_UNREAD})      # newsboat's "unread"
    assert a["bridge"] in unread_ids(reader)
    reader.post("/reader/api/0/edit-tag", [("i", str(a["match"])), ("a", STARRED), ("a", READ)])
    assert reader.ids(STARRED) == [a["match"]] and a["match"] not in unread_ids(reader)
    reader.post("/reader/api/0/edit-tag", {"i": str(a["match"]), "r": STARRED})
    assert reader.ids(STARRED) == []


def test_newsboats_edit_body_is_understood(desk, reader):
    """What newsboat 2.21 posts to mark an item unread: three tags, one the desk does not keep, and ac=edit."""
    a = desk.articles
    reader.post("/reader/api/0/edit-tag", {"i": str(a["ferry"]), "a": READ})
    body = [("i", f"tag:google.com,2005:reader/item/{a['ferry']:016x}"), ("r", READ), ("a", KEPT_UNREAD),
            ("a", "user/-/state/com.google/tracking-kept-unread"), ("ac", "edit")]
    assert reader.post("/reader/api/0/edit-tag", body).text == "OK"
    assert a["ferry"] in unread_ids(reader)


def test_one_users_edits_never_change_anothers_state(desk, reader, other):
    a = desk.articles
    reader.post("/reader/api/0/edit-tag", [*(("i", str(i)) for i in desk.originals), ("a", READ)])
    reader.post("/reader/api/0/edit-tag", [("i", str(a["bridge"])), ("i", str(story_item_id(desk.story_id))),
                                           ("a", STARRED)])
    reader.post("/reader/api/0/mark-all-as-read", {"s": STORIES_STREAM})
    assert unread_ids(reader) == set()
    assert unread_ids(other) == set(desk.originals) | {story_item_id(desk.story_id)}
    assert other.ids(STARRED) == [] and other.ids(READ) == []
    assert other.unread()[READING_LIST] == len(desk.originals) + 1
    other.post("/reader/api/0/edit-tag", [("i", str(a["bridge"])), ("r", STARRED), ("r", READ)])
    assert set(reader.ids(STARRED)) == {a["bridge"], story_item_id(desk.story_id)}
    assert a["bridge"] not in unread_ids(reader)


def test_unknown_ids_and_reprints_are_ignored(desk, reader):
    before = unread_ids(reader)
    answer = reader.post("/reader/api/0/edit-tag", [("i", "987654321"), ("i", str(desk.articles["reprint"])),
                                                    ("i", str(story_item_id(999_999))), ("a", READ)])
    assert answer.status_code == 200
    assert unread_ids(reader) == before
    assert desk.storage.article_states(desk.ada.id, desk.ada.read_before, [desk.articles["reprint"]]) == {
        desk.articles["reprint"]: (False, False)}


def test_malformed_edit_bodies_are_refused_and_change_nothing(desk, reader):
    a = str(desk.articles["ferry"])
    before = unread_ids(reader)
    bad = [{"a": READ},                                                      # no item
           {"i": a},                                                         # nothing to change
           {"i": "not-an-id", "a": READ},
           {"i": "0", "a": READ},
           {"i": "tag:google.com,2005:reader/item/", "a": READ},
           {"i": a, "a": "read"},                                            # not a tag
           {"i": a, "a": "user/-/label/Mine"},                               # no item labels here
           [("i", a), ("a", READ), ("r", READ)],
           [("i", a), ("a", READ), ("a", KEPT_UNREAD)],
           [("i", a), ("i", "zz"), ("a", READ)]]                             # one bad id refuses them all
    for body in bad:
        answer = reader.post("/reader/api/0/edit-tag", body)
        assert answer.status_code == 400, (body, answer.text)
        assert answer.text.strip()
    assert unread_ids(reader) == before
    assert reader.get("/reader/api/0/edit-tag").status_code == 405
    json_body = reader.http.post("/reader/api/0/edit-tag", content=b'{"i": 1}', headers={
        **reader.headers, "Content-Type": "application/json"}, params={"T": reader.token})
    assert json_body.status_code == 400 and "x-www-form-urlencoded" in json_body.text


def test_too_many_ids_is_413_with_a_clear_message(desk, reader):
    before = unread_ids(reader)
    body = [("i", str(desk.articles["ferry"]))] * (MAX_IDS + 1) + [("a", READ)]
    answer = reader.post("/reader/api/0/edit-tag", body)
    assert answer.status_code == 413 and f"at most {MAX_IDS} item ids" in answer.text
    huge = b"a=user/-/state/com.google/read&T=" + reader.token.encode() + b"&i=1" * 1_000_000
    answer = reader.http.post("/reader/api/0/edit-tag", content=huge, headers={
        **reader.headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413 and "in one request" in answer.text
    assert unread_ids(reader) == before


def test_mark_all_as_read_by_feed_folder_and_everything(desk, reader, other):
    a = desk.articles
    assert reader.post("/reader/api/0/mark-all-as-read", {"s": f"feed/{desk.sport.feed_url}"}).text == "OK"
    assert a["match"] not in unread_ids(reader)
    reader.post("/reader/api/0/mark-all-as-read", {"s": "user/-/label/Local"})
    assert unread_ids(reader) == {a["bridge"], a["ferry"], story_item_id(desk.story_id)}
    past = int((utcnow() - timedelta(days=1)).timestamp())
    reader.post("/reader/api/0/mark-all-as-read", {"s": READING_LIST, "ts": str(past)})
    assert unread_ids(reader) == {a["bridge"], a["ferry"], story_item_id(desk.story_id)}      # all newer than ts
    future_usec = str(int((utcnow() + timedelta(days=1)).timestamp() * 1_000_000))
    reader.post("/reader/api/0/mark-all-as-read", {"s": READING_LIST, "ts": future_usec})
    assert unread_ids(reader) == set()
    fresh = add_article(desk.storage, desk.world, "later", "Later report", "Arrived after mark all read.")
    assert unread_ids(reader) == {fresh}             # a future ts never marks what comes later
    assert unread_ids(other) == set(desk.originals) | {fresh, story_item_id(desk.story_id)}
    assert reader.post("/reader/api/0/mark-all-as-read", {"s": "feed/http://127.0.0.1:9/none"}).status_code == 404
    assert reader.post("/reader/api/0/mark-all-as-read", {"s": READING_LIST, "ts": "soon"}).status_code == 400
    assert reader.post("/reader/api/0/mark-all-as-read", {}).status_code == 400


def test_the_story_item_is_unread_again_only_after_a_notable_change(desk, reader):
    storage, a, item = desk.storage, desk.articles, story_item_id(desk.story_id)
    reader.post("/reader/api/0/edit-tag", {"i": str(item), "a": READ})
    assert item not in unread_ids(reader)
    [read] = storage.story_reads(desk.ada.id, [desk.story_id]).values()
    assert set(read.seen_articles) == {a["bridge"], a["bridge-city"], a["reprint"]}

    # another report from an outlet already read, and a reprint: not notable
    again = add_article(storage, desk.local, "bridge-city-2", "Bridge traffic returns", "Traffic is back.")
    storage.assign_story(again, desk.story_id, 0.8)
    members = [(a["bridge"], "World Wire"), (a["bridge-city"], "City Paper"), (again, "City Paper")]
    write_page(storage, desk.story_id, "Harbour bridge reopens", members, reprints=["Coast Herald"])
    assert item not in unread_ids(reader)

    # a report changed, but the story's timeline shows no notable update: a correction, still read
    storage.add_revision(a["bridge"], revised(a["bridge"], "The harbour bridge reopened on Tuesday morning."))
    assert item not in unread_ids(reader)

    # the same change shown as a notable update: unread again
    write_page(storage, desk.story_id, "Harbour bridge reopens", members, reprints=["Coast Herald"],
               updates=[(to_iso(utcnow()), a["bridge"], "World Wire")])
    assert item in unread_ids(reader)
    reader.post("/reader/api/0/edit-tag", {"i": str(item), "a": READ})
    assert item not in unread_ids(reader)            # read since that update

    # a new independent outlet: unread again
    sport = add_article(storage, desk.sport, "bridge-sport", "Marathon will cross the bridge", "Runners rejoice.")
    storage.assign_story(sport, desk.story_id, 0.7)
    write_page(storage, desk.story_id, "Harbour bridge reopens", members + [(sport, "Sport Daily")],
               reprints=["Coast Herald"])
    assert item in unread_ids(reader)
    assert reader.unread()[STORIES_STREAM] == 1


def test_story_items_star_and_unread(desk, reader):
    item = story_item_id(desk.story_id)
    reader.post("/reader/api/0/edit-tag", [("i", f"tag:google.com,2005:reader/item/{item:x}"), ("a", READ),
                                           ("a", STARRED)])
    assert item in reader.ids(STARRED) and item in reader.ids(READ)
    assert STORIES_STREAM not in reader.unread()
    reader.post("/reader/api/0/edit-tag", {"i": str(item), "r": READ})
    assert item in unread_ids(reader) and item in reader.ids(STARRED)
