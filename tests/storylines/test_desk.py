"""Storylines on the desk, on SQLite and PostgreSQL: the reports of one matter over a month (tests/storylines/
texts.py) land in one storyline and the others in none; a storyline page, its API and its Atom feed; the story
JSON's `storyline`; merged storylines redirect; following a storyline alerts on its new event; a person's move
of an event is kept through a recluster and undone."""

import asyncio
import json
from datetime import timedelta

from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.corrections import merge_storylines, move_event, undo
from newsdesk.model import Role
from newsdesk.pipeline import Desk, regroup
from newsdesk.web import create_app, schema
from tests.storylines.texts import BRIDGE_CLOSED, START, rows


def _ingest(storage, tmp_path, items, name="feed"):
    feed = tmp_path / f"{name}.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in items), encoding="utf-8")
    settings = Settings(db=str(tmp_path / "unused.db"), extract_workers=1, entities=False)

    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(feed)

    return [o.article_id for o in asyncio.run(run())]


def _stories(storage, article_ids):
    return [storage.story_of(a) for a in article_ids]


def _bridge_and_others(storage, ids):
    stories = _stories(storage, ids)
    bridge = {stories[i] for i in (0, 1, 2, 5, 6, 9, 10, 11)}
    others = {stories[i] for i in (3, 4, 7, 8)}
    return bridge, others


def test_the_events_of_one_matter_make_one_storyline_and_the_others_none(bridge_desk):
    storage, ids = bridge_desk
    bridge, others = _bridge_and_others(storage, ids)
    assert len(bridge) == 3, "the closure, the contract and the reopening are three events"
    lines = storage.storylines_of_stories(bridge | others)
    assert {lines.get(s) for s in bridge} == {lines[min(bridge)]}
    assert all(s not in lines for s in others)
    line = storage.get_storyline(lines[min(bridge)])
    assert line.event_count == 3
    assert line.title in {storage.get_story(s).headline for s in bridge}
    assert line.first_activity == START
    assert line.last_activity - line.first_activity > timedelta(days=29)
    assert storage.storyline_event_ids(line.id) == sorted(bridge)


def test_pages_api_and_feed_show_the_storyline(bridge_desk, tmp_path):
    storage, ids = bridge_desk
    bridge, others = _bridge_and_others(storage, ids)
    line = storage.get_storyline(storage.storyline_of_story(min(bridge)))
    with TestClient(create_app(storage, Settings(db=str(tmp_path / "unused.db")))) as client:
        story = client.get(f"/api/v1/stories/{min(bridge)}").json()
        assert story["storyline"]["id"] == line.id
        assert [e["id"] for e in story["storyline"]["events"]] == sorted(bridge)
        assert all(r["id"] not in bridge for r in story["related"])
        assert client.get(f"/api/v1/stories/{min(others)}").json()["storyline"] is None
        page = client.get(f"/stories/{min(bridge)}")
        assert "Part of:" in page.text
        assert "3 events since" in page.text
        document = client.get(f"/api/v1/storylines/{line.id}")
        schema.StorylineDocument.model_validate_json(document.content, strict=True)
        assert len(document.json()["so_far"]) == 3
        listed = client.get("/api/v1/storylines").json()
        assert [s["id"] for s in listed["storylines"]] == [line.id]
        html = client.get(f"/storylines/{line.id}", follow_redirects=True)
        assert html.status_code == 200
        assert "The story so far" in html.text
        feed = client.get(f"/feeds/storylines/{line.id}.atom")
        assert feed.text.count("<entry>") == 3


def test_a_merged_storyline_redirects_to_the_one_it_joined(storage, tmp_path, embedder):
    ids = _ingest(storage, tmp_path, rows())
    bridge, others = _bridge_and_others(storage, ids)
    first, second = sorted(others)
    made = move_event(storage, first, "new", "tester").correction.target_id
    move_event(storage, second, made, "tester")
    kept = storage.storyline_of_story(min(bridge))
    merge_storylines(storage, kept, made, "tester")
    old = storage.get_storyline(made)
    assert old.id == kept
    assert storage.get_storyline(f"{storage.get_storyline(kept).slug}").id == kept
    assert storage.get_storyline(kept).event_count == 5
    with TestClient(create_app(storage, Settings(db=str(tmp_path / "unused.db")))) as client:
        answer = client.get(f"/storylines/{made}", follow_redirects=False)
        assert answer.status_code == 301
        assert answer.headers["location"].endswith(storage.get_storyline(kept).slug)


def test_following_a_storyline_alerts_on_its_new_event(storage, tmp_path, embedder):
    from newsdesk.alerts import follow

    ids = _ingest(storage, tmp_path, rows()[:5] + rows()[5:7])        # closed, harvest, contract
    line = storage.storyline_of_story(storage.story_of(ids[0]))
    reader = storage.add_user("reader", "argon2-not-used", Role.READER, fever_key=None, session_generation="g",
                              read_before=START)
    watch = follow(storage, reader, "storyline", str(line))
    assert watch.label == storage.get_storyline(line).title
    later = _ingest(storage, tmp_path, rows()[-3:], "later")           # the reopening
    alerts = storage.notifications(reader.id)
    assert [a.story_id for a in alerts] == [storage.story_of(later[0])]
    assert alerts[0].watchlist_id == watch.id


def test_a_moved_event_stays_in_its_storyline_through_a_recluster_and_is_undone(storage, tmp_path, embedder):
    ids = _ingest(storage, tmp_path, rows())
    bridge, others = _bridge_and_others(storage, ids)
    line = storage.storyline_of_story(min(bridge))
    chess_article = ids[7]
    moved = move_event(storage, storage.story_of(chess_article), line, "tester")
    regroup(storage, entities=False)
    assert storage.storyline_of_story(storage.story_of(chess_article)) == line
    assert storage.pinned_storyline_events() == {storage.story_of(chess_article): line}
    undo(storage, moved.correction.id, "tester")
    assert storage.storyline_of_story(storage.story_of(chess_article)) is None
