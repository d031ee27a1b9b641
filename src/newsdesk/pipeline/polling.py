"""Polling: each due source's feed fetched and read, its new and changed entries ingested, and its health kept
(backoff after errors, disabled when gone, ETag and Last-Modified once its entries are stored)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from newsdesk.config import Settings
from newsdesk.dedupe import canonical_url
from newsdesk.fetch import Fetcher, FetchError, FetchResult, next_attempt
from newsdesk.model import PollStatus, Source
from newsdesk.pipeline.arrivals import Arrivals
from newsdesk.pipeline.ingest import Incoming, Ingest, Outcome, entry_changed, ms_since
from newsdesk.pipeline.story_updates import StoryUpdates
from newsdesk.pipeline.work import parse
from newsdesk.sources import FeedEntry, FeedError, ParsedFeed
from newsdesk.storage import Storage, StorageError
from newsdesk.timeutil import utcnow


@dataclass
class SourceReport:
    source_id: int | None
    name: str
    status: PollStatus = PollStatus.OK
    error: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.status = PollStatus(self.status)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        return self.status in ("error", "disabled")

    @property
    def errors(self) -> list[str]:
        found = [self.error] if self.error else []
        return found + [f"{o.url}: {o.error}" for o in self.outcomes if o.error]


class Polling:
    def __init__(self, storage: Storage, settings: Settings, fetcher: Callable[[], Fetcher],
                 run: Callable[..., Awaitable], ingest: Ingest, stories: StoryUpdates,
                 update: Callable[[list[Outcome]], Awaitable[set[int]]]) -> None:
        self.storage = storage
        self.settings = settings
        self._fetcher = fetcher
        self._run = run
        self._ingest = ingest
        self._stories = stories
        self._update = update

    async def poll(self, sources: list[Source] | None = None, *, due_only: bool = True,
                   on_done: Callable[[SourceReport], None] | None = None) -> list[SourceReport]:
        if sources is None:
            sources = (self.storage.due_sources(utcnow()) if due_only
                       else [s for s in self.storage.list_sources() if s.enabled])
        gate = asyncio.Semaphore(max(1, self.settings.max_parallel_sources))
        arrivals = Arrivals(self._update)

        async def one(source: Source) -> SourceReport:
            async with gate:
                try:
                    report = await self.poll_source(source)
                except StorageError:      # the database's problem, not the source's: no backoff, tell the caller
                    raise
                except Exception as exc:  # the daemon outlives any one source's surprise
                    report = SourceReport(source.id, source.name, "error", f"internal error: {exc!r}")
                    self._source_failed(source, report.error, None)
            if on_done:
                on_done(report)
            arrivals.add(report.outcomes)
            return report

        try:
            results = await asyncio.gather(*(one(s) for s in sources), return_exceptions=True)
        except asyncio.CancelledError:
            arrivals.waiting.clear()          # stored: the next update groups them
            await arrivals.settle()           # the grouper is not left working while the desk closes
            self._stories.recovered = False
            raise
        failed = next((r for r in results if isinstance(r, BaseException)), None)
        if failed is not None:
            arrivals.waiting.clear()
            await arrivals.settle()
            self._stories.recovered = False   # what was stored before the failure is grouped by the next update
            raise failed
        await arrivals.finish()
        return list(results)

    async def poll_source(self, source: Source) -> SourceReport:
        report = SourceReport(source.id, source.name)
        started = time.perf_counter()
        try:
            result = await self._fetcher().fetch(source.feed_url, etag=source.etag, last_modified=source.last_modified)
        except FetchError as exc:
            report.status, report.error = "error", str(exc)
            self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="error",
                                   http_status=exc.status, error=str(exc), duration_ms=ms_since(started))
            if exc.status == 410:
                report.status = "disabled"
                self.storage.update_source(source.id, enabled=False,
                                           disabled_reason="HTTP 410 Gone: the publisher removed this feed")
            self._source_failed(source, str(exc), exc.retry_after)
            return report
        if result.status == 304:
            report.status = "not_modified"
            self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="not_modified",
                                   http_status=304, duration_ms=ms_since(started))
            self._source_ok(source, result, "not_modified")
            return report
        try:
            feed: ParsedFeed = await self._run(parse, result.body, result.url, result.content_type)
        except FeedError as exc:
            report.status, report.error = "error", str(exc)
            self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="error",
                                   http_status=result.status, error=str(exc), duration_ms=ms_since(started))
            self._source_failed(source, str(exc), None)
            return report
        self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="ok",
                               http_status=result.status, error="; ".join(feed.warnings) or None,
                               duration_ms=ms_since(started))
        outlet = source.title or feed.title or urlsplit(source.feed_url).hostname
        docs = [self._entry_doc(entry, source, outlet) for entry in feed.entries]
        outcomes = await asyncio.gather(*(self._ingest_entry(doc, report) for doc in docs if doc is not None))
        report.outcomes.extend(o for o in outcomes if o is not None)
        # The feed's ETag/Last-Modified are kept only once its entries are stored: kept before, a crash in
        # between would have the next poll answered 304 and the missing entries never fetched.
        self._source_ok(source, result, "ok", feed)
        return report

    def _source_ok(self, source: Source, result: FetchResult, status: str, feed: ParsedFeed | None = None) -> None:
        now = utcnow()
        fields = dict(last_fetch_at=now, last_status=status, error_count=0,
                      next_fetch_at=now + timedelta(seconds=next_attempt(0, interval=self.settings.poll_interval)),
                      etag=result.etag or source.etag, last_modified=result.last_modified or source.last_modified)
        if feed is not None:
            fields.update(format=feed.format, title=source.title or feed.title,
                          site_url=source.site_url or feed.site_url, language=source.language or feed.language)
        self.storage.update_source(source.id, **fields)

    def _source_failed(self, source: Source, error: str, retry_after: float | None) -> None:
        now = utcnow()
        count = source.error_count + 1
        wait = next_attempt(count, interval=self.settings.poll_interval, retry_after=retry_after,
                            max_backoff=self.settings.max_backoff)
        self.storage.update_source(source.id, last_fetch_at=now, last_status="error", last_error=error,
                                   last_error_at=now, error_count=count,
                                   next_fetch_at=now + timedelta(seconds=wait))

    def _entry_doc(self, entry: FeedEntry, source: Source, outlet: str | None) -> Incoming | None:
        return Incoming(url=entry.url or entry.id, source_id=source.id, outlet=outlet, entry=entry, title=entry.title,
                    author=entry.author, published=entry.published or entry.updated)

    async def _ingest_entry(self, doc: Incoming, report: SourceReport) -> Outcome | None:
        try:
            doc.url = canonical_url(doc.url)
        except ValueError as exc:
            self.storage.log_fetch(source_id=doc.source_id, url=doc.url or "", kind="page", outcome="error",
                                   error=str(exc))
            return Outcome(doc.url or "", "error", error=str(exc))
        existing = self.storage.get_article_by_url(doc.url)
        if existing is not None and existing.full_text and not entry_changed(doc.entry, existing):
            return None
        return await self._ingest.fetch_and_store(doc, respect_robots=self.settings.respect_robots)
