"""When to try a source again."""

from __future__ import annotations


def next_attempt(error_count: int, *, interval: float, retry_after: float | None = None,
                 max_backoff: float = 24 * 3600) -> float:
    """Seconds until the next poll of a source that has failed `error_count` times in a row
    (0 = healthy: the normal `interval`). A server's Retry-After wins when it asks for longer."""
    raise NotImplementedError
