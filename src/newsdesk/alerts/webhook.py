"""Webhooks: an alert as JSON POSTed to the user's URL, signed with HMAC-SHA256 over the exact body under the
watchlist's own secret, through the fetcher's SSRF guard and limits."""

from __future__ import annotations

import hashlib
import hmac
import json

from newsdesk import USER_AGENT
from newsdesk.config import Settings
from newsdesk.fetch import Fetcher, FetchSettings

SIGNATURE_HEADER = "X-Newsdesk-Signature"      # "sha256=" + hex HMAC-SHA256 of the body under the hook's secret


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute the signature over the body it got and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def headers(secret: str, body: bytes, *, event: str, delivery_id: int, key: str) -> dict[str, str]:
    return {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body), "X-Newsdesk-Event": event,
            "X-Newsdesk-Delivery": str(delivery_id), "Idempotency-Key": key, "User-Agent": USER_AGENT}


def hook_fetcher(settings: Settings) -> Fetcher:
    """The fetcher webhooks go through: the desk's address guard (`fetch_allow`), its connect and idle timeouts,
    `webhook_timeout` for the whole POST, no pacing between posts."""
    return Fetcher(FetchSettings(connect_timeout=min(settings.connect_timeout, settings.webhook_timeout),
                                 total_timeout=settings.webhook_timeout, idle_timeout=settings.idle_timeout,
                                 allow=settings.fetch_allow, per_host_concurrency=4, per_host_delay=0.0,
                                 user_agent=settings.user_agent))
