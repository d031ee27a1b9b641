"""The CPU sampler of `bench pipeline`: a stack's stage by the desk's modules in it, and the CPU a busy thread
uses charged to that stage."""

import sys
import threading
import time

import pytest

from newsdesk_lab.bench.cpu import OTHER, StageCpu, stage_of


def _caller(module: str, function: str = "work"):
    """A function `function(inner)` whose frame belongs to `module`, as if it were written there."""
    namespace = {"__name__": module}
    exec(compile(f"def {function}(inner):\n    return inner()\n", module, "exec"), namespace)
    return namespace[function]


def _stack(*modules: str):
    """The innermost frame of calls through `modules`, outermost first."""
    def innermost():
        return sys._getframe()

    call = innermost
    for module in reversed(modules):
        call = (lambda f, inner: lambda: f(inner))(_caller(module), call)
    return call()


def test_the_model_is_embedding_wherever_it_is_called_from():
    assert stage_of(_stack("newsdesk.pipeline.pages", "newsdesk.synthesize.writer", "newsdesk.embed.model")) == "embed"
    assert stage_of(_stack("newsdesk.pipeline.grouping", "newsdesk.embed.cache")) == "embed"


def test_storage_calls_belong_to_the_stage_that_makes_them():
    assert stage_of(_stack("newsdesk.pipeline.grouping", "newsdesk.storage.stories")) == "group"
    assert stage_of(_stack("newsdesk.pipeline.pages", "newsdesk.storage.stories")) == "synthesize"
    assert stage_of(_stack("newsdesk.pipeline.ingest", "newsdesk.storage.articles")) == "store"


def test_the_grouper_save_is_the_checkpoint():
    namespace = {"__name__": "newsdesk.pipeline.grouping"}
    exec(compile("def save(inner):\n    return inner()\n", "g", "exec"), namespace)
    assert stage_of(namespace["save"](lambda: sys._getframe())) == "checkpoint"


def test_a_stack_outside_the_desk_has_no_stage_and_desk_glue_is_other():
    assert stage_of(sys._getframe()) is None
    assert stage_of(_stack("newsdesk.pipeline.oneoff")) == OTHER


def test_a_busy_thread_is_charged_to_its_stage():
    spin = _caller("newsdesk.extract.fake", "spin")

    def busy():
        until = time.thread_time() + 0.4
        while time.thread_time() < until:
            pass

    with StageCpu(interval=0.005) as meter:
        worker = threading.Thread(target=spin, args=(busy,))
        worker.start()
        worker.join()
    assert 0.3 <= meter.seconds["extract"] <= 0.5
    assert meter.total >= meter.seconds["extract"]
    assert meter.sampler_seconds > 0
    stages = meter.by_stage()
    assert sum(stages.values()) == pytest.approx(meter.total)
    assert stages["extract"] == pytest.approx(meter.seconds["extract"], rel=0.05)    # native threads: 10 ms ticks
