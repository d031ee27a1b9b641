import json
from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.model import NewArticle
from newsdesk.storage import SearchError, open_storage
from newsdesk.storage import migrations

T0 = datetime(2026, 11, 10, 8, tzinfo=timezone.utc)
_FILLER = ["The ferry timetable for the island route changes next month.",
           "Bakers in the old quarter raised the price of rye bread again.",
           "A choir from the valley won the regional singing contest.",
           "Road works on the ring road will close two lanes overnight.",
           "The library opens a reading room for students in the spring.",
           "Farmers reported a late frost that damaged early apple blossom.",
           "The museum bought a collection of maps drawn by sailors.",
           "A new cycle path links the station with the university campus."]


def _add(storage, key, text, title=None, hours=0, source_id=None, outlet="The Valley Courier"):
    return storage.insert_article(NewArticle(
        url=f"https://news.example/{key}", text=text, text_hash=f"hash-{key}", title=title or f"Report {key}",
        outlet=outlet, source_id=source_id, published_at=T0 + timedelta(hours=hours)))


def _filler(storage, n=16):
    """Unrelated articles, so that a word found in a few documents is rare (as in a real desk)."""
    for i in range(n):
        _add(storage, f"filler-{i}", " ".join(_FILLER[(i + k) % len(_FILLER)] for k in range(4)),
             title=f"Local notes {i}", hours=-100 - i)


def _page(storage, story_id, headline, summary):
    storage.save_story_page(story_id, headline=headline, first_published=T0, last_updated=T0, article_count=1,
                            independent_count=1, reprint_count=0,
                            page_json=json.dumps({"headline": headline, "summary": [
                                {"text": summary, "article_id": 1, "outlet": "The Valley Courier", "also": []}]}))


def _marked(found):
    """The matched words of a hit's or group's snippet."""
    return [found.snippet[start:end].lower() for start, end in found.highlights]


def _ids(results):
    return [h.article_id for g in results.groups for h in g.hits]


def test_title_match_ranks_above_body_match(storage):
    _filler(storage)
    body = _add(storage, "body", "Divers inspected the hull near the glacier for most of the afternoon. "
                "The weather stayed calm and the crew returned before dusk.", title="Crew returns before dusk")
    title = _add(storage, "title", "The crew took samples of ice and returned before dusk. "
                 "Scientists will publish their findings next year.", title="Glacier retreat measured by crew")
    results = storage.search("glacier")
    assert results.total == 2
    assert _ids(results) == [title, body]
    assert results.groups[0].rank > results.groups[1].rank
    assert all(g.story_id is None and g.hit_count == 1 for g in results.groups)


def test_snippets_mark_the_matching_words(storage):
    _filler(storage)
    _add(storage, "s", "Early on Tuesday the lighthouse keeper saw smoke above the harbour. "
         "Firefighters reached the warehouse within minutes and nobody was hurt.", title="Fire at the docks")
    hit = storage.search("warehouse").groups[0].hits[0]
    assert "warehouse" in _marked(hit)
    assert "warehouse" in hit.snippet.lower()
    assert "<" not in hit.snippet
    assert "\x02" not in hit.snippet
    assert hit.title == "Fire at the docks"
    assert hit.outlet == "The Valley Courier"
    assert hit.published_at == T0
    phrase = storage.search('"lighthouse keeper"').groups[0].hits[0]
    assert "lighthouse" in phrase.snippet.lower()
    assert any("lighthouse" in words for words in _marked(phrase))
    assert all(0 <= start <= end <= len(phrase.snippet) for start, end in phrase.highlights)


def test_phrases_require_the_words_together(storage):
    _filler(storage)
    together = _add(storage, "t", "The night train to the coast was cancelled because of snow.")
    apart = _add(storage, "a", "Snow fell in the night and the coast road closed; the train ran late.")
    assert set(_ids(storage.search("night train"))) == {together, apart}
    assert _ids(storage.search('"night train"')) == [together]


def test_a_starred_word_matches_as_prefix(storage):
    _filler(storage)
    found = _add(storage, "p", "The shipwright repaired the schooner in the dry dock.")
    assert _ids(storage.search("shipwr*")) == [found]
    assert _ids(storage.search("dry shipwr*")) == [found]
    assert _ids(storage.search("shipwr")) == []          # a word without the star matches the word only
    assert _ids(storage.search('"shipwr*"')) == []       # inside quotes the star is not read
    assert _ids(storage.search("sh*")) == []             # too short to be a prefix: the word "sh"


def test_date_range_and_source_filters(storage):
    _filler(storage)
    a = storage.add_source("https://a.example/feed", title="A")
    b = storage.add_source("https://b.example/feed", title="B")
    early = _add(storage, "e", "The orchard harvest began with pears.", hours=0, source_id=a.id)
    late = _add(storage, "l", "The orchard harvest ended with quinces.", hours=48, source_id=b.id)
    assert set(_ids(storage.search("orchard"))) == {early, late}
    assert _ids(storage.search("orchard", since=T0 + timedelta(hours=24))) == [late]
    assert _ids(storage.search("orchard", until=T0 + timedelta(hours=24))) == [early]
    assert _ids(storage.search("orchard", since=T0 + timedelta(hours=72))) == []
    assert _ids(storage.search("orchard", source_id=a.id)) == [early]
    assert _ids(storage.search("orchard", source_id=b.id, until=T0)) == []


def test_results_group_by_story_and_paginate_by_group(storage):
    _filler(storage)
    stories = []
    for i in range(5):
        story = storage.create_story(f"canal-{i}")
        for j in range(2):
            storage.assign_story(_add(storage, f"c{i}-{j}", f"The canal lock number {i} was repaired by crew {j}.",
                                      hours=i), story, 0.9)
        _page(storage, story, f"Lock {i} repaired", f"Crews repaired lock number {i}.")
        stories.append(story)
    lone = _add(storage, "lone", "A canal barge carried timber downstream.")
    everything = storage.search("canal", limit=50)
    assert everything.total == 6
    assert {g.story_id for g in everything.groups} == {*stories, None}
    for group in everything.groups:
        assert [h.story_id for h in group.hits] == [group.story_id] * len(group.hits)
        if group.story_id is None:
            assert _ids(type(everything)("", 0, [group])) == [lone]
            assert group.headline is None
        else:
            assert group.hit_count == 2
            assert len(group.hits) == 2
            assert group.headline.startswith("Lock ")
    ranks = [g.rank for g in everything.groups]
    assert ranks == sorted(ranks, reverse=True)
    pages = [storage.search("canal", limit=2, offset=o) for o in (0, 2, 4, 6)]
    assert [len(p.groups) for p in pages] == [2, 2, 2, 0]
    assert all(p.total == 6 for p in pages)
    assert [g.story_id for p in pages for g in p.groups] == [g.story_id for g in everything.groups]


def test_stories_match_by_headline_and_summary(storage):
    _filler(storage)
    story = storage.create_story("bridge")
    storage.assign_story(_add(storage, "b1", "Engineers closed the span after finding cracks."), story, 1.0)
    _page(storage, story, "Viaduct closed for repairs", "Engineers closed the viaduct after inspectors found cracks.")
    by_headline = storage.search("viaduct")
    assert by_headline.total == 1
    group = by_headline.groups[0]
    assert (group.story_id, group.headline, group.hits, group.hit_count) == (story, "Viaduct closed for repairs", [], 0)
    assert "viaduct" in _marked(group)
    assert storage.search("inspectors").groups[0].story_id == story
    _page(storage, story, "Span closed for repairs", "Engineers closed the span.")
    assert storage.search("viaduct").total == 0          # the page was written again: the old words are gone


def test_updates_deletes_and_regrouping_are_reflected(storage):
    _filler(storage)
    source = storage.add_source("https://c.example/feed", title="C")
    article = _add(storage, "u", "The mayor opened the aquarium on Saturday.", source_id=source.id)
    assert _ids(storage.search("aquarium")) == [article]
    storage.add_revision(article, NewArticle(url="https://news.example/u", text="The mayor opened the planetarium.",
                                             text_hash="hash-u2", title="Planetarium opens"))
    assert _ids(storage.search("aquarium")) == []
    assert _ids(storage.search("planetarium")) == [article]
    storage.replace_extraction(article, NewArticle(url="https://news.example/u", text="The observatory reopened.",
                                                   text_hash="hash-u3"))
    assert _ids(storage.search("observatory")) == [article]
    assert storage.search("planetarium").groups[0].hits[0].highlights == []   # only the title matches
    first, second = storage.create_story("one"), storage.create_story("two")
    storage.assign_story(article, first, 1.0)
    assert storage.search("observatory").groups[0].story_id == first
    storage.assign_story(article, second, 1.0)
    assert [g.story_id for g in storage.search("observatory").groups] == [second]
    storage.merge_stories(second, first)
    results = storage.search("observatory")
    assert [g.story_id for g in results.groups] == [first]
    assert results.groups[0].hits[0].story_id == first
    storage.remove_source(source.id, purge=True)
    assert storage.search("observatory").total == 0


def test_merged_story_no_longer_matches_by_its_own_headline(storage):
    _filler(storage)
    old, new = storage.create_story("old"), storage.create_story("new")
    storage.assign_story(_add(storage, "m1", "Text about the regatta."), old, 1.0)
    storage.assign_story(_add(storage, "m2", "More about the regatta."), new, 1.0)
    _page(storage, old, "Sailing regatta postponed", "The windjammer race moved.")
    _page(storage, new, "Regatta moved to May", "Organisers moved the regatta.")
    assert {g.story_id for g in storage.search("windjammer").groups} == {old}
    storage.merge_stories(old, new)
    assert storage.search("windjammer").total == 0
    assert [g.story_id for g in storage.search("regatta").groups] == [new]


@pytest.mark.parametrize("query", ["", "   ", '""', "!!! ??? ...", "-", "*", "()", "_"])
def test_empty_queries_are_search_errors(storage, query):
    with pytest.raises(SearchError):
        storage.search(query)


HOSTILE = ['"', '"unclosed phrase', 'fire"', "fire AND", "OR fire", "NOT", "fire NOT water", "NEAR(fire water, 2)",
           "fire*", "*fire", "-fire", "fire -", "(fire", "fire)", "title:fire", "{title text}: fire", "fire^2",
           "'; DROP TABLE articles; --", "fire' OR '1'='1", "\\", "fire\x00water", "\x02fire\x03", "f\u0301ire",
           "Brückenbau Ærø ıstanbul", "北京 火災", "🔥 fire 🔥", "a" * 5000, "fire " * 31, "%s %(x)s ?",
           "fire:* & !water | <->", "@@ to_tsquery", '"" "" fire', "ファイア", "\u202efire"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_break_search(storage, query):
    _add(storage, "h", "A fire at the water works was put out by fire crews.", title="Fire at the water works")
    try:
        results = storage.search(query, limit=5)
    except SearchError as exc:
        assert str(exc)
        return
    assert results.total >= len(results.groups)
    assert storage.count_articles() == 1


def test_very_long_query_is_a_search_error(storage):
    _add(storage, "h", "A fire at the water works.")
    with pytest.raises(SearchError, match="too long"):
        storage.search("fire water " * 1000)      # 11 kB
    assert _ids(storage.search("fire water")) != []


def test_reindex_rebuilds_from_stored_rows(storage):
    _filler(storage, 4)
    story = storage.create_story("s")
    storage.assign_story(_add(storage, "r", "The cable car resumed service."), story, 1.0)
    _page(storage, story, "Cable car back", "Service resumed on the cable car.")
    assert storage.reindex_search() == 5 + 1
    assert [g.story_id for g in storage.search("cable car").groups] == [story]
    assert storage.search("resumed").groups[0].hit_count == 1


def test_older_database_gains_a_filled_index(db_url, monkeypatch):
    import newsdesk.storage.store as store_module
    monkeypatch.setattr(store_module, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] < 4])
    store = open_storage(db_url)
    assert store.schema_version() == 3
    article = store.db.insert(      # as that schema's desk wrote it (today's insert_article writes today's columns)
        "INSERT INTO articles (url, outlet, title, first_seen_at, text, text_hash) VALUES (?, ?, ?, ?, ?, ?)",
        ("https://news.example/old", "The Valley Courier", "Tannery closes", T0.isoformat(),
         "The tannery by the river closed after ninety years.", "hash-old"))
    story = store.create_story("tannery")
    store.assign_story(article, story, 1.0)
    store.db.execute("UPDATE stories SET headline = ?, page_json = ? WHERE id = ?",
                     ("Riverside tannery shuts", json.dumps({"summary": [{"text": "The leatherworks shut."}]}), story))
    store.close()
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations.MIGRATIONS)
    store = open_storage(db_url)
    try:
        assert store.schema_version() == migrations.MIGRATIONS[-1][0]
        results = store.search("tannery")
        assert [g.story_id for g in results.groups] == [story]
        assert [h.article_id for h in results.groups[0].hits] == [article]
        assert [g.story_id for g in store.search("leatherworks").groups] == [story]
        assert [s.id for s in store.top_stories()] == [story]          # the ranking table is filled too
    finally:
        store.close()


def test_a_query_matching_more_than_the_window_ranks_the_newest(storage, monkeypatch):
    import newsdesk.storage.search as search_module
    monkeypatch.setattr(search_module, "SEARCH_WINDOW", 3)
    _filler(storage)
    ids = [_add(storage, f"w{i}", f"The weir number {i} was cleaned.", hours=i) for i in range(5)]
    results = storage.search("weir")
    assert results.capped
    assert results.total == 3
    assert set(_ids(results)) == set(ids[-3:])
    monkeypatch.setattr(search_module, "SEARCH_WINDOW", 100)
    assert not storage.search("weir").capped
    assert storage.search("weir").total == 5


def test_ranking_table_follows_pages_and_merges(storage):
    stories = [storage.create_story(f"rank-{i}") for i in range(3)]
    for story, independent, hours in zip(stories, (3, 6, 1), (0, -30, -1)):
        storage.save_story_page(story, headline=f"Story {story}", page_json="{}", first_published=T0,
                                last_updated=T0 + timedelta(hours=hours), article_count=independent,
                                independent_count=independent, reprint_count=0, centroid=bytes(8))
    a, b, c = stories        # weights 3, 6 * 2 ** -2.5 = 1.06 and 2 ** (-1 / 12) = 0.94
    assert [s.id for s in storage.top_stories()] == [a, b, c]
    assert storage.rank_stories(limit=1, offset=1) == ([b], 3)
    assert storage.rank_stories(since=T0 - timedelta(hours=2)) == ([a, c], 2)
    storage.save_story_page(c, headline="Story c", page_json="{}", first_published=T0, last_updated=T0,
                            article_count=9, independent_count=9, reprint_count=0)
    assert storage.rank_stories()[0] == [c, a, b]
    assert {c.story_id for c in storage.story_centroids(around=T0, span=timedelta(days=7))} == {a, b, c}
    storage.merge_stories(c, a)
    assert storage.rank_stories() == ([a, b], 2)
    assert {c.story_id for c in storage.story_centroids(around=T0, span=timedelta(days=7))} == {a, b}
    assert [c.story_id for c in storage.story_centroids(around=T0, span=timedelta(hours=2))] == [a]
    assert storage.story_centroids(around=T0, span=timedelta(days=7))[0] == (a, T0, bytes(8))


def test_sources_can_be_listed_without_counting_articles(storage):
    source = storage.add_source("https://d.example/feed", title="D")
    _add(storage, "d1", "Some text.", source_id=source.id)
    assert [s.article_count for s in storage.list_sources()] == [1]
    assert [(s.id, s.article_count) for s in storage.list_sources(with_counts=False)] == [(source.id, 0)]
