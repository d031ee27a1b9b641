"""The desk: sources are polled, pages fetched and extracted, copies found, and everything stored."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from newsdesk.config import Settings
from newsdesk.dedupe import Fingerprint, canonical_url, find_original
from newsdesk.errors import NewsdeskError
from newsdesk.extract import ExtractionError
from newsdesk.fetch import Fetcher, FetchError, FetchResult, FetchSettings, next_attempt
from newsdesk.pipeline.work import Processed, html_to_text, make_executor, parse, process_page, process_text
from newsdesk.sources import (
    COMMON_FEED_PATHS, FeedEntry, FeedError, LocalDocument, LocalDocumentError, OpmlFeed, ParsedFeed,
    default_feeds, discover_feed_urls, http_url_problem, iter_documents, read_opml, write_opml,
)
from newsdesk.storage import Article, NewArticle, Source, SourceExists, Storage, StorageError
from newsdesk.timeutil import utcnow

HTML_TYPES = {"text/html", "application/xhtml+xml"}
GROUP_BATCH = 256          # articles grouped (and their pages written) per step of a story update
ARRIVALS_HOLD = 30.0       # seconds a poll cycle's arrivals may wait before they are grouped mid-cycle


class SubscribeError(NewsdeskError):
    pass


@dataclass
class OpmlImport:
    """What an OPML import did."""
    added: int = 0
    skipped: int = 0                                                    # already subscribed
    refused: list[tuple[str, str]] = field(default_factory=list)       # (feed URL, why it was not subscribed)


@dataclass
class Outcome:
    """What happened to one document."""
    url: str
    status: str                 # new | updated | unchanged | copy | error
    article_id: int | None = None
    original_id: int | None = None
    error: str | None = None    # an error, also when a teaser was stored instead of the full text


@dataclass
class SourceReport:
    source_id: int | None
    name: str
    status: str = "ok"          # ok | not_modified | error | disabled
    error: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        return self.status in ("error", "disabled")

    @property
    def errors(self) -> list[str]:
        found = [self.error] if self.error else []
        return found + [f"{o.url}: {o.error}" for o in self.outcomes if o.error]


@dataclass
class _Doc:
    """One article on its way into storage."""
    url: str
    source_id: int | None = None
    outlet: str | None = None
    entry: FeedEntry | None = None
    text: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None


def _same_site(a: str, b: str) -> bool:
    strip = lambda u: (urlsplit(u).hostname or "").removeprefix("www.")  # noqa: E731
    return strip(a) == strip(b)


class _Arrivals:
    """A poll cycle's arrivals, grouped while the cycle goes on rather than after its last source: once
    GROUP_BATCH articles wait, or the first of them has waited ARRIVALS_HOLD seconds. A long cycle's first
    stories so appear while its slow sources are still being read; a short one is grouped at its end, in one
    batch in time order."""

    def __init__(self, update: Callable[[list[Outcome]], Awaitable[set[int]]]) -> None:
        self.update = update
        self.waiting: list[Outcome] = []
        self.since = 0.0
        self.task: asyncio.Task | None = None
        self.wake = asyncio.Event()
        self.closing = False
        self.error: BaseException | None = None

    def add(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.extend(outcomes)
        if len(self.waiting) >= GROUP_BATCH:
            self.wake.set()
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        while self.waiting:
            while not self.closing and len(self.waiting) < GROUP_BATCH:
                left = self.since + ARRIVALS_HOLD - time.monotonic()
                if left <= 0:
                    break
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), left)
                except TimeoutError:
                    break
            taken, self.waiting = self.waiting, []
            try:
                await self.update(taken)
            except Exception as exc:   # the next update regroups what this one left (the desk recovers)
                self.error = self.error or exc

    async def settle(self) -> None:
        """Group what waits now and wait for it."""
        self.closing = True
        self.wake.set()
        if self.task is not None:
            await self.task

    async def finish(self) -> None:
        """Group what waits, run the last update (on a desk's first, that also groups what an earlier run
        stored but never grouped), and raise the first error any of them met."""
        await self.settle()
        try:
            await self.update(self.waiting)
        except Exception as exc:
            self.error = self.error or exc
        self.waiting = []
        if self.error is not None:
            raise self.error


class Desk:
    def __init__(self, storage: Storage, settings: Settings | None = None):
        self.storage = storage
        self.settings = settings or Settings()
        self._executor = None
        self._fetcher: Fetcher | None = None
        self.stage_seconds: dict[str, float] = {"fetch": 0.0, "extract": 0.0, "dedupe": 0.0, "store": 0.0}
        self._grouper = None
        self._pages = None
        self._stories_recovered = False
        self._grouping = asyncio.Lock()

    # -- lifecycle ----------------------------------------------------------------------------------------

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            s = self.settings
            self._fetcher = Fetcher(FetchSettings(
                connect_timeout=s.connect_timeout, total_timeout=s.total_timeout, idle_timeout=s.idle_timeout,
                allow=s.fetch_allow, max_bytes=s.max_bytes,
                max_redirects=s.max_redirects, per_host_concurrency=s.per_host_concurrency,
                per_host_delay=s.per_host_delay, user_agent=s.user_agent))
        return self._fetcher

    async def _run(self, fn: Callable, *args):
        if self._executor is None:
            self._executor = make_executor(self.settings.extract_workers)
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def aclose(self) -> None:
        if self._grouper is not None:
            await asyncio.to_thread(self.save_stories)
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    async def __aenter__(self) -> "Desk":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    # -- subscriptions ------------------------------------------------------------------------------------

    async def subscribe(self, url: str, *, folder: str | None = None, title: str | None = None) -> Source:
        """Subscribe by feed URL, or by site URL (the feed is discovered)."""
        try:
            result = await self.fetcher.fetch(url)
        except FetchError as exc:
            raise SubscribeError(f"cannot fetch {url}: {exc}") from exc
        try:
            feed = await self._run(parse, result.body, result.url, result.content_type)
            return self._add(result.url, feed, folder, title)
        except FeedError as first_error:
            if result.content_type not in HTML_TYPES and not result.body.lstrip()[:200].lower().startswith(
                    (b"<!doctype html", b"<html")):
                raise SubscribeError(f"{url}: {first_error}") from first_error
        candidates = discover_feed_urls(result.body, result.url)
        root = f"{urlsplit(result.url).scheme}://{urlsplit(result.url).netloc}"
        candidates += [urljoin(root, path) for path in COMMON_FEED_PATHS if urljoin(root, path) not in candidates]
        for candidate in candidates:
            try:
                found = await self.fetcher.fetch(candidate)
                feed = await self._run(parse, found.body, found.url, found.content_type)
            except (FetchError, FeedError):
                continue
            return self._add(found.url, feed, folder, title, site_url=result.url)
        raise SubscribeError(f"no feed found at {url}: the page advertises none and none of the usual "
                             f"paths ({', '.join(COMMON_FEED_PATHS)}) holds one")

    def _add(self, feed_url: str, feed: ParsedFeed, folder: str | None, title: str | None,
             site_url: str | None = None) -> Source:
        return self.storage.add_source(feed_url, title=title or feed.title, site_url=feed.site_url or site_url,
                                       folder=folder, format=feed.format, language=feed.language)

    def import_opml(self, data: bytes | Iterable[OpmlFeed]) -> OpmlImport:
        """Add every http(s) feed of an OPML list (folders kept); the others are refused, saying why."""
        feeds = read_opml(data) if isinstance(data, bytes) else list(data)
        done = OpmlImport()
        for feed in feeds:
            problem = http_url_problem(feed.feed_url)
            if problem:
                done.refused.append((feed.feed_url, problem))
                continue
            try:
                self.storage.add_source(feed.feed_url, title=feed.title, site_url=feed.site_url, folder=feed.folder)
                done.added += 1
            except SourceExists:
                done.skipped += 1
        return done

    def import_default_feeds(self) -> tuple[int, int]:
        """Subscribe to the shipped list; returns (added, already there)."""
        done = self.import_opml(default_feeds())
        return done.added, done.skipped

    def export_opml(self) -> str:
        return write_opml([OpmlFeed(feed_url=s.feed_url, title=s.title, site_url=s.site_url, folder=s.folder)
                           for s in self.storage.list_sources()])

    # -- polling ------------------------------------------------------------------------------------------

    async def poll(self, sources: list[Source] | None = None, *, due_only: bool = True,
                   on_done: Callable[[SourceReport], None] | None = None) -> list[SourceReport]:
        if sources is None:
            sources = (self.storage.due_sources(utcnow()) if due_only
                       else [s for s in self.storage.list_sources() if s.enabled])
        gate = asyncio.Semaphore(max(1, self.settings.max_parallel_sources))
        arrivals = _Arrivals(self.update_stories)

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
            self._stories_recovered = False
            raise
        failed = next((r for r in results if isinstance(r, BaseException)), None)
        if failed is not None:
            arrivals.waiting.clear()
            await arrivals.settle()
            self._stories_recovered = False   # what was stored before the failure is grouped by the next update
            raise failed
        await arrivals.finish()
        return list(results)

    async def poll_source(self, source: Source) -> SourceReport:
        report = SourceReport(source.id, source.name)
        started = time.perf_counter()
        try:
            result = await self.fetcher.fetch(source.feed_url, etag=source.etag, last_modified=source.last_modified)
        except FetchError as exc:
            report.status, report.error = "error", str(exc)
            self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="error",
                                   http_status=exc.status, error=str(exc), duration_ms=_ms(started))
            if exc.status == 410:
                report.status = "disabled"
                self.storage.update_source(source.id, enabled=False,
                                           disabled_reason="HTTP 410 Gone: the publisher removed this feed")
            self._source_failed(source, str(exc), exc.retry_after)
            return report
        if result.status == 304:
            report.status = "not_modified"
            self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="not_modified",
                                   http_status=304, duration_ms=_ms(started))
            self._source_ok(source, result, "not_modified")
            return report
        try:
            feed: ParsedFeed = await self._run(parse, result.body, result.url, result.content_type)
        except FeedError as exc:
            report.status, report.error = "error", str(exc)
            self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="error",
                                   http_status=result.status, error=str(exc), duration_ms=_ms(started))
            self._source_failed(source, str(exc), None)
            return report
        self.storage.log_fetch(source_id=source.id, url=source.feed_url, kind="feed", outcome="ok",
                               http_status=result.status, error="; ".join(feed.warnings) or None,
                               duration_ms=_ms(started))
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

    def _entry_doc(self, entry: FeedEntry, source: Source, outlet: str | None) -> _Doc | None:
        return _Doc(url=entry.url or entry.id, source_id=source.id, outlet=outlet, entry=entry, title=entry.title,
                    author=entry.author, published=entry.published or entry.updated)

    async def _ingest_entry(self, doc: _Doc, report: SourceReport) -> Outcome | None:
        try:
            doc.url = canonical_url(doc.url)
        except ValueError as exc:
            self.storage.log_fetch(source_id=doc.source_id, url=doc.url or "", kind="page", outcome="error",
                                   error=str(exc))
            return Outcome(doc.url or "", "error", error=str(exc))
        existing = self.storage.get_article_by_url(doc.url)
        if existing is not None and existing.full_text and not _entry_changed(doc.entry, existing):
            return None
        return await self._fetch_and_store(doc, respect_robots=self.settings.respect_robots)

    async def _fetch_and_store(self, doc: _Doc, *, respect_robots: bool) -> Outcome:
        teaser = _entry_text(doc.entry)
        error: str | None = None
        status: int | None = None
        processed: Processed | None = None
        started = time.perf_counter()
        if self.settings.fetch_full_text or doc.entry is None:
            try:
                result = await self.fetcher.fetch(doc.url, respect_robots=respect_robots)
                self.stage_seconds["fetch"] += time.perf_counter() - started
                status = result.status
                if result.content_type and result.content_type not in HTML_TYPES:
                    raise ExtractionError(f"not an HTML page: the server sent {result.content_type}")
                processed = await self._run(process_page, result.body, result.url)
                self.stage_seconds["extract"] += processed.extract_seconds
                self.stage_seconds["dedupe"] += processed.fingerprint_seconds
            except (FetchError, ExtractionError) as exc:
                error = str(exc)
                status = getattr(exc, "status", status)
        if processed is None and not teaser:
            self.storage.log_fetch(source_id=doc.source_id, url=doc.url, kind="page", outcome="error",
                                   http_status=status, error=error or "the entry has no text",
                                   duration_ms=_ms(started))
            return Outcome(doc.url, "error", error=error or "the entry has no text")
        if processed is None:
            fp = await self._run(process_text, teaser)
            outcome = self._store(doc, teaser, fp, full_text=False, error=error)
        else:
            outcome = self._store(doc, processed.extracted.text, processed.fingerprint, extracted=processed)
        self.storage.log_fetch(source_id=doc.source_id, url=doc.url, kind="page",
                               outcome="error" if error else outcome.status, http_status=status,
                               error=error, article_id=outcome.article_id, duration_ms=_ms(started))
        return outcome

    # -- storing ------------------------------------------------------------------------------------------

    def _store(self, doc: _Doc, text: str, fp: Fingerprint, *, extracted: Processed | None = None,
               full_text: bool = True, error: str | None = None) -> Outcome:
        meta = extracted.extracted if extracted else None
        url = doc.url
        if meta and meta.canonical_url and _same_site(meta.canonical_url, doc.url):
            try:
                url = canonical_url(meta.canonical_url)
            except ValueError:
                pass
        entry = doc.entry
        new = NewArticle(
            url=url, text=text, text_hash=fp.text_hash, source_id=doc.source_id,
            outlet=doc.outlet or (meta.site_name if meta else None) or urlsplit(url).hostname,
            entry_id=entry.id if entry else None,
            title=doc.title or (meta.title if meta else None),
            author=doc.author or (meta.author if meta else None),
            published_at=doc.published or (meta.published if meta else None),
            updated_at=entry.updated if entry else None,
            language=meta.language if meta else None,
            image_url=(entry.image_url if entry else None) or (meta.image_url if meta else None),
            summary=(html_to_text(entry.summary) if entry and entry.summary else None)
                    or (meta.description if meta else None),
            shingle_count=fp.shingle_count, minhash=fp.minhash, band_keys=fp.band_keys,
            full_text=full_text, extraction_error=error,
            html_zlib=extracted.html_zlib if extracted else None)
        started = time.perf_counter()
        try:
            with self.storage.transaction():
                return self._write(url, new, fp, full_text, error)
        finally:
            self.stage_seconds["store"] += time.perf_counter() - started

    def _write(self, url: str, new: NewArticle, fp: Fingerprint, full_text: bool, error: str | None) -> Outcome:
        existing = self.storage.get_article_by_url(url)
        if existing is not None:
            if existing.text_hash == fp.text_hash and existing.full_text >= full_text:
                return Outcome(url, "unchanged", existing.id, existing.original_id, error)
            if not full_text and existing.full_text:
                return Outcome(url, "unchanged", existing.id, existing.original_id, error)
            self.storage.add_revision(existing.id, new)
            return Outcome(url, "updated", existing.id, existing.original_id, error)
        when = new.published_at or utcnow()
        started = time.perf_counter()
        match = find_original(fp, when, self.storage.articles_with_hash(fp.text_hash),
                              self.storage.lsh_candidates(fp.band_keys), self.settings.duplicate_threshold)
        self.stage_seconds["dedupe"] += time.perf_counter() - started
        self.stage_seconds["store"] -= time.perf_counter() - started
        article_id = self.storage.insert_article(new)
        if match is None:
            return Outcome(url, "new", article_id, error=error)
        if match.new_is_earlier:
            self.storage.mark_copy(match.original_id, article_id, match.similarity, match.method)
            return Outcome(url, "new", article_id, error=error)
        self.storage.mark_copy(article_id, match.original_id, match.similarity, match.method)
        return Outcome(url, "copy", article_id, match.original_id, error)

    async def reextract(self, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Run the current extractor again over every kept page; articles whose text changes are updated."""
        outcomes: list[Outcome] = []
        after = 0
        while batch := self.storage.pages_for_reextraction(after):
            after = batch[-1][0]
            results = await asyncio.gather(*(self._run(process_page, html, url) for _, url, html in batch),
                                           return_exceptions=True)
            for (article_id, url, _), result in zip(batch, results):
                if isinstance(result, ExtractionError):
                    outcome = Outcome(url, "error", article_id, error=str(result))
                elif isinstance(result, BaseException):
                    raise result
                elif result.fingerprint.text_hash == self.storage.get_article(article_id).text_hash:
                    outcome = Outcome(url, "unchanged", article_id)
                else:
                    meta = result.extracted
                    self.storage.replace_extraction(article_id, NewArticle(
                        url=url, text=meta.text, text_hash=result.fingerprint.text_hash, title=meta.title,
                        author=meta.author, published_at=meta.published, language=meta.language,
                        image_url=meta.image_url, shingle_count=result.fingerprint.shingle_count,
                        minhash=result.fingerprint.minhash, band_keys=result.fingerprint.band_keys))
                    outcome = Outcome(url, "updated", article_id)
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
        return outcomes

    # -- stories ------------------------------------------------------------------------------------------

    async def update_stories(self, outcomes: list[Outcome]) -> set[int]:
        """Group what came in and write the touched story pages again (in a thread: the loop stays free)."""
        if not self.settings.stories:
            return set()
        arrived = [o.article_id for o in outcomes if o.article_id and o.status in ("new", "copy")]
        changed = [o.article_id for o in outcomes if o.article_id and o.status == "updated"]
        if not arrived and not changed and self._stories_recovered:
            return set()
        # A big update (a desk's first poll, or a day's backlog) is grouped and written GROUP_BATCH articles
        # at a time: memory stays that of one batch, and the first stories appear before the last are read.
        batches = [arrived[i:i + GROUP_BATCH] for i in range(0, len(arrived), GROUP_BATCH)] or [[]]
        touched: set[int] = set()
        async with self._grouping:        # one grouper: updates run one at a time, in the order asked
            for number, batch in enumerate(batches):
                last = number == len(batches) - 1
                touched |= await asyncio.to_thread(self._update_stories, batch, changed if last else [])
        return touched

    def _recover_stories(self) -> tuple[set[int], set[int]]:
        """After a crash: group the articles stored but never grouped, and name the stories whose page is
        older than their last change, so the first update of this desk finishes what the last one began.
        Returns (stories touched, articles grouped)."""
        waiting = self.storage.articles_without_story()
        touched: set[int] = set()
        alongside = self._pages.prepare if self.settings.story_pages else None
        for start in range(0, len(waiting), 256):   # one transaction each: a crash keeps what was done
            touched |= self._grouper.group(waiting[start:start + 256], alongside=alongside)
        touched |= set(self.storage.stories_touched_since(datetime(1970, 1, 1, tzinfo=timezone.utc)))
        self._stories_recovered = True
        return touched, set(waiting)

    def _update_stories(self, arrived: list[int], changed: list[int]) -> set[int]:
        from newsdesk.pipeline.stories import PageWriter, StoryGrouper

        if self._grouper is None:
            self._grouper = StoryGrouper(self.storage, window=timedelta(hours=self.settings.story_window_hours))
            self._pages = PageWriter(self.storage, settings=self.settings)
        grouper = self._grouper
        before = dict(grouper.seconds)
        recovered: set[int] = set()
        try:
            if not self._stories_recovered:
                recovered, done = self._recover_stories()
                arrived = [i for i in arrived if i not in done]
            # the story writer's sentences are embedded while the grouper places the articles
            alongside = self._pages.prepare if self.settings.story_pages else None
            touched = (grouper.group(arrived, alongside=alongside) if arrived else set()) | recovered
        except BaseException:
            # the grouping was rolled back but the clusterer in memory went on: reload it, regroup the rest
            self._grouper, self._stories_recovered = None, False
            raise
        touched |= {s for s in (self.storage.story_of(i) for i in changed) if s is not None}
        grouper.checkpoint()
        for stage in ("embed", "group", "checkpoint"):
            self.stage_seconds[stage] = (self.stage_seconds.get(stage, 0.0) + grouper.seconds[stage]
                                         - before.get(stage, 0.0))
        started = time.perf_counter()
        if self.settings.story_pages:
            self._pages.write(touched)
        self.stage_seconds["synthesize"] = self.stage_seconds.get("synthesize", 0.0) + time.perf_counter() - started
        return touched

    def save_stories(self) -> None:
        """Checkpoint the story grouper now (the desk does so on close)."""
        if self._grouper is not None:
            self._grouper.checkpoint(force=True)

    # -- one-off ingest -----------------------------------------------------------------------------------

    async def ingest_url(self, url: str) -> Outcome:
        try:
            doc = _Doc(url=canonical_url(url))
        except ValueError as exc:
            return Outcome(url, "error", error=str(exc))
        outcome = await self._fetch_and_store(doc, respect_robots=self.settings.respect_robots)
        await self.update_stories([outcome])
        return outcome

    async def ingest_path(self, path: Path, on_done: Callable[[Outcome], None] | None = None,
                          batch: int = 64) -> list[Outcome]:
        """An HTML file, a directory of them, or JSONL; streamed in batches so memory stays flat."""
        outcomes: list[Outcome] = []
        pending: list[LocalDocument] = []

        async def flush() -> None:
            results = await asyncio.gather(*(self._ingest_local(d) for d in pending))
            pending.clear()
            await self.update_stories(results)
            for outcome in results:
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)

        for item in iter_documents(path):
            if isinstance(item, LocalDocumentError):
                outcome = Outcome(item.origin, "error", error=item.message)
                self.storage.log_fetch(source_id=None, url=item.origin, kind="file", outcome="error",
                                       error=item.message)
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
                continue
            pending.append(item)
            if len(pending) >= batch:
                await flush()
        if pending:
            await flush()
        return outcomes

    async def _ingest_local(self, item: LocalDocument) -> Outcome:
        url = item.url or f"urn:newsdesk:{item.origin}"
        try:
            url = canonical_url(url) if item.url else url
            doc = _Doc(url=url, outlet=item.source, title=item.title, published=item.published)
            if item.html:
                processed = await self._run(process_page, item.html, item.url)
                outcome = self._store(doc, processed.extracted.text, processed.fingerprint, extracted=processed)
            else:
                text = (item.text or "").strip()
                if not text:
                    raise ExtractionError("the document has no text")
                outcome = self._store(doc, text, await self._run(process_text, text))
        except (ValueError, ExtractionError) as exc:
            outcome = Outcome(url, "error", error=str(exc))
        self.storage.log_fetch(source_id=None, url=url, kind="file", outcome=outcome.status, error=outcome.error,
                               article_id=outcome.article_id)
        return outcome


def _entry_text(entry: FeedEntry | None) -> str:
    if entry is None:
        return ""
    return html_to_text(entry.content_html or "") or html_to_text(entry.summary or "")


def _entry_changed(entry: FeedEntry | None, existing: Article) -> bool:
    """The feed says the article changed since we stored it: a newer update time, or a new title or teaser
    (many RSS feeds carry no update time at all)."""
    if entry is None:
        return False
    if entry.updated is not None and entry.updated > (existing.updated_at or existing.first_seen_at):
        return True
    if entry.title and existing.title and entry.title.strip() != existing.title.strip():
        return True
    teaser = html_to_text(entry.summary or "")
    return bool(teaser and existing.summary and teaser != existing.summary)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
