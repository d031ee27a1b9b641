from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.synthesize import anchor_days
from newsdesk.synthesize.dates import RELATIVE_DAY_WORDS, has_relative_days
from newsdesk.timeutil import utcnow

UTC = timezone.utc
TUESDAY = datetime(2026, 11, 10, 9, 30, tzinfo=UTC)     # Tuesday 10 November 2026
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def anchored(text: str, published: datetime = TUESDAY, zone=UTC, now: datetime = NOW) -> str:
    return anchor_days(text, published, zone, now)


@pytest.mark.parametrize("words, day", [
    ("the day before yesterday", "on Sunday (8 Nov)"),
    ("yesterday", "on Monday (9 Nov)"),
    ("today", "on Tuesday (10 Nov)"),
    ("tomorrow", "on Wednesday (11 Nov)"),
    ("the day after tomorrow", "on Thursday (12 Nov)"),
    ("tonight", "on Tuesday night (10 Nov)"),
    ("last night", "on Monday night (9 Nov)"),
    ("this morning", "on Tuesday morning (10 Nov)"),
    ("this afternoon", "on Tuesday afternoon (10 Nov)"),
    ("this evening", "on Tuesday evening (10 Nov)"),
    ("yesterday afternoon", "on Monday afternoon (9 Nov)"),
    ("tomorrow night", "on Wednesday night (11 Nov)"),
])
def test_day_words_become_the_weekday_and_date(words, day):
    assert anchored(f"The council met {words}.") == f"The council met {day}."


@pytest.mark.parametrize("words, week", [
    ("last week", "in the week of 2 Nov"),
    ("this week", "in the week of 9 Nov"),
    ("next week", "in the week of 16 Nov"),
])
def test_week_words_become_the_week_of_its_monday(words, week):
    assert anchored(f"The council met {words}.") == f"The council met {week}."


def test_last_weekend_is_the_one_before_the_publication_week():
    assert anchored("Talks ran last weekend.") == "Talks ran over the weekend of 7 Nov."
    assert anchored("Talks ran last weekend.", TUESDAY - timedelta(days=1)) == "Talks ran over the weekend of 7 Nov."


def test_this_weekend_is_the_one_ending_the_publication_week():
    assert anchored("Talks resume this weekend.") == "Talks resume over the weekend of 14 Nov."
    assert anchored("Talks resume this weekend.", TUESDAY + timedelta(days=5)) == "Talks resume over the weekend of 14 Nov."


def test_this_weekend_on_a_monday_may_mean_either_weekend_and_stays():
    assert anchored("Talks ran this weekend.", TUESDAY - timedelta(days=1)) == "Talks ran this weekend."


@pytest.mark.parametrize("text, expected", [
    ("yesterday's vote", "Monday's (9 Nov) vote"),
    ("last night's earthquake", "Monday night's (9 Nov) earthquake"),
    ("after tonight's match", "after Tuesday night's (10 Nov) match"),
    ("the lead in today’s papers", "the lead in Tuesday’s (10 Nov) papers"),
    ("a result of last week's vote", "a result of the week of 2 Nov's vote"),
])
def test_possessives_keep_their_apostrophe_and_take_no_on(text, expected):
    assert anchored(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("closed since yesterday", "closed since Monday (9 Nov)"),
    ("open until tomorrow", "open until Wednesday (11 Nov)"),
    ("in force from today", "in force from Tuesday (10 Nov)"),
    ("a decision by tonight", "a decision by Tuesday night (10 Nov)"),
    ("not before tomorrow morning", "not before Wednesday morning (11 Nov)"),
    ("as of today", "as of Tuesday (10 Nov)"),
    ("planned for next week", "planned for the week of 16 Nov"),
    ("the end of this week", "the end of the week of 9 Nov"),
    ("between today and tomorrow", "between Tuesday (10 Nov) and Wednesday (11 Nov)"),
])
def test_after_a_preposition_no_on_or_in_is_added(text, expected):
    assert anchored(text) == expected


def test_earlier_and_later_keep_their_place():
    assert anchored("She spoke earlier today.") == "She spoke earlier on Tuesday (10 Nov)."
    assert anchored("She speaks later today.") == "She speaks later on Tuesday (10 Nov)."
    assert anchored("She spoke earlier this week.") == "She spoke earlier in the week of 9 Nov."


@pytest.mark.parametrize("text, expected", [
    ("Today, the council voted.", "On Tuesday (10 Nov), the council voted."),
    ("Yesterday's vote was close.", "Monday's (9 Nov) vote was close."),
    ("Last week's vote was close.", "The week of 2 Nov's vote was close."),
    ("Rain fell. Tonight it will snow.", "Rain fell. On Tuesday night (10 Nov) it will snow."),
    ("Update: This morning the bridge reopened.", "Update: On Tuesday morning (10 Nov) the bridge reopened."),
    ("TONIGHT the bridge reopens.", "On Tuesday night (10 Nov) the bridge reopens."),
])
def test_a_sentence_opening_with_the_words_still_opens_with_a_capital(text, expected):
    assert anchored(text) == expected


@pytest.mark.parametrize("text", [
    "She spoke on the Today programme.",
    "He stayed for the last week of the campaign.",
    "It was the last night of the tour.",
    "Over the next week, prices rose.",
    "These are the cities of tomorrow.",
    "Todays and yesterdays blur.",
    "Todayville hosts this weekender.",
])
def test_words_used_otherwise_stay_as_written(text):
    assert anchored(text) == text


@pytest.mark.parametrize("text, expected", [
    ("“We leave today,” she said.", "“We leave [on Tuesday, 10 Nov],” she said."),
    ('"We leave today," she said.', '"We leave [on Tuesday, 10 Nov]," she said.'),
    ("‘We leave today,’ she said.", "‘We leave [on Tuesday, 10 Nov],’ she said."),
    ("“Today we leave,” she said.", "“[On Tuesday, 10 Nov] we leave,” she said."),
    ("“Since yesterday it’s been chaos,” she said.", "“Since [Monday, 9 Nov] it’s been chaos,” she said."),
    ("“Yesterday's vote was a farce,” she said.", "“[Monday's (9 Nov)] vote was a farce,” she said."),
    ("“We leave next week,” she said.", "“We leave [in the week of 16 Nov],” she said."),
    ("She said today: “We are leaving.”", "She said on Tuesday (10 Nov): “We are leaving.”"),
])
def test_a_speakers_words_change_only_in_brackets(text, expected):
    assert anchored(text) == expected


def test_a_quotation_left_open_runs_to_the_end_of_the_text():
    assert anchored("“We leave today, and so should you.") == "“We leave [on Tuesday, 10 Nov], and so should you."


def test_matching_ignores_case_and_spacing():
    assert anchored("LAST NIGHT the vote passed.") == "On Monday night (9 Nov) the vote passed."
    assert anchored("the vote last\n  night") == "the vote on Monday night (9 Nov)"


def test_the_year_is_added_when_the_report_is_from_another_year():
    assert anchored("the vote yesterday", TUESDAY.replace(year=2025), now=NOW) == "the vote on Sunday (9 Nov 2025)"


def test_the_year_is_added_when_the_date_falls_in_another_year():
    new_year = datetime(2027, 1, 1, 12, tzinfo=UTC)
    assert anchored("the vote yesterday", new_year, now=new_year) == "the vote on Thursday (31 Dec 2026)"
    assert anchored("the vote this week", new_year, now=new_year) == "the vote in the week of 28 Dec 2026"


def test_now_defaults_to_the_current_time():
    today = utcnow()
    assert anchor_days("the vote today", today, UTC) == f"the vote on {today:%A} ({today.day} {today:%b})"
    assert anchor_days("the vote today", TUESDAY.replace(year=2001), UTC).endswith("(10 Nov 2001)")


def test_the_day_is_the_publication_day_in_the_desks_zone():
    monday_late = datetime(2026, 11, 9, 23, 30, tzinfo=UTC)
    assert anchored("the vote today", monday_late, ZoneInfo("Europe/Paris")) == "the vote on Tuesday (10 Nov)"
    assert anchored("the vote today", monday_late, UTC) == "the vote on Monday (9 Nov)"
    tuesday_early = datetime(2026, 11, 10, 2, tzinfo=UTC)
    assert anchored("the vote today", tuesday_early, ZoneInfo("America/New_York")) == "the vote on Monday (9 Nov)"


def test_a_publication_time_in_another_zone_is_converted():
    paris_morning = datetime(2026, 11, 10, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert anchored("the vote today", paris_morning, UTC) == "the vote on Monday (9 Nov)"


def test_a_publication_time_without_a_zone_is_utc():
    assert anchored("the vote today", datetime(2026, 11, 9, 23, 30), ZoneInfo("Europe/Paris")) == \
        "the vote on Tuesday (10 Nov)"


def test_a_date_without_a_time_keeps_its_date_in_every_zone():
    date_only = datetime(2026, 11, 10, tzinfo=UTC)
    assert anchored("the vote today", date_only, ZoneInfo("America/New_York")) == "the vote on Tuesday (10 Nov)"


def test_text_without_relative_days_is_returned_as_it_is():
    text = "The council voted on Monday."
    assert anchored(text) is text


def test_without_a_publication_time_the_text_is_returned_as_it_is():
    text = "The council voted yesterday."
    assert anchor_days(text, None, UTC) is text


@pytest.mark.parametrize("text, published", [("the vote tomorrow", datetime.max.replace(tzinfo=UTC)),
                                             ("the vote yesterday", datetime.min.replace(tzinfo=UTC))])
def test_dates_off_the_calendar_leave_the_words(text, published):
    assert anchored(text, published) == text


@given(st.lists(st.sampled_from([*"“”‘’\"' .,:\n", "today", "Yesterday", "last", "week", "'s", "of", "the"])).map("".join))
def test_any_text_comes_back_as_text_and_unchanged_without_relative_days(text):
    result = anchored(text)
    assert isinstance(result, str)
    if not has_relative_days(text):
        assert result is text


def test_has_relative_days():
    assert has_relative_days("They met last night.")
    assert not has_relative_days("They met on Monday night.")
    assert RELATIVE_DAY_WORDS.search("since YESTERDAY's vote").group("phrase") == "YESTERDAY"


def test_a_headline_in_title_case_has_its_relative_days_anchored():
    published = datetime(2026, 11, 10, 12, tzinfo=timezone.utc)     # a Tuesday
    anchored = anchor_days("Jobless Claims Total 6.6 Million Last Week", published, timezone.utc,
                           now=published, headline=True)
    assert "Last Week" not in anchored


def test_a_name_in_a_sentence_keeps_its_capitalised_day_word():
    published = datetime(2026, 11, 10, 12, tzinfo=timezone.utc)
    sentence = "The senator said so on the Morning Today programme."
    assert anchor_days(sentence, published, timezone.utc, now=published, headline=True) == sentence
