"""Accounts on SQLite and PostgreSQL: adding, authenticating, disabling, deleting, tokens, the Fever key."""

import pytest

from newsdesk.accounts import (
    BadName,
    LastAdmin,
    NameTaken,
    UserDisabled,
    WeakPassword,
    WrongCredentials,
    add_user,
    adopt_single_admin,
    authenticate,
    delete_user,
    disable_user,
    fever_key,
    new_token,
    set_password,
    set_role,
    user_for_fever_key,
    user_for_token,
)
from newsdesk.model import Role, TokenKind

PASSWORD = "correct horse battery"


def test_a_user_logs_in_with_their_password(storage):
    made = add_user(storage, "ada", PASSWORD)
    assert authenticate(storage, "ada", PASSWORD).id == made.id


def test_a_new_user_is_a_reader(storage):
    assert add_user(storage, "ada", PASSWORD).role == Role.READER


def test_the_password_is_stored_as_an_argon2_hash(storage):
    user = add_user(storage, "ada", PASSWORD)
    stored = storage.user_password_hash(user.id)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_passwords_are_hashed_with_argon2_cffis_current_parameters(storage):
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory choice: 64 MiB, 3 passes, 4 lanes)."""
    from argon2 import PasswordHasher
    from argon2.profiles import RFC_9106_LOW_MEMORY

    user = add_user(storage, "ada", PASSWORD)
    expected = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
    assert not expected.check_needs_rehash(storage.user_password_hash(user.id))


@pytest.mark.parametrize("name, password", [("ada", "wrong password"), ("nobody", PASSWORD), ("ADA", PASSWORD)])
def test_a_wrong_name_or_password_is_refused_without_saying_which(storage, name, password):
    add_user(storage, "ada", PASSWORD)
    with pytest.raises(WrongCredentials, match="wrong user name or password"):
        authenticate(storage, name, password)


def test_a_disabled_user_cannot_log_in(storage):
    add_user(storage, "boss", PASSWORD, Role.ADMIN)
    user = add_user(storage, "ada", PASSWORD)
    disable_user(storage, user)
    with pytest.raises(UserDisabled):
        authenticate(storage, "ada", PASSWORD)


def test_disabling_ends_the_users_sessions(storage):
    add_user(storage, "boss", PASSWORD, Role.ADMIN)
    user = add_user(storage, "ada", PASSWORD)
    disable_user(storage, user)
    assert storage.get_user(user.id).session_generation != user.session_generation


@pytest.mark.parametrize("name", ["", "   ", "two words", "a/b", "x" * 65, "12345", "tab\there", "bell\x07"])
def test_a_name_that_cannot_be_a_user_name_is_refused(storage, name):
    with pytest.raises(BadName):
        add_user(storage, name, PASSWORD)


def test_a_short_password_is_refused(storage):
    with pytest.raises(WeakPassword):
        add_user(storage, "ada", "short")
    assert storage.user_named("ada") is None


def test_a_taken_name_is_refused(storage):
    add_user(storage, "ada", PASSWORD)
    with pytest.raises(NameTaken):
        add_user(storage, "ada", "another password")


def test_a_new_password_replaces_the_old_and_ends_sessions(storage):
    user = add_user(storage, "ada", PASSWORD)
    set_password(storage, user, "a brand new password")
    with pytest.raises(WrongCredentials):
        authenticate(storage, "ada", PASSWORD)
    assert authenticate(storage, "ada", "a brand new password").session_generation != user.session_generation


def test_the_last_admin_cannot_be_disabled_deleted_or_demoted(storage):
    admin = add_user(storage, "boss", PASSWORD, Role.ADMIN)
    for change in (lambda: disable_user(storage, admin), lambda: delete_user(storage, admin),
                   lambda: set_role(storage, admin, Role.READER)):
        with pytest.raises(LastAdmin):
            change()
    assert storage.get_user(admin.id).is_admin


def test_deleting_a_user_deletes_their_state(storage):
    add_user(storage, "boss", PASSWORD, Role.ADMIN)
    user = add_user(storage, "ada", PASSWORD)
    token = new_token(storage, user)
    delete_user(storage, user)
    assert storage.get_user(user.id) is None
    assert user_for_token(storage, token) is None


def test_a_token_names_its_user(storage):
    user = add_user(storage, "ada", PASSWORD)
    assert user_for_token(storage, new_token(storage, user)).id == user.id


def test_a_token_of_one_kind_is_not_one_of_another(storage):
    user = add_user(storage, "ada", PASSWORD)
    token = new_token(storage, user, TokenKind.READER)
    assert user_for_token(storage, token, TokenKind.API) is None


def test_a_disabled_users_token_is_refused(storage):
    add_user(storage, "boss", PASSWORD, Role.ADMIN)
    user = add_user(storage, "ada", PASSWORD)
    token = new_token(storage, user)
    disable_user(storage, user)
    assert user_for_token(storage, token) is None


def test_only_the_token_hash_is_stored(storage):
    user = add_user(storage, "ada", PASSWORD)
    token = new_token(storage, user)
    rows = storage.db.query("SELECT token_hash FROM user_tokens")
    assert all(token not in r["token_hash"] for r in rows)


def test_the_fever_key_is_md5_of_name_and_password(storage):
    user = add_user(storage, "ada", PASSWORD)
    assert user_for_fever_key(storage, fever_key("ada", PASSWORD)).id == user.id


def test_a_wrong_fever_key_is_refused(storage):
    add_user(storage, "ada", PASSWORD)
    assert user_for_fever_key(storage, fever_key("ada", "wrong password")) is None


def single_admin_hash(password: str) -> str:
    """The admin password as desks before accounts kept it (web/auth.py of that time): salted scrypt."""
    import hashlib
    import secrets

    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, n=2 ** 14, r=8, p=1)
    return f"scrypt${2 ** 14}$8$1${salt.hex()}${digest.hex()}"


def test_the_admin_of_a_desk_before_accounts_becomes_the_user_admin(storage):
    storage.set_setting("admin_password", single_admin_hash(PASSWORD))
    adopted = adopt_single_admin(storage)
    assert adopted.is_admin
    assert authenticate(storage, "admin", PASSWORD).id == adopted.id
    assert storage.user_password_hash(adopted.id).startswith("$argon2id$")   # replaced at the login
