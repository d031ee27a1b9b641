"""Bounded storage: one copy of each text, pages packed with the desk's dictionary, retention of page HTML, and
the upgrade of a desk written before (texts twice, pages zlib), on SQLite and PostgreSQL."""

import random
import zlib
from datetime import timedelta

import pytest

from newsdesk.config import Settings
from newsdesk.model import NewArticle
from newsdesk.pipeline import page_upkeep
from newsdesk.storage import open_storage
from newsdesk.storage import migrations
from newsdesk.timeutil import to_iso, utcnow

BEFORE_PACKING = 13         # the last schema version that kept texts twice and pages as zlib


def _article(url: str, text: str, html: bytes | None = None, **kw) -> NewArticle:
    return NewArticle(url=url, text=text, text_hash=f"h-{hash(text)}", html=html, **kw)


def _page(n: int) -> bytes:
    """A page as news sites serve them: much markup shared by every page, a little article of its own."""
    rng = random.Random(n)
    words = ["harbour", "council", "ferry", "budget", "storm", "minister", "quay", "vote", "school", "river"]
    body = "".join(f"<p>{' '.join(rng.choice(words) for _ in range(40))} {n}.</p>" for _ in range(6))
    nav = "".join(f'<li class="nav-item"><a href="/section/{s}">{s.title()}</a></li>'
                  for s in ("world", "politics", "business", "technology", "science", "sport", "culture"))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report {n}</title>'
            f'<link rel="stylesheet" href="/assets/site.css"><script src="/assets/analytics.js"></script></head>'
            f'<body><header class="site-header"><ul class="nav">{nav}</ul></header><main><article>'
            f'<h1>Report number {n}</h1>{body}</article></main><footer class="site-footer">'
            f'<p>All rights reserved by the Harbour Post. Terms, privacy, cookies, contact.</p></footer>'
            f'</body></html>').encode()


@pytest.fixture
def old_desk(db_url, monkeypatch):
    """A desk at schema 13 (texts in articles and again in revisions, pages zlib): two articles, one revised."""
    import newsdesk.storage.store as store_module

    older = [m for m in migrations.MIGRATIONS if m[0] <= BEFORE_PACKING]
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", older)
        store = open_storage(db_url)
        db = store.db
        pages = {}
        for n, (url, texts) in enumerate([("https://old.example/a", ["First text of a.", "Second text of a."]),
                                          ("https://old.example/b", ["Only text of b, about the ferry."])]):
            article_id = db.insert(
                "INSERT INTO articles (url, outlet, title, first_seen_at, text, text_hash) VALUES (?, ?, ?, ?, ?, ?)",
                (url, "Old Post", f"Title {n}", to_iso(utcnow()), texts[-1], f"h{n}-{len(texts)}"))
            for k, text in enumerate(texts):
                page = _page(10 * n + k)
                pages[(article_id, k)] = page
                db.execute("INSERT INTO revisions (article_id, fetched_at, title, text, text_hash, html_zlib) "
                           "VALUES (?, ?, ?, ?, ?, ?)", (article_id, to_iso(utcnow() + timedelta(seconds=k)),
                                                         f"Title {n}.{k}", text, f"h{n}-{k + 1}",
                                                         zlib.compress(page, 6)))
        store.close()
    return db_url, pages


def test_an_older_desk_upgrades_keeping_every_text_and_page(old_desk):
    url, pages = old_desk
    store = open_storage(url)
    try:
        a, b = sorted({article_id for article_id, _ in pages})
        history = store.revisions(a)
        assert [r.text for r in history] == ["First text of a.", "Second text of a."]
        assert [r.html for r in history] == [pages[(a, 0)], pages[(a, 1)]]
        assert store.revisions(b)[0].text == "Only text of b, about the ferry."
        assert store.first_revisions([a]) == {a: ("Title 0.0", "First text of a.")}
        stored = store.db.query("SELECT article_id, text FROM revisions ORDER BY id")
        assert [r["text"] for r in stored] == ["First text of a.", None, None]    # the current texts: once
        assert [h.article_id for g in store.search("ferry").groups for h in g.hits] == [b]
    finally:
        store.close()


def test_a_revision_moves_the_old_text_into_history_once(storage):
    article_id = storage.insert_article(_article("https://n.example/1", "First version", _page(1), title="v1"))
    storage.add_revision(article_id, _article("https://n.example/1", "Second version", _page(2), title="v2"))
    storage.add_revision(article_id, _article("https://n.example/1", "Third version", None, title="v3"))
    assert storage.get_article(article_id).text == "Third version"
    assert [r.text for r in storage.revisions(article_id)] == ["First version", "Second version", "Third version"]
    assert [r.html for r in storage.revisions(article_id)] == [_page(1), _page(2), None]
    stored = [r["text"] for r in storage.db.query("SELECT text FROM revisions ORDER BY id")]
    assert stored == ["First version", "Second version", None]


def test_pages_are_packed_with_a_dictionary_trained_on_them_and_unpack_to_the_same_bytes(storage):
    ids = [storage.insert_article(_article(f"https://p.example/{n}", f"Text {n}", _page(n))) for n in range(240)]
    loose = storage.page_stats().packed_bytes
    report = page_upkeep(storage, Settings(html_retention_days=0))
    assert report.trained is not None
    assert report.repacked == 240
    stats = storage.page_stats()
    assert stats.undictionaried == 0
    assert stats.packed_bytes < loose * 0.75     # the markup every page shares is in the dictionary
    later = storage.insert_article(_article("https://p.example/later", "Later text", _page(999)))
    assert storage.revisions(later)[0].html == _page(999)
    assert all(storage.revisions(i)[0].html == _page(n) for n, i in enumerate(ids))
    storage.db.execute("UPDATE page_dictionaries SET trained_at = ?", (to_iso(utcnow() - timedelta(days=31)),))
    newer = page_upkeep(storage, Settings(html_retention_days=0)).trained     # a month on: trained again
    assert newer not in (None, report.trained)
    storage._page_codec = None            # as another process would: only the dictionaries stored
    assert storage.revisions(later)[0].html == _page(999)


def test_retention_drops_only_the_html_of_pages_older_than_its_days(storage):
    old = storage.insert_article(_article("https://r.example/old", "Old text", _page(1)))
    new = storage.insert_article(_article("https://r.example/new", "New text", _page(2)))
    storage.db.execute("UPDATE revisions SET fetched_at = ? WHERE article_id = ?",
                       (to_iso(utcnow() - timedelta(days=31)), old))
    report = page_upkeep(storage, Settings(html_retention_days=30))
    assert report.pruned == 1
    assert storage.revisions(old)[0].html is None
    assert storage.revisions(old)[0].text == "Old text"
    assert storage.revisions(new)[0].html == _page(2)
    assert storage.page_stats().pages == 1


def test_no_retention_keeps_every_page(storage):
    old = storage.insert_article(_article("https://r.example/old", "Old text", _page(1)))
    storage.db.execute("UPDATE revisions SET fetched_at = ? WHERE article_id = ?",
                       (to_iso(utcnow() - timedelta(days=3650)), old))
    assert page_upkeep(storage, Settings(html_retention_days=0)).pruned == 0
    assert storage.revisions(old)[0].html == _page(1)


def test_pages_prune_command_drops_old_html_and_says_what_is_kept(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from newsdesk.cli import app

    db = str(tmp_path / "cli.db")
    monkeypatch.setenv("NEWSDESK_DB", db)
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    storage = open_storage(db)
    old = storage.insert_article(_article("https://c.example/old", "Old text", _page(1)))
    storage.insert_article(_article("https://c.example/new", "New text", _page(2)))
    storage.db.execute("UPDATE revisions SET fetched_at = ? WHERE article_id = ?",
                       (to_iso(utcnow() - timedelta(days=8)), old))
    storage.close()
    pruned = CliRunner().invoke(app, ["pages", "prune", "--days", "7"], catch_exceptions=False)
    assert pruned.exit_code == 0, pruned.output
    assert "1 pages pruned" in pruned.output
    assert "1 pages kept" in CliRunner().invoke(app, ["pages"], catch_exceptions=False).output
