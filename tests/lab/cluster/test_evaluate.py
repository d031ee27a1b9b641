import json
from pathlib import Path

import pytest

from newsdesk_lab.cluster.data import iter_jsonl, parse_neus_line, stream_order
from newsdesk_lab.cluster.evaluate import evaluate_clustering, headlines_to_jsonl, neus_to_jsonl, wikinews_to_jsonl

from tests.cluster.articles import QUAKE_A, QUAKE_B, TRANSFER, at

KEYS = ("b3_precision", "b3_recall", "b3_f1", "ari", "v_measure", "articles_per_s")


def _write(path: Path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_evaluate_small_file(tmp_path, embedder):
    rows = []
    for event, group, start in (("qa", QUAKE_A, 0), ("qb", QUAKE_B, 0.3), ("tr", TRANSFER, 0.1)):
        for i, (title, text) in enumerate(group):
            rows.append({"id": f"{event}{i}", "title": title, "text": text, "event": event,
                         "published": at(start + i).isoformat(), "source": f"outlet{i}",
                         "url": f"https://example.org/{event}/{i}"})
    rows.reverse()      # published order must be restored
    path = tmp_path / "small.jsonl"
    _write(path, rows)
    seen = []
    result = evaluate_clustering(path, progress=lambda done, total: seen.append((done, total)))
    assert all(k in result for k in KEYS)
    assert result["articles"] == 8 and result["events"] == 3
    assert result["b3_f1"] == pytest.approx(1.0)
    assert seen and seen[-1] == (8, 8)


def test_errors_name_the_events_a_story_mixed(embedder):
    from newsdesk_lab.cluster.data import LabelledArticle
    from newsdesk_lab.cluster.evaluate import evaluate_articles
    from newsdesk.cluster.model import PairModel

    articles = [LabelledArticle(id=f"{event}{i}", title=title, text=text, event=event)
                for event, group in (("qa", QUAKE_A), ("qb", QUAKE_B))
                for i, (title, text) in enumerate(group)]
    model = PairModel.load()
    model.threshold, model.merge_threshold = 0.0, 0.0    # everything joins: the two quakes are one story
    result = evaluate_articles(articles, model=model, embedder=embedder, errors=3)
    assert result["stories"] == 1
    (mixed,) = result["errors"]["mixed"]
    assert mixed["events"] == {"qa": len(QUAKE_A), "qb": len(QUAKE_B)} or mixed["events"] == {
        "qb": len(QUAKE_B), "qa": len(QUAKE_A)}
    assert mixed["cost"] == pytest.approx(1 - result["b3_precision"], abs=1e-3)
    # it began when the first article of the second quake joined the first quake's story
    second = next(a for a in articles if a.event != articles[0].event)
    assert mixed["began"]["how"] == "join" and mixed["began"]["event"] == second.event
    assert mixed["began"]["story_size"] == articles.index(second)
    assert result["errors"]["split"] == []
    assert "errors" not in evaluate_articles(articles, embedder=embedder)
    # grouped by event: each group's precision sums to its share of the mixed story, recall is whole
    groups = evaluate_articles(articles, model=model, embedder=embedder, group_by=lambda a: a.event)["groups"]
    n = len(articles)
    for event, size in (("qa", len(QUAKE_A)), ("qb", len(QUAKE_B))):
        assert groups[event]["articles"] == size
        assert groups[event]["precision_sum"] == pytest.approx(size * size / n)
        assert groups[event]["recall_sum"] == pytest.approx(size)


def test_file_order_without_published_and_published_order_with(tmp_path):
    path = tmp_path / "x.jsonl"
    _write(path, [{"id": "2", "title": "b", "text": "", "event": "e", "published": "2025-01-02T00:00:00Z"},
                  {"id": "1", "title": "a", "text": "", "event": "e", "published": "2025-01-01T00:00:00+00:00"}])
    assert [a.id for a in stream_order(list(iter_jsonl(path)))] == ["1", "2"]
    _write(path, [{"id": "2", "title": "b", "text": "", "event": "e"},
                  {"id": "1", "title": "a", "text": "", "event": "e"}])
    assert [a.id for a in stream_order(list(iter_jsonl(path)))] == ["2", "1"]


def test_neus_conversion(tmp_path):
    source = tmp_path / "tiny.source"
    lines = []
    for n, group in enumerate((QUAKE_A, QUAKE_B, TRANSFER + [("Okafor joins Rovers", "")])):
        lines.append(" [SEP] ".join(f"TITLE=> {t}. ARTICLE=> {x}" for t, x in group[:3]))
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "tiny.jsonl"
    assert neus_to_jsonl(source, out, seed=1) == 9
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["event"] for r in rows) == ["0"] * 3 + ["1"] * 3 + ["2"] * 3
    assert [r["event"] for r in rows] != sorted(r["event"] for r in rows)          # shuffled
    empty = [r for r in rows if r["text"] == ""]
    assert len(empty) == 1 and empty[0]["title"] == "Okafor joins Rovers"       # kept with its title
    assert {r["title"] for r in rows} >= {QUAKE_A[0][0], TRANSFER[1][0]}          # the format's "." dropped
    assert neus_to_jsonl(source, tmp_path / "again.jsonl", seed=1) == 9
    assert (tmp_path / "again.jsonl").read_text() == out.read_text()              # seeded


def test_parse_neus_line():
    pairs = parse_neus_line("TITLE=> One. ARTICLE=> Text one. [SEP] TITLE=> Two?. ARTICLE=>  [SEP] junk\n")
    assert pairs == [("One", "Text one."), ("Two?", "")]


def test_wikinews_conversion_keeps_cited_sources_with_text_in_one_language(tmp_path):
    def source(title, text, language="en"):
        return {"language": language, "maintext": text, "title": title, "url": "https://example.test/" + title}

    lines = [
        json.dumps({"title": "Quake", "text": "w", "sources": [source(*QUAKE_A[0]), source(*QUAKE_A[1]),
                                                               source("Séisme", "Texte.", "fr")]}),
        "not json",
        json.dumps({"title": "Transfer", "text": "w", "sources": [source(*TRANSFER[0]), source("Empty", "  ")]}),
        json.dumps({"title": "No sources", "text": "w", "sources": []}),
        json.dumps([1, 2]),
    ]
    path = tmp_path / "wikinews.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "wikinews.jsonl"
    assert wikinews_to_jsonl(path, out, seed=3) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["event"], r["title"]) for r in rows) == sorted(
        [("0", QUAKE_A[0][0]), ("0", QUAKE_A[1][0]), ("2", TRANSFER[0][0])])
    assert all(r["text"].strip() for r in rows)


def test_headlines_keep_order_labels_and_times_but_no_text(tmp_path):
    rows = [{"id": "b", "title": "Quake shakes the coastal town", "text": "Body.", "event": "q",
             "published": "2026-11-02T10:00:00+00:00", "source": "outlet"},
            {"id": "a", "title": "3 / 4", "text": "Dateline\nRescuers reach the last cut-off village", "event": "q"}]
    _write(tmp_path / "in.jsonl", rows)
    assert headlines_to_jsonl(tmp_path / "in.jsonl", tmp_path / "out.jsonl") == 2
    out = list(iter_jsonl(tmp_path / "out.jsonl"))
    assert [(a.id, a.title, a.text, a.event, a.source) for a in out] == [
        ("b", "Quake shakes the coastal town", "", "q", "outlet"),
        ("a", "Rescuers reach the last cut-off village", "", "q", None)]
    assert out[0].published.isoformat() == "2026-11-02T10:00:00+00:00"


def test_a_mixed_story_says_how_it_began_to_mix():
    from newsdesk_lab.cluster.evaluate import first_mixes
    from newsdesk.cluster.online import Assignment

    def joined(story, score, placed=None, merged=()):
        return Assignment(story_id=story, created=False, score=score, merged=merged,
                          placed_in=story if placed is None else placed)

    def new(story):
        return Assignment(story_id=story, created=True, score=0.0, placed_in=story)

    # story 1: two fire reports, then a flood report joins them at 0.91; story 2: quake, 3: quake, merged
    # into 2 at the third quake's arrival (no mix); story 4: a storm, whose second report merges it into 2
    gold = ["fire", "fire", "flood", "quake", "quake", "quake", "storm", "storm"]
    steps = [new(1), joined(1, 0.8), joined(1, 0.91), new(2), new(3), joined(2, 0.7, placed=3, merged=(3,)),
             new(4), joined(2, 0.6, placed=4, merged=(4,))]
    titles = [f"t{i}" for i in range(len(gold))]
    began = first_mixes(gold, steps, titles)
    assert began[1] == {"how": "join", "title": "t2", "event": "flood", "story_event": "fire",
                        "story_size": 2, "score": 0.91}
    assert began[2] == {"how": "merge", "events": ["quake", "storm"], "sizes": [3, 2], "title": "t7"}
    assert set(began) == {1, 2}
