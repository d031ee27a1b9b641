"""Times are timezone-aware UTC everywhere; stored as fixed-width ISO 8601 text so they sort as strings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_NOT_A_ZONE = (ZoneInfoNotFoundError, ValueError, OSError)


def local_zone(environ: Mapping[str, str] = os.environ, localtime: Path = Path("/etc/localtime")) -> tzinfo:
    """The machine's time zone: the TZ environment variable's, else /etc/localtime's, else UTC."""
    name = environ.get("TZ", "").removeprefix(":")
    if name:
        try:
            return _zone_file(Path(name)) if os.path.isabs(name) else ZoneInfo(name)
        except _NOT_A_ZONE:
            pass
    try:
        return _zone_file(localtime)
    except _NOT_A_ZONE:
        return timezone.utc


def _zone_file(path: Path) -> tzinfo:
    """The zone in a compiled zone file, under its database name when the file is a link into the database."""
    target = str(path.resolve())
    if "/zoneinfo/" in target:
        try:
            return ZoneInfo(target.rsplit("/zoneinfo/", 1)[1])
        except _NOT_A_ZONE:
            pass
    with path.open("rb") as file:
        return ZoneInfo.from_file(file, key=str(path))


def to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def to_iso(value: datetime | None) -> str | None:
    return None if value is None else to_utc(value).strftime(_FORMAT)


def from_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value)   # reads the trailing Z as UTC; ten times faster than strptime


def _span(seconds: float) -> str | None:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return None


def relative(value: datetime | None, now: datetime | None = None) -> str:
    """'2 hours ago' or 'in 14 minutes', as news sites say it."""
    if value is None:
        return "unknown time"
    seconds = ((now or utcnow()) - value).total_seconds()
    if seconds < 0:
        span = _span(-seconds)
        return f"in {span}" if span else "now"
    span = _span(seconds)
    return f"{span} ago" if span else "just now"
