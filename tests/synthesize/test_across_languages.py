"""A page across languages: a Spanish report's sentence that says again what an English sentence shown above it
says is not shown (in the summary, the takeaways or what each source adds: the multilingual vectors see what
the English model cannot), while its sentence that no other report states still is. The reports are the
project's own."""

from datetime import datetime, timezone

import pytest

from newsdesk.model import StoryArticle
from newsdesk.synthesize import Writer, WriterConfig

WHEN = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
REPORTS = [
    ("Harbour Post", "en", "Port-Séverin harbour reopens after dock strike",
     "The harbour of Port-Séverin reopened on Tuesday after a three-day strike by dock workers ended with a pay "
     "deal. The dock workers won a pay rise of four percent over two years, the union said. Ships that had "
     "waited offshore began unloading grain and fuel in the afternoon."),
    ("Coast Daily", "en", "Dockers end three-day strike at Port-Séverin",
     "Dock workers at Port-Séverin ended their three-day strike on Tuesday after accepting a pay rise of four "
     "percent over two years. The harbour reopened and the first ships began unloading grain and fuel in the "
     "afternoon. The port authority said the strike had cost traders about 12 million crowns."),
    ("El Vigía", "es", "Reabre el puerto de Port-Séverin tras la huelga de estibadores",
     "El puerto de Port-Séverin reabrió el martes tras tres días de huelga de los estibadores. Los estibadores "
     "obtuvieron una subida salarial del cuatro por ciento en dos años, según el sindicato. El alcalde anunció "
     "que la ciudad construirá un nuevo muelle para cruceros antes de 2028."),
]
OPENING = "El puerto de Port-Séverin reabrió el martes tras tres días de huelga de los estibadores."
REPEAT = "Los estibadores obtuvieron una subida salarial del cuatro por ciento en dos años, según el sindicato."
NEW = "El alcalde anunció que la ciudad construirá un nuevo muelle para cruceros antes de 2028."


def _articles():
    return [StoryArticle(id=i + 1, outlet=outlet, title=title, text=text, published=WHEN, language=language)
            for i, (outlet, language, title, text) in enumerate(REPORTS)]


@pytest.fixture(scope="module")
def pages(embedder):
    with_rule = Writer(encoder=embedder).write(_articles())
    without = Writer(WriterConfig(across_same=1.01, across_same_with_facts=1.01), encoder=embedder).write(_articles())
    return with_rule, without


def _shown(page):
    """Every sentence of the page's text: summary, takeaways, what each source adds."""
    return [item.text for item in [*page.summary, *page.takeaways, *(u for us in page.unique.values() for u in us)]]


def test_without_the_multilingual_check_the_spanish_report_repeats_the_english_ones(pages):
    assert {OPENING, REPEAT} <= set(_shown(pages[1]))


def test_a_sentence_repeating_one_shown_in_another_language_is_not_shown_again(pages):
    assert REPEAT not in _shown(pages[0])


def test_the_spanish_opening_does_not_repeat_the_english_lead(pages):
    assert OPENING not in _shown(pages[0])


def test_what_only_the_spanish_report_says_is_still_shown(pages):
    assert NEW in _shown(pages[0])


def test_an_english_sentence_names_the_spanish_report_that_says_the_same(pages):
    pay = next(item for item in [*pages[0].summary, *pages[0].takeaways] if "pay rise of four percent" in item.text)
    assert "El Vigía" in [outlet for _, outlet in pay.also]
