"""Subscriptions: a feed subscribed by its URL or found from a site's, OPML lists in and out. Needs storage and
a fetcher, not a desk: the web and the CLI subscribe with `subscribe`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from newsdesk.config import Settings
from newsdesk.coverage import LabelError, format_labels, parse_labels
from newsdesk.errors import NewsdeskError
from newsdesk.extract import HTML_TYPES
from newsdesk.fetch import Fetcher, FetchError, FetchSettings
from newsdesk.model import Source
from newsdesk.pipeline.work import parse
from newsdesk.sources import (
    COMMON_FEED_PATHS,
    FeedError,
    OpmlFeed,
    ParsedFeed,
    default_feeds,
    discover_feed_urls,
    http_url_problem,
    read_opml,
    write_opml,
)
from newsdesk.storage import LabelInUse, SourceExists, Storage

Runner = Callable[..., Awaitable]    # runs fn(*args) off the event loop: a worker process or a thread


class SubscribeError(NewsdeskError):
    pass


@dataclass
class OpmlImport:
    """What an OPML import did."""
    added: int = 0
    skipped: int = 0                                                    # already subscribed
    refused: list[tuple[str, str]] = field(default_factory=list)       # (feed URL, why it was not subscribed)
    labelled: int = 0                                                   # feeds whose labels were set
    unlabelled: list[tuple[str, str]] = field(default_factory=list)    # (feed URL, why its labels were not set)


def make_fetcher(settings: Settings) -> Fetcher:
    s = settings
    return Fetcher(FetchSettings(
        connect_timeout=s.connect_timeout, total_timeout=s.total_timeout, idle_timeout=s.idle_timeout,
        allow=s.fetch_allow, max_bytes=s.max_bytes,
        max_redirects=s.max_redirects, per_host_concurrency=s.per_host_concurrency,
        per_host_delay=s.per_host_delay, user_agent=s.user_agent))


async def _in_thread(fn: Callable, *args):
    return await asyncio.to_thread(fn, *args)


class Subscriptions:
    def __init__(self, storage: Storage, fetcher: Fetcher | None = None, run: Runner = _in_thread) -> None:
        self.storage = storage
        self.fetcher = fetcher
        self._run = run

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
                source = self.storage.add_source(feed.feed_url, title=feed.title, site_url=feed.site_url,
                                                 folder=feed.folder)
                done.added += 1
            except SourceExists:
                source = self.storage.get_source(feed.feed_url)
                done.skipped += 1
            if feed.labels and source is not None:
                try:
                    labels = parse_labels(feed.labels)
                    self.storage.set_source_labels(source.id, labels)
                    done.labelled += 1
                except (LabelError, LabelInUse) as exc:
                    done.unlabelled.append((feed.feed_url, str(exc)))
        return done

    def import_default_feeds(self) -> tuple[int, int]:
        """Subscribe to the shipped list; returns (added, already there)."""
        done = self.import_opml(default_feeds())
        return done.added, done.skipped

    def export_opml(self) -> str:
        return write_opml([OpmlFeed(feed_url=s.feed_url, title=s.title, site_url=s.site_url, folder=s.folder,
                                    labels=format_labels(s.labels) or None)
                           for s in self.storage.list_sources(with_counts=False)])


async def subscribe(storage: Storage, settings: Settings, url: str, *, folder: str | None = None,
                    title: str | None = None) -> Source:
    """Subscribe by feed or site URL with a fetcher of its own (closed after)."""
    fetcher = make_fetcher(settings)
    try:
        return await Subscriptions(storage, fetcher).subscribe(url, folder=folder, title=title)
    finally:
        await fetcher.aclose()
