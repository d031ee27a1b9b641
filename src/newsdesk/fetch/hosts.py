"""Per-host politeness: a cap on requests in flight and a minimum gap between request starts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostPacer:
    """One per host name. `slot()` waits for a free slot, then for the host's next allowed start time.
    Start times are spaced by `delay`, raised to any `floor` (robots.txt Crawl-delay) set later."""

    def __init__(self, concurrency: int, delay: float):
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._gate = asyncio.Lock()
        self._delay = max(0.0, delay)
        self.floor = 0.0
        self._next_start = 0.0

    @property
    def delay(self) -> float:
        return max(self._delay, self.floor)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            async with self._gate:
                loop = asyncio.get_running_loop()
                wait = self._next_start - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = loop.time() + self.delay
            yield


class HostPacers:
    """Pacers by lower-case host name (ports are not told apart: one machine, one pace)."""

    def __init__(self, concurrency: int, delay: float):
        self._concurrency = concurrency
        self._delay = delay
        self._hosts: dict[str, HostPacer] = {}

    def __getitem__(self, host: str) -> HostPacer:
        key = host.lower()
        pacer = self._hosts.get(key)
        if pacer is None:
            pacer = self._hosts[key] = HostPacer(self._concurrency, self._delay)
        return pacer
