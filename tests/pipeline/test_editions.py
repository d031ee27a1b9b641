"""A story's page in the display language: the edition's headline and summary, takeaways from reports in that
language (a report in another language mostly repeats them), and nothing shown twice."""

from newsdesk.model import Attributed, StoryArticle, StoryPage
from newsdesk.pipeline.editions import lead_with

ARTICLES = [StoryArticle(id=1, outlet="Daily Beacon", title="t", text="x", language="en"),
            StoryArticle(id=2, outlet="Harbour Post", title="t", text="x", language="en"),
            StoryArticle(id=3, outlet="El Faro", title="t", text="x", language="es")]
POINTS = ["Ferries ran every ten minutes.", "Traffic moved to the ring road.", "Engineers found a cracked bearing.",
          "Repairs will cost four million crowns.", "The mayor asked drivers to stay home."]


def _page(takeaways: list[tuple[str, int]], summary: str = "The bridge closed on Monday after a lorry hit it.",
          unique: dict[str, list[Attributed]] | None = None) -> StoryPage:
    return StoryPage(headline="Bridge closed", headline_article_id=1,
                     summary=[Attributed(summary, 1, "Daily Beacon")],
                     takeaways=[Attributed(text, a, "o") for text, a in takeaways],
                     unique=unique or {}, first_published=None, last_updated=None, timeline=[], independent=[],
                     reprints=[])


def test_takeaways_in_other_languages_leave_for_the_display_language():
    page = _page([(POINTS[0], 1), ("El puente sigue cerrado.", 3), (POINTS[1], 2)])
    led = lead_with(page, _page([]), ARTICLES, "en")
    assert [t.article_id for t in led.takeaways] == [1, 2]


def test_the_edition_fills_the_takeaways_in_the_display_language():
    page = _page([("El puente sigue cerrado.", 3), (POINTS[0], 1), ("Los ferris doblaron su horario.", 3)])
    led = lead_with(page, _page([(POINTS[2], 2), (POINTS[3], 1)]), ARTICLES, "en")
    assert [t.text for t in led.takeaways] == [POINTS[0], POINTS[2], POINTS[3]]


def test_takeaways_stay_in_their_language_when_none_is_in_the_display_language():
    page = _page([("El puente sigue cerrado.", 3)])
    assert lead_with(page, _page([]), ARTICLES, "en").takeaways == page.takeaways


def test_a_takeaway_saying_again_what_the_summary_says_is_left_out():
    summary = "The bridge closed on Monday after a lorry hit it, the council said."
    page = _page([(summary, 2), (POINTS[4], 1)])
    led = lead_with(page, _page([], summary=summary), ARTICLES, "en")
    assert [t.text for t in led.takeaways] == [POINTS[4]]


def test_what_a_source_adds_never_repeats_the_summary_or_a_takeaway():
    unique = {"Harbour Post": [Attributed(POINTS[0], 2, "Harbour Post"), Attributed(POINTS[4], 2, "Harbour Post")],
              "Daily Beacon": [Attributed("The bridge closed on Monday after a lorry hit it.", 1, "Daily Beacon")]}
    page = _page([(POINTS[0], 1)], unique=unique)
    led = lead_with(page, _page([]), ARTICLES, "en")
    assert led.unique == {"Harbour Post": [unique["Harbour Post"][1]]}


def test_without_an_edition_the_page_is_unchanged():
    page = _page([(POINTS[0], 1)])
    assert lead_with(page, None, ARTICLES, "en") is page

