"""`newsdesk eval differ`: precision and recall of "sources differ" on the project's hand labels (the demo's
events; NeuS stories by line number, measured here on lines written for this test)."""

import json

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk_lab.synthesize.differ import LabelsError, default_labels, evaluate_differ

TOLL_TWO = "TITLE=> Storm hits Kelby. ARTICLE=> Two people died when the storm hit Kelby on Monday."
TOLL_THREE = "TITLE=> Kelby storm. ARTICLE=> The storm killed three people in Kelby on Monday."
CALM = "TITLE=> Kelby library reopens. ARTICLE=> The library in Kelby reopened on Saturday after repairs."


def test_the_labels_keep_no_neus_text():
    labels = json.loads(default_labels().read_text(encoding="utf-8"))
    assert len(labels["neus"]["stories"]) == 50
    assert all(set(case) == {"line", "conflicts"} for case in labels["neus"]["stories"])
    assert all(set(c) == {"what", "note"} for case in labels["neus"]["stories"] for c in case["conflicts"])


def test_the_demo_flags_only_labelled_conflicts():
    demo = evaluate_differ()[0]
    assert demo.name == "demo" and demo.stories == 9
    assert demo.false_positives == 0
    assert demo.true_positives >= 2


def _labels(tmp_path, conflicts_by_line):
    labels = json.loads(default_labels().read_text(encoding="utf-8"))
    labels["neus"]["stories"] = [{"line": line, "conflicts": [{"what": w, "note": ""} for w in kinds]}
                                 for line, kinds in conflicts_by_line.items()]
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels), encoding="utf-8")
    return path


def test_neus_lines_are_scored_against_their_labels(tmp_path):
    prefix = tmp_path / "val"
    (tmp_path / "val.source").write_text("\n".join([f"{TOLL_TWO} [SEP] {TOLL_THREE} [SEP] {CALM}",
                                                    f"{CALM} [SEP] {TOLL_TWO}"]) + "\n", encoding="utf-8")
    _, neus, _ = evaluate_differ(prefix, _labels(tmp_path, {0: ["deaths"], 1: ["other:seats"]}))
    assert (neus.true_positives, neus.false_positives, neus.false_negatives) == (1, 0, 1)
    assert neus.recall == 0.5
    assert neus.in_scope_recall == 1.0
    with pytest.raises(LabelsError, match="has 2 lines"):
        evaluate_differ(prefix, _labels(tmp_path, {7: []}))


def test_the_command_prints_precision_and_recall(tmp_path):
    result = CliRunner().invoke(app, ["eval", "differ", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures[0]["name"] == "demo" and figures[0]["precision"] == 1.0
    assert "precision" in result.output
    missing = CliRunner().invoke(app, ["eval", "differ", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "not found" in missing.output
