"""Adding, authenticating and managing the desk's users; every refusal is an AccountError naming why."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from functools import cache

from newsdesk.accounts.errors import (
    BadLabel,
    BadName,
    LastAdmin,
    NameTaken,
    UnknownUser,
    UserDisabled,
    WrongCredentials,
)
from newsdesk.accounts.passwords import fever_key, hash_password, needs_rehash, verify_password
from newsdesk.model import Role, TokenKind, User
from newsdesk.storage import Storage, StorageError, UserExists
from newsdesk.timeutil import utcnow

MAX_NAME = 64
MAX_LABEL = 100
# What a new user finds unread: the articles of the last few days, not the whole archive.
NEW_USER_UNREAD = timedelta(days=3)
# Key of the single admin password that desks kept before accounts (web/auth.py); see adopt_single_admin.
LEGACY_PASSWORD_KEY = "admin_password"
LEGACY_TOKEN_KEY = "admin_token"
LEGACY_GENERATION_KEY = "session_generation"
LEGACY_TOKEN_LABEL = "admin token from before accounts"
LEGACY_ADMIN_NAME = "admin"

_TOKEN_PREFIXES = {TokenKind.API: "nd_", TokenKind.READER: "ndr_", TokenKind.CHANGES_FEED: "ndf_"}
_NAME = re.compile(r"^[^\s/\\:@]+$")


@cache
def _dummy_hash() -> str:
    """Verified when the name is unknown, so that a wrong name takes as long as a wrong password."""
    return hash_password("not a password of anyone")


def new_generation() -> str:
    return secrets.token_hex(8)


def check_name(name: str) -> str:
    """The name, normalised (NFC, stripped); BadName when it cannot be a user name."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise BadName("a user name cannot be empty")
    if len(name) > MAX_NAME:
        raise BadName(f"a user name has at most {MAX_NAME} characters")
    if not _NAME.match(name) or any(unicodedata.category(c).startswith("C") for c in name):
        raise BadName("a user name has no spaces, control characters or any of / \\ : @")
    if name.isdigit():
        raise BadName("a user name cannot be only digits (it would read as an id)")
    return name


def add_user(storage: Storage, name: str, password: str, role: Role = Role.READER,
             *, now: datetime | None = None) -> User:
    name = check_name(name)
    if storage.user_named(name) is not None:
        raise NameTaken(name)
    try:
        return storage.add_user(name, hash_password(password), role, fever_key=fever_key(name, password),
                                session_generation=new_generation(),
                                read_before=(now or utcnow()) - NEW_USER_UNREAD)
    except UserExists:
        raise NameTaken(name) from None


def find_user(storage: Storage, name: str) -> User:
    user = storage.user_named(unicodedata.normalize("NFC", name or "").strip())
    if user is None:
        raise UnknownUser(name)
    return user


def authenticate(storage: Storage, name: str, password: str) -> User:
    """The user `name` if `password` is theirs and the account is enabled. A hash made with older parameters
    (or the single admin's scrypt) is replaced by a current one on the way, when the desk is writable."""
    user = storage.user_named(unicodedata.normalize("NFC", name or "").strip())
    stored = storage.user_password_hash(user.id) if user is not None else None
    if not verify_password(password, stored or _dummy_hash()) or user is None:
        raise WrongCredentials()
    if user.disabled:
        raise UserDisabled(user.name)
    if needs_rehash(stored) and not storage.read_only:
        storage.set_user_password(user.id, hash_password(password), fever_key(user.name, password))
    return user


def set_password(storage: Storage, user: User, password: str) -> None:
    """A new password (its Fever key follows it); every session of the user ends and every token of theirs is
    revoked: API tokens, reader apps' logins, the private feed's address. After a reset, nothing made with the
    old password still opens the account."""
    with storage.transaction():
        storage.set_user_password(user.id, hash_password(password), fever_key(user.name, password),
                                  session_generation=new_generation())
        storage.delete_user_tokens(user.id)


def _enabled_admins_besides(storage: Storage, user: User) -> int:
    return sum(1 for u in storage.list_users() if u.is_admin and not u.disabled and u.id != user.id)


def disable_user(storage: Storage, user: User, disabled: bool = True) -> None:
    if disabled and user.is_admin and _enabled_admins_besides(storage, user) == 0:
        raise LastAdmin(f"{user.name!r} is the only enabled admin: make another admin first")
    storage.set_user_disabled(user.id, disabled, new_generation())


def delete_user(storage: Storage, user: User) -> None:
    if user.is_admin and _enabled_admins_besides(storage, user) == 0:
        raise LastAdmin(f"{user.name!r} is the only enabled admin: make another admin first")
    storage.delete_user(user.id)


def set_role(storage: Storage, user: User, role: Role) -> None:
    if user.is_admin and role != Role.ADMIN and _enabled_admins_besides(storage, user) == 0:
        raise LastAdmin(f"{user.name!r} is the only enabled admin: make another admin first")
    storage.set_user_role(user.id, role)


def revoke_sessions(storage: Storage, user: User) -> None:
    """Log the user out of every browser."""
    storage.set_session_generation(user.id, new_generation())


# -- tokens ----------------------------------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token(storage: Storage, user: User, kind: TokenKind = TokenKind.API, label: str | None = None) -> str:
    """A fresh token for the user; only its hash is kept, so show it once."""
    label = " ".join((label or "").split()) or None
    if label is not None and (len(label) > MAX_LABEL or any(unicodedata.category(c).startswith("C") for c in label)):
        raise BadLabel(f"a token label has at most {MAX_LABEL} characters and no control characters")
    token = _TOKEN_PREFIXES[kind] + secrets.token_urlsafe(32)
    storage.add_user_token(user.id, kind, hash_token(token), label)
    return token


def new_feed_token(storage: Storage, user: User) -> str:
    """A new secret for the address of the user's private feed of what changed; the former address stops
    working. Only its hash is kept, so show it once."""
    with storage.transaction():
        storage.delete_user_tokens(user.id, TokenKind.CHANGES_FEED)
        return new_token(storage, user, TokenKind.CHANGES_FEED, label="feed of what changed since you read")


def revoke_feed_token(storage: Storage, user: User) -> bool:
    """The user's private feed address stops working; False when they had none."""
    return storage.delete_user_tokens(user.id, TokenKind.CHANGES_FEED) > 0


def list_tokens(storage: Storage, user: User) -> list[dict]:
    """The user's tokens as id, kind, label, created_at, last_used_at (never the tokens or their hashes)."""
    return storage.user_tokens(user.id)


def revoke_token(storage: Storage, user: User, token_id: int) -> bool:
    """Delete one of the user's tokens; False when the user has no token with that id (another user's is
    not theirs to revoke)."""
    return storage.delete_user_tokens(user.id, token_id=token_id) > 0


def user_for_token(storage: Storage, token: str | None, kind: TokenKind = TokenKind.API) -> User | None:
    """The enabled user the token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    user = storage.user_by_token(kind, hash_token(token))
    return user if user is not None and not user.disabled else None


def user_for_fever_key(storage: Storage, api_key: str | None) -> User | None:
    if not api_key or len(api_key) != 32:
        return None
    user = storage.user_by_fever_key(api_key.lower())
    return user if user is not None and not user.disabled else None


# -- the desk before accounts ----------------------------------------------------------------------------------

def adopt_single_admin(storage: Storage) -> User | None:
    """A desk made before accounts has one admin password and no users: it becomes the user "admin" (same
    password), and the desk's admin API token (kept as its SHA-256, as tokens are now) becomes one of that
    user's API tokens; the old settings are removed. Nothing happens on a desk that has users, or on a
    read-only one."""
    if storage.read_only or storage.count_users() > 0:
        return None
    stored = storage.get_setting(LEGACY_PASSWORD_KEY)
    if not stored:
        return None
    try:
        with storage.transaction():
            user = storage.add_user(LEGACY_ADMIN_NAME, stored, Role.ADMIN, fever_key=None,
                                    session_generation=new_generation(), read_before=utcnow() - NEW_USER_UNREAD)
            token_hash = storage.get_setting(LEGACY_TOKEN_KEY)
            if token_hash:
                storage.add_user_token(user.id, TokenKind.API, token_hash, LEGACY_TOKEN_LABEL)
            for key in (LEGACY_PASSWORD_KEY, LEGACY_TOKEN_KEY, LEGACY_GENERATION_KEY):
                storage.delete_setting(key)
    except StorageError:              # UserExists, or another worker process adopted it at the same moment
        adopted = storage.user_named(LEGACY_ADMIN_NAME)
        if adopted is None:
            raise
        return adopted
    return user
