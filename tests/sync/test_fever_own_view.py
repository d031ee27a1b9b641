"""The Fever API and a reader's own view, over HTTP on 127.0.0.1, on SQLite and PostgreSQL: an article or a story
a block rule matches is no item, no unread id and no saved id, a keep rule wins, another user sees everything;
a story's item belongs to its main folder's Stories feed, and to Stories when that folder is hidden."""

from newsdesk.alerts import add_rule
from newsdesk.sync import story_item_id
from newsdesk.sync.fever import STORIES_FEED_ID, folder_stories_feed_id

from .fever_desk import desk  # noqa: F401  (the fixture)
from .test_fever import everything, items_by_id, state


def test_a_blocked_article_is_no_item_and_not_unread(desk):
    lone = desk.articles["lone-courier"]
    desk.fever("ada", mark="item", **{"as": "saved"}, id=str(lone))
    add_rule(desk.storage, desk.users["ada"], "block", "query", "lone")
    assert lone not in items_by_id(desk, "ada")
    assert lone not in items_by_id(desk, "ada", f"with_ids={lone}")
    unread, saved = state(desk, "ada")
    assert unread == everything(desk) - {lone}
    assert saved == set()
    assert lone in items_by_id(desk, "bob")


def test_a_blocked_story_is_no_item_until_a_keep_rule_wins(desk):
    tram = story_item_id(desk.stories["tram"])
    add_rule(desk.storage, desk.users["ada"], "block", "query", "tram")
    assert tram not in items_by_id(desk, "ada")
    assert tram not in state(desk, "ada")[0]
    assert desk.articles["tram-gazette"] not in state(desk, "ada")[0]
    add_rule(desk.storage, desk.users["ada"], "keep", "source", "Wire Service")
    assert tram in items_by_id(desk, "ada")
    assert desk.articles["tram-wire"] in state(desk, "ada")[0]
    assert desk.articles["tram-gazette"] not in state(desk, "ada")[0]
    assert tram in state(desk, "bob")[0]


def test_a_story_item_moves_to_stories_when_its_folder_is_hidden(desk):
    tram = story_item_id(desk.stories["tram"])
    assert items_by_id(desk, "ada")[tram]["feed_id"] == folder_stories_feed_id("Local")
    desk.storage.set_hidden(desk.users["ada"].id, "folder", "Local", True)
    assert items_by_id(desk, "ada")[tram]["feed_id"] == STORIES_FEED_ID       # the Wire Service is in no folder
    assert items_by_id(desk, "bob")[tram]["feed_id"] == folder_stories_feed_id("Local")


def test_marking_a_folder_stories_feed_read_reads_its_stories_only(desk):
    desk.fever("ada", mark="feed", **{"as": "read"}, id=str(folder_stories_feed_id("Local")))
    stories = {story_item_id(s) for s in desk.stories.values()}
    assert state(desk, "ada")[0] == everything(desk) - stories
