from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.model import NewArticle
from newsdesk.storage import SourceExists, StorageError, open_storage
from newsdesk.storage import migrations
from newsdesk.timeutil import utcnow


def _article(url, text="Body text of the article.", **kw):
    return NewArticle(url=url, text=text, text_hash=kw.pop("text_hash", f"h-{url}"), **kw)


def test_migrations_are_recorded_and_idempotent(storage):
    assert storage.schema_version() == migrations.MIGRATIONS[-1][0]
    assert storage.migrate() == []


def test_sqlite_uses_wal(tmp_path):
    store = open_storage(str(tmp_path / "w.db"))
    assert store.db.query("PRAGMA journal_mode")[0]["journal_mode"] == "wal"
    store.close()


def test_older_database_upgrades_without_loss(tmp_path, monkeypatch):
    path = str(tmp_path / "old.db")
    store = open_storage(path)
    source = store.add_source("https://example.org/feed.xml", title="Example")
    store.insert_article(_article("https://example.org/a", source_id=source.id, title="Kept"))
    store.close()
    extra = (migrations.MIGRATIONS[-1][0] + 1, "test column", "ALTER TABLE articles ADD COLUMN topic TEXT")
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [extra])
    import newsdesk.storage.store as store_module
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations.MIGRATIONS)
    store = open_storage(path)
    assert store.schema_version() == extra[0]
    row = store.db.query("SELECT title, topic FROM articles")[0]
    assert row == {"title": "Kept", "topic": None}
    assert store.get_source(source.id).title == "Example"
    store.close()


def test_sources_add_duplicate_update_due(storage):
    a = storage.add_source("https://a.example/feed", title="A", folder="World")
    b = storage.add_source("https://b.example/feed", title="B")
    with pytest.raises(SourceExists):
        storage.add_source("https://a.example/feed")
    now = utcnow()
    storage.update_source(a.id, next_fetch_at=now + timedelta(hours=1), last_error="HTTP 500", error_count=2)
    due = [s.id for s in storage.due_sources(now)]
    assert due == [b.id]
    storage.update_source(b.id, enabled=False, disabled_reason="gone")
    assert storage.due_sources(now) == []
    got = storage.get_source("https://a.example/feed")
    assert (got.last_error, got.error_count, got.folder) == ("HTTP 500", 2, "World")
    assert storage.get_source("A").id == a.id
    with pytest.raises(ValueError):
        storage.update_source(a.id, bogus=1)


def test_article_revisions_keep_history_and_compressed_html(storage):
    html = b"<html><body><p>First version</p></body></html>" * 50
    article_id = storage.insert_article(_article("https://n.example/1", "First version", title="v1", html=html))
    storage.add_revision(article_id, _article("https://n.example/1", "Second version", title="v2",
                                              text_hash="h2", html=b"<p>Second</p>"))
    article = storage.get_article(article_id)
    assert (article.title, article.text, article.revision_count) == ("v2", "Second version", 2)
    revisions = storage.revisions(article_id)
    assert [r.title for r in revisions] == ["v1", "v2"]
    assert revisions[0].html == html
    stored = storage.db.query("SELECT html_packed FROM revisions ORDER BY id")[0]["html_packed"]
    assert len(stored) < len(html) / 5


def test_copies_follow_the_earliest_original(storage):
    t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    first = storage.insert_article(_article("https://x.example/1", published_at=t, outlet="Wire"))
    copy = storage.insert_article(_article("https://y.example/1", published_at=t + timedelta(hours=1), outlet="Y"))
    storage.mark_copy(copy, first, 0.9, "near")
    earlier = storage.insert_article(_article("https://z.example/1", published_at=t - timedelta(hours=1), outlet="Z"))
    storage.mark_copy(first, earlier, 0.95, "near")   # the new one predates: it becomes the original
    assert storage.get_article(copy).original_id == earlier
    assert storage.get_article(first).original_id == earlier
    assert storage.get_article(earlier).original_id is None
    assert [a.id for a in storage.copies_of(earlier)] == [first, copy]
    assert storage.copy_outlets([earlier]) == {earlier: ["Wire", "Y"]}
    originals = storage.list_articles(include_copies=False)
    assert [a.id for a in originals] == [earlier]


def test_lsh_candidates_and_hash_lookup(storage):
    a = storage.insert_article(_article("https://x.example/a", text_hash="same", band_keys=[1, 2, 3],
                                        minhash=b"\x00" * 8))
    b = storage.insert_article(_article("https://x.example/b", band_keys=[3, 4]))
    storage.insert_article(_article("https://x.example/c", band_keys=[9]))
    found = storage.lsh_candidates([2, 3])
    assert [c.id for c in found] == [a, b]        # most shared bands first
    assert found[0].minhash == b"\x00" * 8
    assert [c.id for c in storage.articles_with_hash("same")] == [a]
    assert storage.lsh_candidates([2, 3], exclude_id=a)[0].id == b


def test_remove_source_keeps_articles_unless_purged(storage):
    s1 = storage.add_source("https://a.example/feed")
    s2 = storage.add_source("https://b.example/feed")
    storage.insert_article(_article("https://a.example/1", source_id=s1.id, outlet="A"))
    storage.insert_article(_article("https://b.example/1", source_id=s2.id, outlet="B"))
    assert storage.remove_source(s1.id) == 0
    kept = storage.get_article_by_url("https://a.example/1")
    assert kept.source_id is None
    assert kept.outlet == "A"
    assert storage.remove_source(s2.id, purge=True) == 1
    assert storage.get_article_by_url("https://b.example/1") is None


def test_failed_transaction_leaves_nothing_half_written(storage):
    with pytest.raises(RuntimeError):
        with storage.transaction():
            storage.insert_article(_article("https://t.example/1"))
            raise RuntimeError("crash in the middle")
    assert storage.get_article_by_url("https://t.example/1") is None
    assert storage.db.query("SELECT COUNT(*) AS n FROM revisions")[0]["n"] == 0


def test_fetch_log(storage):
    s = storage.add_source("https://a.example/feed")
    storage.log_fetch(source_id=s.id, url=s.feed_url, kind="feed", outcome="error", http_status=500, error="HTTP 500")
    storage.log_fetch(source_id=s.id, url=s.feed_url, kind="feed", outcome="ok", http_status=200)
    assert [e.outcome for e in storage.fetch_log(source_id=s.id)] == ["ok", "error"]
    assert [e.error for e in storage.fetch_log(errors_only=True)] == ["HTTP 500"]


def test_corrupt_database_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="not a database|damaged"):
        open_storage(str(path))


def test_unsupported_url():
    with pytest.raises(StorageError, match="unsupported database URL"):
        open_storage("mysql://localhost/x")


def test_desk_settings_are_set_replaced_and_deleted(storage):
    assert storage.get_setting("admin_password") is None
    storage.set_setting("admin_password", "hash-1")
    storage.set_setting("admin_password", "hash-2")
    assert storage.get_setting("admin_password") == "hash-2"
    storage.delete_setting("admin_password")
    assert storage.get_setting("admin_password") is None


def test_no_two_entity_modules_define_one_storage_method():
    from newsdesk.storage import Storage

    owners: dict[str, list[str]] = {}
    for mixin in Storage.__mro__[1:]:
        for name, value in vars(mixin).items():
            if callable(value) and not name.startswith("__"):
                owners.setdefault(name, []).append(mixin.__name__)
    assert {name: who for name, who in owners.items() if len(who) > 1} == {}
