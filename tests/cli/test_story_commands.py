import json

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app


def cli(*args, ok=True):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    mp = pytest.MonkeyPatch()
    mp.setenv("NEWSDESK_CONFIG", str(tmp_path_factory.getbasetemp() / "none.toml"))
    mp.setenv("NEWSDESK_EXTRACT_WORKERS", "1")
    mp.setenv("COLUMNS", "200")
    cli("--db", db, "demo", "--no-serve")
    yield db
    mp.undo()


def _stories(db):
    """Every story of the demo desk as JSON (the ids of stories merged away are skipped)."""
    found = (cli("--db", db, "story", str(n), "--json", ok=False) for n in range(1, 20))
    return [json.loads(r.output) for r in found if r.exit_code == 0]


def test_stories_story_json_and_markdown(demo_db):
    listing = cli("--db", demo_db, "stories").output
    assert "independent" in listing
    assert "reprint" in listing
    top = json.loads(cli("--db", demo_db, "story", "1", "--json").output)
    assert top["headline"]
    assert top["summary"]
    assert top["sources"]
    assert all(s["outlet"] for s in top["summary"])
    by_slug = json.loads(cli("--db", demo_db, "story", top["slug"], "--json").output)
    assert by_slug["id"] == top["id"]
    markdown = cli("--db", demo_db, "story", top["slug"], "--markdown").output
    assert markdown.startswith(f"# {top['headline']}")
    assert "## Key takeaways" in markdown
    assert "## Sources" in markdown
    assert "no story" in cli("--db", demo_db, "story", "does-not-exist", ok=False).output


def test_a_story_with_an_updated_report_says_so_at_the_top_and_in_its_timeline(demo_db):
    docs = _stories(demo_db)
    doc = next(d for d in docs if any(len(t) > 4 and t[4] == "updated" for t in d["timeline"]))
    update = [t for t in doc["timeline"] if len(t) > 4 and t[4] == "updated"][-1]
    markdown = cli("--db", demo_db, "story", str(doc["id"]), "--markdown").output
    top, timeline = markdown.split("## Key takeaways")[0], markdown.split("## Timeline")[1]
    assert f"{update[2]} updated its report: {update[3]}" in " ".join(top.split())
    assert f"{update[2]} updated its report: {update[3]}" in " ".join(timeline.split())
    assert doc["last_updated"] == update[0]


def test_the_wire_story_lists_its_reprints(demo_db):
    found = []
    for rank in range(1, 20):
        result = cli("--db", demo_db, "story", str(rank), "--json", ok=False)
        if result.exit_code == 0 and json.loads(result.output)["reprint_count"]:
            found.append(json.loads(result.output))
    assert found, "the demo's wire story has two reprints"
    doc = found[0]
    originals = [s for s in doc["sources"] if s["also_published_by"]]
    assert originals
    assert len(originals[0]["also_published_by"]) == 2
    assert doc["reprint_count"] == 2


def test_eval_clustering_and_summaries_on_small_files(tmp_path):
    rows = []
    texts = {
        "ferry": "The island ferry will add a second daily crossing from December, the operator said on Monday.",
        "library": "The town library reopened after a two-year renovation with a new children's wing.",
    }
    for event, text in texts.items():
        for k in range(3):
            rows.append({"id": f"{event}-{k}", "title": f"{event.title()} news {k}", "text": text + f" Report {k}.",
                         "event": event})
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    figures = json.loads(cli("eval", "clustering", str(path), "--json").output.strip().splitlines()[-1])
    assert set(figures) == {"b3_precision", "b3_recall", "b3_f1", "ari", "v_measure", "articles_per_s"}
    assert figures["b3_f1"] == pytest.approx(1.0)
    # a record with nothing to read is left out and said so; the rest is still scored
    rows += [{"id": "blank", "title": " ", "text": "", "event": "ferry"},
             {"id": "headline", "title": "Town library reopens with a children's wing", "text": "", "event": "library"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    output = cli("eval", "clustering", str(path), "--json").output
    assert "1 records with neither title nor text were left out" in output
    assert json.loads(output.strip().splitlines()[-1])["b3_f1"] > 0.5


def test_eval_clustering_lists_the_stories_that_mix_events(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")   # the tables' cells wrap at CliRunner's 80 columns
    # two events told in one wording, differing only in the day: the grouping cannot keep them apart
    text = "The harbour bridge closed to traffic for repairs to its deck, the city council said on {day}."
    rows = [{"id": f"{day}-{k}", "title": f"Harbour bridge closed for repairs ({day} {k})",
             "text": text.format(day=day) + f" Update {k}.", "event": day}
            for day in ("Monday", "Friday") for k in range(3)]
    path = tmp_path / "twins.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    output = cli("eval", "clustering", str(path), "--errors", "5", "--json").output
    figures = json.loads(output.strip().splitlines()[-1])
    assert figures["b3_precision"] < 1.0
    assert "stories that mix events" in output
    assert "events split over stories" in output
    assert "Monday (" in output
    assert "Friday (" in output
    assert "Harbour bridge closed" in output
    assert "stories that mix events" not in cli("eval", "clustering", str(path)).output


def test_the_story_command_says_why_each_article_joined_and_where_sources_differ(demo_db):
    docs = _stories(demo_db)
    doc = next(d for d in docs if d.get("differ"))
    assert [w["article"] for w in doc["why"]] == [s["article_id"] for s in doc["sources"]]
    assert any(w["probability"] is not None for w in doc["why"])
    deaths = next(d for d in doc["differ"] if d["what"] == "deaths")
    assert deaths["latest"] == "3"
    markdown = " ".join(cli("--db", demo_db, "story", str(doc["id"]), "--markdown").output.split())
    assert "**Sources differ** on the dead: 3 in the latest report, 2 in others" in markdown
    assert "## Sources differ" in markdown
    assert "(superseded by its later report: 3)" in markdown
    assert "- why: joined at " in markdown
