"""What changed since a reader last read a story: the engine on stories written for these tests."""

from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.model import StoryArticle
from newsdesk.reading import changes_line, story_changes

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)        # a Monday
READ = T0 + timedelta(hours=2)

WIRE = StoryArticle(
    id=1, outlet="Wire", title="Warehouse fire in Dunmore kills two",
    text=("Two people died when a fire swept through a furniture warehouse in Dunmore on Monday morning, the fire "
          "service said.\n\nMore than forty firefighters fought the blaze for four hours before bringing it under "
          "control.\n\nThe cause of the fire is not yet known."),
    published=T0)
HERALD = StoryArticle(
    id=2, outlet="Herald", title="Two dead as blaze guts Dunmore warehouse",
    text=("A blaze tore through a Dunmore furniture warehouse on Monday morning, killing two people, according to "
          "the fire service.\n\nFirefighters needed four hours to bring the fire under control."),
    published=T0 + timedelta(minutes=40))


@pytest.fixture(autouse=True)
def _model(embedder):
    """The engine compares sentences with the embedding model."""


def test_a_rephrasing_is_not_a_new_fact_but_its_outlet_is_a_new_source():
    changes = story_changes([WIRE, HERALD], seen=[1], since=T0 + timedelta(minutes=30))
    assert changes.new_facts == []
    assert changes.new_sources == ["Herald"]
    assert [r.article_id for r in changes.new_reports] == [2]
    assert changes.new_reprints == [] and changes.figures == []
    assert not changes.nothing_new


def test_nothing_new_when_every_article_was_seen():
    changes = story_changes([WIRE, HERALD], seen=[1, 2], since=READ)
    assert changes.nothing_new
    assert (changes.new_reports, changes.new_reprints, changes.new_facts, changes.figures, changes.updates) == \
        ([], [], [], [], [])
    assert changes_line(changes) == "Nothing new"


def test_a_new_fact_is_attributed_and_a_rephrasing_beside_it_is_not():
    later = StoryArticle(
        id=3, outlet="Courier", title="Dunmore warehouse fire: owner arrested",
        text=("Police arrested the owner of the Dunmore warehouse, Gordon Pell, on suspicion of breaching fire "
              "safety rules, a police spokesman said.\n\nTwo people were killed in the blaze on Monday morning, "
              "which took firefighters four hours to control."),
        published=READ + timedelta(hours=3))
    changes = story_changes([WIRE, HERALD, later], seen=[1, 2], since=READ)
    assert [(f.article_id, f.outlet) for f in changes.new_facts] == [(3, "Courier")]
    assert "Gordon Pell" in changes.new_facts[0].text
    assert changes.new_sources == ["Courier"]


def test_a_new_figure_is_a_changed_figure_and_its_sentence_a_new_fact():
    update = StoryArticle(
        id=4, outlet="Herald", title="Dunmore warehouse fire: death toll rises to three",
        text=("The death toll from the fire at a Dunmore furniture warehouse has risen to three after a firefighter "
              "died in hospital, the fire service said.\n\nFirefighters needed four hours to bring the fire under "
              "control."),
        published=READ + timedelta(hours=5))
    changes = story_changes([WIRE, HERALD, update], seen=[1, 2], since=READ)
    deaths = [f for f in changes.figures if f.kind == "deaths"]
    assert len(deaths) == 1
    assert (deaths[0].before, deaths[0].now, deaths[0].article_id) == (["2"], ["3"], 4)
    assert any("risen to three" in f.text for f in changes.new_facts)
    assert not any("four hours" in f.text for f in changes.new_facts)
    # another report of an outlet already read: a new report, not a new source
    assert changes.new_sources == [] and [(r.article_id, r.new_outlet) for r in changes.new_reports] == [(4, False)]
    assert "deaths 2 → 3" in changes_line(changes)


def test_a_reprint_is_counted_apart_and_brings_no_fact():
    reprint = StoryArticle(id=5, outlet="Gazette", title=WIRE.title, text=WIRE.text + "\n\nA vigil is planned for "
                           "Thursday evening outside Dunmore town hall, organised by Councillor Ruth Amberley.",
                           published=READ + timedelta(hours=1), is_reprint=True, original_id=1)
    changes = story_changes([WIRE, HERALD, reprint], seen=[1, 2], since=READ)
    assert [(r.article_id, r.reprint_of) for r in changes.new_reprints] == [(5, 1)]
    assert changes.new_reports == [] and changes.new_facts == []
    assert changes.nothing_new
    assert changes_line(changes) == "Nothing new (+1 reprint)"


def test_an_update_after_the_read_is_listed_with_its_new_title_and_its_new_sentences_are_facts():
    updated = StoryArticle(
        id=2, outlet="Herald", title="Dunmore warehouse fire: firefighter among the dead",
        text=("A blaze tore through a Dunmore furniture warehouse on Monday morning, killing two people, according to "
              "the fire service.\n\nOne of the dead was a firefighter, Sam Okafor, who had served with the Dunmore "
              "station for eleven years.\n\nFirefighters needed four hours to bring the fire under control."),
        published=HERALD.published, updated=READ + timedelta(hours=4), first_title=HERALD.title,
        first_text=HERALD.text)
    changes = story_changes([WIRE, updated], seen=[1, 2], since=READ)
    assert [(u.article_id, u.title) for u in changes.updates] == [(2, updated.title)]
    assert [f.article_id for f in changes.new_facts] == [2]
    assert "Sam Okafor" in changes.new_facts[0].text
    assert changes.new_reports == []
    # read after the update: nothing new
    assert story_changes([WIRE, updated], seen=[1, 2], since=READ + timedelta(hours=5)).nothing_new


def test_the_version_seen_can_be_given():
    # the reader saw Herald's report as its second version, which already named the firefighter
    updated = StoryArticle(id=2, outlet="Herald", title="Dunmore fire: firefighter among the dead",
                           text=HERALD.text + "\n\nOne of the dead was a firefighter, Sam Okafor.",
                           published=HERALD.published, updated=READ + timedelta(hours=4),
                           first_title=HERALD.title, first_text=HERALD.text)
    changes = story_changes([WIRE, updated], seen=[1, 2], since=READ + timedelta(hours=1),
                            seen_versions={2: (updated.title, updated.text)})
    assert changes.nothing_new


def test_a_sentence_needing_the_one_before_is_shown_with_it_and_days_as_dates():
    later = StoryArticle(
        id=6, outlet="Courier", title="Dunmore fire inquiry",
        text=("Fire investigator Helen Marsh said yesterday that the sprinklers had been switched off.\n\n"
              "She added that the alarm had been faulty for weeks."),
        published=T0 + timedelta(days=1, hours=9))
    changes = story_changes([WIRE, HERALD, later], seen=[1, 2], since=READ)
    texts = [f.text for f in changes.new_facts]
    assert any(t.startswith("Fire investigator Helen Marsh said on Monday (2 Mar") and "She added" in t
               for t in texts), texts
    assert not any(t.startswith("She added") for t in texts)
    fact = next(f for f in changes.new_facts if "Helen Marsh" in f.text)
    assert "yesterday" in fact.source_text


def test_the_same_new_fact_in_two_new_reports_is_listed_once():
    one = StoryArticle(id=7, outlet="Courier", title="Warehouse owner arrested",
                       text="Police arrested the warehouse owner, Gordon Pell, on Tuesday afternoon.",
                       published=READ + timedelta(days=1))
    two = StoryArticle(id=8, outlet="Post", title="Dunmore fire: owner held",
                       text="Gordon Pell, who owns the warehouse, was arrested by police on Tuesday afternoon.",
                       published=READ + timedelta(days=1, hours=1))
    changes = story_changes([WIRE, HERALD, one, two], seen=[1, 2], since=READ)
    assert len(changes.new_facts) == 1
    assert changes.new_facts[0].article_id == 7 and changes.new_facts[0].also == [(8, "Post")]
    assert changes.new_sources == ["Courier", "Post"]


def test_a_report_in_another_language_brings_a_source_but_is_not_judged():
    wire = StoryArticle(**{**WIRE.__dict__, "language": "en"})
    french = StoryArticle(id=9, outlet="Le Matin", title="Incendie meurtrier à Dunmore",
                          text="Deux personnes sont mortes lundi dans l'incendie d'un entrepôt de meubles à Dunmore.",
                          published=READ + timedelta(hours=1), language="fr")
    changes = story_changes([wire, french], seen=[1], since=READ)
    assert changes.new_sources == ["Le Matin"] and changes.new_facts == []


def test_seen_articles_no_longer_in_the_story_are_ignored():
    changes = story_changes([WIRE, HERALD], seen=[1, 2, 99], since=READ)
    assert changes.seen == [1, 2] and changes.nothing_new
