"""One desk of the project's reports (texts.py) per backend, shared by the tests that only read it."""

import pytest

from newsdesk.storage import open_storage
from tests.conftest import fresh_pg_schema


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def read_only_db(request, tmp_path_factory):
    """A fresh database URL per backend for a module's read-only desk (a PostgreSQL schema dropped after)."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("storylines") / "desk.db")
        return
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture(scope="module")
def bridge_desk(read_only_db, tmp_path_factory, embedder):
    """(storage, stored article ids in texts.rows() order) of a desk that ingested the reports."""
    from tests.storylines.test_desk import _ingest
    from tests.storylines.texts import rows

    storage = open_storage(read_only_db)
    ids = _ingest(storage, tmp_path_factory.mktemp("feed"), rows())
    yield storage, ids
    storage.close()
