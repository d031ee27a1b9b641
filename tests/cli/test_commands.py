"""The `newsdesk` command end to end, on a real SQLite file and a local demo server."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.demo import DemoServer, load_corpus
from newsdesk.sources import read_opml
from newsdesk.storage import open_storage

ODD_SCHEMES_OPML = Path(__file__).parents[1] / "sources" / "testdata" / "odd_schemes.opml"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDESK_PER_HOST_DELAY", "0")
    monkeypatch.setenv("NEWSDESK_EXTRACT_WORKERS", "1")
    monkeypatch.setenv("COLUMNS", "200")
    open_storage(str(tmp_path / "cli.db")).close()     # what `newsdesk init` makes: other commands need a desk
    return tmp_path


def cli(*args, ok=True):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_init_subscribes_to_the_default_feeds(env):
    out = cli("init").output
    count = int(re.search(r"(\d+) added", out).group(1))
    assert 25 <= count <= 50
    listing = cli("sources").output
    assert "never fetched" in listing
    assert "World" in listing
    assert cli("init").output.count("already there") == 1


def test_opml_round_trip_and_remove(env):
    cli("init")
    exported = env / "subs.opml"
    cli("export-opml", "-o", str(exported))
    first = exported.read_text()
    assert first.count("xmlUrl=") >= 25
    cli("remove", "1")
    assert "Removed" in cli("remove", "2").output
    assert cli("remove", "9999", ok=False).exit_code == 1
    assert cli("import-opml", str(exported)).output.startswith("Imported 2 feeds")


def test_add_fetch_articles_article_with_the_demo_server(env):
    corpus = load_corpus()
    with DemoServer() as server:
        outlet = corpus.outlets[0]
        out = cli("add", server.site_url(outlet.id), "--folder", "Demo").output
        assert "Subscribed to" in out
        out = cli("fetch").output
        assert "Fetched 1 sources" in out
        assert "total" in out
        expected = [a for a in corpus.articles if a.outlet == outlet.id]
        new = int(re.search(r"total\s*│?\s*│?\s*(\d+)", out).group(1))
        assert new == len(expected)
        assert "Nothing is due" in cli("fetch").output
        listing = cli("articles", "--limit", "100").output
        assert expected[0].title[:30] in listing.replace("\n", " ") or any(
            a.title[:20] in listing for a in expected)
        shown = cli("article", "1").output
        assert "outlet" in shown
        assert "published" in shown
        assert "no article" in cli("article", "999", ok=False).output


def test_ingest_jsonl_reports_bad_lines(env):
    path = env / "load.jsonl"
    path.write_text(json.dumps({"url": "https://example.org/a", "title": "A", "text": "Some words " * 30}) +
                    "\n{broken\n", encoding="utf-8")
    out = cli("ingest", str(path)).output
    assert "1 new" in out
    assert "1 error" in out
    assert "load.jsonl:2" in out
    assert cli("ingest", str(env / "missing.jsonl"), ok=False).exit_code == 1


def test_bad_database_is_a_clear_error(env, monkeypatch):
    bad = env / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("NEWSDESK_DB", str(bad))
    result = cli("sources", ok=False)
    assert result.exit_code == 1
    assert "not a database" in result.output


def test_bad_config_is_a_clear_error(env, monkeypatch):
    (env / "bad.toml").write_text("poll_interval = [", encoding="utf-8")
    monkeypatch.setenv("NEWSDESK_CONFIG", str(env / "bad.toml"))
    result = cli("sources", ok=False)
    assert result.exit_code == 1
    assert "configuration" in result.output


def test_eval_and_bench_dedupe_print_json(env):
    out = cli("bench", "dedupe", "--json").output
    figures = json.loads(out.strip().splitlines()[-1])
    assert set(figures) >= {"precision", "recall", "f1"}


def test_errors_are_shown_by_fetch_and_sources(env):
    from tests.site import Site
    site = Site()
    try:
        site.add("/gone.xml", "gone", status=410)
        site.add("/broken.xml", "<rss><channel><title>x<item>", content_type="application/rss+xml")
        cli("add", site.url + "/gone.xml", ok=False)   # cannot subscribe to a feed that is gone
        from newsdesk.storage import open_storage
        storage = open_storage(str(env / "cli.db"))
        storage.add_source(site.url + "/gone.xml", title="Gone Feed")
        storage.add_source(site.url + "/broken.xml", title="Broken Feed")
        storage.close()
        out = cli("fetch", ok=False).output
        assert "410" in out
        assert "malformed" in out.lower()
        listing = cli("sources").output
        assert "disabled" in listing
        assert "410" in listing
        assert "error" in listing
        assert "malformed" in listing.lower()
    finally:
        site.close()


def test_fetch_exits_1_and_says_so_when_every_source_failed(env):
    from tests.site import Site
    site = Site()
    try:
        site.add("/gone.xml", "gone", status=410)
        site.add("/broken.xml", "<rss><channel><title>x<item>", content_type="application/rss+xml")
        storage = open_storage(str(env / "cli.db"))
        storage.add_source(site.url + "/gone.xml", title="Gone Feed")
        storage.add_source(site.url + "/broken.xml", title="Broken Feed")
        storage.close()
        result = cli("fetch", ok=False)
    finally:
        site.close()
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error:")
    assert "every source failed (2 of 2)" in last


def test_import_opml_refuses_feeds_that_are_not_http_and_says_which(env, db_url, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DB", db_url)
    open_storage(db_url).close()
    listed = [f.feed_url for f in read_opml(ODD_SCHEMES_OPML.read_bytes())]
    refused = [url for url in listed if not url.startswith("http")]
    out = cli("import-opml", str(ODD_SCHEMES_OPML)).output
    assert out.startswith("Imported 1 feeds")
    for url in refused:
        scheme = url.split(":")[0]
        assert f"refused {url}: {scheme}: URLs are not fetched, only http and https" in out
    storage = open_storage(db_url)
    subscribed = [s.feed_url for s in storage.list_sources()]
    storage.close()
    assert subscribed == [url for url in listed if url not in refused]


@pytest.mark.parametrize("command", [["stories"], ["sources"], ["articles"], ["add", "http://127.0.0.1:9/feed.xml"]],
                         ids=" ".join)
def test_a_command_on_a_database_that_does_not_exist_names_it_and_creates_nothing(env, command, monkeypatch):
    missing = env / "no" / "such" / "desk.db"
    monkeypatch.setenv("NEWSDESK_DB", str(missing))
    result = cli(*command, ok=False)
    assert result.exit_code == 1
    assert f"no database at {missing}" in result.output
    assert not missing.parent.exists()


def test_init_creates_the_database_it_is_given(env, monkeypatch):
    new = env / "new" / "desk.db"
    monkeypatch.setenv("NEWSDESK_DB", str(new))
    cli("init", "--no-defaults", "--password", "long enough password")
    assert new.exists()


def test_stories_lists_each_story_with_the_id_that_story_takes(env):
    with DemoServer() as server:
        opml = env / "demo.opml"
        opml.write_text(server.opml(), encoding="utf-8")
        cli("import-opml", str(opml))
        cli("fetch", "--all")
    storage = open_storage(str(env / "cli.db"))
    ids = [s.id for s in storage.top_stories(limit=5)]
    storage.close()
    rows = [line.split("│") for line in cli("stories", "-n", "5").output.splitlines() if line.startswith("│")]
    listed = [int(cells[2]) for cells in rows if cells[2].strip()]
    assert listed == ids
