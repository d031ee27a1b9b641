"""`newsdesk storylines`, `newsdesk storyline ID` and its corrections, and `newsdesk bench storylines`, on a desk
of the project's own reports (tests/storylines/texts.py)."""

import json

import pytest
from newsdesk.storage import open_storage
from tests.cli.test_story_commands import cli
from tests.storylines.test_desk import _ingest
from tests.storylines.texts import rows


@pytest.fixture(scope="module")
def desk(tmp_path_factory, embedder):
    """A SQLite desk of the reports; the correction test undoes what it does."""
    tmp_path = tmp_path_factory.mktemp("cli")
    mp = pytest.MonkeyPatch()
    mp.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    mp.setenv("COLUMNS", "200")
    db = str(tmp_path / "desk.db")
    storage = open_storage(db)
    ids = _ingest(storage, tmp_path, rows())
    stories = [storage.story_of(a) for a in ids]
    storage.close()
    yield db, stories
    mp.undo()


def test_storylines_lists_and_shows_one(desk):
    db, stories = desk
    listed = json.loads(cli("--db", db, "storylines", "--json").output)
    assert listed["total"] == 1
    line = listed["storylines"][0]
    shown = json.loads(cli("--db", db, "storyline", str(line["id"]), "--json").output)
    assert [e["id"] for e in shown["events"]] == sorted({stories[0], stories[5], stories[9]})
    assert line["title"] in cli("--db", db, "storyline", line["slug"]).output
    story = json.loads(cli("--db", db, "story", str(stories[0]), "--json").output)
    assert story["storyline"]["id"] == line["id"]


def test_a_storyline_correction_from_the_command_line_is_logged_and_undone(desk):
    db, stories = desk
    line = json.loads(cli("--db", db, "storylines", "--json").output)["storylines"][0]["id"]
    moved = cli("--db", db, "storyline", "move", str(stories[3]), "--to", str(line)).output
    assert "Undo it with: newsdesk story undo" in moved
    assert json.loads(cli("--db", db, "storyline", str(line), "--json").output)["event_count"] == 4
    correction = moved.split("newsdesk story undo ")[1].split()[0]
    cli("--db", db, "story", "undo", correction)
    assert json.loads(cli("--db", db, "storyline", str(line), "--json").output)["event_count"] == 3


def test_an_unknown_storyline_is_an_error_not_a_traceback(desk):
    db, _ = desk
    result = cli("--db", db, "storyline", "9999", ok=False)
    assert result.exit_code == 1
    assert "no storyline" in result.output


def test_bench_storylines_prints_the_cost_per_link():
    result = cli("bench", "storylines", "--sizes", "100,300", "--probe", "40", "--json")
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert [row["storylines"] for row in figures["sizes"]] == [100, 300]
    assert all(row["mean_ms"] > 0 for row in figures["sizes"])
