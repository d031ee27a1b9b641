"""A SQLite file this user cannot write (the file or its folder read-only) is opened read-only: it can be read,
with what its -wal holds, and a write is a clear ReadOnlyError. As root, chmod stops nothing, so the folder is
a small tmpfs remounted read-only (the approach of tests/crash/test_disk_errors.py)."""

import shutil

import pytest

from newsdesk.storage import ReadOnlyError, StorageError, open_storage
from tests.crash.test_disk_errors import _make_read_only, tmpfs


def test_a_read_only_database_is_opened_read_only_and_refuses_writes(tmp_path):
    with tmpfs(tmp_path / "ro", "20m") as folder:
        db = folder / "desk.db"
        store = open_storage(str(db))
        store.add_source("http://127.0.0.1:9/kept.xml")
        store.close()
        restore = _make_read_only(folder, db)
        try:
            store = open_storage(str(db))
            try:
                assert store.read_only
                assert [s.feed_url for s in store.list_sources()] == ["http://127.0.0.1:9/kept.xml"]
                with pytest.raises(ReadOnlyError, match="read-only"):
                    store.add_source("http://127.0.0.1:9/new.xml")
            finally:
                store.close()
        finally:
            restore()


def _copy_with_wal(source, folder, *suffixes: str):
    for suffix in ("", *suffixes):
        shutil.copy(f"{source}{suffix}", folder / f"desk.db{suffix}")
    return folder / "desk.db"


def test_a_read_only_database_is_read_with_what_its_wal_holds(tmp_path):
    writer = open_storage(str(tmp_path / "live.db"))
    writer.add_source("http://127.0.0.1:9/only-in-the-wal.xml")       # not yet checkpointed into the file
    with tmpfs(tmp_path / "ro", "20m") as folder:
        db = _copy_with_wal(tmp_path / "live.db", folder, "-wal", "-shm")
        writer.close()
        restore = _make_read_only(folder, db)
        try:
            store = open_storage(str(db))
            try:
                assert [s.feed_url for s in store.list_sources()] == ["http://127.0.0.1:9/only-in-the-wal.xml"]
            finally:
                store.close()
        finally:
            restore()


def test_a_read_only_wal_that_cannot_be_read_is_a_clear_error(tmp_path):
    writer = open_storage(str(tmp_path / "live.db"))
    writer.add_source("http://127.0.0.1:9/only-in-the-wal.xml")
    with tmpfs(tmp_path / "ro", "20m") as folder:
        db = _copy_with_wal(tmp_path / "live.db", folder, "-wal")     # no -shm, and none can be made
        writer.close()
        restore = _make_read_only(folder, db)
        try:
            with pytest.raises(StorageError) as refused:
                open_storage(str(db))
        finally:
            restore()
    assert f"{db}-wal" in str(refused.value)
