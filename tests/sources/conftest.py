from collections.abc import Callable
from pathlib import Path

import pytest

TESTDATA = Path(__file__).resolve().parent / "testdata"


@pytest.fixture
def testdata() -> Path:
    return TESTDATA


@pytest.fixture
def read() -> Callable[[str], bytes]:
    return lambda name: (TESTDATA / name).read_bytes()
