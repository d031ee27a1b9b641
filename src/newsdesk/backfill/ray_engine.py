"""The Ray engine, on a cluster (`--address`) or on a Ray instance this process starts on this machine (`local`):
the documents through Ray Data's streaming stages (extract + language + fingerprint, then embed, each
`map_batches` over the same functions as the local engine), the reprint shuffle and the segments as Ray tasks.
Every node needs newsdesk installed (the same version); only the driver opens the database. Ray is imported here
and nowhere else."""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from datetime import timedelta

import numpy as np

from newsdesk.backfill.engines import EngineError
from newsdesk.backfill.prepare import BatchResult, embed_batch, extract_batch
from newsdesk.backfill.reprints import distinct, partition_keys, verify_partition
from newsdesk.backfill.segments import Placed, Segment, SegmentItem, group_segment
from newsdesk.backfill.vocabulary import TermCounts, count_terms
from newsdesk.embed import EMBED_THREADS_ENV
from newsdesk.model import CopySignature
from newsdesk.sources import LocalDocument


class RayEngine:
    name = "ray"

    def __init__(self, address: str = "local", workers: int = 0) -> None:
        try:
            import ray
        except ImportError:
            raise EngineError("the ray engine needs Ray: pip install -e '.[ray]' (or --engine local)") from None
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            try:
                if address == "local":
                    ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                             runtime_env={"env_vars": _worker_env()})
                else:
                    ray.init(address=address, log_to_driver=False, runtime_env={"env_vars": _worker_env()})
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise EngineError(f"cannot reach the Ray cluster at {address}: {exc}") from None
            self._started = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = min(workers, cpus) if workers else cpus
        self._group = ray.remote(num_cpus=1)(group_segment)
        self._count = ray.remote(num_cpus=1)(count_terms)
        self._partition = ray.remote(num_cpus=1)(partition_keys)
        self._verify = ray.remote(num_cpus=1)(verify_partition)

    def prepare(self, batches: Iterable[list[LocalDocument]], embed: bool = True,
                batch_size: int = 64) -> Iterator[BatchResult]:
        """The batches' results in order, a window of WINDOW_BATCHES batches streamed through Ray Data at a time
        (each window a dataset of its documents; the driver stores a window's batches before it reads the next)."""
        window: list[list[LocalDocument]] = []
        for batch in batches:
            window.append(batch)
            if len(window) >= WINDOW_BATCHES:
                yield from self._stream(window, embed, batch_size)
                window = []
        if window:
            yield from self._stream(window, embed, batch_size)

    def _stream(self, window: list[list[LocalDocument]], embed: bool, batch_size: int) -> Iterator[BatchResult]:
        results = [BatchResult([], {}) for _ in window]
        rows = [{"batch": b, "document": pickle.dumps(d)} for b, batch in enumerate(window) for d in batch]
        if rows:
            import ray.data as data

            logging.getLogger("ray.data").setLevel(logging.ERROR)     # its plan and progress, per window
            context = data.DataContext.get_current()
            context.execution_options.preserve_order = True
            context.enable_progress_bars = False
            dataset = data.from_items(rows).map_batches(extract_rows, batch_size=batch_size, batch_format="numpy")
            if embed:
                dataset = dataset.map_batches(embed_rows, batch_size=batch_size, batch_format="numpy")
            for row in dataset.iter_rows():
                result = results[int(row["batch"])]
                result.items.append(pickle.loads(row["item"]))
                for stage in STAGES:
                    result.seconds[stage] = result.seconds.get(stage, 0.0) + float(row[f"{stage}_s"])
        yield from results

    def group(self, segments: list[Segment], window: timedelta) -> list[list[Placed]]:
        return self._ray.get([self._group.remote(segment, window) for segment in segments])

    def count_terms(self, slices: list[list[SegmentItem]]) -> list[TermCounts]:
        return self._ray.get([self._count.remote(part) for part in slices])

    def pairs(self, signatures: list[CopySignature], threshold: float) -> list[tuple[int, int]]:
        """The band-key shuffle as Ray tasks: a map task per slice of the signatures splits its keys into one
        partition per worker; a reduce task per partition takes that partition of every map task's output and
        verifies its pairs against the signatures (put once in the object store)."""
        ray, count = self._ray, max(1, self.workers)
        table = ray.put(signatures)
        size = -(-len(signatures) // count)
        maps = []
        for first in range(0, len(signatures), size):
            parts = self._partition.options(num_returns=count).remote(signatures[first:first + size], first, count)
            maps.append(parts if count > 1 else [parts])
        reduces = [self._verify.remote(table, threshold, *(parts[r] for parts in maps)) for r in range(count)]
        return distinct(ray.get(reduces))

    def executor(self) -> "RayExecutor":
        """The live desk's worker pool on this cluster (`newsdesk run --engine ray`)."""
        return RayExecutor(self)

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False


class RayExecutor(Executor):
    """What the live desk hands its worker pool (feed parsing, page extraction, fingerprints and the lead's
    vectors: `process_page_embedded`, `process_text`, `parse`) as Ray tasks on the cluster; polling, grouping
    and writing stay with the desk."""

    def __init__(self, engine: RayEngine) -> None:
        self._engine = engine
        self._remote: dict[Callable, object] = {}
        self.submitted = 0

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._remote[fn] = self._engine._ray.remote(num_cpus=1)(fn)
        self.submitted += 1
        return remote.remote(*args, **kwargs).future()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to end here: the engine's maker closes it (and Ray with it, when it started Ray)."""


WINDOW_BATCHES = 16
STAGES = ("extract", "language", "fingerprint", "embed")


def extract_rows(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Ray Data's extract stage (extract, language, fingerprint): `extract_batch` over a block of rows."""
    result = extract_batch([pickle.loads(d) for d in rows["document"]])
    items = _objects(pickle.dumps(item) for item in result.items)
    return {**rows, "item": items, **_shares(result, len(rows["batch"]))}


def embed_rows(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Ray Data's embed stage: `embed_batch` over a block of extracted rows."""
    result = BatchResult([pickle.loads(item) for item in rows["item"]], {})
    embed_batch([pickle.loads(d) for d in rows["document"]], result)
    shares = _shares(result, len(rows["batch"]))
    return {**rows, "item": _objects(pickle.dumps(item) for item in result.items), "embed_s": shares["embed_s"]}


def _shares(result: BatchResult, count: int) -> dict[str, np.ndarray]:
    """Each stage's seconds on the block, shared evenly among its rows (summed back per batch by the driver)."""
    return {f"{stage}_s": np.full(count, result.seconds.get(stage, 0.0) / max(1, count)) for stage in STAGES}


def _objects(values) -> np.ndarray:
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _worker_env() -> dict[str, str]:
    """The workers' environment: the model one text at a time (Ray runs a task per core), and the driver's
    PYTHONPATH, so a checkout run without installing works the same there."""
    path = os.environ.get("PYTHONPATH")
    return {EMBED_THREADS_ENV: os.environ.get(EMBED_THREADS_ENV, "1"), **({"PYTHONPATH": path} if path else {})}
