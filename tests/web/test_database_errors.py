"""When the database fails under a running desk, strangers are told it is unavailable and nothing more: no
URL, password, host or file path; the admin and the log get the detail, the password masked. Likewise a lead
image that cannot be fetched is a plain 404 for strangers."""

import logging
import re
import secrets
import shutil
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient

from newsdesk.storage import open_storage
from newsdesk.web import create_app
from newsdesk.web.access import SESSION_COOKIE
from tests.tcp_proxy import TcpProxy

from .conftest import ADMIN, PASSWORD, make_admin, web_settings

DB_PASSWORD = "pw-" + secrets.token_hex(8)


@pytest.fixture
def desk_behind_proxy(pg_url):
    """A desk on PostgreSQL through a proxy (the URL with a password): (client, proxy)."""
    server = urlsplit(pg_url)
    proxy = TcpProxy(server.hostname, server.port or 5432)
    url = urlunsplit(server._replace(netloc=f"{server.username}:{DB_PASSWORD}@127.0.0.1:{proxy.port}"))
    storage = open_storage(url)
    make_admin(storage)
    storage.close()
    try:
        with TestClient(create_app(url, web_settings(db=url))) as client:
            yield client, proxy
    finally:
        proxy.stop()


def _log_in(client: TestClient) -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    client.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf": csrf, "next": "/"}, follow_redirects=False)


@pytest.mark.parametrize("path", ["/", "/api/v1/stories", "/feeds/top.atom"])
def test_a_lost_postgresql_shows_strangers_no_password_host_or_url(desk_behind_proxy, path):
    client, proxy = desk_behind_proxy
    proxy.stop()
    answer = client.get(path)
    assert answer.status_code == 503
    assert "not available" in answer.text
    assert DB_PASSWORD not in answer.text
    assert f":{proxy.port}" not in answer.text
    assert "127.0.0.1" not in answer.text
    assert "postgresql://" not in answer.text


def test_the_desk_serves_again_once_postgresql_is_back_without_a_restart(desk_behind_proxy):
    client, proxy = desk_behind_proxy
    proxy.cut()
    assert client.get("/api/v1/sources").status_code == 503
    proxy.resume()
    assert client.get("/api/v1/sources").status_code == 200


def test_the_admin_sees_the_database_error_with_the_password_masked(desk_behind_proxy):
    client, proxy = desk_behind_proxy
    _log_in(client)
    assert SESSION_COOKIE in client.cookies
    proxy.stop()
    answer = client.get("/")
    assert answer.status_code == 503
    assert f"postgres:***@127.0.0.1:{proxy.port}" in answer.text
    assert DB_PASSWORD not in answer.text


def test_the_log_gets_the_database_error_with_the_password_masked(desk_behind_proxy, caplog):
    client, proxy = desk_behind_proxy
    proxy.stop()
    with caplog.at_level(logging.WARNING, logger="newsdesk.web.app"):
        client.get("/")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"postgres:***@127.0.0.1:{proxy.port}" in logged
    assert DB_PASSWORD not in logged


def test_a_broken_sqlite_file_shows_strangers_no_path(tmp_path):
    path = tmp_path / "desk.db"
    open_storage(str(path)).close()
    with TestClient(create_app(str(path), web_settings(db=str(path)))) as client:
        path.write_bytes(b"this is not a database any more " * 256)     # read anew by the request's connection
        page, api = client.get("/"), client.get("/api/v1/stories")
    assert page.status_code == 503
    assert api.status_code == 503
    assert str(tmp_path) not in page.text
    assert str(tmp_path) not in api.text
    assert "desk.db" not in page.text


@pytest.fixture(scope="module")
def image_client(desk_db, tmp_path_factory):
    """A desk whose first article's lead image is on ::1, which the desk's fetcher refuses."""
    path = str(tmp_path_factory.mktemp("images") / "desk.db")
    shutil.copy(desk_db[0], path)
    storage = open_storage(path)
    article = storage.list_articles(limit=1)[0].id
    storage.db.execute("UPDATE articles SET image_url = ? WHERE id = ?", ("http://[::1]:9/lead.png", article))
    storage.close()
    with TestClient(create_app(path, web_settings(db=path))) as client:
        client.article = article
        client.token = desk_db[1]
        yield client


def test_an_image_that_cannot_be_fetched_is_a_plain_404_for_strangers(image_client):
    answer = image_client.get(f"/images/{image_client.article}")
    assert answer.status_code == 404
    assert "::1" not in answer.text
    assert "refused" not in answer.text
    assert "loopback" not in answer.text


def test_the_admin_is_told_why_an_image_cannot_be_fetched(image_client):
    answer = image_client.get(f"/images/{image_client.article}",
                              headers={"Authorization": f"Bearer {image_client.token}"})
    assert answer.status_code == 404
    assert "loopback" in answer.text
