from datetime import datetime, timedelta, timezone

from newsdesk.model import NewArticle


def _article(storage, url, hours=0):
    t = datetime(2026, 11, 10, tzinfo=timezone.utc) + timedelta(hours=hours)
    return storage.insert_article(NewArticle(url=url, text="t", text_hash=url, published_at=t))


def test_story_membership_merge_and_resolution(storage):
    a, b, c = (_article(storage, f"https://x.example/{i}", i) for i in range(3))
    s1, s2 = storage.create_story("quake-hits-valley"), storage.create_story("valley-quake")
    assert storage.get_story(s1).slug == f"quake-hits-valley-{s1}"
    storage.assign_story(a, s1, 0.9)
    storage.assign_story(b, s2, 0.8)
    storage.assign_story(c, s2, 0.7)
    assert [x.id for x in storage.story_articles(s2)] == [b, c]
    storage.merge_stories(s2, s1)
    assert [x.id for x in storage.story_articles(s1)] == [a, b, c]
    assert storage.get_story(s2).id == s1                      # the old id resolves
    assert storage.get_story(f"valley-quake-{s2}").id == s1   # and so does the old slug
    assert storage.story_of(c) == s1
    storage.assign_story(c, s2 := storage.create_story("other"), 0.5)   # moving an article
    assert storage.story_of(c) == s2


def test_top_stories_rank_sources_then_recency(storage):
    now = datetime(2026, 11, 12, 12, tzinfo=timezone.utc)
    ids = [storage.create_story(f"s{i}") for i in range(3)]
    for story_id, independent, hours_ago in zip(ids, [5, 2, 5], [1, 1, 48]):
        storage.save_story_page(story_id, headline=f"h{story_id}", page_json="{}", first_published=now,
                                last_updated=now - timedelta(hours=hours_ago), article_count=independent,
                                independent_count=independent, reprint_count=0)
    assert [s.id for s in storage.top_stories()] == [ids[0], ids[1], ids[2]]
    assert [s.id for s in storage.top_stories(limit=1, offset=1)] == [ids[1]]


def test_vectors_round_trip(storage):
    a = _article(storage, "https://x.example/v")
    storage.save_vectors("minilm", {a: b"\x01\x02"})
    storage.save_vectors("minilm", {a: b"\x03"})
    assert storage.vectors([a], "minilm") == {a: b"\x03"}
    assert storage.vectors([a], "other") == {}
