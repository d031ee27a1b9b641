"""The figures a sentence states (the dead, the injured, the arrested ...) and which a story's later reports have
superseded: sentences written for these tests, in the forms the news writes figures and in the forms of numbers
that are no figure at all."""

from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.synthesize import current_figures, figure_claims, superseded
from newsdesk.synthesize.text import number_value, numbers

MORNING = datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    return MORNING + timedelta(hours=hours)


@pytest.mark.parametrize("text, kind, value", [
    ("The death toll rose to three on Tuesday.", "deaths", "3"),
    ("Toll rises to three in Tarnow quake", "deaths", "3"),
    ("The death toll has risen from two to three.", "deaths", "3"),
    ("The death toll now stands at 12.", "deaths", "12"),
    ("The death toll of 12 was confirmed by the governor.", "deaths", "12"),
    ("The toll from the landslide rose to 4.", "deaths", "4"),
    ("Toll: 3", "deaths", "3"),
    ("Three dead as bus leaves the road near Kalmar", "deaths", "3"),
    ("At least 12 killed in Tarnow quake", "deaths", "12"),
    ("Two people have died, the police said.", "deaths", "2"),
    ("One person was killed when the wall fell.", "deaths", "1"),
    ("On 3 May three people were killed in a crash.", "deaths", "3"),
    ("By 9 am three people had died.", "deaths", "3"),
    ("Ten people lost their lives in the fire.", "deaths", "10"),
    ("Three lives were lost in the flood.", "deaths", "3"),
    ("The flood claimed three lives.", "deaths", "3"),
    ("The ministry reported three deaths.", "deaths", "3"),
    ("There have been two fatalities so far.", "deaths", "2"),
    ("Divers recovered 12 bodies from the lake.", "deaths", "12"),
    ("The blast killed three people.", "deaths", "3"),
    ("A magnitude 6 quake killed two people in the valley.", "deaths", "2"),
    ("Quake kills three", "deaths", "3"),
    ("The attack killed two in March.", "deaths", "2"),
    ("Nobody died in the fire.", "deaths", "0"),
    ("No deaths were reported.", "deaths", "0"),
    ("At least 41 people were injured.", "injured", "41"),
    ("41 injured as stands collapse", "injured", "41"),
    ("Police said 46 people were hurt, up from 41.", "injured", "46"),
    ("The 41 injured were taken to the hospital in Nysa.", "injured", "41"),
    ("Fifteen people were wounded.", "injured", "15"),
    ("The crash hurt 41 people.", "injured", "41"),
    ("The number of injured rose from 41 to 46.", "injured", "46"),
    ("No one was hurt.", "injured", "0"),
    ("12 people are still missing.", "missing", "12"),
    ("Rescuers said six people remain unaccounted for.", "missing", "6"),
    ("Police arrested five men after the match.", "arrested", "5"),
    ("Two men were arrested on Friday.", "arrested", "2"),
    ("Police detained 12 protesters.", "arrested", "12"),
    ("No one has been arrested.", "arrested", "0"),
    ("About 300 residents were evacuated.", "evacuated", "300"),
    ("Firefighters evacuated 300 people from the tower.", "evacuated", "300"),
    ("Around 1,200 people were displaced.", "displaced", "1200"),
    ("The storm left 300 people homeless.", "displaced", "300"),
    ("Fifteen people were rescued from the roof.", "rescued", "15"),
    ("The outage affected 2.3 million customers.", "affected", "2300000"),
    ("The bank said 4,000 accounts were affected.", "affected", "4000"),
    ("Officials said 2,300 homes remain without electricity.", "without_power", "2300"),
])
def test_figure_is_read_with_its_kind(text, kind, value):
    assert figure_claims(text) == {kind: {value}}


def test_sentence_with_two_kinds_states_both():
    assert figure_claims("Two dead, 41 hurt as quake hits Tarnow") == {"deaths": {"2"}, "injured": {"41"}}


def test_verb_objects_of_two_kinds_are_both_read():
    assert figure_claims("The quake killed two people and injured 41.") == {"deaths": {"2"}, "injured": {"41"}}


def test_every_value_of_a_kind_is_kept():
    text = "Two people died on Monday; a third died in hospital, bringing the toll to three."
    assert figure_claims(text) == {"deaths": {"2", "3"}}


@pytest.mark.parametrize("text", [
    "A 41-year-old man was injured.",                        # an age
    "The 41 year old driver was hurt.",
    "A cyclist, a woman of 34, died at the scene.",
    "A magnitude 6.1 earthquake struck at 3:15 am.",          # a magnitude, a time
    "The 6.1 quake was felt in Brno.",
    "May 3 police arrested a man.",                           # a date
    "He was killed two years ago.",                           # a duration
    "Damage reached $41 million.",                            # money
    "41% of customers were affected.",                        # a percentage
    "Some 41 per cent of residents were evacuated.",
    "The toll road fees rose to 3 euros.",                    # a road toll
    "The 2019 flood killed dozens.",                          # a year, a vague count
    "Dozens were injured.",
    "Hundreds evacuated as river rises",
    "Two gunmen killed a guard.",                             # the count is who killed, not who died
    "Two more people have died.",                             # an increment
    "Three more bodies were found.",
    "Three firefighters were hurt.",                          # a part of the whole
    "Two of the dead were children.",
    "one of the injured was a child",
    "Two firefighters and a police officer were among the injured.",
    "Between 40 and 50 people were injured.",                 # a range
    "Two or three people were injured.",
    "One in five residents were evacuated.",                  # a ratio
    "Three affected areas were cordoned off.",                # not a count of people
    "The hospital treated 41 people.",                        # no kind
    "Twenty-five people were injured.",                       # compound number words are not read
    "The toll is expected to rise.",
])
def test_number_that_is_no_figure_is_not_read(text):
    assert figure_claims(text) == {}


EARTHQUAKE = [
    (at(0), "Two dead, 41 hurt as quake hits Tarnow. Two people were killed and 41 injured, the governor said."),
    (at(1), "Quake in Tarnow: two people have died and 41 people were injured when a school roof fell."),
    (at(5), "The death toll rose to three after a woman died in hospital. The number of injured rose to 46."),
]


def test_latest_report_gives_the_current_deaths():
    assert current_figures(EARTHQUAKE)["deaths"] == {"3"}


def test_latest_report_gives_the_current_injured():
    assert current_figures(EARTHQUAKE)["injured"] == {"46"}


def test_earlier_toll_in_a_headline_is_superseded():
    assert superseded("Two dead, 41 hurt as quake hits Tarnow", current_figures(EARTHQUAKE))


def test_earlier_injured_count_is_superseded():
    assert superseded("At least 41 people were injured.", current_figures(EARTHQUAKE))


def test_current_toll_is_not_superseded():
    assert not superseded("Toll rises to three in Tarnow quake", current_figures(EARTHQUAKE))


def test_sentence_without_figures_is_not_superseded():
    assert not superseded("The school roof fell during a lesson.", current_figures(EARTHQUAKE))


def test_figure_of_a_kind_no_report_states_is_not_superseded():
    assert not superseded("About 300 residents were evacuated.", current_figures(EARTHQUAKE))


def test_report_that_is_dated_later_but_states_no_figure_of_a_kind_leaves_it():
    reports = [(at(0), "At least 41 people were injured."), (at(3), "The death toll rose to three.")]
    assert current_figures(reports)["injured"] == {"41"}


def test_order_of_reports_does_not_matter():
    assert current_figures(list(reversed(EARTHQUAKE))) == current_figures(EARTHQUAKE)


def test_reports_of_the_same_time_are_settled_by_majority():
    reports = [(at(2), "Two people were killed."), (at(2), "Quake kills two"), (at(2), "Three dead in Tarnow")]
    assert current_figures(reports)["deaths"] == {"2"}


def test_reports_of_the_same_time_without_majority_are_all_current():
    reports = [(at(2), "Two people were killed."), (at(2), "Three dead in Tarnow")]
    assert current_figures(reports)["deaths"] == {"2", "3"}


def test_an_earlier_majority_does_not_outvote_the_latest_report():
    reports = [(at(0), "Two people were killed."), (at(1), "Quake kills two"), (at(4), "Three dead in Tarnow")]
    assert current_figures(reports)["deaths"] == {"3"}


def test_every_value_the_latest_report_states_is_current():
    reports = [(at(0), "Two people were killed."),
               (at(4), "Two people died on Monday; a third died in hospital, bringing the toll to three.")]
    assert not superseded("Two people were killed.", current_figures(reports))


def test_story_where_only_one_report_states_a_kind_has_nothing_superseded():
    reports = [(at(0), "Police arrested five men after the match."), (at(2), "The stadium will stay shut.")]
    current = current_figures(reports)
    assert [text for _, text in reports if superseded(text, current)] == []


def test_story_where_all_reports_agree_has_nothing_superseded():
    reports = [(at(0), "Two dead, 41 hurt as quake hits Tarnow"),
               (at(1), "Two people were killed and 41 people were injured."),
               (at(6), "The quake killed two people and injured 41.")]
    current = current_figures(reports)
    assert [text for _, text in reports if superseded(text, current)] == []


def test_no_reports_have_no_figures():
    assert current_figures([]) == {}


@pytest.mark.parametrize("written, value", [("1,200", "1200"), ("6.50", "6.5"), ("$40", "40"), ("seven", "7"),
                                            ("Twenty", "20"), ("2019", None), ("dozens", None)])
def test_number_value_normalises_one_number(written, value):
    assert number_value(written) == value


def test_numbers_still_leaves_out_one_and_years():
    assert numbers("One of 2019's 41 floods") == {"41"}
