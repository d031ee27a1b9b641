"""Web sessions: signed session cookies naming a user (and that user's session generation, so that a new
password, a disabled account or "log out everywhere" ends them), CSRF tokens and a per-client limit on login
attempts. Passwords and tokens are the accounts package's; the signing secret lives in storage's
desk_settings, the failed logins in its login_failures table."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from newsdesk.storage import Storage

SECRET_KEY = "session_secret"


def _utf8(text: str | bytes) -> bytes:
    """Any string a client can send as bytes, lone surrogates included."""
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


def same_secret(given: str | bytes, secret: str | bytes) -> bool:
    """Whether a client's string equals a secret, in constant time; any string (non-ASCII, any length) is
    compared, where `hmac.compare_digest` refuses non-ASCII str with a TypeError."""
    return hmac.compare_digest(_utf8(given), _utf8(secret))


def session_secret(storage: Storage) -> bytes:
    secret = storage.get_setting(SECRET_KEY)
    if not secret and storage.read_only:      # no login on a read-only desk: it signs CSRF tokens only
        return secrets.token_bytes(32)
    if not secret:
        storage.set_setting(SECRET_KEY, secrets.token_hex(32))
        secret = storage.get_setting(SECRET_KEY)
    return bytes.fromhex(secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_session(secret: bytes, lifetime: float, now: float | None = None, *, user_id: int,
                 generation: str) -> str:
    """A session cookie for the user, valid while their session generation is `generation`."""
    payload = _b64(json.dumps({"uid": user_id, "exp": int((now or time.time()) + lifetime),
                               "sid": secrets.token_hex(8), "gen": generation}).encode())
    mac = hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def read_session(secret: bytes, cookie: str | None, now: float | None = None) -> tuple[int, str] | None:
    """(user id, session generation) when the cookie is ours and not expired; whether the generation is still
    the user's is for the caller to check."""
    if not cookie or "." not in cookie:
        return None
    payload, mac = cookie.rsplit(".", 1)
    expected = hmac.new(secret, _utf8(payload), hashlib.sha256).digest()
    try:
        if not same_secret(_unb64(mac), expected):
            return None
        data = json.loads(_unb64(payload))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int) or data["exp"] < (now or time.time()):
        return None
    user_id, generation = data.get("uid"), data.get("gen")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(generation, str):
        return None             # a cookie of the single-admin desk before accounts names no user
    return user_id, generation


def csrf_token(secret: bytes, browser_id: str) -> str:
    """The form token for one browser (its `nd_csrf` cookie): an attacker's page cannot read either."""
    return hmac.new(secret, b"csrf:" + _utf8(browser_id), hashlib.sha256).hexdigest()


def check_csrf(secret: bytes, browser_id: str | None, token: str | None) -> bool:
    return bool(browser_id and token) and same_secret(token, csrf_token(secret, browser_id))


class LoginLimiter:
    """At most `attempts` failed logins per client address within `window` seconds. The count is kept in
    storage, so every worker process shares it; and a try counts as a failure from before its password is
    checked until it succeeds, so parallel guesses cannot all pass the check before one of them is counted."""

    def __init__(self, storage: Callable[[], Storage], attempts: int = 5, window: float = 300.0):
        self.storage = storage          # the calling thread's connection
        self.attempts = attempts
        self.window = window

    def attempt(self, client: str, now: float | None = None) -> float:
        """0 when this client may try now (the try is counted as a failure until `succeeded`), else the
        seconds until it may."""
        at = datetime.fromtimestamp(time.time() if now is None else now, timezone.utc)
        since = at - timedelta(seconds=self.window)
        storage = self.storage()
        with storage.transaction():
            failures = storage.login_failures(client, since, lock=True)
            if len(failures) >= self.attempts:       # it may try again once the failures are fewer than allowed
                return (failures[-self.attempts] - since).total_seconds()
            storage.record_login_failure(client, at, forget_before=since)
        return 0.0

    def succeeded(self, client: str) -> None:
        self.storage().clear_login_failures(client)
