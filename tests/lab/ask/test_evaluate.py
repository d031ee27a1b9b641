"""`newsdesk eval ask`: the project's questions, half answerable, through the extractive path."""

import json

from typer.testing import CliRunner

from newsdesk_lab.ask.evaluate import load_questions, neus_story


def test_the_question_set_is_half_answerable():
    questions = load_questions()
    assert (len(questions), sum(q["answerable"] for q in questions)) == (50, 25)


def test_every_answerable_question_has_key_facts():
    assert all(q["facts"] for q in load_questions() if q["answerable"])


def test_a_neus_line_becomes_its_articles():
    articles = neus_story("TITLE=> One. ARTICLE=> First text. [SEP] TITLE=> Two. ARTICLE=> Second text.", 3)
    assert [(a.title, a.text) for a in articles] == [("One", "First text."), ("Two", "Second text.")]


def test_eval_ask_prints_its_figures_on_the_demo_questions():
    from newsdesk.cli import app

    result = CliRunner().invoke(app, ["eval", "ask", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert (figures["questions"], figures["skipped"]) == (25, 25)
    assert figures["answered_correctly"] >= 0.6
    assert figures["refused_unanswerable"] >= 0.6
