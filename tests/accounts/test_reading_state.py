"""Reading state on SQLite and PostgreSQL: read, unread, starred, mark all read, unread counts, two users."""

from datetime import timedelta

import pytest

from newsdesk.accounts import add_user
from newsdesk.model import NewArticle
from newsdesk.timeutil import utcnow


@pytest.fixture
def desk(storage):
    source = storage.add_source("https://outlet.example/feed", title="Outlet")
    other = storage.add_source("https://other.example/feed", title="Other")
    ids = [storage.insert_article(NewArticle(url=f"https://outlet.example/{n}", text=f"text {n}", text_hash=f"h{n}",
                                             source_id=source.id if n < 4 else other.id)) for n in range(6)]
    ada = add_user(storage, "ada", "correct horse battery")
    bob = add_user(storage, "bob", "correct horse battery")
    return storage, ids, ada, bob, source, other


def unread(storage, user):
    return storage.unread_counts(user.id, storage.get_user(user.id).read_before)


def test_new_articles_are_unread(desk):
    storage, ids, ada, *_ = desk
    assert unread(storage, ada).total == len(ids)


def test_marking_read_lowers_the_count(desk):
    storage, ids, ada, *_ = desk
    storage.mark_articles(ada.id, ids[:2], read=True)
    assert unread(storage, ada).total == len(ids) - 2


def test_one_users_marks_are_not_anothers(desk):
    storage, ids, ada, bob, *_ = desk
    storage.mark_articles(ada.id, ids, read=True)
    assert unread(storage, bob).total == len(ids)


def test_unread_counts_per_source(desk):
    storage, ids, ada, _, source, other = desk
    storage.mark_articles(ada.id, [ids[0]], read=True)
    assert unread(storage, ada).by_source == {source.id: 3, other.id: 2}


def test_a_reprint_is_never_counted(desk):
    storage, ids, ada, *_ = desk
    storage.mark_copy(ids[5], ids[0], 0.99, "shingles")
    assert unread(storage, ada).total == len(ids) - 1


def test_mark_all_read_moves_the_mark(desk):
    storage, ids, ada, *_ = desk
    storage.mark_all_read(ada.id, utcnow() + timedelta(seconds=1))
    assert unread(storage, ada).total == 0


def test_an_article_marked_unread_after_mark_all_read_counts_again(desk):
    storage, ids, ada, *_ = desk
    storage.mark_all_read(ada.id, utcnow() + timedelta(seconds=1))
    storage.mark_articles(ada.id, [ids[3]], read=False)
    assert storage.unread_article_ids(ada.id, storage.get_user(ada.id).read_before) == [ids[3]]


def test_mark_all_read_of_one_source(desk):
    storage, ids, ada, _, source, other = desk
    storage.mark_all_read(ada.id, utcnow() + timedelta(seconds=1), source_ids=[source.id])
    assert unread(storage, ada).by_source == {other.id: 2}


def test_starring_keeps_the_read_state(desk):
    storage, ids, ada, *_ = desk
    storage.mark_articles(ada.id, [ids[1]], read=True)
    storage.mark_articles(ada.id, [ids[1]], starred=True)
    assert storage.article_states(ada.id, storage.get_user(ada.id).read_before, [ids[1]]) == {ids[1]: (True, True)}


def test_starred_articles_are_listed(desk):
    storage, ids, ada, *_ = desk
    storage.mark_articles(ada.id, [ids[2], ids[4]], starred=True)
    assert set(storage.starred_article_ids(ada.id)) == {ids[2], ids[4]}


def test_ids_of_no_article_are_skipped(desk):
    storage, ids, ada, *_ = desk
    assert storage.mark_articles(ada.id, [ids[0], 10**12], read=True) == 1


def test_a_story_read_remembers_what_it_was_written_from(storage):
    ada = add_user(storage, "ada", "correct horse battery")
    story_id = storage.db.insert("INSERT INTO stories (slug, created_at, updated_at) VALUES ('s', 'x', 'x')")
    storage.mark_story_read(ada.id, story_id, [3, 1, 2])
    assert storage.story_reads(ada.id, [story_id])[story_id].seen_articles == [1, 2, 3]


def test_hidden_sources_are_per_user(desk):
    storage, ids, ada, bob, source, _ = desk
    storage.set_hidden(ada.id, "source", str(source.id), True)
    assert storage.hidden(ada.id)["source"] == {str(source.id)}
    assert storage.hidden(bob.id)["source"] == set()
