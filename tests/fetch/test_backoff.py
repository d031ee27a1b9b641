import random

from newsdesk.fetch import next_attempt


def test_healthy_source_uses_interval():
    assert next_attempt(0, interval=900) == 900


def test_doubles_per_error_up_to_the_ceiling():
    assert [next_attempt(n, interval=60, jitter=0, max_backoff=3600) for n in range(1, 8)] == [
        120, 240, 480, 960, 1920, 3600, 3600]


def test_huge_error_count_does_not_overflow():
    assert next_attempt(100_000, interval=60, jitter=0) == 24 * 3600


def test_jitter_stays_within_ten_percent():
    rng = random.Random(7)
    values = [next_attempt(2, interval=100, rng=rng) for _ in range(200)]
    assert all(360 <= v <= 440 for v in values)
    assert len(set(values)) > 100


def test_retry_after_wins_only_when_longer():
    assert next_attempt(1, interval=60, retry_after=3000, jitter=0) == 3000
    assert next_attempt(1, interval=60, retry_after=5, jitter=0) == 120
    assert next_attempt(0, interval=60, retry_after=600) == 600


def test_retry_after_is_held_to_the_ceiling():
    assert next_attempt(1, interval=60, retry_after=10**9, jitter=0, max_backoff=7200) == 7200
