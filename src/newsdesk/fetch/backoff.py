"""When to try a source again."""

from __future__ import annotations

import random


def next_attempt(error_count: int, *, interval: float, retry_after: float | None = None,
                 max_backoff: float = 24 * 3600, jitter: float = 0.1,
                 rng: random.Random | None = None) -> float:
    """Seconds until the next poll of a source that has failed `error_count` times in a row
    (0 = healthy: the normal `interval`). A server's Retry-After wins when it asks for longer.

    Backoff doubles per error up to `max_backoff`, spread by ±`jitter` (a fraction; 0 is deterministic)
    so sources that failed together do not retry together. Nothing exceeds `max_backoff`, not even a
    Retry-After, so a hostile or mistaken header cannot silence a source for good."""
    if error_count <= 0:
        delay = interval
    else:
        base = min(interval * 2.0 ** min(error_count, 64), max_backoff)
        if jitter:
            base *= 1.0 + (rng or random).uniform(-jitter, jitter)
        delay = min(base, max_backoff)
    if retry_after is not None and retry_after > delay:
        delay = min(retry_after, max(max_backoff, interval))
    return max(0.0, delay)
