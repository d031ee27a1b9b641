"""A story's page in the display language: the edition's headline and summary, and takeaways from reports in
that language when there are enough of them (a report in another language mostly repeats them)."""

from newsdesk.model import Attributed, StoryArticle, StoryPage
from newsdesk.pipeline.editions import MIN_TAKEAWAYS, lead_with

ARTICLES = [StoryArticle(id=1, outlet="Daily Beacon", title="t", text="x", language="en"),
            StoryArticle(id=2, outlet="Harbour Post", title="t", text="x", language="en"),
            StoryArticle(id=3, outlet="El Faro", title="t", text="x", language="es")]


def _page(takeaway_articles: list[int]) -> StoryPage:
    return StoryPage(headline="Bridge closed", headline_article_id=1,
                     summary=[Attributed("The bridge closed.", 1, "Daily Beacon")],
                     takeaways=[Attributed(f"Point {n}.", a, "o") for n, a in enumerate(takeaway_articles)],
                     unique={}, first_published=None, last_updated=None, timeline=[], independent=[], reprints=[])


def test_takeaways_in_other_languages_leave_when_enough_are_in_the_display_language():
    page = _page([1, 3, 2, 1])
    led = lead_with(page, _page([1]), ARTICLES, "en")
    assert [t.article_id for t in led.takeaways] == [1, 2, 1]


def test_takeaways_stay_when_too_few_are_in_the_display_language():
    page = _page([3, 1, 3, 3])
    assert MIN_TAKEAWAYS > 1
    assert lead_with(page, _page([1]), ARTICLES, "en").takeaways == page.takeaways


def test_without_an_edition_the_page_is_unchanged():
    page = _page([1, 3, 2])
    assert lead_with(page, None, ARTICLES, "en") is page


def test_a_sentence_the_editions_summary_shows_is_not_shown_again_below_it():
    page = _page([1, 2])
    edition = _page([])
    edition.summary = [Attributed("Point 1.", 2, "o")]
    page.unique = {"o": [Attributed("Point 1.", 2, "o"), Attributed("Only here.", 2, "o")]}
    led = lead_with(page, edition, ARTICLES, "en")
    assert [t.text for t in led.takeaways] == ["Point 0."]
    assert [u.text for u in led.unique["o"]] == ["Only here."]
