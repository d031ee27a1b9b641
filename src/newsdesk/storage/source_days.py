"""Original articles (reprints left out) per source and UTC day of first sight, as the triggers of migration 10
keep them in `source_day_counts`: how many articles each source brought since a moment, from a few rows a day
instead of every article since."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from newsdesk.storage.database import Database
from newsdesk.timeutil import to_iso, to_utc

_ORIGINAL = "NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)"
_DAY = timedelta(days=1)


def _per_source(rows: list[dict[str, Any]]) -> dict[int, int]:
    return {r["source_id"]: int(r["n"]) for r in rows if r["n"]}


class SourceDayStore:
    db: Database

    def originals_seen_since(self, since: datetime) -> dict[int, int]:
        """source id -> its original articles first seen at or after `since`, for the subscribed sources (those
        with none left out). Whole days come from the day counts; the part of `since`'s own day is counted in
        the (source, first seen) index, from whichever end of that day is nearer, so at most half a day's
        articles are read."""
        moment = to_utc(since)
        day_start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        day = to_iso(day_start)[:10]
        late_in_day = moment - day_start >= _DAY / 2
        whole_days = _per_source(self.db.query(
            f"SELECT d.source_id, SUM(d.n) AS n FROM source_day_counts d WHERE d.source_id IN (SELECT id FROM sources) "
            f"AND d.day {'>' if late_in_day else '>='} ? GROUP BY d.source_id", (day,)))
        start, end, sign = ((moment, day_start + _DAY, 1) if late_in_day else (day_start, moment, -1))
        partial = _per_source(self.db.query(
            f"SELECT a.source_id, COUNT(*) AS n FROM articles a WHERE a.source_id IN (SELECT id FROM sources) "
            f"AND a.first_seen_at >= ? AND a.first_seen_at < ? AND {_ORIGINAL} GROUP BY a.source_id",
            (to_iso(start), to_iso(end))))
        counts = dict(whole_days)
        for source_id, n in partial.items():
            counts[source_id] = counts.get(source_id, 0) + sign * n
        return {source_id: n for source_id, n in counts.items() if n > 0}
