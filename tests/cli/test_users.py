"""`newsdesk user …` and `newsdesk init`'s first admin, on a real SQLite file: every account operation, a password
asked on a terminal or else made and printed once, and every refusal one `error:` line with exit 1."""

import hashlib
import os
import re
import secrets
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsdesk.accounts import WrongCredentials, authenticate, user_for_token
from newsdesk.cli import app
from newsdesk.storage import open_storage

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2id at its lowest cost: these tests make and check many passwords (tests/accounts checks the real
    parameters)."""
    from argon2 import PasswordHasher

    import newsdesk.accounts.passwords as passwords
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "users.db"
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NEWSDESK_ADMIN_PASSWORD", raising=False)
    cli("init", "--no-defaults", "--password", PASSWORD)
    return str(path)


def cli(*args, ok=True, stdin=None):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False, input=stdin)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def stored(db):
    return open_storage(db)


def check(db, name, password):
    storage = stored(db)
    try:
        return authenticate(storage, name, password)
    finally:
        storage.close()


def user(db, name):
    storage = stored(db)
    try:
        return storage.user_named(name)
    finally:
        storage.close()


def test_init_makes_the_user_admin(db):
    assert check(db, "admin", PASSWORD).is_admin


def test_user_add_makes_a_reader(db):
    cli("user", "add", "ada", "--password", "ada's password")
    assert not check(db, "ada", "ada's password").is_admin


def test_user_add_admin_makes_an_admin(db):
    cli("user", "add", "boss", "--password", "boss's password", "--admin")
    assert check(db, "boss", "boss's password").is_admin


def test_user_add_without_a_password_or_terminal_prints_one_made_for_them(db):
    out = cli("user", "add", "ada").output
    made = re.search(r"Password of ada \(generated; shown only this once\): (\S+)", out).group(1)
    assert check(db, "ada", made).name == "ada"


def test_user_list_shows_name_role_enabled_and_created(db):
    cli("user", "add", "ada", "--password", "ada's password")
    cli("user", "disable", "ada")
    row = next(line for line in cli("user", "list").output.splitlines() if " ada " in line)
    assert re.search(r"ada\s+│\s+reader\s+│\s+no\s+│\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC", row), row


def test_user_disable_refuses_the_login_and_enable_restores_it(db):
    cli("user", "add", "ada", "--password", "ada's password")
    cli("user", "disable", "ada")
    with pytest.raises(Exception, match="disabled"):
        check(db, "ada", "ada's password")
    cli("user", "enable", "ada")
    assert check(db, "ada", "ada's password").name == "ada"


def test_user_delete_with_yes_deletes(db):
    cli("user", "add", "ada", "--password", "ada's password")
    cli("user", "delete", "ada", "--yes")
    assert user(db, "ada") is None


def test_user_delete_without_yes_or_a_terminal_deletes_nothing(db):
    cli("user", "add", "ada", "--password", "ada's password")
    result = cli("user", "delete", "ada", ok=False)
    assert result.exit_code == 1
    assert "confirm with --yes" in result.output
    assert user(db, "ada") is not None


def test_user_passwd_sets_a_new_password(db):
    cli("user", "add", "ada", "--password", "ada's password")
    cli("user", "passwd", "ada", "--password", "ada's new password")
    with pytest.raises(WrongCredentials):
        check(db, "ada", "ada's password")
    assert check(db, "ada", "ada's new password").name == "ada"


def test_user_passwd_ends_the_users_sessions(db):
    cli("user", "add", "ada", "--password", "ada's password")
    before = user(db, "ada").session_generation
    cli("user", "passwd", "ada", "--password", "ada's new password")
    assert user(db, "ada").session_generation != before


def test_user_role_changes_the_role(db):
    cli("user", "add", "ada", "--password", "ada's password")
    cli("user", "role", "ada", "admin")
    assert user(db, "ada").is_admin


def test_user_token_prints_a_token_of_that_user(db):
    cli("user", "add", "ada", "--password", "ada's password")
    out = cli("user", "token", "ada", "--label", "laptop").output
    token = re.search(r"(nd_\S+)", out).group(1)
    storage = stored(db)
    assert user_for_token(storage, token).name == "ada"
    assert [t["label"] for t in storage.user_tokens(user(db, "ada").id)] == ["laptop"]
    storage.close()


@pytest.mark.parametrize("args, says", [
    (("user", "add", "admin", "--password", "a long password"), "a user named 'admin' already exists"),
    (("user", "add", "two words", "--password", "a long password"), "no spaces"),
    (("user", "add", "ada", "--password", "short"), "at least 8 characters"),
    (("user", "disable", "nobody"), "no user named 'nobody'"),
    (("user", "delete", "admin", "--yes"), "only enabled admin"),
    (("user", "disable", "admin"), "only enabled admin"),
    (("user", "role", "admin", "reader"), "only enabled admin"),
    (("user", "role", "admin", "boss"), "not a role"),
    (("user", "passwd", "admin", "--password", "short"), "at least 8 characters"),
    (("user", "token", "admin", "--label", "x" * 101), "at most 100 characters"),
])
def test_every_refusal_is_one_error_line_and_exit_1(db, args, says):
    result = cli(*args, ok=False)
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert says in result.output
    assert result.output.count("\n") == 1


def test_a_refusal_of_the_real_command_has_no_traceback(db, tmp_path):
    env = dict(os.environ, NEWSDESK_DB=db, NEWSDESK_CONFIG=str(tmp_path / "none.toml"))
    done = subprocess.run([sys.executable, "-m", "newsdesk", "user", "passwd", "nobody", "--password",
                           "a long password"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr == "error: no user named 'nobody'\n"


def test_a_password_is_asked_twice_on_a_terminal(db, monkeypatch):
    import newsdesk.cli.users as users
    monkeypatch.setattr(users, "interactive", lambda: True)
    out = cli("user", "add", "ada", stdin="ada's password\nada's password\n").output
    assert "generated" not in out
    assert check(db, "ada", "ada's password").name == "ada"


def test_init_keeps_the_admin_password_unless_given_one(db):
    assert "unchanged" in cli("init", "--no-defaults").output
    assert check(db, "admin", PASSWORD).is_admin


def test_init_new_token_replaces_the_one_it_made_before(db):
    first = re.search(r"(nd_\S+)", cli("init", "--no-defaults", "--new-token").output).group(1)
    second = re.search(r"(nd_\S+)", cli("init", "--no-defaults", "--new-token").output).group(1)
    storage = stored(db)
    assert user_for_token(storage, first) is None
    assert user_for_token(storage, second).name == "admin"
    storage.close()


def test_init_revoke_sessions_ends_every_users_sessions(db):
    cli("user", "add", "ada", "--password", "ada's password")
    before = {name: user(db, name).session_generation for name in ("admin", "ada")}
    cli("init", "--no-defaults", "--revoke-sessions")
    assert all(user(db, name).session_generation != gen for name, gen in before.items())


def test_init_adopts_the_admin_password_of_a_desk_before_accounts(tmp_path, monkeypatch):
    path = str(tmp_path / "old.db")
    monkeypatch.setenv("NEWSDESK_DB", path)
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("NEWSDESK_ADMIN_PASSWORD", raising=False)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, dklen=32, n=2 ** 14, r=8, p=1)
    storage = open_storage(path)
    storage.set_setting("admin_password", f"scrypt${2 ** 14}$8$1${salt.hex()}${digest.hex()}")
    storage.close()
    assert "unchanged" in cli("init", "--no-defaults").output
    assert check(path, "admin", PASSWORD).is_admin


def test_user_list_adopts_the_admin_of_a_desk_before_accounts(tmp_path, monkeypatch):
    path = str(tmp_path / "old.db")
    monkeypatch.setenv("NEWSDESK_DB", path)
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    storage = open_storage(path)
    storage.set_setting("admin_password", "scrypt$16384$8$1$00$00")
    storage.close()
    assert re.search(r"admin\s+│\s+admin\s+│\s+yes", cli("user", "list").output)
