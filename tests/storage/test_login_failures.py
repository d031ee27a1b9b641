"""Failed admin logins kept in storage (the login limit every web worker shares), on SQLite and PostgreSQL."""

from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _rows(storage) -> int:
    return storage.db.query("SELECT COUNT(*) AS n FROM login_failures")[0]["n"]


def test_failures_are_listed_per_client_in_order_and_cleared(storage):
    for seconds, client in ((20, "10.0.0.1"), (10, "10.0.0.1"), (15, "10.0.0.2")):
        storage.record_login_failure(client, _at(seconds), forget_before=T0)
    assert storage.login_failures("10.0.0.1", T0) == [_at(10), _at(20)]
    assert storage.login_failures("10.0.0.1", _at(10)) == [_at(20)]         # strictly after `since`
    assert storage.login_failures("10.0.0.3", T0) == []
    storage.clear_login_failures("10.0.0.1")
    assert storage.login_failures("10.0.0.1", T0) == []
    assert storage.login_failures("10.0.0.2", T0) == [_at(15)]              # other clients keep theirs


def test_old_failures_are_pruned_as_new_ones_come(storage):
    for k in range(5):
        storage.record_login_failure(f"10.0.1.{k}", _at(k), forget_before=T0)
    assert _rows(storage) == 5
    storage.record_login_failure("10.0.2.1", _at(400), forget_before=_at(3))
    assert _rows(storage) == 3                                              # failures at 0, 1 and 2 s are gone
    assert storage.login_failures("10.0.1.3", T0) == [_at(3)]
    assert storage.login_failures("10.0.1.0", _at(-1)) == []


def test_a_flood_of_addresses_keeps_the_table_bounded(storage):
    for k in range(40):
        storage.record_login_failure(f"198.51.100.{k}", _at(k), forget_before=T0, keep=25)
        assert _rows(storage) <= 25
    assert _rows(storage) == 25
    assert storage.login_failures("198.51.100.39", T0) == [_at(39)]        # the newest stay
    assert storage.login_failures("198.51.100.14", T0) == []               # the oldest go
