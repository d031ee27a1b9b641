"""The alert outbox: alerts decided once each (a unique idempotency key: user, watchlist, story, event, story
version), their pushes (webhook, e-mail) claimed and finished by delivery workers, the delivery log users see,
and digests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsdesk.model import (
    Alert, AlertEvent, Channel, Delivery, DeliveryAttempt, DeliveryState, DigestIssue, DigestSettings,
)
from newsdesk.storage.database import Database
from newsdesk.timeutil import from_iso, to_iso, utcnow


@dataclass
class AlertDecision:
    """An alert the matcher decided, with where it is to be pushed."""
    user_id: int
    watchlist_id: int
    story_id: int
    event: AlertEvent
    version: str
    due_at: datetime
    headline: str
    detail: str
    sources: int
    article_id: int | None
    suppressed: bool = False
    pushes: list[tuple[Channel, str]] = field(default_factory=list)


@dataclass
class Sighting:
    """What a watchlist now knows of a story: its sources, and when it last alerted about it."""
    watchlist_id: int
    story_id: int
    sources: int
    alerted: bool


_ALERT_COLUMNS = ("al.id, al.user_id, al.watchlist_id, al.story_id, al.event, al.version, al.created_at, al.due_at, "
                  "al.headline, al.detail, al.sources, al.article_id, al.suppressed, al.read_at, s.slug, "
                  "w.label AS watchlist_label")
_ALERT_FROM = ("alerts al JOIN watchlists w ON w.id = al.watchlist_id LEFT JOIN stories s ON s.id = al.story_id")
_DELIVERY_COLUMNS = ("id, user_id, watchlist_id, alert_id, issue_id, channel, target, state, attempts, next_at, "
                     "last_error, sent_at")


def _alert(r: dict[str, Any]) -> Alert:
    return Alert(id=r["id"], user_id=r["user_id"], watchlist_id=r["watchlist_id"], story_id=r["story_id"],
                 event=AlertEvent(r["event"]), version=r["version"], created_at=from_iso(r["created_at"]),
                 due_at=from_iso(r["due_at"]), headline=r["headline"], detail=r["detail"], sources=r["sources"],
                 article_id=r["article_id"], suppressed=bool(r["suppressed"]), read_at=from_iso(r["read_at"]),
                 slug=r["slug"], watchlist_label=r["watchlist_label"] or "")


def _delivery(r: dict[str, Any]) -> Delivery:
    return Delivery(id=r["id"], channel=Channel(r["channel"]), target=r["target"], state=DeliveryState(r["state"]),
                    attempts=r["attempts"], next_at=from_iso(r["next_at"]), user_id=r["user_id"],
                    watchlist_id=r["watchlist_id"], alert_id=r["alert_id"], issue_id=r["issue_id"],
                    last_error=r["last_error"], sent_at=from_iso(r["sent_at"]))


def _marks(items: Sequence) -> str:
    return ", ".join("?" * len(items))


class OutboxStore:
    db: Database

    # -- deciding ----------------------------------------------------------------------------------------------

    def record_alerts(self, decisions: Sequence[AlertDecision], sightings: Sequence[Sighting],
                      now: datetime | None = None) -> list[int]:
        """In one transaction: each decided alert stored once (an alert whose key is stored already is skipped,
        with its pushes) with its pushes, and what each watchlist now knows of its stories. Returns the ids of the
        alerts stored now."""
        now = to_iso(now or utcnow())
        stored: list[int] = []
        with self.db.transaction():
            for d in decisions:
                rows = self.db.query(
                    "INSERT INTO alerts (user_id, watchlist_id, story_id, event, version, created_at, due_at, "
                    "headline, detail, sources, article_id, suppressed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (user_id, watchlist_id, story_id, event, version) DO NOTHING RETURNING id",
                    (d.user_id, d.watchlist_id, d.story_id, str(d.event), d.version, now, to_iso(d.due_at),
                     d.headline, d.detail, d.sources, d.article_id, int(d.suppressed)))
                if not rows:
                    continue
                alert_id = rows[0]["id"]
                stored.append(alert_id)
                if d.suppressed:
                    continue
                for channel, target in d.pushes:
                    self.db.execute(
                        "INSERT INTO alert_deliveries (user_id, watchlist_id, alert_id, channel, target, state, "
                        "next_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                        (d.user_id, d.watchlist_id, alert_id, str(channel), target, to_iso(d.due_at)))
            for s in sightings:
                self.db.execute(
                    "INSERT INTO watched_stories (watchlist_id, story_id, sources, seen_at, last_alert_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (watchlist_id, story_id) DO UPDATE SET "
                    "sources = CASE WHEN excluded.sources > watched_stories.sources THEN excluded.sources "
                    "ELSE watched_stories.sources END, seen_at = excluded.seen_at, "
                    "last_alert_at = COALESCE(excluded.last_alert_at, watched_stories.last_alert_at)",
                    (s.watchlist_id, s.story_id, s.sources, now, now if s.alerted else None))
        return stored

    # -- in the app --------------------------------------------------------------------------------------------

    def notifications(self, user_id: int, *, limit: int = 50, offset: int = 0, unread_only: bool = False) -> list[Alert]:
        """The user's alerts, newest first (suppressed ones are not shown)."""
        unread = " AND al.read_at IS NULL" if unread_only else ""
        rows = self.db.query(f"SELECT {_ALERT_COLUMNS} FROM {_ALERT_FROM} WHERE al.user_id = ? AND al.suppressed = 0"
                             f"{unread} ORDER BY al.id DESC LIMIT ? OFFSET ?", (user_id, limit, offset))
        return [_alert(r) for r in rows]

    def count_notifications(self, user_id: int, *, unread_only: bool = False) -> int:
        unread = " AND read_at IS NULL" if unread_only else ""
        return int(self.db.query(f"SELECT COUNT(*) AS n FROM alerts WHERE user_id = ? AND suppressed = 0{unread}",
                                 (user_id,))[0]["n"])

    def mark_notifications_read(self, user_id: int, alert_ids: Sequence[int] | None = None) -> int:
        """Mark the user's alerts read: these (others' ids are ignored), or all."""
        now = to_iso(utcnow())
        if alert_ids is None:
            return self.db.execute("UPDATE alerts SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                                   (now, user_id))
        ids = sorted(set(alert_ids))[:1000]
        if not ids:
            return 0
        return self.db.execute(f"UPDATE alerts SET read_at = ? WHERE user_id = ? AND read_at IS NULL "
                               f"AND id IN ({_marks(ids)})", (now, user_id, *ids))

    def get_alert(self, alert_id: int) -> Alert | None:
        rows = self.db.query(f"SELECT {_ALERT_COLUMNS} FROM {_ALERT_FROM} WHERE al.id = ?", (alert_id,))
        return _alert(rows[0]) if rows else None

    def watchlist_alerts(self, watchlist_id: int, limit: int = 50) -> list[Alert]:
        rows = self.db.query(f"SELECT {_ALERT_COLUMNS} FROM {_ALERT_FROM} WHERE al.watchlist_id = ? "
                             "AND al.suppressed = 0 ORDER BY al.id DESC LIMIT ?", (watchlist_id, limit))
        return [_alert(r) for r in rows]

    def alerts_between(self, user_id: int, since: datetime | None, until: datetime) -> list[Alert]:
        """The user's alerts decided in (since, until], suppressed ones included, oldest first."""
        rows = self.db.query(f"SELECT {_ALERT_COLUMNS} FROM {_ALERT_FROM} WHERE al.user_id = ? AND al.created_at > ? "
                             "AND al.created_at <= ? ORDER BY al.id",
                             (user_id, to_iso(since) if since else "", to_iso(until)))
        return [_alert(r) for r in rows]

    # -- pushes ------------------------------------------------------------------------------------------------

    def add_delivery(self, user_id: int, channel: Channel, target: str, next_at: datetime, *,
                     issue_id: int | None = None, alert_id: int | None = None,
                     watchlist_id: int | None = None) -> int:
        return self.db.insert(
            "INSERT INTO alert_deliveries (user_id, watchlist_id, alert_id, issue_id, channel, target, state, next_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            (user_id, watchlist_id, alert_id, issue_id, str(channel), target, to_iso(next_at)))

    def due_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        rows = self.db.query(f"SELECT {_DELIVERY_COLUMNS} FROM alert_deliveries WHERE state = 'pending' "
                             "AND next_at <= ? ORDER BY next_at, id LIMIT ?", (to_iso(now), limit))
        return [_delivery(r) for r in rows]

    def next_delivery_at(self) -> datetime | None:
        return from_iso(self.db.query("SELECT MIN(next_at) AS t FROM alert_deliveries WHERE state = 'pending'")[0]["t"])

    def get_delivery(self, delivery_id: int) -> Delivery | None:
        rows = self.db.query(f"SELECT {_DELIVERY_COLUMNS} FROM alert_deliveries WHERE id = ?", (delivery_id,))
        return _delivery(rows[0]) if rows else None

    def deliveries(self, *, user_id: int | None = None, alert_id: int | None = None) -> list[Delivery]:
        where, params = [], []
        if user_id is not None:
            where.append("user_id = ?")
            params.append(user_id)
        if alert_id is not None:
            where.append("alert_id = ?")
            params.append(alert_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return [_delivery(r) for r in self.db.query(f"SELECT {_DELIVERY_COLUMNS} FROM alert_deliveries {clause} "
                                                    "ORDER BY id", params)]

    def claim_delivery(self, delivery_id: int, now: datetime) -> bool:
        """Take a due push for sending; False when another worker took it first."""
        return self.db.execute("UPDATE alert_deliveries SET state = 'sending', attempts = attempts + 1, "
                               "claimed_at = ? WHERE id = ? AND state = 'pending'", (to_iso(now), delivery_id)) == 1

    def claim_deliveries(self, delivery_ids: Sequence[int], now: datetime) -> set[int]:
        """Take these due pushes for sending in one statement; returns those taken (others were taken first)."""
        ids = sorted(set(delivery_ids))
        if not ids:
            return set()
        rows = self.db.query(f"UPDATE alert_deliveries SET state = 'sending', attempts = attempts + 1, claimed_at = ? "
                             f"WHERE state = 'pending' AND id IN ({_marks(ids)}) RETURNING id", (to_iso(now), *ids))
        return {r["id"] for r in rows}

    def finish_delivery(self, delivery_id: int, state: DeliveryState, *, error: str | None = None,
                        next_at: datetime | None = None) -> None:
        """A claimed push sent, to be tried again at `next_at` (state pending), or given up."""
        sent = to_iso(utcnow()) if state == DeliveryState.SENT else None
        self.db.execute("UPDATE alert_deliveries SET state = ?, last_error = ?, sent_at = COALESCE(?, sent_at), "
                        "next_at = COALESCE(?, next_at), claimed_at = NULL WHERE id = ? AND state = 'sending'",
                        (str(state), error, sent, to_iso(next_at), delivery_id))

    def release_stale_deliveries(self, claimed_before: datetime) -> int:
        """Pushes a worker claimed and never finished (it was killed): due again. A receiver may then get one
        twice, with the same delivery id and idempotency key."""
        return self.db.execute("UPDATE alert_deliveries SET state = 'pending', claimed_at = NULL "
                               "WHERE state = 'sending' AND claimed_at < ?", (to_iso(claimed_before),))

    def log_attempt(self, delivery: Delivery, *, ok: bool, status: int | None, error: str | None,
                    duration_ms: float | None) -> None:
        self.db.execute("INSERT INTO delivery_log (delivery_id, user_id, watchlist_id, channel, target, at, ok, "
                        "status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (delivery.id, delivery.user_id, delivery.watchlist_id, str(delivery.channel), delivery.target,
                         to_iso(utcnow()), int(ok), status, error, duration_ms))

    def delivery_log(self, user_id: int, *, limit: int = 100, watchlist_id: int | None = None) -> list[DeliveryAttempt]:
        scope, params = ("AND watchlist_id = ?", [watchlist_id]) if watchlist_id is not None else ("", [])
        rows = self.db.query(f"SELECT * FROM delivery_log WHERE user_id = ? {scope} ORDER BY id DESC LIMIT ?",
                             (user_id, *params, limit))
        return [DeliveryAttempt(id=r["id"], delivery_id=r["delivery_id"], user_id=r["user_id"],
                                watchlist_id=r["watchlist_id"], channel=Channel(r["channel"]), target=r["target"],
                                at=from_iso(r["at"]), ok=bool(r["ok"]), status=r["status"], error=r["error"],
                                duration_ms=r["duration_ms"]) for r in rows]

    # -- digests -----------------------------------------------------------------------------------------------

    def set_digest(self, user_id: int, period: str, email: str | None, hour: int, next_at: datetime) -> None:
        self.db.execute("INSERT INTO digests (user_id, period, email, hour, next_at) VALUES (?, ?, ?, ?, ?) "
                        "ON CONFLICT (user_id) DO UPDATE SET period = excluded.period, email = excluded.email, "
                        "hour = excluded.hour, next_at = excluded.next_at",
                        (user_id, period, email, hour, to_iso(next_at)))

    def delete_digest(self, user_id: int) -> bool:
        return self.db.execute("DELETE FROM digests WHERE user_id = ?", (user_id,)) > 0

    def _digest(self, r: dict[str, Any]) -> DigestSettings:
        return DigestSettings(user_id=r["user_id"], period=r["period"], email=r["email"], hour=r["hour"],
                              next_at=from_iso(r["next_at"]), last_at=from_iso(r["last_at"]),
                              has_feed=r["feed_token_hash"] is not None)

    def digest_settings(self, user_id: int) -> DigestSettings | None:
        rows = self.db.query("SELECT * FROM digests WHERE user_id = ?", (user_id,))
        return self._digest(rows[0]) if rows else None

    def due_digests(self, now: datetime) -> list[DigestSettings]:
        return [self._digest(r) for r in self.db.query("SELECT * FROM digests WHERE next_at <= ? ORDER BY next_at",
                                                       (to_iso(now),))]

    def set_digest_feed(self, user_id: int, token_hash: str | None) -> None:
        self.db.execute("UPDATE digests SET feed_token_hash = ? WHERE user_id = ?", (token_hash, user_id))

    def digest_user_by_feed(self, token_hash: str) -> int | None:
        rows = self.db.query("SELECT user_id FROM digests WHERE feed_token_hash = ?", (token_hash,))
        return rows[0]["user_id"] if rows else None

    def record_digest(self, settings: DigestSettings, key: str, title: str, text: str, html: str,
                      stories: dict[int, int], made_at: datetime, next_at: datetime) -> int | None:
        """Store the issue `key` of the user's digest (once: None when it is stored already) with its e-mail push,
        and move the digest on to `next_at`, in one transaction."""
        with self.db.transaction():
            rows = self.db.query(
                "INSERT INTO digest_issues (user_id, issue_key, made_at, title, body_text, body_html, stories) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, issue_key) DO NOTHING RETURNING id",
                (settings.user_id, key, to_iso(made_at), title, text, html,
                 json.dumps({str(k): v for k, v in stories.items()})))
            self.db.execute("UPDATE digests SET next_at = ?, last_at = ? WHERE user_id = ?",
                            (to_iso(next_at), to_iso(made_at), settings.user_id))
            if not rows:
                return None
            issue_id = rows[0]["id"]
            if settings.email:
                self.add_delivery(settings.user_id, Channel.EMAIL, settings.email, made_at, issue_id=issue_id)
            return issue_id

    def digest_issues(self, user_id: int, limit: int = 20) -> list[DigestIssue]:
        rows = self.db.query("SELECT * FROM digest_issues WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                             (user_id, limit))
        return [self._issue(r) for r in rows]

    def get_digest_issue(self, issue_id: int) -> DigestIssue | None:
        rows = self.db.query("SELECT * FROM digest_issues WHERE id = ?", (issue_id,))
        return self._issue(rows[0]) if rows else None

    @staticmethod
    def _issue(r: dict[str, Any]) -> DigestIssue:
        return DigestIssue(id=r["id"], user_id=r["user_id"], key=r["issue_key"], made_at=from_iso(r["made_at"]),
                           title=r["title"], text=r["body_text"], html=r["body_html"],
                           stories={int(k): v for k, v in json.loads(r["stories"]).items()})
