"""Access as the admin: user name and password login with CSRF and a rate limit, the admin's API token,
private desks, and `init` making the first admin without a terminal."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.sources import read_opml
from newsdesk.storage import open_storage
from newsdesk.web import create_app
from newsdesk.accounts import WrongCredentials, authenticate, user_for_token

from tests.site import Site

from .conftest import ADMIN, PASSWORD, make_admin, web_settings

ODD_SCHEMES_OPML = Path(__file__).parents[1] / "sources" / "testdata" / "odd_schemes.opml"

FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Weekly</title><id>urn:harbour</id>
<updated>2026-11-20T10:00:00Z</updated><link href="http://127.0.0.1/"/>
<entry><title>Harbour master retires after 30 years</title><id>urn:harbour:1</id>
<updated>2026-11-20T10:00:00Z</updated><link href="http://127.0.0.1/one"/><summary>A short note.</summary></entry>
</feed>"""


@pytest.fixture(scope="module")
def feed_server():
    with Site() as site:
        site.add("*", FEED, content_type="application/atom+xml")
        yield site.url


@pytest.fixture
def fresh(desk_db):
    """A new client (no cookies, no failed logins counted) on the module's desk copy."""
    path, token = desk_db
    with TestClient(create_app(path, web_settings(db=path))) as test_client:
        test_client.app.state.web.pool.main.clear_login_failures("testclient")
        test_client.token = token
        test_client.db = path
        yield test_client


def csrf_of(client, path="/login"):
    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def login(client, password=PASSWORD, name=ADMIN):
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(client),
                                       "next": "/sources"}, follow_redirects=False)


def test_login_sets_a_signed_httponly_cookie_and_logout_clears_it(fresh):
    answer = login(fresh)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sources"
    cookie = answer.headers["set-cookie"]
    assert "nd_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    page = fresh.get("/sources").text
    assert 'action="/sources"' in page
    assert "Log out" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    fresh.post("/logout", data={"csrf": csrf})
    assert 'action="/sources"' not in fresh.get("/sources").text


def test_a_forged_session_cookie_is_refused(fresh):
    fresh.cookies.set("nd_session", "eyJzdWIiOiJhZG1pbiIsImV4cCI6OTk5OTk5OTk5OX0.AAAA")
    assert 'action="/sources"' not in fresh.get("/sources").text
    answer = fresh.post("/sources", data={"url": "http://x.example/", "csrf": "x"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


def test_wrong_password(fresh):
    answer = login(fresh, "not the password")
    assert answer.status_code == 401
    assert "wrong user name or password" in answer.text
    assert "nd_session" not in answer.headers.get("set-cookie", "")


def test_csrf_missing_or_wrong_is_403(fresh):
    fresh.get("/login")
    assert fresh.post("/login", data={"name": ADMIN, "password": PASSWORD}).status_code == 403
    assert fresh.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf": "0" * 64}).status_code == 403
    login(fresh)
    assert fresh.post("/sources", data={"url": "http://127.0.0.1:9/feed"}).status_code == 403
    assert fresh.post("/sources/1/remove", data={"csrf": "nope"}).status_code == 403
    other = TestClient(fresh.app)        # a token from one browser does not work in another
    token = csrf_of(fresh)
    other.get("/login")
    assert other.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf": token}).status_code == 403


def test_login_attempts_are_rate_limited(fresh):
    for _ in range(5):
        assert login(fresh, "guess").status_code == 401
    limited = login(fresh, PASSWORD)              # even the right password waits now
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "too many" in limited.text.lower()


def test_admin_adds_and_removes_a_feed_through_the_page(fresh, feed_server):
    login(fresh)
    csrf = csrf_of(fresh, "/sources")
    added = fresh.post("/sources", data={"url": f"{feed_server}/feed.xml", "csrf": csrf, "folder": "Local"})
    assert added.status_code == 200
    assert "Subscribed to Harbour Weekly" in added.text
    storage = open_storage(fresh.db)
    source = storage.get_source(f"{feed_server}/feed.xml")
    storage.close()
    assert source
    assert source.folder == "Local"
    bad = fresh.post("/sources", data={"url": "ftp://nowhere", "csrf": csrf})
    assert "http://" in bad.text
    assert "err" in bad.text
    removed = fresh.post(f"/sources/{source.id}/remove", data={"csrf": csrf})
    assert "Removed Harbour Weekly" in removed.text


def test_opml_import_needs_admin_and_reports_bad_files(fresh):
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
    <outline text="Quay Post" type="rss" xmlUrl="http://127.0.0.1:9/quay.xml"/></body></opml>"""
    csrf = csrf_of(fresh)
    answer = fresh.post("/sources/import", data={"csrf": csrf}, files={"opml": ("f.opml", opml)},
                        follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    login(fresh)
    csrf = csrf_of(fresh, "/sources")
    done = fresh.post("/sources/import", data={"csrf": csrf}, files={"opml": ("f.opml", opml)})
    assert "Imported 1 feeds" in done.text
    assert "Quay Post" in done.text
    broken = fresh.post("/sources/import", data={"csrf": csrf}, files={"opml": ("f.opml", b"<not opml")})
    assert broken.status_code == 200
    assert "f.opml" in broken.text
    assert "err" in broken.text


def test_opml_import_refuses_feeds_that_are_not_http_and_says_which(db_url):
    data = ODD_SCHEMES_OPML.read_bytes()
    listed = [f.feed_url for f in read_opml(data)]
    refused = [url for url in listed if not url.startswith("http")]
    storage = open_storage(db_url)
    make_admin(storage)
    storage.close()
    with TestClient(create_app(db_url, web_settings(db=db_url))) as client:
        login(client)
        done = client.post("/sources/import", data={"csrf": csrf_of(client, "/sources")},
                           files={"opml": ("odd.opml", data)})
    assert done.status_code == 200
    assert "Imported 1 feeds" in done.text
    assert f"Refused {len(refused)} feeds" in done.text
    for url in refused:
        assert f"{url} ({url.split(':')[0]}: URLs are not fetched, only http and https)" in done.text
    storage = open_storage(db_url)
    subscribed = [s.feed_url for s in storage.list_sources()]
    storage.close()
    assert subscribed == [url for url in listed if url not in refused]


def test_api_writes_need_the_token(fresh, feed_server):
    url = f"{feed_server}/api-feed.xml"
    assert fresh.post("/api/v1/sources", json={"url": url}).status_code == 401
    wrong = fresh.post("/api/v1/sources", json={"url": url}, headers={"Authorization": "Bearer nd_wrong"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]
    auth = {"Authorization": f"Bearer {fresh.token}"}
    made = fresh.post("/api/v1/sources", json={"url": url, "title": "Via API"}, headers=auth)
    assert made.status_code == 201
    assert made.json()["title"] == "Via API"
    again = fresh.post("/api/v1/sources", json={"url": url}, headers=auth)
    assert again.status_code == 409
    assert "already" in again.json()["error"]
    assert fresh.post("/api/v1/sources", json={"nope": 1}, headers=auth).status_code == 422
    gone = fresh.delete(f"/api/v1/sources/{made.json()['id']}", headers=auth)
    assert gone.status_code == 200
    assert gone.json()["removed"] == made.json()["id"]
    assert fresh.delete(f"/api/v1/sources/{made.json()['id']}", headers=auth).status_code == 404
    # a logged-in browser may use the API too, but only with its CSRF token
    login(fresh)
    assert fresh.delete("/api/v1/sources/99999").status_code == 403


def test_private_desk_needs_login_to_read(desk_db):
    path, token = desk_db
    with TestClient(create_app(path, web_settings(db=path, public_read=False))) as private:
        home = private.get("/", follow_redirects=False)
        assert home.status_code == 303
        assert home.headers["location"] == "/login?next=/"
        assert private.get("/api/v1/stories").status_code == 401
        assert private.get("/feeds/top.atom").status_code == 401
        assert private.get("/api/v1/stories", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert private.get("/login").status_code == 200
        login(private)
        assert private.get("/").status_code == 200


def test_security_headers_on_every_response(client):
    for path in ("/", "/api/v1/stories", "/feeds/top.atom", "/static/app.css", "/nothing", "/api/v1/nothing"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert "default-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
    nonces = {re.search(r"nonce-([^']+)", client.get("/").headers["content-security-policy"]).group(1)
              for _ in range(3)}
    assert len(nonces) == 3


def _init(db, *args, env_extra=None):
    env = dict(os.environ, NEWSDESK_DB=db, NEWSDESK_CONFIG="/nonexistent.toml", **(env_extra or {}))
    env.pop("NEWSDESK_ADMIN_PASSWORD", None) if not env_extra else None
    return subprocess.run([sys.executable, "-m", "newsdesk", "init", "--no-defaults", *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


@pytest.mark.slow          # real newsdesk processes
def test_init_without_a_terminal_never_waits(tmp_path):
    db = str(tmp_path / "init.db")
    first = _init(db)
    assert first.returncode == 0, first.stderr
    generated = re.search(r"generated; shown only this once\): (\S+)", first.stdout).group(1)
    storage = open_storage(db)
    assert authenticate(storage, ADMIN, generated).is_admin
    storage.close()
    assert "unchanged" in _init(db).stdout
    env = _init(db, env_extra={"NEWSDESK_ADMIN_PASSWORD": "from-the-environment"})
    assert env.returncode == 0
    assert "Admin password set" in env.stdout
    short = _init(db, "--password", "short")
    assert short.returncode == 1
    assert "at least 8" in short.stderr
    token = _init(db, "--password", "option-password", "--new-token")
    shown = re.search(r"(nd_\S+)", token.stdout).group(1)
    storage = open_storage(db)
    assert authenticate(storage, ADMIN, "option-password").is_admin
    with pytest.raises(WrongCredentials):
        authenticate(storage, ADMIN, generated)
    assert user_for_token(storage, shown).name == ADMIN
    storage.close()
