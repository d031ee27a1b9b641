import zoneinfo
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from newsdesk.timeutil import from_iso, local_zone, relative, to_iso

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


def _zone_file(name: str) -> Path:
    return next(Path(folder) / name for folder in zoneinfo.TZPATH if (Path(folder) / name).is_file())


def test_the_local_zone_is_tzs_first(tmp_path):
    localtime = tmp_path / "localtime"
    localtime.symlink_to(_zone_file("Asia/Tokyo"))
    assert local_zone({"TZ": "America/Chicago"}, localtime) == ZoneInfo("America/Chicago")
    assert local_zone({"TZ": ":America/Chicago"}, localtime) == ZoneInfo("America/Chicago")


def test_the_local_zone_is_etc_localtimes_without_tz(tmp_path):
    localtime = tmp_path / "localtime"
    localtime.symlink_to(_zone_file("Asia/Tokyo"))
    assert local_zone({}, localtime) == ZoneInfo("Asia/Tokyo")
    assert local_zone({"TZ": "Nowhere/Nothing"}, localtime) == ZoneInfo("Asia/Tokyo")


def test_a_localtime_copied_out_of_the_zone_database_is_read_as_a_file(tmp_path):
    localtime = tmp_path / "localtime"
    localtime.write_bytes(_zone_file("Asia/Tokyo").read_bytes())
    assert local_zone({}, localtime).utcoffset(NOW) == timedelta(hours=9)


def test_the_local_zone_is_utc_without_tz_or_localtime(tmp_path):
    assert local_zone({}, tmp_path / "missing") == timezone.utc
