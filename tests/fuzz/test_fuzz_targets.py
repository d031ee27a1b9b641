"""The fuzz targets of fuzz/ in the normal suite: a few hundred structure-aware inputs per target through
hypothesis, the kept corpus replayed, and the inputs that once crashed or hung the code kept as cases.
Long campaigns: `python fuzz/run.py --target NAME --inputs N` (fuzz/RESULTS.md)."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.grammar import RandomDraw
from fuzz.targets import TARGETS

CORPUS = Path(__file__).resolve().parents[2] / "fuzz" / "corpus"
EXAMPLES = {"urls": 400, "sanitize": 300, "feeds": 150, "extract": 100, "terminal": 300}


def _fuzz(name: str):
    target = TARGETS[name]

    @settings(max_examples=EXAMPLES[name], deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.randoms(use_true_random=False))
    def run(rng):
        item = target.generate(RandomDraw(rng))
        started = time.process_time()
        target.check(item)       # raises on an undocumented exception or a broken invariant
        assert time.process_time() - started < target.cpu_limit, "one input took too long"

    run()


@pytest.mark.slow          # thousands of generated inputs per target
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_generated_inputs(name):
    _fuzz(name)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_kept_corpus(name):
    target = TARGETS[name]
    files = sorted(p for p in (CORPUS / name).glob("*") if p.is_file())
    assert files, f"fuzz/corpus/{name} is empty"
    for path in files:
        started = time.process_time()
        target.check(target.from_bytes(path.read_bytes()))
        assert time.process_time() - started < target.cpu_limit, path.name
