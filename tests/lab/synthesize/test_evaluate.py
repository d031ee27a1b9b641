import time
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from newsdesk_lab.synthesize.evaluate import evaluate_summaries, page_text, parse_source_line, read_pairs, strip_markers
from newsdesk.synthesize.writer import Writer

NEUS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "summarization" / "neus"

SAME = "The Hollin dam failed on Monday and flooded 300 homes in the town"
STORIES = [
    # Three outlets say the same one sentence: the page is exactly the reference.
    (f"TITLE=> Dam fails in Hollinsport. ARTICLE=> {SAME}. [SEP] TITLE=> Dam fails in Hollinsport. ARTICLE=> {SAME}."
     f" [SEP] TITLE=> Dam fails in Hollinsport. ARTICLE=> {SAME}.",
     f"TITLE=> Dam fails in Hollinsport. ARTICLE=> {SAME}."),
    # Nothing in common with the reference.
    ("TITLE=> Orchard harvest sets record. ARTICLE=> Growers picked apples from every orchard across the county."
     " [SEP] TITLE=> Apple growers celebrate. ARTICLE=> "
     " [SEP] TITLE=> Record apple harvest. ARTICLE=> Growers picked more apples than ever across the county.",
     "TITLE=> Zyx qwv. ARTICLE=> Klm prt vvx."),
]


@pytest.fixture
def prefix(tmp_path):
    base = tmp_path / "tiny"
    Path(f"{base}.source").write_text("".join(s + "\n" for s, _ in STORIES), encoding="utf-8")
    Path(f"{base}.target").write_text("".join(t + "\n" for _, t in STORIES), encoding="utf-8")
    return base


def test_parse_neus_line():
    articles = parse_source_line(STORIES[1][0], 7)
    assert [a.title for a in articles] == ["Orchard harvest sets record", "Apple growers celebrate",
                                           "Record apple harvest"]
    assert articles[1].text == ""
    assert articles[0].text == "Growers picked apples from every orchard across the county."
    assert len({a.outlet for a in articles}) == 3 and articles[0].id == "7-0"
    assert strip_markers("TITLE=> A b. ARTICLE=> C d.") == "A b. C d."


def test_known_answer(prefix):
    seen = []
    result = evaluate_summaries(prefix, progress=lambda done, total: seen.append((done, total)))
    assert result["stories"] == 2 and seen[-1] == (2, 2)
    for key in ("rouge1", "rouge2", "rougeL"):
        assert result[key] == pytest.approx(50.0)


def test_scores_match_rouge_score(prefix):
    writer = Writer()
    pairs = read_pairs(prefix)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    texts = [page_text(writer(articles)) for articles, _ in pairs]
    assert texts[0] == f"Dam fails in Hollinsport {SAME}."
    expected = {key: 100 * sum(scorer.score(ref, text)[key].fmeasure for text, (_, ref) in zip(texts, pairs)) / 2
                for key in ("rouge1", "rouge2", "rougeL")}
    result = evaluate_summaries(prefix, writer=writer)
    for key, value in expected.items():
        assert result[key] == pytest.approx(value)


def test_mismatched_files_are_refused(tmp_path):
    base = tmp_path / "bad"
    Path(f"{base}.source").write_text(STORIES[0][0] + "\n" + STORIES[1][0] + "\n")
    Path(f"{base}.target").write_text(STORIES[0][1] + "\n")
    with pytest.raises(ValueError, match="lines"):
        evaluate_summaries(base)


@pytest.mark.slow
@pytest.mark.skipif(not (NEUS / "val.source").exists(), reason="../shared NeuS data is not present")
def test_val_bar():
    started = time.perf_counter()
    result = evaluate_summaries(NEUS / "val")
    assert result["stories"] == 307
    assert result["rouge1"] >= 42.0 and result["rouge2"] >= 18.5 and result["rougeL"] >= 28.5, result
    print(result, f"{time.perf_counter() - started:.0f}s")


def test_fast_rouge_matches_rouge_score():
    from newsdesk_lab.synthesize.tune import FastRouge

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    fast = FastRouge()
    reference = "Levee fails in Hollinsport. The Hollin River levee failed on Monday, flooding 300 homes."
    for parts in (["Hollinsport levee fails", "About 300 homes were flooded when the levee failed on Monday."],
                  ["Flooding", "Homes homes homes flooded in the river town of Hollinsport on Monday night."],
                  ["Nothing alike here"], [""]):
        expected = scorer.score(reference, " ".join(parts))
        got = fast.score(parts, reference)
        assert got == pytest.approx((expected["rouge1"].fmeasure, expected["rouge2"].fmeasure,
                                     expected["rougeL"].fmeasure))


def test_tune_runs_on_a_tiny_split(prefix):
    from newsdesk_lab.synthesize.tune import tune

    lines = []
    result = tune(prefix, rounds=1, log=lines.append)
    assert result["stories"] == 2 and result["rouge1"] == pytest.approx(50.0)
    assert lines[0].startswith("start")
