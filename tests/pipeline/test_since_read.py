"""Changes since a read or a moment, composed from storage (SQLite and PostgreSQL) and the reading stage."""

import time
from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.accounts import add_user
from newsdesk.model import NewArticle
from newsdesk.pipeline import changes_since, changes_since_read, story_change_marks
from newsdesk.pipeline.since_read import NOT_READ, NOTHING_THEN, REGROUPED

PUBLISHED = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
WIRE = ("Two people died when a fire swept through a furniture warehouse in Dunmore on Monday morning, the fire "
        "service said.\n\nMore than forty firefighters fought the blaze for four hours.")
HERALD = ("A blaze tore through a Dunmore furniture warehouse on Monday morning, killing two people, according to "
          "the fire service.")
HERALD_UPDATED = HERALD + ("\n\nOne of the dead was a firefighter, Sam Okafor, who had served at the Dunmore "
                           "station for eleven years.")
COURIER = "Police arrested the owner of the warehouse, Gordon Pell, on suspicion of breaching fire safety rules."


def _article(storage, n, outlet, title, text, hours=0):
    return storage.insert_article(NewArticle(
        url=f"https://x.example/{n}", text=text, text_hash=f"{n}:{text}", title=title, outlet=outlet,
        published_at=PUBLISHED + timedelta(hours=hours)))


@pytest.fixture
def desk(storage, embedder):
    wire = _article(storage, 1, "Wire", "Warehouse fire kills two", WIRE)
    herald = _article(storage, 2, "Herald", "Two dead in warehouse blaze", HERALD, 1)
    story = storage.create_story("fire")
    for article_id in (wire, herald):
        storage.assign_story(article_id, story, 0.9)
    reader = add_user(storage, "ada", "correct horse battery")
    time.sleep(0.01)
    return storage, story, reader, wire, herald


def _later(storage, story, wire, herald):
    """After the read: Herald updates its report, Courier reports, Gazette reprints the wire."""
    time.sleep(0.01)
    storage.add_revision(herald, NewArticle(url="https://x.example/2", text=HERALD_UPDATED, text_hash="2b",
                                            title="Firefighter among the dead in warehouse blaze", outlet="Herald",
                                            updated_at=datetime.now(timezone.utc)))
    courier = _article(storage, 3, "Courier", "Warehouse owner arrested", COURIER, 5)
    copy = _article(storage, 4, "Gazette", "Warehouse fire kills two", WIRE, 6)
    storage.mark_copy(copy, wire, 0.99, "shingles")
    for article_id in (courier, copy):
        storage.assign_story(article_id, story, 0.9)
    return courier, copy


def test_changes_since_the_last_read(desk):
    storage, story, reader, wire, herald = desk
    assert changes_since_read(storage, story, reader.id) == (None, NOT_READ)
    storage.mark_story_read(reader.id, story, [wire, herald])
    time.sleep(0.01)
    changes, reason = changes_since_read(storage, story, reader.id)
    assert reason == "" and changes.nothing_new
    courier, copy = _later(storage, story, wire, herald)
    changes, reason = changes_since_read(storage, story, reader.id)
    assert changes.new_sources == ["Courier"]
    assert [r.article_id for r in changes.new_reprints] == [copy]
    facts = {f.article_id: f.text for f in changes.new_facts}
    assert set(facts) == {herald, courier}
    assert "Sam Okafor" in facts[herald] and "Gordon Pell" in facts[courier]
    assert [u.title for u in changes.updates] == ["Firefighter among the dead in warehouse blaze"]
    marks = story_change_marks(storage, reader.id, [story])
    assert (marks[story].new_sources, marks[story].new_reprints, marks[story].updated_reports) == (1, 1, 1)


def test_changes_since_a_moment_read_the_articles_as_they_were(desk):
    storage, story, reader, wire, herald = desk
    moment = datetime.now(timezone.utc)
    assert changes_since(storage, story, storage.get_article(wire).first_seen_at - timedelta(seconds=1)) == \
        (None, NOTHING_THEN)
    courier, _ = _later(storage, story, wire, herald)
    changes, _ = changes_since(storage, story, moment)
    assert changes.seen == [wire, herald]
    assert {f.article_id for f in changes.new_facts} == {herald, courier}
    # before Herald's report came, the story was the wire's alone
    changes, _ = changes_since(storage, story, storage.get_article(herald).first_seen_at - timedelta(microseconds=1))
    assert changes.seen == [wire] and "Herald" in changes.new_sources


def test_a_read_of_articles_no_longer_in_the_story(desk):
    storage, story, reader, wire, herald = desk
    other = storage.create_story("other")
    storage.mark_story_read(reader.id, other, [wire])
    assert changes_since_read(storage, other, reader.id) == (None, REGROUPED)
    assert story_change_marks(storage, reader.id, [story]) == {}
