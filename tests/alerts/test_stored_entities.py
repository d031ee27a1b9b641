"""Following the desk's own entities, on SQLite and PostgreSQL: a name as the desk writes it (accents, case,
titles, possessives, a surname alone when one entity has it) finds its entity; a name of several entities, or
of none, is refused saying which; a story naming a longer form ("Hikvision Canada Inc.") alerts those who follow
the shorter ("Hikvision"), not the other way round; a story whose names are not read yet is matched once they are."""

import pytest

from newsdesk.alerts import AmbiguousEntity, BadWatchlist, Matcher, StoredEntities, follow
from newsdesk.entities import match_key
from newsdesk.model import EntityGroup, EntityType

from .helpers import Desk, user

JOLY = ("The Harbour Herald", "Joly orders review of port contracts",
        "Foreign Minister Mélanie Joly ordered a review of port contracts in Ottawa. Joly said it would take a month.")
DOCKS = ("The Daily Beacon", "Dockers end strike at Port Callan",
         "Dockers at Port Callan ended their strike after union leader Dana Whitlock accepted a new pay offer.")
FERRY = ("The Commerce Ledger", "Ferry line names new chief",
         "The Callan ferry line named Ray Whitlock its new chief executive on Monday after a long search.")
CAMERAS = ("Northern Ledger", "Hikvision unit told to close",
           "Hikvision Canada Inc. was told to close its offices. Hikvision said it would appeal the order.")
UNIT = ("Capital Wire", "Subsidiary files appeal",
        "Hikvision Canada Inc. filed its appeal in federal court on Thursday, its lawyers said.")
PARENT = ("Capital Wire", "Camera maker reports lower sales",
          "Hikvision reported lower sales abroad for the third quarter in a row, the company said.")


def group(name, kind, *also, part_of=None, articles=()):
    kind = EntityType(kind)
    return EntityGroup(name=name, type=kind, key=match_key(name, kind),
                       aliases={match_key(a, kind): a for a in (name, *also)},
                       mentions={a: 1 for a in articles}, part_of=part_of)


def name(storage, story_id, *groups):
    """Store the story's entities as the page writer does: `groups` name its first article."""
    articles = storage.story_articles(story_id)
    for g in groups:
        g.mentions = g.mentions or {articles[0].id: 1}
    return storage.save_story_entities(story_id, list(groups), times={a.id: a.time for a in articles},
                                       outlets={a.id: a.outlet for a in articles})


@pytest.fixture
def desk(storage):
    d = Desk(storage)
    joly, _ = d.story("joly", [JOLY])
    docks, _ = d.story("docks", [DOCKS])
    ferry, _ = d.story("ferry", [FERRY])
    ids = name(storage, joly, group("Mélanie Joly", "person", "Joly"), group("Ottawa", "place"))
    ids |= name(storage, docks, group("Dana Whitlock", "person"), group("Port Callan", "place"))
    ids |= name(storage, ferry, group("Ray Whitlock", "person"))
    return d, ids


def test_a_name_as_the_desk_writes_it_finds_its_entity(storage, desk):
    _, ids = desk
    lookup = StoredEntities(storage)
    joly = (ids["melanie joly"], "Mélanie Joly")
    for typed in ("Mélanie Joly", "Melanie Joly", "MÉLANIE JOLY", "Minister Mélanie Joly", "Joly's", "joly",
                  str(ids["melanie joly"]), storage.get_entity(ids["melanie joly"]).slug):
        assert lookup.find_entity(typed) == joly, typed
    assert lookup.find_entity("Dana") == (ids["dana whitlock"], "Dana Whitlock")    # a whole word of one name
    assert lookup.find_entity("Nobody Atall") is None
    assert lookup.find_entity("99999") is None


def test_a_name_of_several_entities_is_refused_with_the_candidates(storage, desk):
    _, ids = desk
    ann = user(storage, "ann")
    with pytest.raises(AmbiguousEntity) as refused:
        follow(storage, ann, "entity", "Whitlock")
    message = str(refused.value)
    assert f"Dana Whitlock (person, id {ids['dana whitlock']}, 1 story)" in message
    assert f"Ray Whitlock (person, id {ids['ray whitlock']}, 1 story)" in message
    assert "give its id or its full name" in message
    with pytest.raises(BadWatchlist, match="no entity 'Nobody Atall' on this desk"):
        follow(storage, ann, "entity", "Nobody Atall")
    assert storage.watchlists(ann.id) == []
    watch = follow(storage, ann, "entity", "Ray Whitlock")
    assert (watch.entity_id, watch.label) == (ids["ray whitlock"], "Ray Whitlock")


def test_following_an_entity_alerts_on_its_longer_forms_not_the_reverse(storage, desk):
    d, _ = desk
    cameras, _ = d.story("cameras", [CAMERAS])
    ids = name(storage, cameras, group("Hikvision", "organisation"),
               group("Hikvision Canada Inc.", "organisation", part_of="hikvision"))
    assert storage.get_entity(ids["hikvision canada"]).parent_id == ids["hikvision"]
    ann, bob = user(storage, "ann"), user(storage, "bob")
    follow(storage, ann, "entity", "Hikvision")
    follow(storage, bob, "entity", "Hikvision Canada Inc.")
    unit, unit_ids = d.story("unit", [UNIT])
    name(storage, unit, group("Hikvision Canada Inc.", "organisation"))
    parent, parent_ids = d.story("parent", [PARENT])
    name(storage, parent, group("Hikvision", "organisation"))
    Matcher(storage).match(unit_ids + parent_ids)
    assert sorted(a.story_id for a in storage.notifications(ann.id)) == [unit, parent]
    assert [a.story_id for a in storage.notifications(bob.id)] == [unit]


def test_a_story_waiting_for_its_names_is_matched_once_they_are_stored(storage, desk):
    d, _ = desk
    ann = user(storage, "ann")
    follow(storage, ann, "entity", "Mélanie Joly")
    later, later_ids = d.story("later", [("The Daily Beacon", "Joly visits Port Callan",
                                          "Mélanie Joly visited Port Callan on Friday to meet the dockers.")])
    matcher = Matcher(storage)
    matcher.match(later_ids, unnamed={later})
    assert storage.notifications(ann.id) == []
    assert matcher.holding
    assert int(storage.get_setting("alerts_matched_through") or 0) < later_ids[0]     # a restart matches it again
    name(storage, later, group("Mélanie Joly", "person"), group("Port Callan", "place"))
    matcher.match([])
    assert [(a.story_id, a.event) for a in storage.notifications(ann.id)] == [(later, "new")]
    assert not matcher.holding
