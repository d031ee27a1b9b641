"""Watchlist matching, kind by kind, on SQLite and PostgreSQL: what counts (new story, grows, notable update),
the idempotency key (the same event twice is one alert), quiet hours, at most one alert per story per N hours,
two users' watchlists kept apart, block rules, and the query index (a watchlist is looked at only when an article
holds its key term)."""

from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.alerts import (
    BadWatchlist, EntitiesUnavailable, EntityMap, Matcher, NoEntities, follow, parse_quiet, quiet_until, add_rule,
)
from newsdesk.config import Settings
from newsdesk.model import AlertEvent, Role, WatchKind
from newsdesk.storage import UNKEYED

from .helpers import T0, Desk, user

QUAKE = ("The Harbour Herald", "Earthquake strikes Fenwick Valley",
         "A magnitude 6.1 earthquake struck the Fenwick Valley on Monday. Dozens of homes were damaged.")
QUAKE_2 = ("The Daily Beacon", "Fenwick quake damages homes",
           "Rescue teams reached villages in the Fenwick Valley after the earthquake. Roads were closed.")
BUDGET = ("The Commerce Ledger", "Parliament passes the budget",
          "Parliament passed the budget after a long night of votes. The finance minister welcomed it.")


def kinds(storage, user_id):
    return sorted((a.event.value, a.story_id) for a in storage.notifications(user_id))


@pytest.fixture
def desk(storage):
    return Desk(storage)


def test_query_watchlist_new_story_then_grows(storage, desk):
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake Fenwick", events="new,grows")
    matcher = Matcher(storage, Settings())
    quake, ids = desk.story("quake", [QUAKE])
    budget, more = desk.story("budget", [BUDGET])
    report = matcher.match(ids + more, [])
    assert kinds(storage, ann.id) == [("new", quake)]
    assert report.candidates >= 1 and report.verified == 0      # plain words: decided by the index's own terms
    added = desk.report(quake, *QUAKE_2)
    matcher.match([added], [])
    assert kinds(storage, ann.id) == [("grows", quake), ("new", quake)]
    grows = storage.notifications(ann.id)[0]
    assert grows.sources == 2 and "The Daily Beacon" in grows.detail and grows.version == "2"


def test_the_same_event_twice_is_one_alert(storage, desk):
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake")
    quake, ids = desk.story("quake", [QUAKE])
    Matcher(storage).match(ids)
    Matcher(storage).match(ids)          # a second poll, or a new desk after a restart, sees the same articles
    assert len(storage.notifications(ann.id)) == 1
    rows = storage.db.query("SELECT COUNT(*) AS n FROM alerts")
    assert rows[0]["n"] == 1


def test_source_folder_and_story_watchlists(storage, desk):
    ann = user(storage, "ann")
    desk.source("The Harbour Herald", folder="Local")
    desk.source("The Daily Beacon")
    by_source = follow(storage, ann, "source", "The Daily Beacon")
    by_folder = follow(storage, ann, "folder", "local", events="new,grows")
    quake, ids = desk.story("quake", [QUAKE])
    budget, more = desk.story("budget", [BUDGET])
    on_story = follow(storage, ann, "story", str(budget))
    matcher = Matcher(storage)
    matcher.match(ids + more)
    found = {(a.watchlist_id, a.story_id, a.event) for a in storage.notifications(ann.id)}
    assert found == {(by_folder.id, quake, AlertEvent.NEW)}          # the story watchlist has seen its story
    beacon = desk.report(quake, *QUAKE_2)
    matcher.match([beacon])
    found = {(a.watchlist_id, a.story_id, a.event) for a in storage.notifications(ann.id)}
    assert (by_source.id, quake, AlertEvent.NEW) in found
    assert (by_folder.id, quake, AlertEvent.GROWS) in found
    ledger = desk.report(budget, "The Capital Observer", "Budget passes", "The budget passed in parliament at dawn.")
    matcher.match([ledger])
    assert (on_story.id, budget, AlertEvent.GROWS) in {(a.watchlist_id, a.story_id, a.event)
                                                      for a in storage.notifications(ann.id)}


def test_notable_update_of_a_followed_story(storage, desk):
    ann = user(storage, "ann")
    quake, ids = desk.story("quake", [QUAKE, QUAKE_2])
    watch = follow(storage, ann, "story", str(quake))
    assert watch.events == {AlertEvent.GROWS, AlertEvent.UPDATE}
    matcher = Matcher(storage)
    matcher.match([], [ids[1]])              # changed, but the page shows no notable update: nothing
    assert storage.notifications(ann.id) == []
    desk.update(quake, ids[1], "Fenwick quake: death toll rises to 12")
    matcher.match([], [ids[1]])
    matcher.match([], [ids[1]])              # seen again: still one alert
    [alert] = storage.notifications(ann.id)
    assert alert.event == AlertEvent.UPDATE and "death toll rises to 12" in alert.detail
    assert alert.version.startswith(f"{ids[1]}@")


def test_entity_watchlist_through_the_entities_lookup(storage, desk):
    ann = user(storage, "ann")
    with pytest.raises(BadWatchlist, match="no entity 'Fenwick Valley' on this desk"):
        follow(storage, ann, "entity", "Fenwick Valley")      # the desk's own entities: none named yet
    with pytest.raises(EntitiesUnavailable):
        follow(storage, ann, "entity", "Fenwick Valley", entities=NoEntities())     # a desk without entities
    quake, ids = desk.story("quake", [QUAKE])
    budget, more = desk.story("budget", [BUDGET])
    entities = EntityMap(stories={quake: {7, 9}, budget: {3}}, names={7: "Fenwick Valley", 3: "Parliament"})
    watch = follow(storage, ann, "entity", "Fenwick Valley", entities=entities)
    assert watch.label == "Fenwick Valley" and watch.entity_id == 7
    Matcher(storage, entities=entities).match(ids + more)
    assert kinds(storage, ann.id) == [("new", quake)]


def test_two_users_see_only_their_own(storage, desk):
    ann, bob = user(storage, "ann"), user(storage, "bob")
    follow(storage, ann, "query", "earthquake")
    follow(storage, bob, "query", "budget")
    quake, ids = desk.story("quake", [QUAKE])
    budget, more = desk.story("budget", [BUDGET])
    Matcher(storage).match(ids + more)
    assert kinds(storage, ann.id) == [("new", quake)]
    assert kinds(storage, bob.id) == [("new", budget)]
    assert [w.label for w in storage.watchlists(ann.id)] == ["earthquake"]
    assert storage.mark_notifications_read(bob.id, [storage.notifications(ann.id)[0].id]) == 0   # not bob's
    assert storage.count_notifications(ann.id, unread_only=True) == 1


def test_at_most_one_alert_per_story_per_n_hours(storage, desk):
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake", events="new,grows", min_gap_hours=6)
    matcher = Matcher(storage)
    quake, ids = desk.story("quake", [QUAKE])
    matcher.match(ids, now=T0)
    second = desk.report(quake, *QUAKE_2)
    matcher.match([second], now=T0 + timedelta(hours=1))          # within 6 hours: decided, not shown
    assert kinds(storage, ann.id) == [("new", quake)]
    third = desk.report(quake, "Valley Weekly", "Quake aftermath", "The earthquake left the valley without power.")
    matcher.match([third], now=T0 + timedelta(hours=7))
    assert kinds(storage, ann.id) == [("grows", quake), ("new", quake)]
    assert storage.notifications(ann.id)[0].sources == 3


def test_quiet_hours_hold_the_push_not_the_notification(storage, desk):
    ann = user(storage, "ann")
    settings = Settings(timezone="UTC", fetch_allow="127.0.0.1/32")
    follow(storage, ann, "query", "earthquake", quiet="22:00-07:00", webhook="http://127.0.0.1:9/hook",
           settings=settings)
    quake, ids = desk.story("quake", [QUAKE])
    night = datetime(2026, 12, 7, 23, 30, tzinfo=timezone.utc)
    Matcher(storage, settings).match(ids, now=night)
    [alert] = storage.notifications(ann.id)
    assert alert.due_at == datetime(2026, 12, 8, 7, 0, tzinfo=timezone.utc)
    [push] = storage.deliveries(alert_id=alert.id)
    assert push.next_at == alert.due_at
    assert storage.due_deliveries(night + timedelta(hours=1)) == []


def test_quiet_hours_arithmetic():
    watch = type("W", (), {"quiet_start": 22 * 60, "quiet_end": 7 * 60})()
    utc = timezone.utc
    assert quiet_until(watch, datetime(2026, 1, 1, 21, 59, tzinfo=utc), utc) == datetime(2026, 1, 1, 21, 59, tzinfo=utc)
    assert quiet_until(watch, datetime(2026, 1, 1, 2, 0, tzinfo=utc), utc) == datetime(2026, 1, 1, 7, 0, tzinfo=utc)
    assert quiet_until(watch, datetime(2026, 1, 1, 22, 0, tzinfo=utc), utc) == datetime(2026, 1, 2, 7, 0, tzinfo=utc)
    assert parse_quiet("9:30-17:00") == (570, 1020)
    for bad in ("22-7", "25:00-07:00", "07:00-07:00"):
        with pytest.raises(BadWatchlist):
            parse_quiet(bad)


def test_a_blocked_story_makes_no_alert(storage, desk):
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake")
    add_rule(storage, ann, "block", "query", "magnitude")
    quake, ids = desk.story("quake", [QUAKE])
    Matcher(storage).match(ids)
    assert storage.notifications(ann.id) == []


def test_query_index_files_each_watchlist_under_one_term(storage, desk):
    ann = user(storage, "ann")
    long_word = follow(storage, ann, "query", 'earthquake "Fenwick Valley"')
    prefix_only = follow(storage, ann, "query", "earthq*")
    keys = {r["watchlist_id"]: r["term"] for r in storage.db.query("SELECT * FROM watchlist_terms")}
    assert keys[long_word.id] == "earthquak"            # stemmed as the index stems it (SQLite porter, PG english)
    assert keys[prefix_only.id] == UNKEYED
    budget, more = desk.story("budget", [BUDGET])
    report = Matcher(storage).match(more)
    assert report.candidates == 1                    # only the unkeyed one: the budget holds no "earthquak"
    quake, ids = desk.story("quake", [QUAKE])
    report = Matcher(storage).match(ids)
    assert report.candidates == 2 and kinds(storage, ann.id) == [("new", quake), ("new", quake)]


def test_follow_refuses_clearly(storage, desk):
    ann = user(storage, "ann")
    desk.story("quake", [QUAKE])
    for kind, value, why in (("query", '""', "type one or more words"), ("source", "Nope", "no source"),
                             ("folder", "Nope", "no folder"), ("story", "999999", "no story"),
                             ("planet", "Mars", "follow one of")):
        with pytest.raises(BadWatchlist, match=why):
            follow(storage, ann, kind, value)
    with pytest.raises(BadWatchlist, match="new, grows, update"):
        follow(storage, ann, "query", "quake", events="sometimes")
    assert storage.watchlists(ann.id) == []
    assert WatchKind("query") == "query" and Role.READER


def test_a_phrase_is_checked_with_the_search_itself(storage, desk):
    """Both words in the article but not side by side: the term check lets it through, the search says no."""
    ann = user(storage, "ann")
    follow(storage, ann, "query", '"valley earthquake"')
    follow(storage, ann, "query", '"Fenwick Valley"')
    quake, ids = desk.story("quake", [QUAKE])
    report = Matcher(storage).match(ids)
    assert report.verified == 2
    assert [a.watchlist_label for a in storage.notifications(ann.id)] == ['"Fenwick Valley"']
