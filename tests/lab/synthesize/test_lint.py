"""The page linter (`newsdesk eval pages`): labelled sentences written for these tests, each check flagging what
it must and leaving what it must not, and the command's per-100-pages figures on a JSONL of pages."""

import json

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk_lab.synthesize.lint import (Shown, lint_page, lint_pages, near_repeats, needs_context,
                                          opens_needing_context, relative_days, same_thing, shown_sentences,
                                          superseded_figures)

NEEDS_CONTEXT = [
    "He said the bridge would reopen in spring.",
    "She declined to comment on the audit.",
    "It blamed a faulty valve for the outage.",
    "It's the third closure this year.",
    "They were the last to leave the harbour.",
    "This was the largest recall in the firm's history.",
    "Those figures were revised on Friday.",
    "Their lawyers filed an appeal.",
    "Such cases are rare in the region.",
    "And the council voted against the plan.",
    "But nobody in the control room noticed.",
    "So the vote was postponed.",
    "Also arrested was a second driver.",
    "The move pushes the deadline back a month.",
    "The decision surprised analysts in Ostrava.",
    "The company denied any wrongdoing.",
    "“They never told us,” a resident said.",
    "which the ministry denied on Tuesday.",
    "What went missing: invoices, emails and a ledger.",
    "First, a price freeze on every existing contract.",
]
STANDS_ALONE = [
    "The Harlow council voted 7-2 to close the old ferry terminal.",
    "Heavy rain flooded 40 homes in Bramley on Sunday.",
    "Thessaly farmers blocked the motorway for a third day.",
    "Itala Motors recalled 12,000 vans over a brake fault.",
    "Andrea Voss, the mayor, resigned on Monday.",
    "The Bramley fire service said two people were rescued.",
    "Police said the driver was 34.",
    "The minister's resignation letter, published at noon, cited a conflict of interest.",
    "First Minister Iona Bell opened the terminal.",
]


@pytest.mark.parametrize("text", NEEDS_CONTEXT)
def test_opening_that_needs_context_is_flagged(text):
    assert opens_needing_context(text)


@pytest.mark.parametrize("text", STANDS_ALONE)
def test_sentence_that_stands_alone_is_not_flagged(text):
    assert not opens_needing_context(text)


def test_needs_context_flags_a_sentence_shown_without_its_antecedent():
    shown = [Shown("summary", "The Harlow council voted to close the ferry terminal.", 1),
             Shown("summary", "He said the bridge would reopen in spring.", 2)]
    assert needs_context(shown) == ["He said the bridge would reopen in spring."]


def test_needs_context_keeps_a_sentence_after_one_from_the_same_article():
    shown = [Shown("takeaways", "Andrea Voss, the mayor, resigned on Monday.", 7),
             Shown("takeaways", "She said she had lost the council's trust.", 7)]
    assert needs_context(shown) == []


def test_same_article_in_another_section_does_not_count_as_the_sentence_before():
    shown = [Shown("summary", "Andrea Voss, the mayor, resigned on Monday.", 7),
             Shown("unique:Harlow Post", "She said she had lost the council's trust.", 7)]
    assert needs_context(shown) == ["She said she had lost the council's trust."]


def test_needs_context_opens_a_section_flagged_even_after_the_same_article():
    shown = [Shown("unique:Harlow Post", "Andrea Voss, the mayor, resigned on Monday.", 7),
             Shown("unique:Bramley Times", "She said she had lost the council's trust.", 7)]
    assert len(needs_context(shown)) == 1


def test_needs_context_leaves_the_headline_alone():
    assert needs_context([Shown("headline", "It is over for the Harlow ferry")]) == []


@pytest.mark.parametrize("text", [
    "The council met yesterday to approve the budget.",
    "Schools will stay closed today.",
    "Fireworks are planned for tonight.",
    "The verdict is expected tomorrow.",
    "Divers resumed the search this morning.",
    "The toll from last night's storm rose to four.",
    "Ministers met last week in Brno.",
    "Talks broke down this evening.",
])
def test_relative_day_word_is_flagged(text):
    assert relative_days([Shown("summary", text, 1)]) == [text]


@pytest.mark.parametrize("text", [
    "The council met on Monday to approve the budget.",
    "Daytona hosted the race on 3 May.",
    "The week-long strike ended on 12 March.",
    "Last year's harvest was the smallest since 1998.",
    "Todays Market, a grocery chain, opened a store.",
])
def test_absolute_or_other_time_is_not_flagged(text):
    assert relative_days([Shown("summary", text, 1)]) == []


def test_relative_day_in_the_headline_is_flagged():
    assert len(relative_days([Shown("headline", "Mayor resigns today over shares")])) == 1


@pytest.mark.parametrize("a, b", [
    ("Heavy rain flooded 40 homes in Bramley on Sunday.", "Heavy rain flooded 40 homes in Bramley on Sunday."),
    ("Heavy rain flooded 40 homes in Bramley on Sunday.", "On Sunday heavy rain flooded 40 homes in Bramley."),
    ("Heavy rain floods 40 Bramley homes",
     "Heavy rain on Sunday flooded 40 homes in Bramley, the fire service said, and roads were closed."),
])
def test_same_thing_is_a_near_repeat(a, b):
    assert same_thing(a, b)


@pytest.mark.parametrize("a, b", [
    ("Heavy rain flooded 40 homes in Bramley on Sunday.", "The Harlow council voted to close the ferry terminal."),
    ("Heavy rain flooded 40 homes in Bramley on Sunday.", "Insurers expect claims from Bramley to top 2 million."),
])
def test_different_things_are_not_a_near_repeat(a, b):
    assert not same_thing(a, b)


def test_each_near_repeat_pair_is_counted_once():
    text = "Heavy rain flooded 40 homes in Bramley on Sunday."
    shown = [Shown("summary", text, 1), Shown("unique:Bramley Times", text, 1)]
    assert len(near_repeats(shown)) == 1


RAIN_PAGE = {"id": 3, "headline": "Heavy rain floods 40 Bramley homes",
             "summary": [{"text": "Heavy rain flooded 40 homes in Bramley on Sunday.", "article_id": 1, "outlet": "A"}],
             "takeaways": [{"text": "Insurers expect claims to top 2 million.", "article_id": 2, "outlet": "B"}],
             "unique": {"B": [{"text": "On Sunday heavy rain flooded 40 homes in Bramley.", "article_id": 2}]},
             "timeline": []}


def test_near_repeats_span_the_sections_of_the_page():
    assert lint_page(RAIN_PAGE).near_repeats == [(RAIN_PAGE["summary"][0]["text"], RAIN_PAGE["unique"]["B"][0]["text"])]


def test_the_lead_saying_what_the_headline_says_is_not_a_near_repeat():
    doc = {**RAIN_PAGE, "unique": {}}
    assert lint_page(doc).near_repeats == []


@pytest.mark.parametrize("text, flagged", [
    ("The director told USA Today the plan was dead.", False),          # a name
    ("Today, the council voted to close the terminal.", True),          # opens the sentence
    ("“Today we close the terminal,” the mayor said.", True),           # opens the quotation
    ("The council voted today to close the terminal.", True),
])
def test_a_capitalised_day_word_inside_a_sentence_is_a_name(text, flagged):
    assert bool(relative_days([Shown("summary", text, 1)])) is flagged


def test_a_relative_day_in_a_title_case_headline_counts():
    assert relative_days([Shown("headline", "Jobless Claims Total 6.6 Million Last Week")])


def _item(text, article_id, outlet="Harlow Post"):
    return {"text": text, "article_id": article_id, "outlet": outlet}


PAGES = [
    {"id": 1, "headline": "Harlow mayor quits",
     "summary": [_item("Andrea Voss, the Harlow mayor, resigned on Monday over undeclared shares.", 10),
                 _item("She said she should have declared them.", 10)],
     "takeaways": [_item("But the council's ethics panel had already opened an inquiry.", 11, "Bramley Times")],
     "unique": {"Bramley Times": [_item("The panel met yesterday for two hours.", 11, "Bramley Times")]},
     "timeline": []},
    {"id": 2, "headline": "Storm floods Bramley homes",
     "summary": [_item("A storm flooded 40 homes in Bramley on Sunday, the fire service said.", 20)],
     "takeaways": [_item("Insurers expect claims to top 2 million crowns.", 21, "Bramley Times")],
     "unique": {"Bramley Times": [_item("A storm flooded 40 homes in Bramley on Sunday.", 21, "Bramley Times")]},
     "timeline": []},
]


@pytest.fixture
def pages_file(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PAGES), encoding="utf-8")
    return path


def test_lint_pages_counts_per_100_pages():
    report = lint_pages(PAGES)
    assert report.per_100_pages == {"needs_context": 50.0, "relative_days": 50.0, "near_repeats": 50.0,
                                    "superseded_figures": 0.0}


def test_lint_pages_counts_shown_sentences():
    assert lint_pages(PAGES).sentences == 9


def test_lint_pages_keeps_at_most_n_examples():
    report = lint_pages(PAGES + PAGES, examples=1)
    assert report.examples["needs_context"] == [
        {"page": 1, "sentence": "But the council's ethics panel had already opened an inquiry."}]


def test_eval_pages_command_prints_the_figures(pages_file):
    result = CliRunner().invoke(app, ["eval", "pages", str(pages_file), "--json", "--examples", "2"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["pages"] == 2
    assert figures["per_100_pages"]["needs_context"] == 50.0
    assert figures["per_100_pages"]["relative_days"] == 50.0
    assert figures["per_100_pages"]["near_repeats"] == 50.0
    assert "The panel met yesterday for two hours." in result.output


@pytest.mark.parametrize("name, content", [("missing.jsonl", None), ("bad.jsonl", "not json\n"),
                                           ("missing.db", None), ("empty.db", "")])
def test_eval_pages_bad_source_is_one_error_line(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "pages", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _entry(hour, article_id, outlet, title, kind="published"):
    return [f"2026-03-09T{hour:02d}:00:00+00:00", article_id, outlet, title, kind]


def _quake_page(headline, headline_article_id, summary, takeaways=(), timeline=(), unique=None):
    return {"id": 5, "headline": headline, "headline_article_id": headline_article_id, "summary": list(summary),
            "takeaways": list(takeaways), "unique": unique or {}, "timeline": list(timeline)}


QUAKE_TIMELINE = [_entry(9, 30, "Nysa Daily", "Tarnow quake: school roof falls"),
                  _entry(11, 31, "Harlow Post", "Rescuers search Tarnow school"),
                  _entry(15, 32, "Bramley Times", "Tarnow quake toll rises")]


def _superseded(doc):
    return superseded_figures(doc, shown_sentences(doc))


def test_page_where_the_figures_agree_has_nothing_superseded():
    doc = _quake_page("Two dead, 41 hurt as quake hits Tarnow", 30,
                      [_item("Two people were killed and 41 injured when the school roof fell.", 30, "Nysa Daily"),
                       _item("The quake killed two people and injured 41.", 32, "Bramley Times")],
                      timeline=QUAKE_TIMELINE)
    assert _superseded(doc) == []


def test_stale_headline_is_superseded():
    doc = _quake_page("Two dead in Tarnow quake", 30,
                      [_item("The quake struck while pupils were in class.", 31, "Harlow Post")],
                      [_item("The death toll rose to three after a woman died in hospital.", 32, "Bramley Times")],
                      timeline=QUAKE_TIMELINE)
    assert _superseded(doc) == [("Two dead in Tarnow quake",
                                 "The death toll rose to three after a woman died in hospital.")]


def test_stale_headline_counts_once_on_the_page():
    doc = _quake_page("Two dead in Tarnow quake", 30,
                      [_item("The death toll rose to three.", 31, "Harlow Post")],
                      [_item("The death toll rose to three after a woman died in hospital.", 32, "Bramley Times")],
                      timeline=QUAKE_TIMELINE)
    assert lint_page(doc).superseded_figures == [("Two dead in Tarnow quake",
                                                  "The death toll rose to three after a woman died in hospital.")]


def test_later_timeline_title_supersedes_a_shown_sentence():
    timeline = [*QUAKE_TIMELINE[:2], _entry(15, 32, "Bramley Times", "Tarnow quake: 46 injured")]
    doc = _quake_page("Tarnow quake hits school", 31,
                      [_item("At least 41 people were injured.", 30, "Nysa Daily")], timeline=timeline)
    assert _superseded(doc) == [("At least 41 people were injured.", "Tarnow quake: 46 injured")]


def test_earlier_figure_does_not_supersede_a_later_one():
    doc = _quake_page("Toll rises to three in Tarnow quake", 32,
                      [_item("Two people were killed, the governor said.", 30, "Nysa Daily")],
                      timeline=QUAKE_TIMELINE)
    assert _superseded(doc) == [("Two people were killed, the governor said.", "Toll rises to three in Tarnow quake")]


def test_shown_sentence_is_dated_by_its_articles_latest_entry():
    timeline = [*QUAKE_TIMELINE, _entry(16, 30, "Nysa Daily", "Toll rises to three in Tarnow quake", "updated")]
    doc = _quake_page("Tarnow quake hits school", 31,
                      [_item("The death toll rose to three.", 30, "Nysa Daily"),
                       _item("Two people have died, police said.", 32, "Bramley Times")], timeline=timeline)
    assert [stale for stale, _ in _superseded(doc)] == ["Two people have died, police said."]


def test_timeline_title_is_dated_by_its_own_entry():
    timeline = [_entry(9, 30, "Nysa Daily", "Two dead in Tarnow quake"),
                _entry(12, 31, "Harlow Post", "Rescuers search Tarnow school"),
                _entry(15, 30, "Nysa Daily", "Toll rises to three in Tarnow quake", "updated")]
    doc = _quake_page("Toll rises to three in Tarnow quake", 30,
                      [_item("The death toll rose to three.", 31, "Harlow Post")], timeline=timeline)
    assert _superseded(doc) == []


def test_sentences_of_the_same_time_do_not_supersede_each_other():
    timeline = [_entry(9, 30, "Nysa Daily", "Quake hits Tarnow"), _entry(9, 31, "Harlow Post", "Quake hits Tarnow")]
    doc = _quake_page("Quake hits Tarnow", 30, [_item("Two people were killed.", 30, "Nysa Daily"),
                                                _item("Three dead in Tarnow.", 31, "Harlow Post")],
                      timeline=timeline)
    assert _superseded(doc) == []


def test_sentence_whose_article_the_timeline_does_not_date_is_not_judged():
    doc = _quake_page("Tarnow quake hits school", 31,
                      [_item("Two people were killed.", 99, "Nysa Daily")],
                      [_item("The death toll rose to three.", 32, "Bramley Times")], timeline=QUAKE_TIMELINE)
    assert _superseded(doc) == []


def test_stale_sentence_in_what_each_source_adds_is_superseded():
    doc = _quake_page("Tarnow quake hits school", 31, [_item("The death toll rose to three.", 32, "Bramley Times")],
                      unique={"Nysa Daily": [_item("Two people were killed.", 30, "Nysa Daily")]},
                      timeline=QUAKE_TIMELINE)
    assert len(_superseded(doc)) == 1


def test_eval_pages_command_counts_superseded_figures(tmp_path):
    stale = _quake_page("Two dead in Tarnow quake", 30,
                        [_item("The death toll rose to three after a woman died in hospital.", 32, "Bramley Times")],
                        timeline=QUAKE_TIMELINE)
    path = tmp_path / "quake.jsonl"
    path.write_text(json.dumps(stale) + "\n" + json.dumps(PAGES[1]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "pages", str(path), "--json", "--examples", "1"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["per_100_pages"]["superseded_figures"] == 50.0
