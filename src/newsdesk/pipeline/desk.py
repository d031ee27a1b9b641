"""The desk: subscriptions, polling, ingest, story updates and one-off work composed over one storage, one
fetcher and one pool of extraction workers, with the seconds each stage took."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path

from newsdesk.config import Settings
from newsdesk.fetch import Fetcher
from newsdesk.model import Source
from newsdesk.pipeline.ingest import Ingest, Outcome
from newsdesk.pipeline.oneoff import OneOff
from newsdesk.pipeline.polling import Polling, SourceReport
from newsdesk.pipeline.story_updates import StoryUpdates
from newsdesk.pipeline.subscriptions import OpmlImport, SubscribeError, Subscriptions, make_fetcher
from newsdesk.pipeline.timing import StageTimer
from newsdesk.pipeline.work import make_executor
from newsdesk.sources import OpmlFeed
from newsdesk.storage import Storage

__all__ = ["Desk", "OpmlImport", "Outcome", "SourceReport", "SubscribeError"]


class Desk:
    def __init__(self, storage: Storage, settings: Settings | None = None, executor: Executor | None = None,
                 embed_in_workers: bool = False):
        """`executor`: where parsing and extraction run (default: `extract_workers` processes here); the desk
        shuts it down when it closes. `embed_in_workers`: the workers also embed each page's lead (for a
        cluster's workers: the desk's process then embeds only what they did not)."""
        self.storage = storage
        self.settings = settings or Settings()
        self._executor = executor
        self._fetcher: Fetcher | None = None
        self.timer = StageTimer("fetch", "extract", "dedupe", "store")
        self._stories = StoryUpdates(storage, self.settings, self.timer)
        self._ingest = Ingest(storage, self.settings, lambda: self.fetcher, self._run, self.timer,
                              embed_in_workers=embed_in_workers)
        self._polling = Polling(storage, self.settings, lambda: self.fetcher, self._run, self._ingest,
                                self._stories, self.update_stories)
        self._oneoff = OneOff(storage, self._ingest, self._run, self.update_stories, self.settings.respect_robots)

    @property
    def stage_seconds(self) -> dict[str, float]:
        return self.timer.seconds

    # -- lifecycle ----------------------------------------------------------------------------------------

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = make_fetcher(self.settings)
        return self._fetcher

    async def _run(self, fn: Callable, *args):
        if self._executor is None:
            self._executor = make_executor(self.settings.extract_workers)
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def aclose(self) -> None:
        if self._stories.grouper is not None:
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

    @property
    def subscriptions(self) -> Subscriptions:
        return Subscriptions(self.storage, self.fetcher, self._run)

    async def subscribe(self, url: str, *, folder: str | None = None, title: str | None = None) -> Source:
        return await self.subscriptions.subscribe(url, folder=folder, title=title)

    def import_opml(self, data: bytes | Iterable[OpmlFeed]) -> OpmlImport:
        return Subscriptions(self.storage).import_opml(data)

    def import_default_feeds(self) -> tuple[int, int]:
        return Subscriptions(self.storage).import_default_feeds()

    def export_opml(self) -> str:
        return Subscriptions(self.storage).export_opml()

    # -- polling ------------------------------------------------------------------------------------------

    async def poll(self, sources: list[Source] | None = None, *, due_only: bool = True,
                   on_done: Callable[[SourceReport], None] | None = None) -> list[SourceReport]:
        return await self._polling.poll(sources, due_only=due_only, on_done=on_done)

    async def poll_source(self, source: Source) -> SourceReport:
        return await self._polling.poll_source(source)

    # -- stories ------------------------------------------------------------------------------------------

    async def update_stories(self, outcomes: list[Outcome]) -> set[int]:
        """Group what came in and write the touched story pages again (in a thread: the loop stays free)."""
        return await self._stories.update(outcomes, lambda arrived, changed: self._update_stories(arrived, changed))

    def _update_stories(self, arrived: list[int], changed: list[int]) -> set[int]:
        return self._stories.step(arrived, changed)

    def on_alerts(self, callback: Callable[[], None] | None) -> None:
        """`callback()` whenever a story update decided alerts (the daemon wakes its delivery worker)."""
        self._stories.on_alerts = callback

    def save_stories(self) -> None:
        """Checkpoint the story grouper now (the desk does so on close)."""
        self._stories.save()

    # the story state, as tests and `bench pipeline` read it
    @property
    def _pages(self):
        return self._stories.pages

    @property
    def _grouper(self):
        return self._stories.grouper

    @_grouper.setter
    def _grouper(self, grouper) -> None:
        self._stories.grouper = grouper

    @property
    def _stories_recovered(self) -> bool:
        return self._stories.recovered

    @_stories_recovered.setter
    def _stories_recovered(self, recovered: bool) -> None:
        self._stories.recovered = recovered

    # -- one-off work -------------------------------------------------------------------------------------

    async def ingest_url(self, url: str) -> Outcome:
        return await self._oneoff.ingest_url(url)

    async def ingest_path(self, path: Path, on_done: Callable[[Outcome], None] | None = None,
                          batch: int = 64) -> list[Outcome]:
        """An HTML file, a directory of them, or JSONL; streamed in batches so memory stays flat."""
        return await self._oneoff.ingest_path(path, on_done, batch)

    async def reextract(self, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Run the current extractor again over every kept page; articles whose text changes are updated."""
        return await self._oneoff.reextract(on_done)
