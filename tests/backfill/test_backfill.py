"""`backfill` on the local engine: JSONL, a folder of HTML files and a WARC file through the desk's stages; copies
folded as the desk folds them; bad records counted and listed without stopping the run; a rerun stores nothing
twice."""

from __future__ import annotations

import asyncio
import json
from contextlib import closing

import pytest

from newsdesk.backfill import LocalEngine, run_backfill
from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage
from tests.backfill.inputs import articles, write_folder, write_jsonl, write_warc_file

pytest.importorskip("warcio", reason="WARC input needs warcio (a product dependency: pip install -e .)")


def _settings(db: str, **overrides) -> Settings:
    return Settings(db=db, extract_workers=1, entities=False, **overrides)


def _copy_pairs(storage) -> set[tuple[str, str]]:
    pairs = set()
    for article in storage.list_articles(limit=10_000):
        if article.original_id is not None:
            pairs.add((article.url, storage.get_article(article.original_id).url))
    return pairs


def test_copies_are_folded_as_the_desk_folds_them(db_url, tmp_path, embedder):
    feed = write_jsonl(articles(150, seed=5), tmp_path / "news.jsonl")
    with closing(open_storage(db_url)) as storage:
        report = run_backfill(storage, _settings(db_url, story_pages=False), [str(feed)], LocalEngine(1))
        backfilled = _copy_pairs(storage)
    desk_db = str(tmp_path / "desk.db")
    with closing(open_storage(desk_db)) as storage:
        async def ingest():
            async with Desk(storage, _settings(desk_db, stories=False)) as desk:
                await desk.ingest_path(feed)
        asyncio.run(ingest())
        by_desk = _copy_pairs(storage)
    assert report.copies == len(by_desk)
    assert backfilled == by_desk


def test_every_input_kind_is_read_and_bad_records_are_listed(db_url, tmp_path, embedder):
    generated = articles(90, seed=9)
    warc = tmp_path / "crawl.warc.gz"
    bad = write_warc_file(generated[:60], warc, bad_every=20)
    write_folder(generated[60:70], tmp_path / "pages")
    write_jsonl(generated[70:], tmp_path / "feed.jsonl", broken_line=True)
    inputs = [str(tmp_path / "*.warc.gz"), str(tmp_path / "pages"), str(tmp_path / "feed.jsonl")]
    with closing(open_storage(db_url)) as storage:
        report = run_backfill(storage, _settings(db_url), inputs, LocalEngine(1))
        stored = len(storage.list_articles(limit=10_000))
        found = storage.search(generated[0].title.split()[0])
    assert report.errors == len(bad) + 1
    assert {origin.rsplit("#", 1)[0] for origin, _ in report.error_list if "#" in origin} == {str(warc)}
    assert any(origin.startswith(str(tmp_path / "feed.jsonl")) for origin, _ in report.error_list)
    assert report.articles == len(generated)
    assert stored == len(generated)
    assert report.stories > 0
    assert report.pages == report.stories
    assert found.total > 0


def test_a_rerun_stores_nothing_twice(db_url, tmp_path, embedder):
    feed = write_jsonl(articles(40, seed=2), tmp_path / "news.jsonl", broken_line=True)
    with closing(open_storage(db_url)) as storage:
        first = run_backfill(storage, _settings(db_url, story_pages=False), [str(feed)], LocalEngine(1))
        again = run_backfill(storage, _settings(db_url, story_pages=False), [str(feed)], LocalEngine(1))
        stored = len(storage.list_articles(limit=10_000))
    assert again.records == 0
    assert again.resumed_after == first.records
    assert stored == first.articles
    assert again.errors == 1


def test_the_command_ends_with_one_json_object(tmp_path, embedder):
    from typer.testing import CliRunner

    from newsdesk.cli import app

    db = str(tmp_path / "cli.db")
    open_storage(db).close()
    feed = write_jsonl(articles(20, seed=4), tmp_path / "news.jsonl")
    result = CliRunner().invoke(app, ["--db", db, "backfill", str(feed), "--workers", "1", "--json"],
                                env={"NEWSDESK_ENTITIES": "false", "NEWSDESK_STORY_PAGES": "false"})
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"articles", "copies", "stories", "errors", "articles_per_s"} <= set(last)
    assert last["articles"] == 20


def test_an_input_that_names_nothing_is_an_error(tmp_path):
    from typer.testing import CliRunner

    from newsdesk.cli import app

    db = str(tmp_path / "cli.db")
    open_storage(db).close()
    result = CliRunner().invoke(app, ["--db", db, "backfill", str(tmp_path / "missing-*.warc.gz")])
    assert result.exit_code == 1
    assert "matches no file" in result.output
