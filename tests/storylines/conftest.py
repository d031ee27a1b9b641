"""One desk of the project's reports (texts.py) per backend, shared by the tests that only read it."""

import os
import uuid

import pytest

from newsdesk.storage import open_storage
from tests.conftest import PG_URL, _postgres_available


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def read_only_db(request, tmp_path_factory):
    """A fresh database URL per backend for a module's read-only desk (a PostgreSQL schema dropped after)."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("storylines") / "desk.db")
        return
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


@pytest.fixture(scope="module")
def bridge_desk(read_only_db, tmp_path_factory, embedder):
    """(storage, stored article ids in texts.rows() order) of a desk that ingested the reports."""
    from tests.storylines.test_desk import _ingest
    from tests.storylines.texts import rows

    storage = open_storage(read_only_db)
    ids = _ingest(storage, tmp_path_factory.mktemp("feed"), rows())
    yield storage, ids
    storage.close()
