"""Accounts on the web desk, on SQLite and PostgreSQL: each user logs in with their name and password; the
session cookie names the user and holds only while their session generation does (a disabled account, a new
password, "log out everywhere" end it); readers read and keep their own state, only admins reach the admin
pages and write APIs; the Users and Account pages; a desk made before accounts keeps its admin's password and
token."""

import hashlib
import re
import secrets

import pytest
from fastapi.testclient import TestClient

from newsdesk.storage import open_storage
from newsdesk.web import create_app
from newsdesk.web.access import SESSION_COOKIE, require_admin_api, require_admin_page

from .conftest import ADMIN, PASSWORD, web_settings
from .small_desk import READER_PASSWORD, make_small_desk
from .test_access import Forms, csrf_of, desk_state, flat_routes, is_sync, log_in, routes, send

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def desk(db_url):
    return make_small_desk(db_url)


@pytest.fixture
def app(desk):
    return create_app(desk.url, web_settings(db=desk.url))


def login(client, name, password):
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(client), "next": "/"},
                       follow_redirects=False)


def logged_in_as(client) -> str | None:
    """The user name the page header shows, or None for a stranger."""
    found = re.search(r'<a class="who" href="/account"[^>]*>([^<]+)</a>', client.get("/").text)
    return found.group(1) if found else None


def fill_ids(template: str, desk) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        if "source" in name:
            return str(desk.sources["harbour"])
        if "article" in name:
            return str(desk.story("Ferry")[2][0])
        if "user" in name:
            return str(desk.users["bob"])
        if "token" in name:
            return "1"
        return str(desk.story("Ferry")[0])
    return re.sub(r"\{([^}]+)\}", value, template)


def admin_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route that only admins may use, from the route table."""
    found = []
    for path, route in flat_routes(app.routes):
        calls = {d.call for d in getattr(route, "dependant").dependencies} if hasattr(route, "dependant") else set()
        if calls & {require_admin_page, require_admin_api}:
            found += [(method, path) for method in sorted(route.methods - {"HEAD"})]
    return found


# -- logging in and out ------------------------------------------------------------------------------------

def test_a_user_logs_in_with_name_and_password(app):
    with TestClient(app) as browser:
        answer = login(browser, "ada", READER_PASSWORD)
        assert answer.status_code == 303
        assert logged_in_as(browser) == "ada"


def test_the_session_cookie_is_httponly_and_lax(app):
    with TestClient(app) as browser:
        cookie = login(browser, "ada", READER_PASSWORD).headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_logging_out_ends_the_session_in_that_browser(app):
    with TestClient(app) as browser:
        login(browser, "ada", READER_PASSWORD)
        browser.post("/logout", data={"csrf": csrf_of(browser)})
        assert logged_in_as(browser) is None


@pytest.mark.parametrize("name, password", [("ada", "not ada's password"), ("nobody", READER_PASSWORD),
                                            ("Ada", READER_PASSWORD), ("", "")])
def test_a_wrong_name_or_password_is_refused_and_sets_nothing(app, name, password):
    with TestClient(app) as browser:
        answer = login(browser, name, password)
        assert answer.status_code == 401
        assert "wrong user name or password" in answer.text
        assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
        assert logged_in_as(browser) is None


def test_the_login_form_keeps_the_name_typed(app):
    with TestClient(app) as browser:
        answer = login(browser, "ada", "not ada's password")
    assert 'name="name" value="ada"' in answer.text


def test_a_cookie_signed_for_one_user_cannot_be_turned_into_anothers(app, desk):
    """The cookie names its user under the desk's signature: a cookie whose user id is changed is refused."""
    import base64
    import json
    with TestClient(app) as browser:
        login(browser, "ada", READER_PASSWORD)
        payload, mac = browser.cookies[SESSION_COOKIE].rsplit(".", 1)
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        data["uid"] = desk.users[ADMIN]
        forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
        browser.cookies.clear()
        browser.cookies.set(SESSION_COOKIE, f"{forged}.{mac}")
        assert logged_in_as(browser) is None
        browser.cookies.set(SESSION_COOKIE, f"{payload}.{mac}")     # the cookie as signed still works
        assert logged_in_as(browser) == "ada"


# -- disabled accounts, new passwords, logging out everywhere ------------------------------------------------

def admin_post(admin, path, **data):
    return admin.post(path, data={"csrf": csrf_of(admin, "/users"), **data}, follow_redirects=False)


def test_a_disabled_users_cookie_is_refused(app, desk):
    with TestClient(app) as ada, TestClient(app) as admin:
        login(ada, "ada", READER_PASSWORD)
        login(admin, ADMIN, PASSWORD)
        assert admin_post(admin, f"/users/{desk.users['ada']}/disable").status_code == 303
        assert logged_in_as(ada) is None
        assert ada.get("/saved", follow_redirects=False).headers["location"].startswith("/login")


def test_a_disabled_user_cannot_log_in_and_is_told_why(app, desk):
    with TestClient(app) as ada, TestClient(app) as admin:
        login(admin, ADMIN, PASSWORD)
        admin_post(admin, f"/users/{desk.users['ada']}/disable")
        answer = login(ada, "ada", READER_PASSWORD)
        assert answer.status_code == 403
        assert "disabled" in answer.text
        assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_a_disabled_users_api_token_is_refused(app, desk):
    with TestClient(app) as client, TestClient(app) as admin:
        headers = {"Authorization": f"Bearer {desk.tokens['ada']}"}
        assert client.get("/api/v1/stories", headers=headers).status_code == 200
        login(admin, ADMIN, PASSWORD)
        admin_post(admin, f"/users/{desk.users['ada']}/disable")
        assert client.get("/api/v1/stories", headers=headers).status_code == 401


def test_enabling_a_user_again_lets_them_log_in(app, desk):
    with TestClient(app) as ada, TestClient(app) as admin:
        login(admin, ADMIN, PASSWORD)
        admin_post(admin, f"/users/{desk.users['ada']}/disable")
        admin_post(admin, f"/users/{desk.users['ada']}/enable")
        assert login(ada, "ada", READER_PASSWORD).status_code == 303


def test_a_disabled_user_stays_out_in_a_worker_that_cached_them(desk, monkeypatch):
    """Disabled from elsewhere (another worker, the command line): refused once USER_TTL has passed."""
    import newsdesk.web.access as access_module
    from newsdesk.accounts import disable_user, find_user

    monkeypatch.setattr(access_module, "USER_TTL", 0.0)
    with TestClient(create_app(desk.url, web_settings(db=desk.url))) as ada:
        login(ada, "ada", READER_PASSWORD)
        assert logged_in_as(ada) == "ada"
        storage = open_storage(desk.url)
        disable_user(storage, find_user(storage, "ada"))
        storage.close()
        assert logged_in_as(ada) is None


def test_log_out_everywhere_ends_every_session_of_the_user_only(app):
    with TestClient(app) as phone, TestClient(app) as laptop, TestClient(app) as bob:
        for browser in (phone, laptop):
            login(browser, "ada", READER_PASSWORD)
        login(bob, "bob", READER_PASSWORD)
        done = phone.post("/account/logout-everywhere", data={"csrf": csrf_of(phone, "/account")},
                          follow_redirects=False)
        assert done.headers["location"].startswith("/login")
        assert [logged_in_as(b) for b in (phone, laptop, bob)] == [None, None, "bob"]


def test_an_admin_ends_a_users_sessions(app, desk):
    with TestClient(app) as ada, TestClient(app) as admin:
        login(ada, "ada", READER_PASSWORD)
        login(admin, ADMIN, PASSWORD)
        admin_post(admin, f"/users/{desk.users['ada']}/revoke-sessions")
        assert logged_in_as(ada) is None
        assert logged_in_as(admin) == ADMIN


# -- roles -------------------------------------------------------------------------------------------------

def test_the_app_has_admin_routes_to_check(app):
    found = set(admin_routes(app))
    assert {("GET", "/users"), ("POST", "/users"), ("POST", "/sources"), ("POST", "/api/v1/sources"),
            ("POST", "/users/{user_id}/delete")} <= found


def test_a_reader_cannot_reach_admin_pages_or_write_apis(app, desk):
    """Every admin route of the route table, as the logged-in reader with a valid CSRF token (form and
    X-CSRF-Token) and as the reader's API token: 403, and nothing changes."""
    before = desk_state(desk.url)
    with TestClient(app) as reader, TestClient(app) as token:
        login(reader, "ada", READER_PASSWORD)
        csrf = csrf_of(reader)
        token.headers["Authorization"] = f"Bearer {desk.tokens['ada']}"
        for method, template in admin_routes(app):
            path = fill_ids(template, desk)
            answer = send(reader, method, path, csrf=csrf, headers={"X-CSRF-Token": csrf})
            assert answer.status_code == 403, (method, path, answer.status_code)
            answer = send(token, method, path, csrf=csrf)
            assert answer.status_code == 403, (method, path, answer.status_code)
    assert desk_state(desk.url) == before


def test_a_reader_is_told_why_an_admin_page_is_refused(app):
    with TestClient(app) as reader:
        login(reader, "ada", READER_PASSWORD)
        answer = reader.get("/users")
    assert answer.status_code == 403
    assert "only an admin" in answer.text


def test_a_reader_sees_no_admin_form(app, desk):
    user_forms = re.compile(r"^/(login|logout|search|read-all|hidden|saved|account(/.*)?|"
                            r"(stories|articles)/\d+/(unread|star)|watchlists(/.*)?|rules(/.*)?|digest|"
                            r"notifications(/.*)?)$")    # a reader's own following, alerts and digest
    with TestClient(app) as reader:
        login(reader, "ada", READER_PASSWORD)
        for _, template in routes(app, {"GET"}):
            forms = Forms()
            forms.feed(reader.get(fill_ids(template, desk)).text)
            shown = {action for method, action in forms.actions if method == "POST" and not user_forms.match(action)}
            assert not shown, (template, shown)


def test_an_admin_made_reader_loses_the_admin_pages(app, desk):
    with TestClient(app) as admin, TestClient(app) as bob:
        login(admin, ADMIN, PASSWORD)
        admin_post(admin, f"/users/{desk.users['bob']}/role", role="admin")
        login(bob, "bob", READER_PASSWORD)
        assert bob.get("/users").status_code == 200
        admin_post(admin, f"/users/{desk.users['bob']}/role", role="reader")
        assert bob.get("/users").status_code == 403


def test_a_reader_reads_a_private_desk_after_logging_in(desk):
    with TestClient(create_app(desk.url, web_settings(db=desk.url, public_read=False))) as reader:
        assert reader.get("/", follow_redirects=False).status_code == 303
        login(reader, "ada", READER_PASSWORD)
        assert reader.get("/").status_code == 200


def test_a_readers_token_reads_a_private_desk(desk):
    with TestClient(create_app(desk.url, web_settings(db=desk.url, public_read=False))) as client:
        answer = client.get("/api/v1/stories", headers={"Authorization": f"Bearer {desk.tokens['ada']}"})
    assert answer.status_code == 200


def test_reading_state_pages_need_a_login_on_a_public_desk(app):
    with TestClient(app) as stranger:
        assert stranger.get("/", follow_redirects=False).status_code == 200
        for path in ("/saved", "/account"):
            answer = stranger.get(path, follow_redirects=False)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == f"/login?next={path}"


# -- CSRF ----------------------------------------------------------------------------------------------------

def test_every_write_route_checks_csrf_for_a_logged_in_reader(app, desk):
    """The reader's own browser posting without its CSRF token, or with another browser's: 403, nothing
    changes, and the reader is still logged in."""
    before = desk_state(desk.url)
    with TestClient(app) as reader, TestClient(app) as other:
        login(reader, "ada", READER_PASSWORD)
        foreign = csrf_of(other)
        for method, template in routes(app, WRITE_METHODS):
            if is_sync(template):      # the sync APIs authenticate each call by token, not by cookie
                continue
            path = fill_ids(template, desk)
            for csrf in (None, "", foreign):
                answer = send(reader, method, path, csrf=csrf)
                assert answer.status_code == 403, (method, path, csrf, answer.status_code)
        assert logged_in_as(reader) == "ada"
    assert desk_state(desk.url) == before


# -- the Users page ------------------------------------------------------------------------------------------

def test_an_admin_adds_a_user_whose_generated_password_is_shown_once(app):
    with TestClient(app) as admin, TestClient(app) as newcomer:
        login(admin, ADMIN, PASSWORD)
        answer = admin.post("/users", data={"csrf": csrf_of(admin, "/users"), "name": "cleo"})
        assert answer.status_code == 200
        password = re.search(r'<code class="secret">([^<]+)</code>', answer.text).group(1)
        assert password not in admin.get("/users").text
        assert login(newcomer, "cleo", password).status_code == 303


def test_an_admin_adds_an_admin(app):
    with TestClient(app) as admin, TestClient(app) as newcomer:
        login(admin, ADMIN, PASSWORD)
        admin.post("/users", data={"csrf": csrf_of(admin, "/users"), "name": "dora", "password": "dora's password",
                                   "admin": "true"})
        login(newcomer, "dora", "dora's password")
        assert newcomer.get("/users").status_code == 200


@pytest.mark.parametrize("name, password, says", [("ada", "another password", "already exists"),
                                                  ("two words", "a fine password", "no spaces"),
                                                  ("cleo", "short", "at least 8")])
def test_a_refused_new_user_is_shown_and_nobody_is_added(app, desk, name, password, says):
    with TestClient(app) as admin:
        login(admin, ADMIN, PASSWORD)
        before = desk_state(desk.url)
        answer = admin.post("/users", data={"csrf": csrf_of(admin, "/users"), "name": name, "password": password})
    assert answer.status_code == 400
    assert says in answer.text
    assert desk_state(desk.url) == before


def test_the_last_admin_cannot_disable_demote_or_delete_themselves(app, desk):
    with TestClient(app) as admin:
        login(admin, ADMIN, PASSWORD)
        before = desk_state(desk.url)
        me = desk.users[ADMIN]
        for path, data in ((f"/users/{me}/disable", {}), (f"/users/{me}/role", {"role": "reader"}),
                           (f"/users/{me}/delete", {"confirm": "true"})):
            answer = admin_post(admin, path, **data)
            assert answer.status_code == 400, path
            assert "only enabled admin" in answer.text, path
        assert desk_state(desk.url) == before


def test_deleting_a_user_needs_the_confirmation(app, desk):
    with TestClient(app) as admin:
        login(admin, ADMIN, PASSWORD)
        before = desk_state(desk.url)
        assert admin_post(admin, f"/users/{desk.users['bob']}/delete").status_code == 400
        assert desk_state(desk.url) == before


def test_a_deleted_user_is_gone_with_their_session(app, desk):
    with TestClient(app) as admin, TestClient(app) as bob:
        login(bob, "bob", READER_PASSWORD)
        login(admin, ADMIN, PASSWORD)
        assert admin_post(admin, f"/users/{desk.users['bob']}/delete", confirm="true").status_code == 303
        assert logged_in_as(bob) is None
        assert ">bob<" not in admin.get("/users").text


def test_an_admin_resets_a_password(app, desk):
    with TestClient(app) as admin, TestClient(app) as bob:
        login(bob, "bob", READER_PASSWORD)
        login(admin, ADMIN, PASSWORD)
        admin_post(admin, f"/users/{desk.users['bob']}/password", password="bob's new password")
        assert logged_in_as(bob) is None                    # the new password ended bob's sessions
        assert login(bob, "bob", READER_PASSWORD).status_code == 401
        assert login(bob, "bob", "bob's new password").status_code == 303


# -- the Account page ----------------------------------------------------------------------------------------

def change_password(browser, current, new, repeat=None):
    return browser.post("/account/password", data={"csrf": csrf_of(browser, "/account"), "current": current,
                                                   "password": new, "repeat": repeat or new},
                        follow_redirects=False)


def test_a_user_changes_their_password_and_stays_logged_in_here_only(app):
    with TestClient(app) as here, TestClient(app) as there:
        login(here, "ada", READER_PASSWORD)
        login(there, "ada", READER_PASSWORD)
        assert change_password(here, READER_PASSWORD, "ada's new password").status_code == 303
        assert [logged_in_as(here), logged_in_as(there)] == ["ada", None]
        assert login(there, "ada", "ada's new password").status_code == 303


@pytest.mark.parametrize("current, new, repeat, says", [
    ("not the password", "ada's new password", None, "current password is wrong"),
    (READER_PASSWORD, "ada's new password", "something else", "differ"),
    (READER_PASSWORD, "short", None, "at least 8")])
def test_a_refused_password_change_changes_nothing(app, desk, current, new, repeat, says):
    with TestClient(app) as ada:
        login(ada, "ada", READER_PASSWORD)
        before = desk_state(desk.url)
        answer = change_password(ada, current, new, repeat)
        assert answer.status_code == 400
        assert says in answer.text
        assert desk_state(desk.url) == before
        assert logged_in_as(ada) == "ada"


def make_token(browser, label="my script"):
    answer = browser.post("/account/tokens", data={"csrf": csrf_of(browser, "/account"), "label": label})
    return re.search(r'<code class="secret">([^<]+)</code>', answer.text).group(1)


def test_a_new_api_token_is_shown_once_and_opens_the_api(app):
    with TestClient(app) as ada, TestClient(app) as client:
        login(ada, "ada", READER_PASSWORD)
        token = make_token(ada)
        page = ada.get("/account").text
        assert "my script" in page
        assert token not in page
        answer = client.get("/api/v1/stories", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200


def test_a_revoked_token_no_longer_opens_the_api(app):
    with TestClient(app) as ada:
        login(ada, "ada", READER_PASSWORD)
        token = make_token(ada, "to revoke")
        row = re.search(r'<td>to revoke</td>.*?action="/account/tokens/(\d+)/revoke"', ada.get("/account").text,
                        re.S)
        token_id = row.group(1)
        ada.post(f"/account/tokens/{token_id}/revoke", data={"csrf": csrf_of(ada, "/account")})
        answer = ada.get("/api/v1/stories", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401


def test_a_user_cannot_revoke_another_users_token(app, desk):
    storage = open_storage(desk.url)
    bobs = storage.user_tokens(desk.users["bob"])[0]["id"]
    storage.close()
    with TestClient(app) as ada, TestClient(app) as client:
        login(ada, "ada", READER_PASSWORD)
        answer = ada.post(f"/account/tokens/{bobs}/revoke", data={"csrf": csrf_of(ada, "/account")})
        assert answer.status_code == 404
        still = client.get("/api/v1/stories", headers={"Authorization": f"Bearer {desk.tokens['bob']}"})
        assert still.status_code == 200


def test_password_changes_count_against_the_login_limit(app):
    with TestClient(app) as ada:
        login(ada, "ada", READER_PASSWORD)
        for _ in range(5):
            assert change_password(ada, "a wrong guess", "ada's new password").status_code == 400
        assert change_password(ada, READER_PASSWORD, "ada's new password").status_code == 429


# -- a desk made before accounts -----------------------------------------------------------------------------

def single_admin_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, n=2 ** 14, r=8, p=1)
    return f"scrypt${2 ** 14}$8$1${salt.hex()}${digest.hex()}"


@pytest.fixture
def old_desk(db_url):
    """A desk as newsdesk kept it before accounts: one admin password (scrypt) and one admin token (SHA-256)
    in the desk settings, and no users."""
    storage = open_storage(db_url)
    storage.set_setting("admin_password", single_admin_hash(PASSWORD))
    storage.set_setting("admin_token", hashlib.sha256(b"nd_the-old-admin-token").hexdigest())
    storage.close()
    return db_url


def test_the_admin_of_a_desk_before_accounts_logs_in_as_admin(old_desk):
    with TestClient(create_app(old_desk, web_settings(db=old_desk))) as admin:
        assert login(admin, ADMIN, PASSWORD).status_code == 303
        assert admin.get("/users").status_code == 200


def test_the_admin_token_of_a_desk_before_accounts_still_writes(old_desk):
    with TestClient(create_app(old_desk, web_settings(db=old_desk))) as client:
        answer = client.post("/api/v1/sources", json={"nope": 1},
                             headers={"Authorization": "Bearer nd_the-old-admin-token"})
    assert answer.status_code == 422            # past access: only the body is wrong


def test_the_settings_of_the_single_admin_are_gone_once_adopted(old_desk):
    create_app(old_desk, web_settings(db=old_desk)).state.web.pool.close()
    storage = open_storage(old_desk)
    left = [storage.get_setting(key) for key in ("admin_password", "admin_token")]
    storage.close()
    assert left == [None, None]


def test_a_token_that_is_sent_must_be_valid_on_a_public_desk_too(app):
    with TestClient(app) as client:
        answer = client.get("/api/v1/stories", headers={"Authorization": "Bearer nd_not-a-token"})
    assert answer.status_code == 401


def test_the_story_api_knows_the_reader_of_an_api_token_for_since_last_read(app, desk):
    """`?since=last_read` (web/since.py) asks web/access.py's current_user: a user's API token names them."""
    from newsdesk.web.since import NO_USER

    story_id, slug, _ = desk.story("Ferry")
    with reader_session(app, "ada") as ada:
        ada.get(f"/stories/{slug}")
    with TestClient(app) as client:
        mine = client.get(f"/api/v1/stories/{story_id}?since=last_read",
                          headers={"Authorization": f"Bearer {desk.tokens['ada']}"}).json()
        nobodys = client.get(f"/api/v1/stories/{story_id}?since=last_read").json()
    assert mine["changes_reason"] != NO_USER
    assert nobodys["changes_reason"] == NO_USER


def reader_session(app, name):
    client = TestClient(app)
    assert login(client, name, READER_PASSWORD).status_code == 303
    return client
