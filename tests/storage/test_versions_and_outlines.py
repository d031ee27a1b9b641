"""What "since you last read" reads from storage: articles as the desk held them at a moment, and stories'
articles in outline (outlet, reprint, first seen, last changed) for many stories at once."""

import time
from datetime import datetime, timedelta, timezone

from newsdesk.model import NewArticle


def _new(url, text, title="T", outlet="Wire"):
    return NewArticle(url=url, text=text, text_hash=f"{url}:{text}", title=title, outlet=outlet,
                      published_at=datetime(2026, 3, 2, tzinfo=timezone.utc))


def test_versions_at_a_moment(storage):
    a = storage.insert_article(_new("https://x.example/a", "first text", "First"))
    time.sleep(0.01)
    storage.add_revision(a, _new("https://x.example/a", "second text", "Second"))
    first, second = storage.revisions(a)
    assert storage.versions_at([a], first.fetched_at) == {a: ("First", "first text")}
    assert storage.versions_at([a], second.fetched_at + timedelta(seconds=1)) == {a: ("Second", "second text")}
    assert storage.versions_at([a], first.fetched_at - timedelta(seconds=1)) == {}
    assert storage.versions_at([], first.fetched_at) == {}


def test_story_article_outlines(storage):
    wire = storage.insert_article(_new("https://x.example/1", "wire text"))
    herald = storage.insert_article(_new("https://x.example/2", "herald text", outlet="Herald"))
    copy = storage.insert_article(_new("https://x.example/3", "wire text again", outlet="Gazette"))
    storage.mark_copy(copy, wire, 0.97, "shingles")
    time.sleep(0.01)
    storage.add_revision(herald, _new("https://x.example/2", "herald text, updated", outlet="Herald"))
    other = storage.insert_article(_new("https://x.example/4", "other text"))
    story, second = storage.create_story("fire"), storage.create_story("other")
    for article_id in (wire, herald, copy):
        storage.assign_story(article_id, story, 0.9)
    storage.assign_story(other, second, 0.9)
    outlines = storage.story_article_outlines([story, second, 424242])
    assert set(outlines) == {story, second}
    by_id = {o.id: o for o in outlines[story]}
    assert set(by_id) == {wire, herald, copy}
    assert by_id[copy].original_id == wire and by_id[wire].original_id is None
    assert by_id[herald].outlet == "Herald"
    assert by_id[wire].revised_at is None
    assert by_id[herald].revised_at == storage.revisions(herald)[-1].fetched_at
    assert by_id[wire].first_seen == storage.get_article(wire).first_seen_at
