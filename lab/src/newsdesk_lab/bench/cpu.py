"""CPU seconds of the desk's process by stage, found by sampling: every 20 ms each thread's own CPU
clock is read, and what it used since the last look is put to the stage its Python stack is in. The model's
work counts as `embed` wherever it is called from (the grouper's lead vectors, the story writer's sentences);
a thread seen idle after using CPU is charged to the stage it was last seen in. The stages' shares of the samples
divide what the process's Python threads used in all (`by_stage`); threads without a Python stack (native
libraries' own threads, such as the tokenizer's) are summed apart as `native`. The sampler's own CPU is left out
and reported; the desk's wall-clock stage timers are untouched."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from types import FrameType

# (module prefix, function name or None, stage): the first rule any frame of a stack matches wins, so the model
# is `embed` even when the writer calls it, and the page writer's storage calls are page writing.
RULES: tuple[tuple[str, str | None, str], ...] = (
    ("newsdesk.embed", None, "embed"),
    ("newsdesk.pipeline.grouping", "save", "checkpoint"),
    ("newsdesk.entities", None, "entities"),
    ("newsdesk.pipeline.story_entities", None, "entities"),
    ("newsdesk.alerts", None, "alerts"),
    ("newsdesk.storylines", None, "storylines"),
    ("newsdesk.pipeline.storylines", None, "storylines"),
    ("newsdesk.synthesize", None, "synthesize"),
    ("newsdesk.pipeline.pages", None, "synthesize"),
    ("newsdesk.cluster", None, "group"),
    ("newsdesk.pipeline.grouping", None, "group"),
    ("newsdesk.extract", None, "extract"),
    ("newsdesk.dedupe", None, "dedupe"),
    ("newsdesk.fetch", None, "fetch"),
    ("newsdesk.storage", None, "store"),
)
STAGES = ("extract", "dedupe", "store", "embed", "group", "checkpoint", "entities", "synthesize", "storylines",
          "alerts")
OTHER = "other"      # the desk's glue, the event loop, reading the input: Python work outside every stage


def stage_of(frame: FrameType | None) -> str | None:
    """The stage a thread's stack is in, None when no frame of it is the desk's (an idle or foreign thread)."""
    modules: list[tuple[str, str]] = []
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith("newsdesk."):
            modules.append((name, frame.f_code.co_name))
        frame = frame.f_back
    if not modules:
        return None
    for prefix, function, stage in RULES:
        for name, code in modules:
            if name.startswith(prefix) and (function is None or code == function):
                return stage
    return OTHER


def _task_cpu(tid: int, ticks: int) -> float:
    try:
        with open(f"/proc/self/task/{tid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / ticks


def _native_threads_cpu(python_tids: set[int]) -> dict[int, float]:
    """CPU seconds of this process's threads that run no Python (Linux; empty elsewhere)."""
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        return {}
    ticks = os.sysconf("SC_CLK_TCK")
    return {tid: _task_cpu(tid, ticks) for tid in tids if tid not in python_tids}


class StageCpu:
    """`with StageCpu() as meter: …` then `meter.seconds` (stage → CPU seconds of this process), `meter.native`,
    `meter.sampler_seconds` and `meter.total` (all this process's CPU in the block, the sampler's left out)."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.seconds: Counter = Counter()
        self.native = 0.0
        self.sampler_seconds = 0.0
        self.total = 0.0
        self.samples = 0
        self._clocks: dict[int, int] = {}
        self._last: dict[int, float] = {}
        self._stage: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._python_tids: set[int] = set()

    def _cpu(self, thread: threading.Thread) -> float | None:
        """The thread's CPU seconds so far; its clock is kept by kernel thread id, as a finished thread's Python
        ident is handed to the next one."""
        try:
            clock = self._clocks.get(thread.native_id)
            if clock is None:
                clock = self._clocks[thread.native_id] = time.pthread_getcpuclockid(thread.ident)
            return time.clock_gettime(clock)
        except (OSError, ProcessLookupError, TypeError):
            return None

    def _sample(self, own: int) -> None:
        # Each stack is read as soon as it is taken, while this thread holds the GIL: reading /proc below lets the
        # other threads run, and walking a frame they have since left crashed the interpreter (3.11).
        stages = {ident: stage_of(frame) for ident, frame in sys._current_frames().items()}
        for thread in threading.enumerate():
            tid = thread.native_id
            if tid is None or thread.ident is None or thread.ident == own:
                continue
            self._python_tids.add(tid)
            used = self._cpu(thread)
            if used is None:
                continue
            spent = used - self._last.get(tid, 0.0)
            self._last[tid] = used
            if spent <= 0:      # idle all along: its stack says nothing of what it used
                continue
            stage = stages.get(thread.ident)
            if stage is None:
                stage = self._stage.get(tid, OTHER)   # idle now: what it used was spent where it was last seen
            else:
                self._stage[tid] = stage
            self.seconds[stage] += spent
        self.samples += 1

    def _run(self) -> None:
        own = threading.get_ident()
        started = time.thread_time()
        while not self._stop.wait(self.interval):
            self._sample(own)
        self._sample(own)
        self.sampler_seconds = time.thread_time() - started

    def __enter__(self) -> "StageCpu":
        for thread in threading.enumerate():      # what threads used before the block is not the block's
            if thread.native_id is not None:
                used = self._cpu(thread)
                if used is not None:
                    self._last[thread.native_id] = used
        self._python_tids = {t.native_id for t in threading.enumerate() if t.native_id is not None}
        self._native_before = _native_threads_cpu(set(self._python_tids))
        self._process_before = time.process_time()
        self._thread = threading.Thread(target=self._run, name="stage-cpu-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        process = time.process_time() - self._process_before
        # a Python thread just joined may still be listed by the kernel: every one the samples saw is Python's
        python_tids = {t.native_id for t in threading.enumerate() if t.native_id is not None} | self._python_tids
        after = _native_threads_cpu(python_tids)
        self.native = sum(max(0.0, cpu - self._native_before.get(tid, 0.0)) for tid, cpu in after.items())
        self.total = max(0.0, process - self.sampler_seconds)

    @property
    def coverage(self) -> float:
        """The sampled CPU as a share of what this process's Python threads used (about 1: threads that ended
        between two looks take a little from it)."""
        python = self.total - self.native
        return sum(self.seconds.values()) / python if python > 0 else 1.0

    def by_stage(self) -> dict[str, float]:
        """This process's CPU by stage, the stages' sampled shares of the CPU its Python threads used (so that they
        add up to it exactly), and `native` apart."""
        scale = 1.0 / self.coverage if self.coverage > 0 else 1.0
        seconds = {stage: self.seconds.get(stage, 0.0) * scale
                   for stage in dict.fromkeys((*STAGES, *sorted(self.seconds), OTHER))}
        return {**seconds, "native": self.native}
