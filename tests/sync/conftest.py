"""A desk served by a real uvicorn on 127.0.0.1 for the sync API tests, on SQLite and PostgreSQL."""

import pytest

from newsdesk.config import Settings
from newsdesk.web import create_app
from tests.sync.desk import Reader, build_desk
from tests.web.conftest import LiveServer


@pytest.fixture
def desk(storage):
    return build_desk(storage)


def serve(db_url: str, **settings):
    return LiveServer(create_app(db_url, Settings(db=db_url, **settings)))


@pytest.fixture
def live(desk, db_url):
    with serve(db_url) as server:
        yield server


@pytest.fixture
def reader(live):
    """A client logged in as ada."""
    client = Reader(live.url)
    assert client.login("ada").status_code == 200
    yield client
    client.close()


@pytest.fixture
def other(live):
    """A client logged in as bob."""
    client = Reader(live.url)
    assert client.login("bob").status_code == 200
    yield client
    client.close()
