"""Where a backfill's parallel work runs. An engine prepares batches of documents (in order, a bounded number in
flight), finds the reprint pairs across the whole backfill (the band-key shuffle), counts the vocabulary of
time-line slices and groups time-line segments;
the local engine uses worker processes on this machine, the Ray engine (ray_engine.py, loaded only when asked
for) a Ray cluster."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from typing import Protocol

from newsdesk.backfill.prepare import BatchResult, Failed, prepare_batch
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


ATTEMPTS = 3     # times a batch (then each of its records) is handed to a worker before it counts as what kills them


class LocalEngine:
    """This machine: `workers` processes (spawned, ending with the backfill), or in this process for one."""
    name = "local"

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: Executor | None = None
        self.restarts = 0       # worker pools started again after a worker died

    def _executor(self) -> Executor | None:
        if self.workers > 1 and self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=start_worker, initargs=(os.getpid(),))
        return self._pool

    def _renew(self) -> None:
        """A worker died (killed, out of memory): the pool is broken; the next call starts a new one."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self.restarts += 1

    def prepare(self, batches: Iterable[list[LocalDocument]], embed: bool = True) -> Iterator[BatchResult]:
        if self._executor() is None:
            for batch in batches:
                yield prepare_batch(batch, embed)
            return
        in_flight: deque[tuple[list[LocalDocument], Future]] = deque()
        for batch in batches:
            in_flight.append((batch, self._executor().submit(prepare_batch, batch, embed)))
            if len(in_flight) >= 2 * self.workers:
                yield self._next_result(in_flight, embed)
        while in_flight:
            yield self._next_result(in_flight, embed)

    def _next_result(self, in_flight: deque, embed: bool) -> BatchResult:
        """The oldest batch's result; when a worker died under the batches in flight, they go to a new pool; a
        batch under which workers died `ATTEMPTS` times is read one record at a time, and a record under which
        they died `ATTEMPTS` times is a bad record."""
        batch, future = in_flight[0]
        for _ in range(ATTEMPTS - 1):
            try:
                result = future.result()
                in_flight.popleft()
                return result
            except BrokenProcessPool:
                self._renew()
                for index, (waiting, _) in enumerate(in_flight):
                    in_flight[index] = (waiting, self._executor().submit(prepare_batch, waiting, embed))
                future = in_flight[0][1]
        in_flight.popleft()
        return self._one_at_a_time(batch, embed)

    def _one_at_a_time(self, batch: list[LocalDocument], embed: bool) -> BatchResult:
        items: list = []
        seconds: dict[str, float] = {}
        for document in batch:
            part = None
            for _ in range(ATTEMPTS):
                try:
                    part = self._executor().submit(prepare_batch, [document], embed).result()
                    break
                except BrokenProcessPool:
                    self._renew()
            if part is None:
                items.append(Failed(f"the worker reading this record died {ATTEMPTS} times (out of memory, or a "
                                    "crash in the extractor's libraries)"))
                continue
            items.extend(part.items)
            for stage, value in part.seconds.items():
                seconds[stage] = seconds.get(stage, 0.0) + value
        return BatchResult(items, seconds)

    def group(self, segments: list[Segment], window: timedelta) -> list[list[Placed]]:
        pool = self._executor()
        if pool is None or len(segments) == 1:
            return [group_segment(s, window) for s in segments]
        return self._map(group_segment, segments, [window] * len(segments))

    def count_terms(self, slices: list[list[SegmentItem]]) -> list[TermCounts]:
        pool = self._executor()
        if pool is None or len(slices) <= 1:
            return [count_terms(part) for part in slices]
        return self._map(count_terms, slices)

    def _map(self, fn, *iterables) -> list:
        """`fn` over the workers; when one dies, all of it again on a new pool (then its failure is the caller's)."""
        try:
            return list(self._executor().map(fn, *iterables))
        except BrokenProcessPool:
            self._renew()
            return list(self._executor().map(fn, *iterables))

    def pairs(self, signatures: list[CopySignature], threshold: float) -> list[tuple[int, int]]:
        return find_pairs(signatures, threshold)

    def worker_pids(self) -> list[int]:
        """The worker processes (this process when the work runs here)."""
        pool = self._pool
        return list(pool._processes or {}) if pool is not None else [os.getpid()]

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
