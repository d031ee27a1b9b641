"""`newsdesk eval entity-lead`: what reading only the lead of each article costs the names a story lists."""

from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk_lab.entities.lead import UNCAPPED, Doc, compare_caps

FILLER = "The talks were expected to last into the night. " * 4
STORY = [Doc("Dana Whitlock ends the Port Callan strike", "Dana Whitlock said the dockers of Port Callan voted."),
         Doc(None, FILLER + "Union leader Dana Whitlock thanked them. Roland Busch spoke in Frankfurt.")]


def test_a_cap_before_a_name_loses_it():
    rows = compare_caps([STORY], [60])["caps"]
    assert rows[60]["names"]["recall"] < rows[UNCAPPED]["names"]["recall"]


def test_the_uncapped_reading_is_the_reference():
    assert compare_caps([STORY], [60])["caps"][UNCAPPED]["names"]["recall"] == 1.0


def test_counting_the_storys_names_again_keeps_a_second_source():
    row = compare_caps([STORY], [60])["caps"][60]
    assert row["multi_source_again"]["recall"] > row["multi_source"]["recall"]


def test_caps_that_are_no_numbers_are_an_error():
    result = CliRunner().invoke(app, ["eval", "entity-lead", "--caps", "lots"])
    assert result.exit_code != 0 and "--caps" in result.output
