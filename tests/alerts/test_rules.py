"""Block and keep rules and hidden sources, through the one view every list asks (alerts.own_view, read as SQL by
storage): a blocked query hides the articles it matches, and a story when its headline or summary, or every
report of it, matches; a blocked or hidden source hides its articles, and a story only when every report comes
from hidden sources; a blocked entity hides the stories and articles naming it; a keep rule wins over all of
them and hides nothing by itself; other users and strangers see everything."""

import pytest

from newsdesk.alerts import BadWatchlist, add_rule, delete_rule, own_view, visible_articles, visible_stories
from newsdesk.model import EntityGroup, EntityType

from .helpers import Desk, user
from .test_matching import BUDGET, QUAKE, QUAKE_2

SPORT = ("Valley Weekly", "Harbour FC win the cup", "Harbour FC won the cup final on Sunday in front of a full stadium.")


@pytest.fixture
def desk(storage):
    d = Desk(storage)
    quake, q = d.story("quake", [QUAKE, QUAKE_2])
    budget, b = d.story("budget", [BUDGET], folder="Politics")
    sport, s = d.story("sport", [SPORT], folder="Sport")
    return {"stories": [quake, budget, sport], "articles": q + b + s, "quake": quake, "budget": budget,
            "sport": sport, "q": q, "b": b, "s": s, "desk": d}


def parliament(storage, desk) -> int:
    """The entity "Parliament", named by the budget story's report (as the page writer stores it)."""
    group = EntityGroup(name="Parliament", type=EntityType("organisation"), key="parliament",
                        aliases={"parliament": "Parliament"}, mentions={desk["b"][0]: 2})
    return storage.save_story_entities(desk["budget"], [group], times={}, outlets={desk["b"][0]: "The Commerce Ledger"}
                                       )["parliament"]


def test_block_a_query(storage, desk):
    ann, bob = user(storage, "ann"), user(storage, "bob")
    add_rule(storage, ann, "block", "query", "cup final")
    assert visible_stories(storage, ann, desk["stories"]) == [desk["quake"], desk["budget"]]
    assert visible_articles(storage, ann, desk["articles"]) == desk["q"] + desk["b"]
    assert visible_stories(storage, bob, desk["stories"]) == desk["stories"]        # not bob's rule
    assert visible_stories(storage, None, desk["stories"]) == desk["stories"]       # a stranger


def test_a_query_one_report_matches_hides_that_report_not_the_story(storage, desk):
    ann = user(storage, "ann")
    add_rule(storage, ann, "block", "query", "dozens")      # in the Herald's second sentence only
    assert visible_stories(storage, ann, desk["stories"]) == desk["stories"]
    assert visible_articles(storage, ann, desk["q"]) == [desk["q"][1]]
    add_rule(storage, ann, "block", "query", "magnitude")   # in the story's summary
    assert visible_stories(storage, ann, desk["stories"]) == [desk["budget"], desk["sport"]]


def test_block_a_source_hides_its_articles_and_only_stories_no_one_else_reports(storage, desk):
    ann = user(storage, "ann")
    beacon = desk["desk"].sources["The Daily Beacon"]
    ledger = desk["desk"].sources["The Commerce Ledger"]
    add_rule(storage, ann, "block", "source", str(beacon))
    add_rule(storage, ann, "block", "source", "The Commerce Ledger")
    assert visible_stories(storage, ann, desk["stories"]) == [desk["quake"], desk["sport"]]   # the Herald reports it
    assert visible_articles(storage, ann, desk["articles"]) == [desk["q"][0]] + desk["s"]
    assert {r.value for r in storage.rules(ann.id)} == {str(beacon), str(ledger)}


def test_hidden_sources_and_folders_are_the_same_rule(storage, desk):
    ann = user(storage, "ann")
    storage.set_hidden(ann.id, "folder", "Sport", True)
    storage.set_hidden(ann.id, "source", str(desk["desk"].sources["The Harbour Herald"]), True)
    assert visible_stories(storage, ann, desk["stories"]) == [desk["quake"], desk["budget"]]
    assert visible_articles(storage, ann, desk["articles"]) == [desk["q"][1]] + desk["b"]
    assert own_view(storage, ann).hidden_sources == {desk["desk"].sources["Valley Weekly"],
                                                     desk["desk"].sources["The Harbour Herald"]}


def test_block_an_entity(storage, desk):
    ann = user(storage, "ann")
    entity = parliament(storage, desk)
    add_rule(storage, ann, "block", "entity", str(entity))
    assert visible_stories(storage, ann, desk["stories"]) == [desk["quake"], desk["sport"]]
    assert visible_articles(storage, ann, desk["articles"]) == desk["q"] + desk["s"]


def test_keep_rules_win_over_blocks_and_hidden_folders(storage, desk):
    ann = user(storage, "ann")
    add_rule(storage, ann, "block", "query", "earthquake")
    keep = add_rule(storage, ann, "keep", "source", "The Daily Beacon")
    assert visible_stories(storage, ann, desk["stories"]) == desk["stories"]       # the Beacon reports the quake
    assert visible_articles(storage, ann, desk["articles"]) == [desk["q"][1]] + desk["b"] + desk["s"]
    delete_rule(storage, ann, keep.id)
    assert visible_stories(storage, ann, desk["stories"]) == [desk["budget"], desk["sport"]]
    with pytest.raises(BadWatchlist, match="no rule"):
        delete_rule(storage, ann, keep.id)

    storage.set_hidden(ann.id, "folder", "Politics", True)
    assert visible_stories(storage, ann, desk["stories"]) == [desk["sport"]]
    add_rule(storage, ann, "keep", "entity", str(parliament(storage, desk)))
    add_rule(storage, ann, "keep", "query", "cup")
    storage.set_hidden(ann.id, "folder", "Sport", True)
    assert visible_stories(storage, ann, desk["stories"]) == [desk["budget"], desk["sport"]]
    assert visible_articles(storage, ann, desk["articles"]) == desk["b"] + desk["s"]


def test_keep_rules_alone_hide_nothing(storage, desk):
    ann = user(storage, "ann")
    add_rule(storage, ann, "keep", "query", "earthquake")
    assert visible_stories(storage, ann, desk["stories"]) == desk["stories"]
    assert visible_articles(storage, ann, desk["articles"]) == desk["articles"]


def test_rules_refuse_clearly(storage, desk):
    ann = user(storage, "ann")
    for action, kind, value, why in (("hide", "query", "x", "blocks or keeps"), ("block", "query", '""', "type one"),
                                     ("block", "source", "Nope", "no source"),
                                     ("block", "entity", "Parliament", "no entity .Parliament. on this desk")):
        with pytest.raises(Exception, match=why):
            add_rule(storage, ann, action, kind, value)
    assert storage.rules(ann.id) == []
