"""`newsdesk eval newfacts`: the demo's hand labels and NeuS-format silver labels, on data written for these tests."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk_lab.reading.evaluate import (
    LabelsOutOfDate,
    default_labels,
    evaluate_demo,
    evaluate_neus,
    neus_triplets,
    silver_new,
)

FIRST = ("TITLE=> Kelby river floods homes. ARTICLE=> The river Kell burst its banks in Kelby on Sunday, forcing "
         "300 people from their homes. Council leader Anna Fray said the clean-up would take weeks.")
SECOND = ("TITLE=> Hundreds leave homes in Kelby flood. ARTICLE=> Hundreds of Kelby residents left their homes on "
          "Sunday when the river Kell flooded the town centre.")
THIRD = ("TITLE=> Kelby flood: barrier promised. ARTICLE=> The river Kell burst its banks in Kelby on Sunday and forced "
         "300 people from their homes. The Environment Agency promised a new flood barrier costing 12 million pounds.")
LINES = [f"{FIRST} [SEP] {SECOND} [SEP] {THIRD}",
         f"{FIRST} [SEP] {SECOND}",                                      # two reports: not a triplet
         f"{FIRST} [SEP] TITLE=> Empty. ARTICLE=>  [SEP] {THIRD}"]       # one without text: left out


@pytest.fixture
def prefix(tmp_path):
    base = tmp_path / "tiny"
    Path(f"{base}.source").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return base


def test_silver_labels():
    before = ["The river Kell burst its banks in Kelby on Sunday, forcing 300 people from their homes."]
    assert not silver_new("The river Kell burst its banks in Kelby on Sunday and forced 300 people out.", before)
    assert silver_new("The river Kell burst its banks in Kelby on Sunday, forcing 310 people out.", before)
    assert silver_new("The Environment Agency promised a new flood barrier.", before)
    assert not silver_new("And so on.", before)        # no content word


def test_neus_triplets_keep_lines_of_three_reports_with_text(prefix):
    triplets = neus_triplets(prefix)
    assert len(triplets) == 1 and [r.title for r in triplets[0]][2] == "Kelby flood: barrier promised"


def test_neus_known_answer(prefix, embedder):
    result = evaluate_neus(prefix, examples=5)
    assert (result.cases, result.sentences, result.positives) == (1, 2, 1)
    assert result.shown.figures() == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 1, "fp": 0, "fn": 0,
                                      "tn": 1}
    assert result.mistakes == []


def test_the_demo_labels_hold_the_bar(embedder):
    result = evaluate_demo()
    assert result.cases >= 20 and result.sentences >= 250
    assert result.shown.precision >= 0.8
    assert result.shown.recall >= 0.6


def test_labels_written_for_other_sentences_are_refused(tmp_path, embedder):
    data = json.loads(default_labels().read_text(encoding="utf-8"))
    data["cases"] = data["cases"][:1]
    data["cases"][0]["digest"] = "000000000000"
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LabelsOutOfDate, match="label the case again"):
        evaluate_demo(path)


def test_the_command_prints_the_figures(prefix, embedder):
    result = CliRunner().invoke(app, ["eval", "newfacts", str(prefix), "--json", "--examples", "3"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["neus"]["shown"]["precision"] == 1.0 and figures["neus"]["cases"] == 1
    assert "NeuS (silver)" in result.output
    nothing = CliRunner().invoke(app, ["eval", "newfacts"])
    assert nothing.exit_code == 1 and "--demo" in nothing.output
    missing = CliRunner().invoke(app, ["eval", "newfacts", str(prefix) + "-nope"])
    assert missing.exit_code == 1 and "not found" in missing.output


def test_crossval_scores_each_event_with_thresholds_chosen_on_the_others(monkeypatch, embedder):
    from newsdesk_lab.reading import crossval

    monkeypatch.setattr(crossval, "GRID", {"close": (0.6, 0.99), "new_words": (4,), "nearby_words": (0.4,)})
    result = crossval.crossval()
    cases = json.loads(default_labels().read_text(encoding="utf-8"))["cases"]
    assert set(result["chosen"]) == {c["event"] for c in cases}
    held_out, in_sample = result["held_out"], result["in_sample"]
    sentences = sum(len(c["labels"]) for c in cases)
    assert held_out["tp"] + held_out["fp"] + held_out["fn"] + held_out["tn"] == sentences   # every event once
    assert held_out["tp"] + held_out["fn"] == sum(c["labels"].count("N") for c in cases)
    assert in_sample["precision"] >= 0.8
    assert all(chosen["close"] in (0.6, 0.99) for chosen in result["chosen"].values())
