"""The Fever tests' desk: a small desk written straight through storage (sources in folders, originals, a
reprint, stories with pages) and two readers, served by the web app on 127.0.0.1; on SQLite and PostgreSQL.
Test modules import the `desk` fixture from here (tests/sync/conftest.py is the Google Reader tests')."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
import pytest

from newsdesk.accounts import add_user, fever_key
from newsdesk.model import User
from newsdesk.storage import Storage
from newsdesk.web import create_app
from tests.sync.deskdata import build_desk
from tests.web.conftest import LiveServer, web_settings

PASSWORD = "correct horse battery"


@dataclass
class Desk:
    storage: Storage
    url: str
    sources: dict[str, int]                    # title -> id
    articles: dict[str, int]                   # name -> id
    stories: dict[str, int]                    # name -> story id
    users: dict[str, User] = field(default_factory=dict)

    def key(self, name: str) -> str:
        return fever_key(name, PASSWORD)

    def call(self, name: str | None, *query: str, key: str | None = None, method: str = "POST",
             **form: str) -> httpx.Response:
        """One Fever call as clients make it: the selectors in the query, api_key and writes in the form."""
        params = "&".join(["api", *query])
        data = {"api_key": key if key is not None else self.key(name), **form}
        if method == "GET":
            return httpx.get(f"{self.url}/fever/?{params}", params=data, timeout=10)
        return httpx.post(f"{self.url}/fever/?{params}", data=data, timeout=10)

    def fever(self, name: str, *query: str, **form: str) -> dict:
        response = self.call(name, *query, **form)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["auth"] == 1, body
        return body


@pytest.fixture
def desk(db_url, storage):
    sources, articles, stories = build_desk(storage)
    users = {name: add_user(storage, name, PASSWORD) for name in ("ada", "bob")}
    settings = web_settings(db=db_url)
    with LiveServer(create_app(db_url, settings)) as server:
        yield Desk(storage, server.url, sources, articles, stories, users)
