"""The queries of storage/sync.py on SQLite and PostgreSQL: a user's articles as a stream (by sources, read
state, starred, time, order, page; reprints never), which ids are originals, a reader token's use, the Stories
feed's stories."""

from datetime import timedelta

import pytest

from newsdesk.accounts import add_user, hash_token, new_token
from newsdesk.model import NewArticle, TokenKind
from newsdesk.timeutil import utcnow


@pytest.fixture
def desk(storage):
    one = storage.add_source("http://127.0.0.1:9/one.xml", title="One")
    two = storage.add_source("http://127.0.0.1:9/two.xml", title="Two")
    ids = [storage.insert_article(NewArticle(url=f"http://127.0.0.1:9/{n}", text=f"text {n}", text_hash=f"h{n}",
                                             source_id=(one if n < 3 else two).id, outlet=f"Outlet {n % 2}"))
           for n in range(5)]
    storage.mark_copy(ids[4], ids[0], 0.99, "shingles")         # ids[4] reprints ids[0]
    ada = add_user(storage, "ada", "correct horse battery")
    bob = add_user(storage, "bob", "correct horse battery")
    return storage, ids, one, two, ada, bob


def stream(storage, user, sources, **options):
    return [i for i, _ in storage.stream_articles(user.id, user.read_before, [s.id for s in sources], **options)]


def test_a_stream_is_the_originals_of_its_sources_newest_first(desk):
    storage, ids, one, two, ada, _ = desk
    assert stream(storage, ada, [one, two]) == [ids[3], ids[2], ids[1], ids[0]]
    assert stream(storage, ada, [one, two], oldest_first=True) == [ids[0], ids[1], ids[2], ids[3]]
    assert stream(storage, ada, [two]) == [ids[3]]
    assert stream(storage, ada, []) == []
    assert stream(storage, ada, [one, two], offset=1, limit=2) == [ids[2], ids[1]]


def test_a_stream_by_state_is_the_users_own(desk):
    storage, ids, one, two, ada, bob = desk
    storage.mark_articles(ada.id, [ids[1]], read=True)
    storage.mark_articles(ada.id, [ids[2]], starred=True)
    assert stream(storage, ada, [one, two], read=True) == [ids[1]]
    assert stream(storage, ada, [one, two], read=False) == [ids[3], ids[2], ids[0]]
    assert stream(storage, ada, [one, two], starred=True) == [ids[2]]
    assert stream(storage, ada, [one, two], starred=False, read=False) == [ids[3], ids[0]]
    assert stream(storage, bob, [one, two], read=True) == [] and stream(storage, bob, [one, two], starred=True) == []
    storage.mark_all_read(ada.id, utcnow() + timedelta(seconds=1))
    storage.mark_articles(ada.id, [ids[0]], read=False)
    ada = storage.get_user(ada.id)                     # with her new mark
    assert stream(storage, ada, [one, two], read=False) == [ids[0]]


def test_a_stream_by_time(desk):
    storage, ids, one, two, ada, _ = desk
    now = utcnow()
    assert stream(storage, ada, [one, two], since=now + timedelta(seconds=1)) == []
    assert stream(storage, ada, [one, two], until=now + timedelta(seconds=1)) == [ids[3], ids[2], ids[1], ids[0]]
    assert stream(storage, ada, [one, two], until=now - timedelta(days=1)) == []


def test_originals_among_ids(desk):
    storage, ids, one, two, *_ = desk
    assert storage.original_article_ids([ids[0], ids[4], ids[3], 10_000]) == {ids[0]: one.id, ids[3]: two.id}
    assert storage.original_article_ids([]) == {}


def test_a_tokens_use(desk):
    storage, *_, ada, _ = desk
    token = new_token(storage, ada, TokenKind.READER)
    use = storage.token_use(TokenKind.READER, hash_token(token))
    assert use.user.id == ada.id and use.last_used_at is None
    storage.touch_user_token(use.token_id, utcnow())
    assert storage.token_use(TokenKind.READER, hash_token(token)).last_used_at is not None
    assert storage.token_use(TokenKind.API, hash_token(token)) is None
    assert storage.token_use(TokenKind.READER, hash_token(token + "x")) is None


def test_stories_for_the_stories_feed(desk):
    storage, ids, *_ = desk
    first, second = storage.create_story("first"), storage.create_story("second")
    for article_id, story_id in ((ids[0], first), (ids[4], first), (ids[3], first), (ids[1], second)):
        storage.assign_story(article_id, story_id, 0.9)
    for story_id in (first, second):
        storage.save_story_page(story_id, headline="h", page_json="{}", first_published=utcnow(),
                                last_updated=utcnow(), article_count=1, independent_count=1, reprint_count=0)
    assert storage.recent_story_ids(10) == [second, first] and storage.recent_story_ids(1) == [second]
    storage.merge_stories(second, first)
    assert storage.recent_story_ids(10) == [first]          # a merged story is no item


def test_the_stories_feed_times_are_when_each_story_last_changed(desk):
    storage, ids, *_ = desk
    first, second = storage.create_story("first"), storage.create_story("second")
    storage.assign_story(ids[0], first, 0.9)
    storage.assign_story(ids[1], second, 0.9)
    earlier = utcnow() - timedelta(hours=5)
    storage.save_story_page(first, headline="h", page_json="{}", first_published=earlier, last_updated=earlier,
                            article_count=1, independent_count=1, reprint_count=0)
    storage.save_story_page(second, headline="h", page_json="{}", first_published=earlier, last_updated=None,
                            article_count=1, independent_count=1, reprint_count=0)
    times = dict(storage.recent_story_times(10))
    assert times[first] == earlier
    assert times[second] == storage.get_story(second).updated_at        # no report time: when it last changed


def test_a_stream_of_several_sources_is_newest_first_across_them(desk):
    storage, ids, one, two, ada, _ = desk
    assert stream(storage, ada, [one, two], limit=2) == [ids[3], ids[2]]
    assert stream(storage, ada, [one, two], oldest_first=True, limit=2) == [ids[0], ids[1]]
