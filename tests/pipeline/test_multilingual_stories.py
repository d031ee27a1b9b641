"""One story across languages: the demo's reports of one event in English, French, Spanish and German land in
one story, on SQLite and PostgreSQL (the `storage` fixture), through the real detector, embedding models and
join models; the page leads with the desk's display language and keeps every language's edition."""

import asyncio
import json

import pytest

from newsdesk.config import Settings
from newsdesk.demo import load_corpus
from newsdesk.pipeline import Desk, PageWriter, StoryGrouper

EVENTS = ("quake-port-severin", "lisse-river-accord", "quake-fenwick")


@pytest.fixture
def grouped(storage, tmp_path, embedder):
    corpus = load_corpus()
    language = {o.id: o.language for o in corpus.outlets}
    originals = sorted((a for a in corpus.articles if a.event in EVENTS and a.reprint_of is None),
                       key=lambda a: a.published)
    feed = tmp_path / "reports.jsonl"
    with open(feed, "w", encoding="utf-8") as out:
        for a in originals:
            out.write(json.dumps({"title": a.title, "text": "\n\n".join(a.paragraphs), "source": a.outlet,
                                  "published": a.published.isoformat()}, ensure_ascii=False) + "\n")
    settings = Settings(db=str(tmp_path / "unused.db"), extract_workers=1, stories=False)

    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(feed)

    ids = [o.article_id for o in asyncio.run(run())]
    touched = StoryGrouper(storage, embedder=embedder).group(ids)     # as the desk builds it
    PageWriter(storage).write(touched)
    return {a.id: (article_id, a.event, language[a.outlet]) for a, article_id in zip(originals, ids)}


def test_reports_of_one_event_in_four_languages_land_in_one_story_and_read_in_the_display_language(storage, grouped):
    # one ingest per backend (it is the slow part): the facts of the one grouping, in turn
    for article_id, _, lang in grouped.values():
        assert storage.get_article(article_id).language == lang
    story_of = {event: {storage.story_of(article_id) for article_id, e, _ in grouped.values() if e == event}
                for event in EVENTS}
    for event in ("quake-port-severin", "lisse-river-accord"):
        assert {lang for _, e, lang in grouped.values() if e == event} == {"en", "fr", "es", "de"}
        assert len(story_of[event]) == 1, event
    assert story_of["quake-port-severin"].isdisjoint(story_of["quake-fenwick"])
    assert story_of["quake-port-severin"].isdisjoint(story_of["lisse-river-accord"])

    page = json.loads(storage.get_story(next(iter(story_of["quake-port-severin"]))).page_json)
    in_language = {lang: {article_id for article_id, e, l in grouped.values() if e == "quake-port-severin" and l == lang}
                   for lang in ("en", "es")}
    assert page["headline_article_id"] in in_language["en"]
    assert set(page["editions"]) == {"en", "fr", "es", "de"}
    assert page["editions"]["es"]["headline_article_id"] in in_language["es"]
    assert all(item["article_id"] in in_language["es"] for item in page["editions"]["es"]["summary"])


def test_the_desks_embedder_groups_across_languages(embedder):
    from newsdesk.cluster import OnlineClusterer

    assert OnlineClusterer(embedder=embedder).multilingual is not None
