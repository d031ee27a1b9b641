"""Access, route by route: the app's own route table is enumerated, so a write route added later is checked
too. Every write refuses strangers, wrong tokens and forms without their CSRF token; no page shows an admin
form to a stranger; a private desk shows nothing but the login; secrets are stored only hashed; logins are
rate-limited per client; and every response — pages, API, feeds, static files, redirects and errors of every
kind, a crash included — carries the security headers."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from newsdesk.storage import open_storage
from newsdesk.web import create_app
from newsdesk.web.auth import LoginLimiter

from .conftest import ADMIN, PASSWORD, web_settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# For strangers by design; CSRF-checked below. Asking a story changes nothing: whoever may read may ask.
OPEN_WRITES = {("POST", "/login"), ("POST", "/logout"), ("POST", "/api/v1/stories/{key}/ask")}
OPEN_WHEN_PRIVATE = {"/login", "/manifest.webmanifest", "/favicon.ico", "/openapi.json"}
# The sync APIs reader apps speak authenticate with their own tokens (Google Reader's `GoogleLogin auth=` and
# `T=`), never with the admin's session cookie or bearer token: for them a logged-in browser or the admin token
# is a stranger (401), and CSRF has no cookie to ride on. tests/sync proves their own refusals.
SYNC_PREFIXES = ("/accounts/", "/reader/")


def is_sync(template: str) -> bool:
    return template.startswith(SYNC_PREFIXES)
# The Fever API authenticates each request by its api_key and answers a wrong one {"api_version": 3, "auth": 0}
# with HTTP 200, as the protocol wants: tests/sync/test_fever.py checks that a stranger gets that and changes
# nothing.
OWN_AUTH = {"/fever/", "/api/fever.php"}


@pytest.fixture(scope="module")
def ids(desk_db):
    path, _ = desk_db
    storage = open_storage(path)
    found = {"source": storage.list_sources()[0].id, "article": storage.list_articles(limit=1)[0].id,
             "story": storage.top_stories(limit=1)[0].id}
    storage.close()
    return found


@pytest.fixture
def app(desk_db):
    path, _ = desk_db
    made = create_app(path, web_settings(db=path))
    made.state.web.pool.main.clear_login_failures("testclient")     # failed logins are kept in the desk
    return made


def flat_routes(table, prefix: str = ""):
    """(path template, route) of every route, through included routers (which newer FastAPI keeps as
    router entries of their own instead of copying their routes into the app's table)."""
    for route in table:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from flat_routes(inner.routes, prefix + getattr(route.include_context, "prefix", ""))
        elif isinstance(route, (APIRoute, Route)) and route.methods:
            yield prefix + route.path, route


def routes(app, methods: set[str]) -> list[tuple[str, str]]:
    """(method, path template) of every route the app answers with one of `methods`."""
    found = [(method, path) for path, route in flat_routes(app.routes) for method in sorted(route.methods & methods)
             if path not in OWN_AUTH]
    assert found, methods
    return found


def fill(template: str, ids: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        kind = next((k for k in ("source", "article") if k in name), "story")
        return str(ids[kind])
    return re.sub(r"\{([^}]+)\}", value, template)


def csrf_of(client, path="/login") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def log_in(client, name: str = ADMIN, password: str = PASSWORD) -> None:
    answer = client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(client), "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text


def send(client, method: str, path: str, *, csrf: str | None = None, headers: dict | None = None):
    """A write as a browser form (pages) or JSON (API), with a plausible body so that only access decides."""
    if path.startswith("/api/"):
        return client.request(method, path, json={"url": "http://127.0.0.1:9/feed.xml"}, headers=headers,
                              follow_redirects=False)
    data = {"url": "http://127.0.0.1:9/feed.xml", "password": "x" * 12, "next": "/"}
    if csrf is not None:
        data["csrf"] = csrf
    files = {"opml": ("f.opml", b"<opml version='2.0'><body/></opml>")} if path.endswith("/import") else None
    return client.request(method, path, data=data, files=files, headers=headers, follow_redirects=False)


def refused(response) -> bool:
    if response.status_code in (401, 403, 429):          # 429: a login refused for too many failures
        return True
    return response.status_code in (302, 303) and response.headers["location"].startswith("/login")


ACCOUNT_TABLES = ("users", "user_tokens", "article_marks", "story_reads", "user_hidden")


def desk_state(db: str) -> tuple:
    """What a refused write must leave as it was: the sources, the articles, and every account and its
    secrets, tokens and reading state (read straight from the tables)."""
    storage = open_storage(db)
    try:
        accounts = tuple(tuple(tuple(sorted(row.items(), key=lambda kv: kv[0])) for row in
                               storage.db.query(f"SELECT * FROM {table} ORDER BY 1, 2"))
                         for table in ACCOUNT_TABLES)
        return (tuple((s.id, s.feed_url, s.enabled) for s in storage.list_sources()), storage.count_articles(),
                accounts)
    finally:
        storage.close()


def test_the_app_has_write_routes_to_check(app):
    writes = set(routes(app, WRITE_METHODS))
    assert {("POST", "/sources"), ("POST", "/sources/import"), ("POST", "/api/v1/sources"),
            ("DELETE", "/api/v1/sources/{source_id}")} <= writes


def test_every_write_route_refuses_a_stranger(app, ids, desk_db):
    before = desk_state(desk_db[0])
    with TestClient(app) as stranger:
        token = csrf_of(stranger)              # a valid CSRF token: only the missing login may refuse
        for method, template in routes(app, WRITE_METHODS):
            if (method, template) in OPEN_WRITES:
                continue
            path = fill(template, ids)
            answer = send(stranger, method, path, csrf=token)
            assert refused(answer), (method, path, answer.status_code, answer.text[:200])
    assert desk_state(desk_db[0]) == before


def test_every_write_route_refuses_a_wrong_token(app, ids, desk_db):
    before = desk_state(desk_db[0])
    with TestClient(app) as client:
        for method, template in routes(app, WRITE_METHODS):
            if (method, template) in OPEN_WRITES:
                continue
            path = fill(template, ids)
            for header in ("Bearer nd_not-the-token", "Bearer " + desk_db[1][:-1] + "x"):
                answer = send(client, method, path, csrf=csrf_of(client), headers={"Authorization": header})
                assert answer.status_code == 401, (method, path, answer.status_code)
    assert desk_state(desk_db[0]) == before


def test_every_write_route_checks_csrf_for_a_logged_in_browser(app, ids, desk_db):
    """The admin's own browser, logged in: a form without its CSRF token, or with another browser's, or an
    API call without X-CSRF-Token, is what a hostile page would send through it. All refused with 403."""
    before = desk_state(desk_db[0])
    with TestClient(app) as admin, TestClient(app) as other:
        log_in(admin)
        foreign = csrf_of(other)
        for method, template in routes(app, WRITE_METHODS):
            path = fill(template, ids)
            for csrf in (None, "", foreign, "0" * 64):
                answer = send(admin, method, path, csrf=csrf)
                if is_sync(template):
                    assert answer.status_code in (401, 429), (method, path, answer.status_code)   # no key there
                    continue
                assert answer.status_code == 403, (method, path, csrf, answer.status_code, answer.text[:200])
                assert "csrf" in answer.text.lower()
            if path.startswith("/api/"):
                answer = send(admin, method, path, headers={"X-CSRF-Token": foreign})
                assert answer.status_code == 403, (method, path)
        assert admin.get("/sources").status_code == 200   # still in
        assert "Log out" in admin.get("/sources").text
    assert desk_state(desk_db[0]) == before


class Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.actions: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            a = dict(attrs)
            self.actions.append(((a.get("method") or "get").upper(), a.get("action") or ""))


def test_no_page_shows_a_stranger_an_admin_form(app, ids):
    allowed = {"/login", "/logout", "/search", "/"}
    with TestClient(app) as stranger, TestClient(app) as admin:
        log_in(admin)
        admin_forms = set()
        for _, template in routes(app, {"GET"}):
            path = fill(template, ids)
            forms = Forms()
            forms.feed(stranger.get(path).text)
            shown = {action for method, action in forms.actions if method == "POST"} - allowed
            assert not shown, (path, shown)
            forms = Forms()
            forms.feed(admin.get(path).text)
            admin_forms |= {action for method, action in forms.actions if method == "POST"}
        assert "/sources" in admin_forms   # the check looks at real forms
        assert "/sources/import" in admin_forms


def test_a_private_desk_answers_strangers_with_the_login_only(desk_db, ids):
    path, token = desk_db
    app = create_app(path, web_settings(db=path, public_read=False))
    with TestClient(app) as stranger:
        for _, template in routes(app, {"GET"}):
            if template in OPEN_WHEN_PRIVATE:
                continue
            url = fill(template, ids) + ("?q=river" if "search" in template or template.endswith("/entities") else "")
            answer = stranger.get(url, follow_redirects=False)
            assert refused(answer), (url, answer.status_code)
            reader = stranger.get(url, headers={"Authorization": f"Bearer {token}"}, follow_redirects=False)
            if is_sync(template):
                assert reader.status_code == 401, (url, reader.status_code)      # the admin token is no key there
                continue
            assert reader.status_code in (200, 301, 404), (url, reader.status_code)   # 404: an image not kept
        assert stranger.get("/static/app.css").status_code == 200      # the login page needs its style


def test_secrets_are_stored_only_hashed(fresh_desk):
    """The password and the token appear nowhere in the database files, in any encoding a careless store
    would use; what is kept is a salted argon2id hash and a SHA-256 digest."""
    db, token = fresh_desk
    with TestClient(create_app(db, web_settings(db=db))) as client:
        log_in(client)                                   # a login writes nothing that holds the password
        assert client.get("/sources").status_code == 200
        assert client.get("/api/v1/sources", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    storage = open_storage(db)
    admin = storage.user_named(ADMIN)
    stored_password = storage.user_password_hash(admin.id)
    stored_tokens = [r["token_hash"] for r in storage.db.query("SELECT token_hash FROM user_tokens")]
    storage.close()
    assert re.fullmatch(r"\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}", stored_password)
    assert stored_tokens
    assert all(re.fullmatch(r"[0-9a-f]{64}", stored) for stored in stored_tokens)
    raw = b"".join(p.read_bytes() for p in Path(db).parent.glob(Path(db).name + "*"))
    for secret in (PASSWORD, token, token.removeprefix("nd_")):
        for form in (secret.encode(), secret.encode("utf-16-le"), secret.encode().hex().encode()):
            assert form not in raw, secret
    import base64
    assert base64.b64encode(PASSWORD.encode()) not in raw


@pytest.fixture
def fresh_desk(desk_db, tmp_path):
    """A desk copy of its own whose admin's password and token are set now, so the files hold what setting
    them wrote."""
    import shutil

    from newsdesk.accounts import find_user, new_token, set_password
    db = str(tmp_path / "secrets.db")
    shutil.copy(desk_db[0], db)
    storage = open_storage(db)
    admin = find_user(storage, ADMIN)
    set_password(storage, admin, PASSWORD)
    token = new_token(storage, admin)
    storage.close()
    return db, token


def test_login_limit_is_per_client_and_forgets_after_the_window(storage):
    limiter = LoginLimiter(lambda: storage, attempts=3, window=60.0)
    start = 1_800_000_000.0
    for k in range(3):                               # a try counts as a failure until it succeeds
        assert limiter.attempt("10.0.0.1", now=start + k) == 0
    assert limiter.attempt("10.0.0.1", now=start + 3) == pytest.approx(57.0)
    assert limiter.attempt("10.0.0.2", now=start + 3) == 0          # another client is not punished
    assert limiter.attempt("10.0.0.1", now=start + 60.5) == 0       # the oldest failure has left the window
    assert limiter.attempt("10.0.0.1", now=start + 61.0) == 0
    assert limiter.attempt("10.0.0.1", now=start + 61.5) == pytest.approx(0.5)   # until the one at +2 s leaves
    limiter.succeeded("10.0.0.1")
    assert limiter.attempt("10.0.0.1", now=start + 62.0) == 0


def test_a_limited_client_is_refused_before_the_password_is_checked(app):
    with TestClient(app) as client:
        for _ in range(5):
            assert client.post("/login", data={"name": ADMIN, "password": "guess-guess",
                                               "csrf": csrf_of(client)}).status_code == 401
        csrf = csrf_of(client)
        for password in ("guess-guess", PASSWORD):       # neither is looked at while the limit holds
            limited = client.post("/login", data={"name": ADMIN, "password": password, "csrf": csrf},
                                  follow_redirects=False)
            assert limited.status_code == 429
            assert "nd_session" not in limited.headers.get("set-cookie", "")
            assert_secure_headers(limited, "429")
        assert "Log out" not in client.get("/sources").text


def assert_secure_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp), (where, response.status_code, csp)
    for part in ("default-src 'none'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'",
                 "form-action 'self'"):
        assert part in csp, (where, part)
    assert "'unsafe-inline'" not in csp, where
    assert "'unsafe-eval'" not in csp, where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "no-referrer", where
    assert headers.get("x-frame-options") == "DENY", where


def test_security_headers_on_every_route_and_every_kind_of_answer(app, ids):
    seen: set[int] = set()

    def check(response, where):
        assert_secure_headers(response, where)
        seen.add(response.status_code)

    with TestClient(app) as client:
        for _, template in routes(app, {"GET"}):
            url = fill(template, ids) + ("?q=river" if "search" in template or template.endswith("/entities") else "")
            check(client.get(url, follow_redirects=False), url)
            check(client.head(url, follow_redirects=False), "HEAD " + url)
        for url in ("/static/app.css", "/static/app.js", "/static/icon.svg", "/static/nothing.css", "/nothing",
                    "/api/v1/nothing", "/feeds/nothing.atom", "/stories/999999", "/api/v1/stories/999999",
                    "/articles/not-a-number", "/?page=0", "/api/v1/stories?page=0", "/search?since=yesterday&q=x",
                    "/api/v1/search?q=%22", "/login?next=//evil.example/"):
            check(client.get(url, follow_redirects=False), url)
        etag = client.get("/api/v1/stories").headers["etag"]
        check(client.get("/api/v1/stories", headers={"If-None-Match": etag}), "304")
        check(client.delete("/"), "405")
        check(client.post("/api/v1/sources", json={}), "401 API")
        check(client.post("/sources", data={"url": "x"}, follow_redirects=False), "303 to login")
        check(client.post("/login", data={"password": "x"}), "403 CSRF")
        check(client.post("/api/v1/sources", content=b"{not json", headers={"Authorization": "Bearer nd_x",
                                                                            "Content-Type": "application/json"}),
              "401 bad token")
    assert {200, 304, 303, 401, 403, 404, 405, 422} <= seen, seen


def test_security_headers_on_a_crash(app):
    """An unexpected exception in a route still answers 500 with the headers (and says nothing inside)."""
    def boom():
        raise RuntimeError("secret internals")
    app.add_api_route("/__boom", boom)
    app.add_api_route("/api/v1/__boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        for url in ("/__boom", "/api/v1/__boom"):
            crashed = client.get(url)
            assert crashed.status_code == 500
            assert "secret internals" not in crashed.text
            assert_secure_headers(crashed, "500")
        assert client.get("/api/v1/__boom").json() == {"error": "internal error"}


def test_a_wrong_token_on_a_page_is_401_not_a_crash(app):
    """A bad bearer token used to raise again while the error page was drawn: a 500 without headers."""
    with TestClient(app, raise_server_exceptions=False) as client:
        for url in ("/", "/sources", "/login"):
            answer = client.get(url, headers={"Authorization": "Bearer nd_wrong"})
            assert answer.status_code == 401, (url, answer.status_code)
            assert "not valid" in answer.text
            assert_secure_headers(answer, url)
