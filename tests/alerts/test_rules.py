"""Block and keep rules, the one function views call: a blocked query hides the stories and articles it matches;
a blocked source hides an article of it, and a story only when every report comes from blocked sources; keep
rules hide everything that matches none of them; other users and strangers see everything."""

import pytest

from newsdesk.alerts import BadWatchlist, EntityMap, add_rule, delete_rule, visible_articles, visible_stories

from .helpers import Desk, user
from .test_matching import BUDGET, QUAKE, QUAKE_2

SPORT = ("Valley Weekly", "Harbour FC win the cup", "Harbour FC won the cup final on Sunday in front of a full stadium.")


@pytest.fixture
def desk(storage):
    d = Desk(storage)
    quake, q = d.story("quake", [QUAKE, QUAKE_2])
    budget, b = d.story("budget", [BUDGET])
    sport, s = d.story("sport", [SPORT])
    return {"stories": [quake, budget, sport], "articles": q + b + s, "quake": quake, "budget": budget,
            "sport": sport, "q": q, "b": b, "s": s, "desk": d}


def test_block_a_query(storage, desk):
    ann, bob = user(storage, "ann"), user(storage, "bob")
    add_rule(storage, ann, "block", "query", "cup final")
    assert visible_stories(storage, ann, desk["stories"]) == [desk["quake"], desk["budget"]]
    assert visible_articles(storage, ann, desk["articles"]) == desk["q"] + desk["b"]
    assert visible_stories(storage, bob, desk["stories"]) == desk["stories"]        # not bob's rule
    assert visible_stories(storage, None, desk["stories"]) == desk["stories"]       # a stranger


def test_block_a_source_hides_its_articles_and_only_stories_no_one_else_reports(storage, desk):
    ann = user(storage, "ann")
    beacon = desk["desk"].sources["The Daily Beacon"]
    ledger = desk["desk"].sources["The Commerce Ledger"]
    add_rule(storage, ann, "block", "source", str(beacon))
    add_rule(storage, ann, "block", "source", "The Commerce Ledger")
    assert visible_stories(storage, ann, desk["stories"]) == [desk["quake"], desk["sport"]]   # the Herald reports it
    assert visible_articles(storage, ann, desk["articles"]) == [desk["q"][0]] + desk["s"]
    assert {r.value for r in storage.rules(ann.id)} == {str(beacon), str(ledger)}


def test_keep_rules_hide_everything_else(storage, desk):
    ann = user(storage, "ann")
    rule = add_rule(storage, ann, "keep", "query", "earthquake")
    add_rule(storage, ann, "keep", "entity", "Parliament", entities=EntityMap(names={3: "Parliament"}))
    entities = EntityMap(stories={desk["budget"]: {3}}, articles={desk["b"][0]: {3}}, names={3: "Parliament"})
    assert visible_stories(storage, ann, desk["stories"], entities) == [desk["quake"], desk["budget"]]
    assert visible_articles(storage, ann, desk["articles"], entities) == desk["q"] + desk["b"]
    delete_rule(storage, ann, rule.id)
    assert visible_stories(storage, ann, desk["stories"], entities) == [desk["budget"]]
    with pytest.raises(BadWatchlist, match="no rule"):
        delete_rule(storage, ann, rule.id)


def test_rules_refuse_clearly(storage, desk):
    ann = user(storage, "ann")
    for action, kind, value, why in (("hide", "query", "x", "blocks or keeps"), ("block", "query", '""', "type one"),
                                     ("block", "source", "Nope", "no source"),
                                     ("block", "entity", "Parliament", "no entity .Parliament. on this desk")):
        with pytest.raises(Exception, match=why):
            add_rule(storage, ann, action, kind, value)
    assert storage.rules(ann.id) == []
