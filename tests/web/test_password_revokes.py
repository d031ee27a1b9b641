"""A new password — the user's own on the Account page, an admin's reset on the Users page, `newsdesk user
passwd` — ends the user's sessions and revokes every token of theirs: API tokens, reader apps' Google Reader
logins, the private feed's address; the Fever key follows the new password. On SQLite and PostgreSQL."""

import hashlib

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsdesk.accounts import find_user, new_feed_token, new_token, set_password
from newsdesk.model import TokenKind
from newsdesk.storage import open_storage
from newsdesk.web import create_app

from .conftest import ADMIN, PASSWORD, web_settings
from .reader_desk import post, reader
from .small_desk import READER_PASSWORD, make_small_desk
from .test_access import log_in

NEW_PASSWORD = "ada's brand new password"


@pytest.fixture
def desk(db_url):
    return make_small_desk(db_url)


@pytest.fixture
def app(desk):
    return create_app(desk.url, web_settings(db=desk.url, sync_api=True))


@pytest.fixture
def ada_secrets(desk, app):
    """Ada's API token, a Google Reader login of hers (ClientLogin) and her feed address, made before the change."""
    with TestClient(app) as client:
        login = client.post("/accounts/ClientLogin", data={"Email": "ada", "Passwd": READER_PASSWORD})
        assert login.status_code == 200, login.text
    storage = open_storage(desk.url)
    try:
        feed = new_feed_token(storage, find_user(storage, "ada"))
    finally:
        storage.close()
    return {"api": desk.tokens["ada"], "reader": login.text.split("Auth=")[1].split()[0], "feed": feed}


def opens(app, secrets) -> dict[str, bool]:
    """Which of the secrets still open the desk."""
    with TestClient(app) as client:
        return {
            "api": client.get("/api/v1/reading/unread-counts",
                              headers={"Authorization": f"Bearer {secrets['api']}"}).status_code == 200,
            "reader": client.get("/reader/api/0/user-info",
                                 headers={"Authorization": f"GoogleLogin auth={secrets['reader']}"}).status_code == 200,
            "feed": client.get(f"/feeds/changes/{secrets['feed']}.atom").status_code == 200}


def fever_opens(app, password: str) -> bool:
    key = hashlib.md5(f"ada:{password}".encode()).hexdigest()
    with TestClient(app) as client:
        return client.post("/fever/?api", data={"api_key": key}).json().get("auth") == 1


def test_the_secrets_open_the_desk_before_a_change(app, ada_secrets):
    assert opens(app, ada_secrets) == {"api": True, "reader": True, "feed": True}


def test_a_new_password_on_the_account_page_revokes_every_token(app, ada_secrets):
    with reader(app) as ada:
        answer = post(ada, "/account/password", current=READER_PASSWORD, password=NEW_PASSWORD,
                      repeat=NEW_PASSWORD)
        assert answer.status_code == 303, answer.text
        assert "revoked" in ada.get(answer.headers["location"]).text
    assert opens(app, ada_secrets) == {"api": False, "reader": False, "feed": False}


def test_a_wrong_current_password_revokes_nothing(app, ada_secrets):
    with reader(app) as ada:
        answer = post(ada, "/account/password", current="not it", password=NEW_PASSWORD, repeat=NEW_PASSWORD)
        assert answer.status_code == 400
    assert opens(app, ada_secrets) == {"api": True, "reader": True, "feed": True}


def test_an_admins_reset_revokes_every_token(app, desk, ada_secrets):
    with TestClient(app) as admin:
        log_in(admin, ADMIN, PASSWORD)
        answer = post(admin, f"/users/{desk.users['ada']}/password", password=NEW_PASSWORD)
        assert answer.status_code in (200, 303), answer.text
    assert opens(app, ada_secrets) == {"api": False, "reader": False, "feed": False}


def test_user_passwd_on_the_command_line_revokes_every_token(app, desk, ada_secrets, monkeypatch, tmp_path):
    from newsdesk.cli import app as cli

    monkeypatch.setenv("NEWSDESK_DB", desk.url)
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    result = CliRunner().invoke(cli, ["user", "passwd", "ada", "--password", NEW_PASSWORD], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "revoked" in result.output
    assert opens(app, ada_secrets) == {"api": False, "reader": False, "feed": False}


def test_a_new_password_leaves_other_users_tokens(app, desk, ada_secrets):
    storage = open_storage(desk.url)
    try:
        set_password(storage, find_user(storage, "ada"), NEW_PASSWORD)
    finally:
        storage.close()
    with TestClient(app) as client:
        answer = client.get("/api/v1/reading/unread-counts", headers={"Authorization": f"Bearer {desk.tokens['bob']}"})
    assert answer.status_code == 200


def test_the_fever_key_follows_the_new_password(app, desk):
    storage = open_storage(desk.url)
    try:
        set_password(storage, find_user(storage, "ada"), NEW_PASSWORD)
    finally:
        storage.close()
    assert (fever_opens(app, READER_PASSWORD), fever_opens(app, NEW_PASSWORD)) == (False, True)


def test_tokens_made_after_the_change_work(app, desk):
    storage = open_storage(desk.url)
    try:
        ada = find_user(storage, "ada")
        set_password(storage, ada, NEW_PASSWORD)
        token = new_token(storage, ada, TokenKind.API)
    finally:
        storage.close()
    with TestClient(app) as client:
        answer = client.get("/api/v1/reading/unread-counts", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
