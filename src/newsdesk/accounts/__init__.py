"""Readers' accounts: users with roles (admin, reader), argon2 password hashes, per-user sessions and tokens.

Reading state lives with each user in storage; the web desk, the CLI and the sync APIs all authenticate here."""

from newsdesk.accounts.errors import (
    AccountError,
    BadName,
    LastAdmin,
    NameTaken,
    UnknownUser,
    UserDisabled,
    WeakPassword,
    WrongCredentials,
)
from newsdesk.accounts.passwords import fever_key, hash_password, verify_password
from newsdesk.accounts.users import (
    add_user,
    adopt_single_admin,
    authenticate,
    check_name,
    delete_user,
    disable_user,
    find_user,
    hash_token,
    new_token,
    revoke_sessions,
    set_password,
    set_role,
    user_for_fever_key,
    user_for_token,
)

__all__ = ["AccountError", "BadName", "LastAdmin", "NameTaken", "UnknownUser", "UserDisabled", "WeakPassword",
           "WrongCredentials", "add_user", "adopt_single_admin", "authenticate", "check_name", "delete_user",
           "disable_user", "fever_key", "find_user", "hash_password", "hash_token", "new_token", "revoke_sessions",
           "set_password", "set_role", "user_for_fever_key", "user_for_token", "verify_password"]
