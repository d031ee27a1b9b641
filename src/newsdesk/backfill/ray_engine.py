"""The Ray engine: the backfill's batches and segments as Ray tasks on a cluster (`--address`), or on a Ray
instance this process starts on this machine (`local`). Every node needs newsdesk installed (the same version);
only the driver opens the database. Ray is imported here and nowhere else."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import timedelta

from newsdesk.backfill.engines import EngineError, ordered
from newsdesk.backfill.prepare import BatchResult, prepare_batch
from newsdesk.backfill.reprints import distinct, partition_keys, verify_partition
from newsdesk.backfill.segments import Placed, Segment, group_segment
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
        self._prepare = ray.remote(num_cpus=1)(prepare_batch)
        self._group = ray.remote(num_cpus=1)(group_segment)
        self._partition = ray.remote(num_cpus=1)(partition_keys)
        self._verify = ray.remote(num_cpus=1)(verify_partition)

    def prepare(self, batches: Iterable[list[LocalDocument]], embed: bool = True) -> Iterator[BatchResult]:
        yield from ordered(lambda batch: self._prepare.remote(batch, embed), self._ray.get, batches, 2 * self.workers)

    def group(self, segments: list[Segment], window: timedelta) -> list[list[Placed]]:
        return self._ray.get([self._group.remote(segment, window) for segment in segments])

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

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False


def _worker_env() -> dict[str, str]:
    """The workers' environment: the model one text at a time (Ray runs a task per core), and the driver's
    PYTHONPATH, so a checkout run without installing works the same there."""
    path = os.environ.get("PYTHONPATH")
    return {EMBED_THREADS_ENV: "1", **({"PYTHONPATH": path} if path else {})}
