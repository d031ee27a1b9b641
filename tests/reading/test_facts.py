"""New facts, sentence by sentence: what counts as a number or a name no seen report had, and why a sentence is
judged as it is."""

import pytest

from newsdesk.reading import FactFinder, Report, fact_numbers

SEEN = Report(1, "Wire", "Storm floods Kelby",
              "Floods forced 300 people from their homes in Kelby on Sunday after the river burst its banks at "
              "6.15pm, the county council said.\n\nCouncil leader Anna Fray said the clean-up would take weeks.")


def test_numbers_read_times_as_times_and_years_apart():
    assert fact_numbers("the river burst its banks at 6.15pm") == {"t18:15"}
    assert fact_numbers("at 18:15 GMT") == {"t18:15"}
    assert fact_numbers("in 2023, and again in 1987.") == {"y2023", "y1987"}
    assert fact_numbers("the flood that killed 41 people") == {"41"}
    assert fact_numbers("just 45 minutes later, for six days") == set()     # lengths of time: no evidence
    assert fact_numbers("a 23-year-old man") == {"23"}                      # an age is not a length of time


@pytest.fixture(scope="module")
def judged(embedder):
    later = Report(2, "Herald", "Kelby flood",
                   "About 300 residents of Kelby had to leave their homes on Sunday when the river overflowed.\n\n"
                   "The river burst its banks at 18:15, the county council said.\n\n"
                   "The Environment Agency said a new flood barrier would be built by 2028.\n\n"
                   "Power was cut to homes across the town on Monday, the electricity company Norgrid said.\n\n"
                   "The clean-up is expected to take weeks, council leader Anna Fray said.")
    return FactFinder().judge([SEEN], [later])


def test_rephrasings_are_not_new(judged):
    assert [j.new for j in judged[:2]] == [False, False]
    assert judged[4].new is False


def test_a_new_name_or_number_is_new(judged):
    assert judged[2].new and judged[2].reason in ("name", "number")
    assert judged[3].new and judged[3].reason == "name"


def test_a_sentence_said_word_for_word_is_seen(embedder):
    updated = Report(1, "Wire", SEEN.title, SEEN.text + "\n\nSchools in Kelby will stay shut on Monday.",
                     before=SEEN.text)
    judgements = FactFinder().judge([SEEN], [updated])
    assert [j.reason for j in judgements[:2]] == ["seen", "seen"]
    assert judgements[2].new
