"""`newsdesk eval entities`: the merge figures on the labelled demo aliases, and the NER scored against a
CoNLL-format file (here one the project wrote)."""

import json

from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk_lab.entities.evaluate import evaluate_merges, evaluate_ner, load_aliases, read_conll

CONLL = """-DOCSTART- O

Mélanie B-PER
Joly I-PER
visited O
Ottawa B-LOC
on O
Tuesday O
. O

Hikvision B-ORG
Canada I-ORG
Inc. I-ORG
must O
close O
, O
Joly B-PER
said O
in O
Toronto B-LOC
. O

-DOCSTART- O

Shares O
of O
Siemens I-ORG
fell O
in O
Frankfurt I-LOC
after O
the O
Bundesliga I-MISC
match O
. O
"""


def test_the_labelled_aliases_cover_the_demo_corpus_events():
    labels = load_aliases()
    assert len(labels["events"]) == 9
    assert set(v for names in labels["events"].values() for v in names.values()) == set(labels["types"])


def test_merges_beat_matching_the_text_as_written():
    result = evaluate_merges()
    merges, baseline = result["merges"], result["baseline_same_text"]
    assert result["names_found"] >= 0.9 * result["names_labelled"]
    assert merges["precision"] >= 0.95
    assert merges["recall"] >= 0.85
    assert merges["recall"] > baseline["recall"] + 0.3
    assert result["merges_with_links"]["recall"] >= merges["recall"]


def test_conll_files_are_read_as_documents_with_spans(tmp_path):
    path = tmp_path / "tiny.conll"
    path.write_text(CONLL, encoding="utf-8")
    docs = read_conll(path)
    assert len(docs) == 2
    text, spans = docs[0]
    assert [(text[s:e], t) for s, e, t in spans] == [("Mélanie Joly", "PER"), ("Ottawa", "LOC"),
                                                     ("Hikvision Canada Inc.", "ORG"), ("Joly", "PER"),
                                                     ("Toronto", "LOC")]
    text, spans = docs[1]        # IOB1: a span may start with I-
    assert [(text[s:e], t) for s, e, t in spans] == [("Siemens", "ORG"), ("Frankfurt", "LOC"), ("Bundesliga", "MISC")]


def test_the_ner_is_scored_by_exact_spans_and_types(tmp_path):
    path = tmp_path / "tiny.conll"
    path.write_text(CONLL, encoding="utf-8")
    result = evaluate_ner(path)
    main = result["per_org_loc"]
    assert main["gold"] == 7 and result["documents"] == 2
    assert main["right"] >= 5 and main["precision"] >= 0.7
    cli = CliRunner().invoke(app, ["eval", "entities", "--conll", str(path), "--json"], catch_exceptions=False)
    assert cli.exit_code == 0, cli.output
    figures = json.loads(cli.output.strip().splitlines()[-1])
    assert figures["ner"]["per_org_loc"] == main
    assert figures["merges"]["merges"]["precision"] >= 0.95
