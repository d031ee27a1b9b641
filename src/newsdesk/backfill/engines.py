"""Where a backfill's parallel work runs. An engine prepares batches of documents (in order, a bounded number in
flight), finds the reprint pairs across the whole backfill (the band-key shuffle), counts the vocabulary of
time-line slices and groups time-line segments;
the local engine uses worker processes on this machine, the Ray engine (ray_engine.py, loaded only when asked
for) a Ray cluster."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import timedelta
from typing import Protocol

from newsdesk.backfill.prepare import BatchResult, prepare_batch
from newsdesk.backfill.reprints import find_pairs
from newsdesk.backfill.segments import Placed, Segment, SegmentItem, group_segment
from newsdesk.backfill.vocabulary import TermCounts, count_terms
from newsdesk.embed import EMBED_THREADS_ENV
from newsdesk.errors import NewsdeskError
from newsdesk.lifeline import die_with_parent
from newsdesk.model import CopySignature
from newsdesk.sources import LocalDocument


class EngineError(NewsdeskError):
    """An engine that cannot start (Ray not installed, a cluster that does not answer)."""


class Engine(Protocol):
    name: str
    workers: int

    def prepare(self, batches: Iterable[list[LocalDocument]], embed: bool = True) -> Iterator[BatchResult]: ...

    def group(self, segments: list[Segment], window: timedelta) -> list[list[Placed]]: ...

    def count_terms(self, slices: list[list[SegmentItem]]) -> list[TermCounts]: ...

    def pairs(self, signatures: list[CopySignature], threshold: float) -> list[tuple[int, int]]: ...

    def close(self) -> None: ...


def ordered(submit: Callable[[list[LocalDocument]], object], result: Callable[[object], BatchResult],
            batches: Iterable[list[LocalDocument]], in_flight: int) -> Iterator[BatchResult]:
    """Results of `batches` in their order, with at most `in_flight` submitted and not yet handed back."""
    pending: deque = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class LocalEngine:
    """This machine: `workers` processes (spawned, ending with the backfill), or in this process for one."""
    name = "local"

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: Executor | None = None

    def _executor(self) -> Executor | None:
        if self.workers > 1 and self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=start_worker, initargs=(os.getpid(),))
        return self._pool

    def prepare(self, batches: Iterable[list[LocalDocument]], embed: bool = True) -> Iterator[BatchResult]:
        pool = self._executor()
        if pool is None:
            for batch in batches:
                yield prepare_batch(batch, embed)
            return
        yield from ordered(lambda b: pool.submit(prepare_batch, b, embed), Future.result, batches, 2 * self.workers)

    def group(self, segments: list[Segment], window: timedelta) -> list[list[Placed]]:
        pool = self._executor()
        if pool is None or len(segments) == 1:
            return [group_segment(s, window) for s in segments]
        return list(pool.map(group_segment, segments, [window] * len(segments)))

    def count_terms(self, slices: list[list[SegmentItem]]) -> list[TermCounts]:
        pool = self._executor()
        if pool is None or len(slices) <= 1:
            return [count_terms(part) for part in slices]
        return list(pool.map(count_terms, slices))

    def pairs(self, signatures: list[CopySignature], threshold: float) -> list[tuple[int, int]]:
        return find_pairs(signatures, threshold)

    def worker_pids(self) -> list[int]:
        """The worker processes (this process when the work runs here)."""
        return list(self._pool._processes) if self._pool is not None else [os.getpid()]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def start_worker(parent_pid: int) -> None:
    """A worker process: it ends with the backfill, and its model runs one text at a time unless
    NEWSDESK_EMBED_THREADS says otherwise (the workers already fill the cores: two workers each running two at a
    time on two cores measured 0.8 of one worker's rate)."""
    die_with_parent(parent_pid)
    os.environ.setdefault(EMBED_THREADS_ENV, "1")


def make_engine(name: str, workers: int = 0, address: str | None = None) -> Engine:
    if name == "local":
        return LocalEngine(workers)
    if name == "ray":
        from newsdesk.backfill.ray_engine import RayEngine

        return RayEngine(address or "local", workers)
    raise EngineError(f"unknown engine {name!r}: local or ray")
