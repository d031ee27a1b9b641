"""Delivery: the pushes the outbox holds (webhooks, e-mails, digest e-mails), each claimed, sent and recorded
once; a failure is tried again with backoff, every attempt goes to the delivery log, and a hook that keeps
failing is disabled with the reason. The desk daemon runs `DeliveryWorker` (its own thread, event loop and
database connection, so a slow or dead receiver never holds up ingest or grouping); `newsdesk alerts deliver`
runs `Deliverer.run_once`."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newsdesk.alerts import mail, webhook
from newsdesk.alerts.digest import make_due_digests
from newsdesk.alerts.messages import alert_message
from newsdesk.config import Settings
from newsdesk.fetch import FetchError
from newsdesk.model import Channel, Delivery, DeliveryState
from newsdesk.storage import Storage, StorageError, open_storage
from newsdesk.timeutil import utcnow

log = logging.getLogger(__name__)
CONCURRENCY = 8
FORGET_WATCHED = timedelta(days=30)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    digests: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(settings: Settings, attempts: int, retry_after: float | None = None) -> float:
    """Seconds before attempt `attempts` + 1: the base doubled per failed attempt, capped; a server's
    Retry-After is honoured up to the cap."""
    wait = settings.alert_retry_seconds * 2 ** max(0, attempts - 1)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return min(wait, settings.alert_retry_max_seconds)


class Deliverer:
    def __init__(self, storage: Storage, settings: Settings | None = None) -> None:
        self.storage = storage
        self.settings = settings or Settings()
        self._fetcher = None

    @property
    def stale_after(self) -> timedelta:
        """A push claimed this long ago and not finished was claimed by a worker that died."""
        return timedelta(seconds=max(self.settings.webhook_timeout, self.settings.smtp_timeout) * 2 + 60)

    async def run_once(self, now: datetime | None = None, *, digests: bool = True) -> DeliveryReport:
        """Make the digests that are due, then send every push that is due now: each round claims its pushes in
        one statement, sends them side by side, and records what happened in one transaction (three writes a
        round, not three a push: the desk's own writes are kept waiting as little as possible)."""
        now = now or utcnow()
        report = DeliveryReport()
        report.released = self.storage.release_stale_deliveries(now - self.stale_after)
        if digests:
            report.digests = make_due_digests(self.storage, self.settings, now)
        gate = asyncio.Semaphore(CONCURRENCY)
        while True:
            due = self.storage.due_deliveries(now, limit=200)
            claimed = self.storage.claim_deliveries([d.id for d in due], utcnow())
            mine = [d for d in due if d.id in claimed]

            async def one(delivery: Delivery) -> tuple[Delivery, _Outcome]:
                async with gate:
                    return delivery, await self._send(delivery)
            done = await asyncio.gather(*(one(d) for d in mine))
            with self.storage.transaction():
                for delivery, outcome in done:
                    self._record(delivery, outcome, report)
            if len(due) < 200:
                break
        return report

    async def deliver(self, delivery: Delivery, report: DeliveryReport | None = None) -> DeliveryState | None:
        """Claim one due push and send it; None when another worker had claimed it."""
        report = report or DeliveryReport()
        if not self.storage.claim_delivery(delivery.id, utcnow()):
            return None
        return self._record(delivery, await self._send(delivery), report)

    async def _send(self, delivery: Delivery) -> "_Outcome":
        outcome = _Outcome()
        started = time.perf_counter()
        try:
            if delivery.channel == Channel.WEBHOOK:
                outcome.status = await self._post(delivery)
            else:
                await self._mail(delivery)
            outcome.ok = True
        except FetchError as exc:
            outcome.status, outcome.error, outcome.retry_after = exc.status, str(exc), exc.retry_after
        except mail.MailError as exc:
            outcome.error, outcome.permanent = str(exc), exc.permanent
        except _Gone as exc:
            outcome.error, outcome.permanent = str(exc), True
        except StorageError:
            raise
        except Exception as exc:        # a push's surprise must not end the worker; it is logged and retried
            log.exception("delivery %s failed", delivery.id)
            outcome.error = f"internal error: {exc!r}"
        outcome.duration_ms = round(1000 * (time.perf_counter() - started), 1)
        return outcome

    def _record(self, delivery: Delivery, outcome: "_Outcome", report: DeliveryReport) -> DeliveryState:
        """The attempt in the log, and the push sent, due again after its backoff, or given up."""
        attempts = delivery.attempts + 1
        error, permanent = outcome.error, outcome.permanent
        self.storage.log_attempt(delivery, ok=outcome.ok, status=outcome.status, error=error,
                                 duration_ms=outcome.duration_ms)
        if outcome.ok:
            self.storage.finish_delivery(delivery.id, DeliveryState.SENT)
            if delivery.channel == Channel.WEBHOOK and delivery.watchlist_id:
                self.storage.webhook_succeeded(delivery.watchlist_id)
            report.sent += 1
            return DeliveryState.SENT
        report.errors.append(f"{delivery.channel} to {delivery.target}: {error}")
        if delivery.channel == Channel.WEBHOOK and delivery.watchlist_id and not permanent:
            disabled = self.storage.webhook_failed(delivery.watchlist_id, self.settings.webhook_disable_after,
                                                   error or "", at_once=outcome.status == 410)
            if disabled:
                error, permanent = disabled, True
        if permanent or attempts >= self.settings.alert_attempts:
            why = error if permanent else f"given up after {attempts} attempts; the last: {error}"
            self.storage.finish_delivery(delivery.id, DeliveryState.FAILED, error=why)
            report.failed += 1
            return DeliveryState.FAILED
        wait = backoff(self.settings, attempts, outcome.retry_after)
        self.storage.finish_delivery(delivery.id, DeliveryState.PENDING, error=error,
                                     next_at=utcnow() + timedelta(seconds=wait))
        report.retried += 1
        return DeliveryState.PENDING

    async def _post(self, delivery: Delivery) -> int:
        alert = self.storage.get_alert(delivery.alert_id) if delivery.alert_id else None
        watchlist = self.storage.get_watchlist(delivery.watchlist_id) if delivery.watchlist_id else None
        if alert is None or watchlist is None:
            raise _Gone("the alert or its watchlist was deleted")
        if watchlist.webhook_url != delivery.target or not watchlist.webhook_secret:
            raise _Gone("the watchlist's webhook was changed or removed since")
        if watchlist.webhook_disabled:
            raise _Gone(watchlist.webhook_disabled)
        body = webhook.encode(alert_message(self.storage, self.settings, alert, watchlist).payload)
        if self._fetcher is None:
            self._fetcher = webhook.hook_fetcher(self.settings)
        result = await self._fetcher.post(delivery.target, body, webhook.headers(
            watchlist.webhook_secret, body, event=str(alert.event), delivery_id=delivery.id, key=alert.key))
        return result.status

    async def _mail(self, delivery: Delivery) -> None:
        if delivery.issue_id:
            issue = self.storage.get_digest_issue(delivery.issue_id)
            if issue is None:
                raise _Gone("the digest was deleted")
            subject, text, html, key = issue.title, issue.text, issue.html, f"digest-{issue.id}"
        else:
            alert = self.storage.get_alert(delivery.alert_id) if delivery.alert_id else None
            if alert is None:
                raise _Gone("the alert or its watchlist was deleted")
            watchlist = self.storage.get_watchlist(alert.watchlist_id)
            message = alert_message(self.storage, self.settings, alert, watchlist)
            subject, text, html, key = message.subject, message.text, message.html, f"alert-{alert.id}"
        built = mail.build(self.settings, delivery.target, subject, text, html,
                           message_id=f"<{key}.{delivery.id}@newsdesk>")
        await asyncio.to_thread(mail.send, self.settings, built)

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None


@dataclass
class _Outcome:
    ok: bool = False
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    permanent: bool = False
    duration_ms: float | None = None


class _Gone(Exception):
    """What a push was for is gone: it is given up at once."""


class DeliveryWorker:
    """The daemon's delivery loop in a thread of its own, over its own connection to the database: woken when the
    matcher decides alerts, and every `alert_poll_seconds` for pushes that other processes decided or that come
    due (backoff, quiet hours, digests)."""

    def __init__(self, settings: Settings, database_url: str | None = None) -> None:
        self.settings = settings
        self.url = database_url or settings.database_url()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self.rounds = 0
        self.last_error: str | None = None

    def start(self) -> "DeliveryWorker":
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="newsdesk-alerts",
                                        daemon=True)
        self._thread.start()
        self._ready.wait(30)
        return self

    def wake(self) -> None:
        """Look for due pushes now (safe from any thread)."""
        loop, event = self._loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:      # the loop has just closed
                pass

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        storage = None
        deliverer = None
        forgot = 0.0
        self._ready.set()
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    if storage is None:
                        storage = open_storage(self.url, create=False)
                        deliverer = Deliverer(storage, self.settings)
                    await deliverer.run_once()
                    if time.monotonic() - forgot > 3600:
                        storage.forget_watched(utcnow() - FORGET_WATCHED)
                        forgot = time.monotonic()
                    self.rounds += 1
                    self.last_error = None
                    upcoming = storage.next_delivery_at()
                except Exception as exc:      # the database away, a surprise: say so, try again in a while
                    self.last_error = str(exc)
                    log.warning("alert delivery: %s", exc)
                    upcoming = None
                wait = self.settings.alert_poll_seconds
                if upcoming is not None:
                    wait = max(0.05, min(wait, (upcoming - utcnow()).total_seconds()))
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=wait)
                except asyncio.TimeoutError:
                    pass
        finally:
            if deliverer is not None:
                await deliverer.aclose()
            if storage is not None:
                storage.close()
