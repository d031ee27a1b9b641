"""Entities in storage, on SQLite and PostgreSQL: the names found per article, what a story names, entity
pages' queries, and search by entity."""

import json
from datetime import datetime, timedelta, timezone

from newsdesk.entities import resolve_story
from newsdesk.model import EntityType, Mention, NewArticle

P, O, L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE
T0 = datetime(2026, 11, 10, 8, tzinfo=timezone.utc)


def _story(storage, slug, texts, hours=0):
    """A written story of articles (outlet, title, text), each `hours` apart from the first."""
    story_id = storage.create_story(slug)
    articles = []
    for i, (outlet, title, text) in enumerate(texts):
        article_id = storage.insert_article(NewArticle(
            url=f"https://{outlet}.example/{slug}/{i}", text=text, text_hash=f"{slug}{i}", title=title, outlet=outlet,
            published_at=T0 + timedelta(hours=hours + i)))
        storage.assign_story(article_id, story_id, None)
        articles.append(article_id)
    storage.save_story_page(story_id, headline=texts[0][1], page_json=json.dumps({"headline": texts[0][1],
                                                                                  "summary": []}),
                            first_published=T0 + timedelta(hours=hours),
                            last_updated=T0 + timedelta(hours=hours + len(texts) - 1), article_count=len(texts),
                            independent_count=len({o for o, _, _ in texts}), reprint_count=0)
    return story_id, articles


def _name(storage, story_id, articles, outlets, mentions):
    groups = resolve_story(zip(articles, mentions))
    times = {a: T0 for a in articles}
    return storage.save_story_entities(story_id, groups, times=times, outlets=dict(zip(articles, outlets)))


def test_names_found_per_article_and_read_again(storage):
    story_id, (a, b) = _story(storage, "joly", [("ledger", "Joly acts", "…"), ("wire", "Joly again", "…")])
    assert storage.entity_scans([a, b]) == {}
    storage.save_mentions({a: ("joly0", [Mention("Mélanie Joly", P, 2), Mention("Ottawa", L, 1)]),
                           b: ("joly1", [])}, "test-model")
    assert storage.entity_scans([a, b]) == {a: "joly0", b: "joly1"}
    assert sorted(storage.article_mentions([a, b])[a]) == [Mention("Mélanie Joly", P, 2), Mention("Ottawa", L, 1)]
    storage.save_mentions({a: ("joly0-v2", [Mention("Joly", P, 1)])}, "test-model")     # a new text replaces
    assert storage.article_mentions([a]) == {a: [Mention("Joly", P, 1)]}
    assert storage.entity_scans([a])[a] == "joly0-v2"


def test_a_story_names_one_entity_per_thing_counted_by_independent_sources(storage):
    story_id, arts = _story(storage, "hik", [("ledger", "t", "x"), ("wire", "t", "x"), ("ledger", "t", "x")])
    keys = _name(storage, story_id, arts, ["Ledger", "Wire", "Ledger"], [
        [Mention("Minister Mélanie Joly", P, 1), Mention("Hikvision Canada Inc.", O, 1), Mention("Ottawa", L, 1)],
        [Mention("Melanie Joly", P, 1), Mention("Hikvision", O, 2)],
        [Mention("Joly's", P, 3)]])
    named = storage.story_entities(story_id)
    by_name = {n.entity.name: n for n in named}
    assert set(by_name) == {"Mélanie Joly", "Hikvision Canada Inc.", "Hikvision", "Ottawa"}
    assert by_name["Mélanie Joly"].sources == 2 and by_name["Mélanie Joly"].mentions == 5
    assert named[0].entity.name == "Mélanie Joly"          # most sources first, then mentions
    assert by_name["Hikvision Canada Inc."].entity.parent_id == keys["hikvision"]
    assert by_name["Mélanie Joly"].entity.type == P and by_name["Ottawa"].entity.type == L
    joly = storage.get_entity(by_name["Mélanie Joly"].entity.id)
    assert joly.slug == "melanie-joly" and storage.get_entity("melanie-joly").id == joly.id
    assert joly.first_seen == T0 and joly.story_count == 1
    assert set(storage.entity_aliases(joly.id)) == {"Mélanie Joly", "Joly"}
    assert [f.name for f in storage.entity_forms(keys["hikvision"])] == ["Hikvision Canada Inc."]


def test_a_later_story_links_to_the_entity_an_earlier_one_made(storage):
    first, arts = _story(storage, "one", [("ledger", "t", "x")])
    ids = _name(storage, first, arts, ["Ledger"], [[Mention("Mélanie Joly", P, 1), Mention("Joly", P, 1)]])
    second, arts2 = _story(storage, "two", [("wire", "t", "x")], hours=30)
    later = _name(storage, second, arts2, ["Wire"], [[Mention("Joly", P, 2), Mention("MELANIE JOLY", P, 1)]])
    assert later == {"melanie joly": ids["melanie joly"]}
    third, arts3 = _story(storage, "three", [("wire", "t", "x")], hours=60)
    alone = _name(storage, third, arts3, ["Wire"], [[Mention("Joly", P, 1)]])     # a surname alone, known
    assert alone == {"joly": ids["melanie joly"]}
    joly = storage.get_entity(ids["melanie joly"])
    assert joly.story_count == 3
    assert [s.story_id for s in storage.entity_stories(joly.id)] == [third, second, first]   # newest first
    assert joly.name == "Mélanie Joly"


def test_the_same_name_under_another_type_is_the_same_entity(storage):
    first, arts = _story(storage, "a", [("ledger", "t", "x")])
    ids = _name(storage, first, arts, ["Ledger"], [[Mention("Aldermark", L, 2)]])
    second, arts2 = _story(storage, "b", [("wire", "t", "x")], hours=5)
    assert _name(storage, second, arts2, ["Wire"], [[Mention("Aldermark", O, 1)]]) == ids


def test_an_entity_takes_the_type_most_of_its_stories_give_it(storage):
    first, arts = _story(storage, "a", [("ledger", "t", "x")])
    ids = _name(storage, first, arts, ["Ledger"], [[Mention("Aldermark", O, 2)]])
    second, arts2 = _story(storage, "b", [("wire", "t", "x")], hours=5)
    _name(storage, second, arts2, ["Wire"], [[Mention("Aldermark", L, 1)]])
    assert storage.get_entity(ids["aldermark"]).type == O          # one story each way: the first type stays
    third, arts3 = _story(storage, "c", [("wire", "t", "x")], hours=9)
    _name(storage, third, arts3, ["Wire"], [[Mention("Aldermark", L, 1)]])
    assert storage.get_entity(ids["aldermark"]).type == L


def test_an_entity_retyped_is_still_found_by_the_type_it_had(storage):
    first, arts = _story(storage, "a", [("ledger", "t", "x")])
    ids = _name(storage, first, arts, ["Ledger"], [[Mention("Aldermark", O, 2)]])
    for n, hours in ((2, 5), (3, 9)):
        story, more = _story(storage, f"p{n}", [("wire", "t", "x")], hours=hours)
        _name(storage, story, more, ["Wire"], [[Mention("Aldermark", L, 1)]])
    fourth, arts4 = _story(storage, "d", [("wire", "t", "x")], hours=12)
    assert _name(storage, fourth, arts4, ["Wire"], [[Mention("Aldermark", O, 1)]]) == ids


def test_writing_a_story_again_replaces_what_it_named(storage):
    story_id, arts = _story(storage, "re", [("ledger", "t", "x"), ("wire", "t", "x")])
    _name(storage, story_id, arts, ["Ledger", "Wire"], [[Mention("Ottawa", L, 1)], [Mention("Ottawa", L, 1)]])
    _name(storage, story_id, arts, ["Ledger", "Wire"], [[Mention("Canada", L, 1)], []])
    assert [(n.entity.name, n.sources) for n in storage.story_entities(story_id)] == [("Canada", 1)]
    ottawa = storage.find_entities("ottawa")[0]
    assert ottawa.story_count == 0 and storage.entity_stories(ottawa.id) == []


def test_entities_named_together_and_found_by_name(storage):
    for n in range(3):
        story_id, arts = _story(storage, f"s{n}", [("ledger", "t", "x")], hours=n)
        mentions = [Mention("Mélanie Joly", P, 1), Mention("Ottawa", L, 1)] + ([Mention("Hikvision", O, 1)] if n else [])
        _name(storage, story_id, arts, ["Ledger"], [mentions])
    joly = storage.find_entities("melanie joly")[0]
    together = storage.co_entities(joly.id)
    assert [(c.entity.name, c.stories) for c in together] == [("Ottawa", 3), ("Hikvision", 2)]
    assert [e.name for e in storage.find_entities("jol")] == ["Mélanie Joly"]      # a word's start
    assert [e.name for e in storage.find_entities("joly")] == ["Mélanie Joly"]
    assert storage.find_entities("100%_") == [] and storage.find_entities("  ") == []
    assert storage.get_entity("no-such-entity") is None and storage.get_entity(10 ** 30) is None


def test_search_keeps_the_articles_and_stories_naming_an_entity(storage):
    one, arts1 = _story(storage, "one", [("ledger", "Harbour reopens", "The harbour reopened after the storm.")])
    two, arts2 = _story(storage, "two", [("wire", "Harbour fees", "The harbour raised its fees again.")], hours=3)
    ids = _name(storage, one, arts1, ["Ledger"], [[Mention("Port Callan", L, 1)]])
    _name(storage, two, arts2, ["Wire"], [[Mention("Ottawa", L, 1)]])
    everything = storage.search("harbour")
    assert {g.story_id for g in everything.groups} == {one, two}
    only = storage.search("harbour", entity_id=ids["port callan"])
    assert [g.story_id for g in only.groups] == [one]
