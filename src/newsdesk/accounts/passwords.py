"""Password hashes: argon2id (argon2-cffi's current parameters). Hashes of the single-admin desk before
accounts (scrypt, `web/auth.py` of that time) still verify, and are replaced at the next login."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from newsdesk.accounts.errors import WeakPassword

MIN_LENGTH = 8
MAX_LENGTH = 1024        # longer is a denial of service on the hash, not a password

_hasher = PasswordHasher()


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")


def new_password() -> str:
    """A password for someone who gave none (16 characters, 96 random bits): shown once, then only its hash
    is kept."""
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(_utf8(password))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` is the one `stored` was made from; False for any malformed hash."""
    if not stored or len(password) > MAX_LENGTH:
        return False
    if stored.startswith("scrypt$"):
        return _verify_scrypt(password, stored)
    try:
        return _hasher.verify(stored, _utf8(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return stored.startswith("scrypt$") or _hasher.check_needs_rehash(stored)


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        found = hashlib.scrypt(_utf8(password), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(bytes.fromhex(digest)))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(found.hex().encode(), digest.encode())


def fever_key(name: str, password: str) -> str:
    """What Fever clients send as `api_key`: md5 of "name:password" (the Fever API's own scheme; it is only as
    strong as md5, which is why the sync APIs can be switched off)."""
    return hashlib.md5(_utf8(f"{name}:{password}")).hexdigest()
