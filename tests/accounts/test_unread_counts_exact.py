"""Unread counts from the per-source day counts (migration 10) agree with counting every article one by one, on
SQLite and PostgreSQL: over days, with reprints folded and refolded, deleted articles, a removed source, marks
late and early in a day, explicit reads and unreads, mark all read (with a date, and of one source), hidden
sources."""

import random
from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.alerts import own_view
from newsdesk.accounts import hash_password
from newsdesk.model import NewArticle, Role
from newsdesk.web.marks import hidden_sources, new_counts

START = datetime(2026, 3, 1, tzinfo=timezone.utc)
DAYS = 12
PASSWORD_HASH = hash_password("correct horse battery")


def brute_force(storage, user) -> dict[int, int]:
    """Unread originals per subscribed source, each article's state read one by one."""
    read_before = storage.get_user(user.id).read_before
    subscribed = {s.id for s in storage.list_sources()}
    originals = [a for a in storage.list_articles(limit=100_000) if a.original_id is None and a.source_id in subscribed]
    states = storage.article_states(user.id, read_before, [a.id for a in originals])
    counts: dict[int, int] = {}
    for article in originals:
        if not states[article.id][0]:
            counts[article.source_id] = counts.get(article.source_id, 0) + 1
    return counts


def counted(storage, user) -> dict[int, int]:
    return storage.unread_counts(user.id, storage.get_user(user.id).read_before).by_source


@pytest.fixture
def desk(storage):
    rng = random.Random(7)
    sources = [storage.add_source(f"https://outlet{k}.example/feed", title=f"Outlet {k}",
                                  folder="world" if k == 2 else None) for k in range(4)]
    ids = []
    for n in range(240):
        seen = START + timedelta(days=DAYS) * rng.random()
        ids.append(storage.insert_article(NewArticle(
            url=f"https://outlet.example/{n}", text=f"text {n}", text_hash=f"h{n}",
            source_id=sources[n % len(sources)].id, first_seen_at=seen)))
    for copy, original in rng.sample([(ids[n], ids[n + 1]) for n in range(0, 200, 2)], 30):
        storage.mark_copy(copy, original, 0.95, "minhash")
    storage.mark_copy(ids[201], ids[203], 0.95, "minhash")
    storage.mark_copy(ids[203], ids[205], 0.95, "minhash")     # a refold: 201's original becomes 205
    storage.db.execute("DELETE FROM articles WHERE id IN (?, ?)", (ids[205], ids[206]))
    storage.remove_source(sources[3].id)
    return storage, sources, ids


def _user(storage, name, read_before):
    return storage.add_user(name, PASSWORD_HASH, Role.READER, fever_key=None, session_generation=name,
                            read_before=read_before)


# marks: before everything, early in a day, late in a day, at midnight, after everything
MARKS = [START - timedelta(days=400), START + timedelta(days=3, hours=4, minutes=7),
         START + timedelta(days=6, hours=19, minutes=31), START + timedelta(days=8), START + timedelta(days=DAYS + 1)]


@pytest.mark.parametrize("mark", MARKS, ids=["far back", "early in a day", "late in a day", "midnight", "after all"])
def test_counts_after_a_mark_are_those_of_every_article(desk, mark):
    storage, _, _ = desk
    user = _user(storage, "ada", mark)
    assert counted(storage, user) == brute_force(storage, user)


def test_explicit_reads_and_unreads_count_on_both_sides_of_the_mark(desk):
    storage, _, ids = desk
    user = _user(storage, "ada", MARKS[2])
    rng = random.Random(3)
    storage.mark_articles(user.id, rng.sample(ids, 60), read=True)
    storage.mark_articles(user.id, rng.sample(ids, 40), read=False)
    assert counted(storage, user) == brute_force(storage, user)


def test_mark_all_read_with_a_date_then_one_source(desk):
    storage, sources, ids = desk
    user = _user(storage, "ada", MARKS[0])
    storage.mark_articles(user.id, ids[:50], read=True)
    storage.mark_all_read(user.id, START + timedelta(days=5, hours=13))
    storage.mark_articles(user.id, ids[100:120], read=False)
    storage.mark_all_read(user.id, START + timedelta(days=9, hours=2), source_ids=[sources[1].id])
    assert counted(storage, user) == brute_force(storage, user)


def test_reprints_folded_after_the_count_was_kept(desk):
    storage, _, ids = desk
    user = _user(storage, "ada", MARKS[1])
    storage.mark_copy(ids[211], ids[212], 0.9, "minhash")
    storage.mark_copy(ids[212], ids[213], 0.9, "minhash")
    assert counted(storage, user) == brute_force(storage, user)


def test_a_purged_source_takes_its_counts(desk):
    storage, sources, _ = desk
    user = _user(storage, "ada", MARKS[0])
    storage.remove_source(sources[0].id, purge=True)
    assert counted(storage, user) == brute_force(storage, user)


def test_hidden_sources_and_folders_leave_the_total(desk):
    storage, sources, _ = desk
    user = _user(storage, "ada", MARKS[2])
    storage.set_hidden(user.id, "source", str(sources[0].id), True)
    storage.set_hidden(user.id, "folder", "world", True)
    listed = storage.list_sources()
    hidden, _ = hidden_sources(storage, user, listed)
    expected = sum(n for source_id, n in brute_force(storage, user).items() if source_id not in hidden)
    assert new_counts(storage, user, listed, own_view(storage, user)).total == expected


def test_the_hidden_sources_are_the_ones_named(desk):
    storage, sources, _ = desk
    user = _user(storage, "ada", MARKS[2])
    storage.set_hidden(user.id, "source", str(sources[0].id), True)
    storage.set_hidden(user.id, "folder", "world", True)
    hidden, _ = hidden_sources(storage, user, storage.list_sources())
    assert hidden == {sources[0].id, sources[2].id}


def test_a_mark_inside_a_day_splits_that_day(desk):
    storage, _, _ = desk
    early = _user(storage, "ada", START + timedelta(days=4, hours=1))
    late = _user(storage, "bob", START + timedelta(days=4, hours=23))
    assert sum(counted(storage, early).values()) > sum(counted(storage, late).values())


def test_a_kept_source_in_a_hidden_folder_still_counts(desk):
    from newsdesk.alerts import add_rule

    storage, sources, _ = desk
    user = _user(storage, "ada", MARKS[2])
    storage.set_hidden(user.id, "folder", "world", True)
    add_rule(storage, user, "keep", "source", str(sources[2].id))
    listed = storage.list_sources()
    expected = sum(brute_force(storage, user).values())          # the folder's only source is kept: nothing hidden
    assert new_counts(storage, user, listed, own_view(storage, user)).total == expected


def test_a_blocked_word_counts_article_by_article(desk):
    from newsdesk.alerts import add_rule

    storage, _, _ = desk
    user = _user(storage, "ada", MARKS[0])
    add_rule(storage, user, "block", "query", "text")            # every article's text says "text"
    assert storage.unread_counts(user.id, user.read_before, own_view(storage, user)).total == 0
