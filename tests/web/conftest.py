"""A demo desk built once per session (the project's sample corpus through the real pipeline), copied for
each test module that writes; the outlets' demo server stays up so images and original links resolve."""

import asyncio
import shutil
import socket
import threading
import time
from dataclasses import fields

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.demo import DemoServer
from newsdesk.pipeline import Desk
from newsdesk.storage import Storage, open_storage
from newsdesk.accounts import add_user, new_token
from newsdesk.model import Role
from newsdesk.web import create_app

ADMIN = "admin"
PASSWORD = "correct horse battery"


def web_settings(**overrides) -> Settings:
    """Settings for tests: local servers on 127.0.0.1 must be fetchable (the SSRF allowlist, when present)."""
    names = {f.name for f in fields(Settings)}
    extra = {"fetch_allow": "127.0.0.1/32"} if "fetch_allow" in names else {}
    return Settings(per_host_delay=0.0, per_host_concurrency=8, extract_workers=1, **extra, **overrides)


@pytest.fixture(autouse=True, scope="module")
def _quick_password_hashes():
    """argon2id at its lowest cost for the web tests, which log users in hundreds of times (at the real cost a
    hash or a check takes 0.3 s here); the real parameters are the accounts tests' to check
    (tests/accounts/test_users.py::test_passwords_are_hashed_with_argon2_cffis_current_parameters)."""
    from argon2 import PasswordHasher

    import newsdesk.accounts.passwords as passwords
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture(scope="session")
def demo_server():
    with DemoServer() as server:
        yield server


def build_demo_desk(db: str, server: DemoServer) -> Storage:
    """The demo outlets polled into the desk at `db` as first published, then again after their updates
    (`server` must still serve the first revision); returns the desk's storage, open."""
    settings = web_settings(db=db)
    storage = open_storage(db)
    Desk(storage, settings).import_opml(server.opml().encode())

    async def poll():
        async with Desk(storage, settings) as desk:
            await desk.poll(due_only=False)
    asyncio.run(poll())
    server.set_revision(1)
    asyncio.run(poll())
    return storage


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, demo_server):
    db = str(tmp_path_factory.mktemp("webdemo") / "demo.db")
    storage = build_demo_desk(db, demo_server)
    storage.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    storage.close()
    return db


def make_admin(storage: Storage, name: str = ADMIN, password: str = PASSWORD) -> str:
    """The desk's admin `name` with `password`; returns a new API token of theirs."""
    return new_token(storage, add_user(storage, name, password, Role.ADMIN))


@pytest.fixture(scope="module")
def desk_db(demo_db, tmp_path_factory):
    """A copy of the demo desk for one test module, with the admin "admin" (PASSWORD) and an API token of
    theirs."""
    path = str(tmp_path_factory.mktemp("desk") / "desk.db")
    shutil.copy(demo_db, path)
    storage = open_storage(path)
    token = make_admin(storage)
    storage.close()
    return path, token


@pytest.fixture(scope="module")
def client(desk_db):
    path, token = desk_db
    app = create_app(path, web_settings(db=path))
    with TestClient(app) as test_client:
        test_client.token = token
        test_client.db = path
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The app under a real uvicorn on 127.0.0.1, in a thread."""

    def __init__(self, app):
        import uvicorn
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)
