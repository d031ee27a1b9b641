"""Times on the pages: the relative time, and beside it the absolute one that phones (no hover) need too."""

from datetime import datetime, timezone
from html.parser import HTMLParser

from newsdesk.web.render import when

NOW = datetime(2026, 12, 7, 10, 12, tzinfo=timezone.utc)
TWO_HOURS_AGO = datetime(2026, 12, 7, 8, 12, tzinfo=timezone.utc)


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.attrs = "", {}

    def handle_starttag(self, tag, attrs):
        self.attrs.setdefault(tag, dict(attrs))   # the first of each kind

    def handle_data(self, data):
        self.text += data


def shown(markup) -> Text:
    found = Text()
    found.feed(str(markup))
    return found


def test_the_relative_time_comes_first_then_the_absolute_one_in_utc():
    assert shown(when(TWO_HOURS_AGO, now=NOW)).text == "2 hours ago · 7 Dec, 08:12 UTC"


def test_the_absolute_time_is_its_own_element_for_the_script_to_put_in_the_readers_zone():
    assert '<span class="abs">· 7 Dec, 08:12 UTC</span>' in str(when(TWO_HOURS_AGO, now=NOW))


def test_a_time_in_another_year_names_the_year():
    assert shown(when(datetime(2025, 12, 30, 23, 5, tzinfo=timezone.utc), now=NOW)).text.endswith(
        "· 30 Dec 2025, 23:05 UTC")


def test_the_machine_readable_time_and_the_full_date_on_hover_stay():
    assert shown(when(TWO_HOURS_AGO, now=NOW)).attrs["time"] == {"datetime": "2026-12-07T08:12:00Z",
                                                                 "title": "7 Dec 2026, 08:12 UTC"}


def test_a_prefix_goes_before_the_relative_time():
    assert shown(when(TWO_HOURS_AGO, "updated ", now=NOW)).text.startswith("updated 2 hours ago · ")


def test_a_time_from_storage_text_is_read_as_utc():
    assert shown(when("2026-12-07T09:12:00+01:00", now=NOW)).text == "2 hours ago · 7 Dec, 08:12 UTC"


def test_no_time_says_so_once():
    assert shown(when(None, now=NOW)).text == "unknown time"
