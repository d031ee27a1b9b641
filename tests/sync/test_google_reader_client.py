"""PyPI's google-reader client (by Miniflux's author), run in a Python 3.12 venv of its own against a live
desk: login, token, user-info, subscriptions, tags, stream ids (paged, both orders, unread only), contents,
edit-tag, mark-all-as-read, and the errors it expects; its findings checked against the desk's storage."""

import json
import subprocess
from pathlib import Path

import pytest

from newsdesk.sync import is_story_item, story_item_id, story_of_item
from newsdesk.sync.greader_ids import STORIES_STREAM
from tests.sync.clients import google_reader_python
from tests.sync.desk import PASSWORD

pytestmark = pytest.mark.slow           # installs the client once, then runs it
SESSION = Path(__file__).parent / "testdata" / "google_reader_session.py"


def run_session(live, feed: str) -> dict:
    python = google_reader_python()
    done = subprocess.run([python, SESSION, live.url, "ada", PASSWORD, feed], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_google_reader_client_reads_and_marks(desk, live):
    feed = f"feed/{desk.world.feed_url}"
    out = run_session(live, feed)
    storage, a = desk.storage, desk.articles
    items = set(desk.originals) | {story_item_id(desk.story_id)}

    assert out["wrong_password"] == "refused" and out["bad_token"] == "refused"
    assert out["token"] and out["user"] == {"id": str(desk.ada.id), "name": "ada"}
    subscriptions = {s["id"]: s for s in out["subscriptions"]}
    assert set(subscriptions) == ({f"feed/{s.feed_url}" for s in (desk.world, desk.local, desk.sport)}
                                  | {STORIES_STREAM, f"{STORIES_STREAM}/Local", f"{STORIES_STREAM}/World"})
    assert subscriptions[feed]["folders"] == ["World"] and subscriptions[feed]["url"] == desk.world.feed_url
    assert out["tags"] == ["user/-/state/com.google/starred", "user/-/label/Local", "user/-/label/World"]

    assert set(out["reading_list"]) == items and a["reprint"] not in out["reading_list"]
    assert out["paged"] == out["reading_list"] and out["oldest_first"] == out["reading_list"][::-1]
    assert set(out["unread"]) == items
    assert out["feed"] == [a["ferry"], a["bridge"]]

    chosen = out["unread"][:3]
    assert [c["id"] for c in out["contents"]] == [f"tag:google.com,2005:reader/item/{i:016x}" for i in chosen]
    assert all(c["has_content"] and c["url"].startswith("http") for c in out["contents"])

    marked = out["marked_read"]
    assert marked not in out["unread_after_edit"] and set(out["unread_after_edit"]) == items - {marked}
    if is_story_item(marked):
        assert storage.story_reads(desk.ada.id, [story_of_item(marked)])[story_of_item(marked)].read_at
    else:
        assert storage.article_states(desk.ada.id, desk.ada.read_before, [marked])[marked][0] is True
    assert out["starred"] == [out["starred_id"]]
    assert out["bad_edit"] == "refused"

    assert out["feed_unread_after_mark_all"] == []
    assert out["unknown_feed"] == "not found"
    read_before = storage.get_user(desk.ada.id).read_before
    assert storage.article_states(desk.ada.id, read_before, [a["ferry"], a["bridge"]]) == {
        a["ferry"]: (True, False), a["bridge"]: (True, False)}
    bob = storage.unread_counts(desk.bob.id, storage.get_user(desk.bob.id).read_before)
    assert bob.total == len(desk.originals)         # the other user's state is untouched
