"""The generated news pages: deterministic, of real length and shape, with the events, reprints and updates
the pipeline bench needs, and read by the desk's extraction as the article they carry."""

import re
import statistics
from collections import Counter
from html import unescape

import pytest

from newsdesk_lab.bench.newspages import generate_pages
from newsdesk_lab.extract.evaluate import page_counts
from newsdesk.extract import extract_article


@pytest.fixture(scope="module")
def pages():
    return generate_pages(300, seed=5)


def _body(page) -> str:
    """The article's paragraphs as the page carries them (the inline promotion left out)."""
    inner = page.html.split('__body">', 1)[1].split("</article>", 1)[0]
    return "\n\n".join(unescape(re.sub(r"<[^>]+>", "", text)) for promo, text in re.findall(r'(data-slot="inline">)?<p>(.*?)</p>', inner)
                       if not promo)


def test_pages_are_deterministic_for_a_seed():
    first = generate_pages(60, seed=5)
    assert [p.html for p in generate_pages(60, seed=5)] == [p.html for p in first]
    assert generate_pages(20, seed=6)[0].html != first[0].html


def test_bodies_have_the_length_of_real_news(pages):
    first = [p for p in pages if p.version == 1 and p.reprint_of is None]
    words = statistics.median(p.body_words for p in first)
    assert 450 <= words <= 650
    low, _, high = statistics.quantiles([p.body_words for p in first], n=4)
    assert 200 <= low <= 420
    assert 650 <= high <= 1100
    assert 11 <= statistics.median(p.paragraphs for p in first) <= 20


def test_pages_have_the_size_of_real_news_pages(pages):
    kilobytes = statistics.median(len(p.html.encode()) / 1024 for p in pages)
    assert 80 <= kilobytes <= 150
    links = statistics.median(p.html.count("<a ") for p in pages)
    assert 100 <= links <= 200


def test_events_have_several_reports_reprints_and_updates(pages):
    assert len(pages) == 300
    per_event = Counter(p.event for p in pages if p.version == 1)
    assert sum(1 for n in per_event.values() if n >= 3) >= 15
    reprints = [p for p in pages if p.reprint_of]
    assert reprints
    by_report = {p.report: p for p in pages if p.version == 1}
    assert all(_body(by_report[r.reprint_of]) in _body(r) for r in reprints if r.reprint_of in by_report)
    updates = [p for p in pages if p.version == 2]
    assert len(updates) == 15
    for update in updates:
        first = by_report[update.report]
        assert update.url == first.url
        assert update.published > first.published
        assert update.html != first.html
    assert [p.published for p in pages] == sorted(p.published for p in pages)


def test_the_desks_extraction_reads_the_article_of_each_page(pages):
    """Recall as the benchmark scores it (shingles of four words); what else it keeps, the inline promotion and
    a "Read more" link, costs a little precision, as on real pages."""
    precisions, recalls = [], []
    for page in pages[:12]:
        extracted = extract_article(page.html, page.url)
        tp, fp, fn = page_counts(extracted.text, _body(page))
        assert tp / (tp + fn) >= 0.85, page.url
        precisions.append(tp / (tp + fp))
        recalls.append(tp / (tp + fn))
        assert extracted.site_name == page.outlet
        assert extracted.published is not None
    assert statistics.mean(precisions) >= 0.9
    assert statistics.mean(recalls) >= 0.95
