from datetime import datetime, timedelta, timezone

from newsdesk.timeutil import from_iso, relative, to_iso

NOW = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)


def test_iso_round_trip_is_utc_and_sortable():
    local = datetime(2026, 11, 22, 13, 30, tzinfo=timezone(timedelta(hours=1)))
    assert to_iso(local) == "2026-11-22T12:30:00.000000Z"
    assert from_iso(to_iso(local)) == local
    assert to_iso(NOW) < to_iso(NOW + timedelta(microseconds=1))


def test_relative_times_read_like_a_news_site():
    assert relative(NOW - timedelta(hours=2, minutes=59), NOW) == "2 hours ago"
    assert relative(NOW - timedelta(minutes=1), NOW) == "1 minute ago"
    assert relative(NOW - timedelta(seconds=20), NOW) == "just now"
    assert relative(NOW - timedelta(days=3), NOW) == "3 days ago"
    assert relative(NOW + timedelta(minutes=14, seconds=5), NOW) == "in 14 minutes"
    assert relative(None, NOW) == "unknown time"
