"""The demo corpus comes out as its intended stories, with pages a reader can trust."""

import asyncio
import json
from collections import defaultdict

import pytest

from newsdesk.config import Settings
from newsdesk.demo import DemoServer, load_corpus
from newsdesk.pipeline import Desk
from newsdesk.pipeline import regroup, related_stories
from newsdesk.storage import open_storage


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory):
    corpus = load_corpus()
    db = str(tmp_path_factory.mktemp("stories") / "desk.db")
    settings = Settings(db=db, per_host_delay=0.0, per_host_concurrency=8, extract_workers=1)
    storage = open_storage(db)
    with DemoServer() as server:
        Desk(storage, settings).import_opml(server.opml().encode())

        async def poll():
            async with Desk(storage, settings) as desk:
                await desk.poll(due_only=False)
        asyncio.run(poll())
        urls = {a.id: server.article_url(a.id) for a in corpus.articles}
    stored = {demo_id: storage.get_article_by_url(url) for demo_id, url in urls.items()}
    yield corpus, storage, stored
    storage.close()


def _stories(corpus, storage, stored):
    members = defaultdict(list)
    for demo in corpus.articles:
        members[storage.story_of(stored[demo.id].id)].append(demo)
    return members


def test_every_story_holds_one_event_and_each_english_event_is_one_story(demo_desk):
    # all-MiniLM-L6-v2 is an English model: English coverage must group exactly; a French article may
    # stand alone, but no story may mix two events.
    corpus, storage, stored = demo_desk
    english = {o.id for o in corpus.outlets if o.language == "en"}
    for story_id, demos in _stories(corpus, storage, stored).items():
        assert len({d.event for d in demos}) == 1, (story_id, [d.id for d in demos])
    by_event = defaultdict(set)
    for demo in corpus.articles:
        if demo.outlet in english:
            by_event[demo.event].add(storage.story_of(stored[demo.id].id))
    assert all(len(ids) == 1 for ids in by_event.values()), dict(by_event)
    # the twin events (two earthquakes, two resignations) are different stories
    assert len({next(iter(ids)) for ids in by_event.values()}) == len(by_event)


def test_story_pages_are_attributed(demo_desk):
    corpus, storage, stored = demo_desk
    by_id = {a.id: a for a in stored.values()}
    for story_id, demos in _stories(corpus, storage, stored).items():
        story = storage.get_story(story_id)
        page = json.loads(story.page_json)
        members = {stored[d.id].id for d in demos}
        assert page["headline_article_id"] in members
        assert by_id[page["headline_article_id"]].original_id is None        # never a reprint's headline
        if len(demos) >= 3:
            assert 2 <= len(page["summary"]) <= 3 or sum(len(s["text"].split()) for s in page["summary"]) > 60
            assert sum(len(s["text"].split()) for s in page["summary"]) <= 90
            assert 3 <= len(page["takeaways"]) <= 6
        for item in page["summary"] + page["takeaways"]:
            assert item["article_id"] in members
            quoted = item["source_text"] or item["text"]        # the report's own words
            assert " ".join(quoted.split()) in " ".join(by_id[item["article_id"]].text.split())
        reprints = [d for d in demos if d.reprint_of]
        assert story.reprint_count == len(reprints)
        assert story.independent_count == len({d.outlet for d in demos if not d.reprint_of})


def test_related_stories_never_repeat_or_include_the_story(demo_desk):
    corpus, storage, stored = demo_desk
    for story_id in _stories(corpus, storage, stored):
        story = storage.get_story(story_id)
        related = related_stories(storage, story)
        ids = [r.story.id for r in related]
        assert story.id not in ids
        assert len(ids) == len(set(ids))
        assert len({r.story.headline for r in related}) == len(related)


def test_recluster_keeps_old_ids_resolving(demo_desk):
    corpus, storage, stored = demo_desk
    before = {d.id: storage.story_of(stored[d.id].id) for d in corpus.articles}
    regroup(storage)
    for demo in corpus.articles:
        old = storage.get_story(before[demo.id])
        assert old.id == storage.story_of(stored[demo.id].id)
