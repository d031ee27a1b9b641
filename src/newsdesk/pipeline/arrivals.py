"""A poll cycle's arrivals, handed to the story update in batches while the cycle goes on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from newsdesk.pipeline.ingest import Outcome

GROUP_BATCH = 256          # articles grouped (and their pages written) per step of a story update
ARRIVALS_HOLD = 30.0       # seconds a poll cycle's arrivals may wait before they are grouped mid-cycle


class Arrivals:
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
