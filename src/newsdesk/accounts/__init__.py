"""Readers' accounts: users with roles (admin, reader), argon2 password hashes, per-user sessions and tokens.

Reading state lives with each user in storage; the web desk, the CLI and the sync APIs all authenticate here."""

from newsdesk.accounts.errors import (
    AccountError,
    BadLabel,
    BadName,
    LastAdmin,
    NameTaken,
    UnknownUser,
    UserDisabled,
    WeakPassword,
    WrongCredentials,
)
from newsdesk.accounts.passwords import MIN_LENGTH, fever_key, hash_password, new_password, verify_password
from newsdesk.accounts.users import (
    LEGACY_ADMIN_NAME,
    add_user,
    adopt_single_admin,
    authenticate,
    check_name,
    delete_user,
    disable_user,
    find_user,
    hash_token,
    list_tokens,
    new_feed_token,
    new_token,
    revoke_feed_token,
    revoke_sessions,
    revoke_token,
    set_password,
    set_role,
    user_for_fever_key,
    user_for_token,
)

__all__ = ["AccountError", "BadLabel", "BadName", "LEGACY_ADMIN_NAME", "LastAdmin", "MIN_LENGTH", "NameTaken",
           "UnknownUser", "UserDisabled", "WeakPassword", "WrongCredentials", "add_user", "adopt_single_admin",
           "authenticate", "check_name", "delete_user", "disable_user", "fever_key", "find_user",
           "hash_password", "hash_token", "list_tokens", "new_feed_token", "new_password", "new_token",
           "revoke_feed_token", "revoke_sessions",
           "revoke_token", "set_password", "set_role", "user_for_fever_key", "user_for_token",
           "verify_password"]
