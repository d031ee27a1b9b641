"""A desk without stories says why on its home page: no sources, none fetched yet, or every source failing
(with the first error), and offers the demo when nothing could be fetched."""

import asyncio
import socket

import pytest
from fastapi.testclient import TestClient

from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage
from newsdesk.web import create_app
from tests.web.conftest import web_settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def empty_desk(tmp_path):
    db = str(tmp_path / "empty.db")
    open_storage(db).close()
    return db


def _home(db: str) -> str:
    with TestClient(create_app(db, web_settings(db=db))) as client:
        return client.get("/").text


def test_a_desk_without_sources_says_so(empty_desk):
    assert "the desk has no sources" in _home(empty_desk)


def test_a_desk_whose_sources_are_not_fetched_yet_says_so(empty_desk):
    storage = open_storage(empty_desk)
    storage.add_source("http://127.0.0.1:9/feed.xml")
    storage.close()
    assert "has not fetched its 1 sources so far" in _home(empty_desk)


def test_a_desk_whose_sources_all_fail_names_the_first_error_and_offers_the_demo(empty_desk):
    port = _closed_port()
    storage = open_storage(empty_desk)
    for name in ("a", "b"):
        storage.add_source(f"http://127.0.0.1:{port}/{name}.xml")
    settings = web_settings(db=empty_desk)

    async def poll():
        async with Desk(storage, settings) as desk:
            await desk.poll(due_only=False)
    asyncio.run(poll())
    first_error = storage.list_sources()[0].last_error
    storage.close()
    html = _home(empty_desk)
    assert "none of the desk's 2 sources could be fetched" in html
    assert first_error
    assert first_error.split(":")[0] in html
    assert "newsdesk demo" in html


def test_a_filter_that_matches_nothing_says_so_not_that_the_desk_is_empty(empty_desk):
    storage = open_storage(empty_desk)
    source = storage.add_source("http://127.0.0.1:9/feed.xml")
    storage.close()
    with TestClient(create_app(empty_desk, web_settings(db=empty_desk))) as client:
        html = client.get(f"/?source={source.id}").text
    assert "No stories match this filter" in html
