"""Wall seconds by stage of the desk's work, for `newsdesk bench ingest` and `bench pipeline`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class StageTimer:
    """`seconds` holds the wall seconds spent in each stage so far."""

    def __init__(self, *stages: str) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(stages, 0.0)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    @contextmanager
    def stage(self, name: str, *, within: str | None = None, failures: bool = True) -> Iterator[None]:
        """Time the block as `name`; the time is taken off the enclosing stage `within` (which times a block
        around this one), and not counted at all when the block raises unless `failures`."""
        started = time.perf_counter()
        try:
            yield
        except BaseException:
            if failures:
                self._spent(name, within, started)
            raise
        self._spent(name, within, started)

    def _spent(self, name: str, within: str | None, started: float) -> None:
        elapsed = time.perf_counter() - started
        self.add(name, elapsed)
        if within is not None:
            self.add(within, -elapsed)
