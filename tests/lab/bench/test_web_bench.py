import json

from newsdesk_lab.bench.web import fill_desk, query_mix
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.model import StoryPage
from newsdesk.storage import open_storage


def test_fill_writes_articles_stories_and_pages_like_the_pipeline(tmp_path):
    storage = open_storage(str(tmp_path / "desk.db"))
    figures = fill_desk(storage, articles=240, stories=40)
    assert (figures["articles"], figures["stories"]) == (240, 40)
    assert storage.count_articles() == 240
    assert 300 <= figures["words_per_article"] <= 600
    assert storage.count_copies() > 0
    top = storage.top_stories(limit=50)
    assert len(top) == 40
    memberships = sum(len(storage.story_articles(s.id)) for s in top)
    assert memberships == 240
    story = max(top, key=lambda s: s.article_count)
    page = json.loads(story.page_json)
    assert set(page) == set(StoryPage.__dataclass_fields__)
    assert page["headline"] == story.headline and page["summary"] and page["timeline"]
    assert {a["article_id"] for a in page["summary"]} <= {a.id for a in storage.story_articles(story.id)}
    assert len(story.centroid) == 384 * 4
    found = storage.search(story.headline)            # a story is found by its own headline
    assert story.id in [g.story_id for g in found.groups[:3]]
    results = [storage.search(q) for q in query_mix(n=40)]
    assert sum(1 for r in results if r.total > 0) >= 20          # most of the readers' queries find something
    assert all(len(r.groups) == min(r.total, 20) for r in results)    # a first page of at most 20 groups
    storage.close()


def test_bench_web_small_run_prints_figures(tmp_path):
    result = CliRunner().invoke(app, ["bench", "web", "--articles", "300", "--stories", "60", "--duration", "2",
                                      "--clients", "4", "--db", str(tmp_path / "bench.db"), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["articles"] == 300 and figures["stories"] == 60
    assert figures["errors"] == 0, figures["first_errors"]
    assert set(figures["pages"]) == {"home", "story", "article", "search"}
    for kind, page in figures["pages"].items():
        assert page["requests"] > 0, kind
        assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["p99_ms"], kind
    assert figures["requests_per_s"] > 0
    again = CliRunner().invoke(app, ["bench", "web", "--articles", "300", "--stories", "60", "--duration", "1",
                                     "--clients", "2", "--db", str(tmp_path / "bench.db"), "--reuse", "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output.strip().splitlines()[-1])["reused_fill"] is True
    refused = CliRunner().invoke(app, ["bench", "web", "--articles", "300", "--stories", "60", "--duration", "1",
                                       "--db", str(tmp_path / "bench.db")])
    assert refused.exit_code == 1 and "already holds articles" in refused.output
