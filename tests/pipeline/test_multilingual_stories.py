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
    touched = StoryGrouper(storage).group(ids)
    PageWriter(storage).write(touched)
    return {a.id: (article_id, a.event, language[a.outlet]) for a, article_id in zip(originals, ids)}


def test_reports_of_one_event_in_four_languages_land_in_one_story(storage, grouped):
    for event in ("quake-port-severin", "lisse-river-accord"):
        mine = [(article_id, lang) for article_id, e, lang in grouped.values() if e == event]
        assert {lang for _, lang in mine} == {"en", "fr", "es", "de"}
        assert len({storage.story_of(article_id) for article_id, _ in mine}) == 1, event


def test_the_events_stay_apart_across_languages(storage, grouped):
    stories = {e: {storage.story_of(article_id) for article_id, ev, _ in grouped.values() if ev == e}
               for e in EVENTS}
    assert stories["quake-port-severin"].isdisjoint(stories["quake-fenwick"])
    assert stories["quake-port-severin"].isdisjoint(stories["lisse-river-accord"])


def test_each_report_is_stored_with_the_language_it_is_written_in(storage, grouped):
    for article_id, _, lang in grouped.values():
        assert storage.get_article(article_id).language == lang


def test_the_page_leads_in_the_display_language_and_keeps_each_languages_edition(storage, grouped):
    severin = [article_id for article_id, e, _ in grouped.values() if e == "quake-port-severin"]
    page = json.loads(storage.get_story(storage.story_of(severin[0])).page_json)
    english = {article_id for article_id, e, lang in grouped.values() if e == "quake-port-severin" and lang == "en"}
    assert page["headline_article_id"] in english
    assert set(page["editions"]) == {"en", "fr", "es", "de"}
    spanish = {article_id for article_id, e, lang in grouped.values() if lang == "es"}
    assert page["editions"]["es"]["headline_article_id"] in spanish
    assert all(item["article_id"] in spanish for item in page["editions"]["es"]["summary"])
