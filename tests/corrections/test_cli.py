"""The correction commands, on SQLite and PostgreSQL: `newsdesk stories --json`, `story merge|move|split|
rename|hide|pin|undo`, `corrections [--json]` and `corrections export`; refusals are one `error:` line."""

import json

from typer.testing import CliRunner

from newsdesk.cli import app


def cli(db_url, *args, ok=True):
    result = CliRunner().invoke(app, ["--db", db_url, *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def listed(db_url) -> list[dict]:
    return json.loads(cli(db_url, "stories", "--json").output)


def test_stories_json_lists_objects_with_ids_and_a_bare_story_id_still_shows_the_story(db_url, storage, grouped):
    stories = listed(db_url)
    assert {s["id"] for s in stories} == {storage.story_of(e[0]) for e in
                                          (grouped.quake_a, grouped.quake_b, grouped.transfer)}
    shown = json.loads(cli(db_url, "story", str(stories[0]["id"]), "--json").output)
    assert shown["id"] == stories[0]["id"]


def test_merge_move_split_and_undo_from_the_command_line(db_url, storage, grouped):
    quake, other = storage.story_of(grouped.quake_a[0]), storage.story_of(grouped.quake_b[0])
    merged = cli(db_url, "story", "merge", str(quake), str(other)).output
    assert f"merged story {other} into story {quake}" in merged
    assert storage.story_of(grouped.quake_b[0]) == quake
    assert other not in {s["id"] for s in listed(db_url)}
    cli(db_url, "story", "move", str(grouped.quake_b[0]), "--to", "new")
    assert storage.story_of(grouped.quake_b[0]) not in (quake, other)
    cli(db_url, "story", "split", str(quake), str(grouped.quake_a[2]))
    assert storage.story_of(grouped.quake_a[2]) != quake
    log = json.loads(cli(db_url, "corrections", "--json").output)
    assert [c["kind"] for c in log] == ["split", "move", "merge"]
    cli(db_url, "story", "undo", str(log[0]["id"]))
    assert storage.story_of(grouped.quake_a[2]) == quake
    again = json.loads(cli(db_url, "corrections", "--json").output)
    assert again[0]["undone_at"] is not None


def test_rename_hide_and_pin_from_the_command_line(db_url, storage, grouped):
    quake, transfer = storage.story_of(grouped.quake_a[0]), storage.story_of(grouped.transfer[0])
    cli(db_url, "story", "rename", str(quake), "Marrowfield earthquake")
    assert json.loads(cli(db_url, "story", str(quake), "--json").output)["headline"] == "Marrowfield earthquake"
    cli(db_url, "story", "pin", str(transfer))
    assert listed(db_url)[0]["id"] == transfer
    assert listed(db_url)[0]["pinned"] is True
    cli(db_url, "story", "hide", str(transfer))
    assert transfer not in {s["id"] for s in listed(db_url)}


def test_refusals_are_one_error_line_and_change_nothing(db_url, storage, grouped):
    quake = storage.story_of(grouped.quake_a[0])
    for args, said in ((("story", "merge", str(quake), str(quake)), "already one story"),
                       (("story", "move", "999999", "--to", "new"), "no article 999999"),
                       (("story", "split", str(quake), *map(str, grouped.quake_a)), "leave at least one"),
                       (("story", "undo", "12x"), "not a correction id"),
                       (("story", "undo", "999"), "no correction 999")):
        result = cli(db_url, *args, ok=False)
        assert result.exit_code == 1, args
        assert said in result.output, result.output
        assert "Traceback" not in result.output
    assert json.loads(cli(db_url, "corrections", "--json").output) == []


def test_export_writes_the_corrections_as_labelled_training_data(db_url, storage, grouped, tmp_path):
    quake = storage.story_of(grouped.quake_a[0])
    cli(db_url, "story", "split", str(quake), str(grouped.quake_a[2]))
    cli(db_url, "story", "merge", str(storage.story_of(grouped.quake_b[0])), str(storage.story_of(grouped.transfer[0])))
    pairs = [json.loads(line) for line in cli(db_url, "corrections", "export", "--pairs").output.splitlines()]
    assert {"a": grouped.quake_a[2], "b": grouped.quake_a[0], "same": False} in pairs
    assert any(p["same"] and {p["a"], p["b"]} == {grouped.quake_b[0], grouped.transfer[0]} for p in pairs)
    out = tmp_path / "corrections.jsonl"
    cli(db_url, "corrections", "export", "-o", str(out))
    rows = {int(r["id"]): r for r in map(json.loads, out.read_text().splitlines())}
    assert rows[grouped.quake_a[2]]["event"] != rows[grouped.quake_a[0]]["event"]
    assert rows[grouped.quake_b[0]]["event"] == rows[grouped.transfer[0]]["event"]
    assert set(rows[grouped.quake_a[0]]) >= {"id", "title", "text", "event", "published", "source"}
