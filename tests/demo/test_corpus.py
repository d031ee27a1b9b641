"""Invariants of the demo corpus: it is the demo tour and the ground truth for grouping and summaries."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.demo import load_corpus

FORMATS = {"rss20", "atom10", "rss10", "json11"}

# Facts every article about the event states (alternatives for French, Spanish and German number formatting).
EVENT_FACTS = {
    "wren-probe-orbit": [("Veyra",), ("41",), ("2.7",)],
    "quake-fenwick": [("Thornbury",), ("5.8", "5,8")],
    "northwave-castry-merger": [("Northwave",), ("Castry",), ("9.6", "9,6"), ("1,200", "1.200")],
    "calloway-resigns": [("Calloway",), ("Brackwell",), ("340",)],
    "athletic-cup-semi": [("Roe",), ("Rovers",), ("89",), ("Port Callan City",)],
    "quake-port-severin": [("Port-Séverin",), ("6.3", "6,3"), ("38",)],
    "tallypay-breach": [("Tallypay",), ("2.3", "2,3")],
    "garrigue-resigns": [("Garrigue",), ("Despréaux",), ("6.8", "6,8"), ("3.62", "3,62")],
    "lisse-river-accord": [("Lisse",), ("85",), ("Ferrage",)],
}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def text_of(article, revision: int = 0) -> str:
    version = article.version(revision)
    return version.title + "\n" + "\n".join(version.paragraphs)


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def test_outlets_are_distinct_and_cover_every_feed_format(corpus):
    assert len(corpus.outlets) == 9
    assert len({o.id for o in corpus.outlets}) == 9
    assert len({o.name for o in corpus.outlets}) == 9
    assert {o.feed_format for o in corpus.outlets} == FORMATS
    assert all(o.feed_format in FORMATS for o in corpus.outlets)
    assert {"fr", "es", "de"} <= {o.language for o in corpus.outlets}
    assert [o.kind for o in corpus.outlets].count("wire") == 1


def test_articles_reference_known_outlets_and_events(corpus):
    outlets = {o.id for o in corpus.outlets}
    assert len({a.id for a in corpus.articles}) == len(corpus.articles)
    for article in corpus.articles:
        assert article.outlet in outlets
        assert article.event in corpus.events
        assert re.fullmatch(r"[a-z0-9-]+", article.id)
    assert all(description.strip() for description in corpus.events.values())
    assert all(corpus.articles_of(o.id) for o in corpus.outlets), "every outlet publishes something"


def test_every_event_is_reported_by_three_to_six_outlets_each_once(corpus):
    assert len(corpus.events) >= 8
    for event in corpus.events:
        articles = corpus.articles_about(event)
        per_outlet = Counter(a.outlet for a in articles)
        assert 3 <= len(per_outlet) <= 6, event
        assert max(per_outlet.values()) == 1, f"{event}: an outlet reports it twice (updates are revisions)"


def test_articles_are_news_length_with_bylines(corpus):
    for article in corpus.articles:
        for version in [article.version(0), *article.revisions]:
            words = sum(len(p.split()) for p in version.paragraphs)
            assert 150 <= words <= 400, (article.id, words)
            assert 4 <= len(version.paragraphs) <= 8, (article.id, len(version.paragraphs))
            assert version.title.strip()
            assert all(p.strip() for p in version.paragraphs)
        if article.reprint_of is None:
            assert article.author, article.id


def test_each_outlet_writes_its_own_story(corpus):
    for event in corpus.events:
        originals = [a for a in corpus.articles_about(event) if a.reprint_of is None]
        assert len({a.title for a in originals}) == len(originals)
        for i, first in enumerate(originals):
            for second in originals[i + 1:]:
                a, b = shingles(text_of(first)), shingles(text_of(second))
                overlap = len(a & b) / min(len(a), len(b))
                assert overlap < 0.25, f"{first.id} and {second.id} share {overlap:.0%} of their text"


def test_articles_state_the_same_facts(corpus):
    for event, facts in EVENT_FACTS.items():
        for article in corpus.articles_about(event):
            text = text_of(article)
            for alternatives in facts:
                assert any(fact in text for fact in alternatives), (article.id, alternatives)


def test_times_are_spread_over_three_days_with_each_event_within_hours(corpus):
    times = [a.published for a in corpus.articles]
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in times)
    assert all((t.year, t.month) == (2026, 11) for t in times)
    assert timedelta(days=2) <= max(times) - min(times) <= timedelta(days=4)
    for event in corpus.events:
        published = [a.published for a in corpus.articles_about(event)]
        assert max(published) - min(published) <= timedelta(hours=6), event


def test_the_wire_story_is_reprinted_twice_with_edits(corpus):
    reprints = [a for a in corpus.articles if a.reprint_of]
    by_original = defaultdict(list)
    for reprint in reprints:
        by_original[reprint.reprint_of].append(reprint)
    assert len(reprints) >= 2
    original_id, copies = max(by_original.items(), key=lambda kv: len(kv[1]))
    assert len(copies) >= 2
    original = corpus.article(original_id)
    assert corpus.outlet(original.outlet).kind == "wire"
    original_text = shingles(text_of(original))
    trimmed = boilerplate = 0
    for copy in copies:
        assert copy.outlet != original.outlet
        assert copy.event == original.event
        assert copy.title != original.title
        assert copy.published > original.published
        shared = len(shingles(text_of(copy)) & original_text) / len(original_text)
        assert shared >= 0.75, f"{copy.id} keeps only {shared:.0%} of the wire text"
        body = "\n".join(copy.paragraphs)
        assert "(With agency inputs)" in body or "Meridian Press Agency" in body
        trimmed += original.paragraphs[-1] not in body
        boilerplate += any(len(shingles(p)) >= 5 and not shingles(p) & original_text for p in copy.paragraphs)
    assert trimmed >= 1
    assert boilerplate >= 1
    for reprint in reprints:
        assert corpus.outlet(corpus.article(reprint.reprint_of).outlet).kind == "wire"


def test_two_earthquakes_are_distinct_events(corpus):
    fenwick = corpus.articles_about("quake-fenwick")
    severin = corpus.articles_about("quake-port-severin")
    assert len({a.outlet for a in fenwick}) >= 3
    assert len({a.outlet for a in severin}) >= 3
    for article in fenwick:
        text = text_of(article, revision=99)
        assert "Thornbury" in text
        assert not re.search(r"6[.,]3", text)
        assert "Port-Séverin" not in text
    for article in severin:
        text = text_of(article)
        assert "Port-Séverin" in text
        assert not re.search(r"5[.,]8", text)
        assert "Thornbury" not in text
    assert {a.published.date() for a in fenwick}.isdisjoint({a.published.date() for a in severin})


def test_two_resignations_are_distinct_events(corpus):
    calloway = corpus.articles_about("calloway-resigns")
    garrigue = corpus.articles_about("garrigue-resigns")
    assert len({a.outlet for a in calloway}) >= 3
    assert len({a.outlet for a in garrigue}) >= 3
    for article in calloway:
        text = text_of(article)
        assert "Calloway" in text
        assert "Garrigue" not in text
        assert "Lorvenne" not in text
    for article in garrigue:
        text = text_of(article)
        assert "Garrigue" in text
        assert "Calloway" not in text
        assert re.search(r"retirement age|retraite", text)


def test_an_article_is_updated_after_publication(corpus):
    updated = [a for a in corpus.articles if a.revisions]
    assert updated
    for article in updated:
        previous = article.version(0)
        for revision in article.revisions:
            assert revision.at > previous.at
            assert revision.title != previous.title
            assert set(revision.paragraphs) - set(previous.paragraphs), "an added or changed paragraph"
            previous = revision
        assert article.version(99) == article.revisions[-1]
    toll = corpus.article("fvg-thornbury-earthquake")
    assert "Two" in toll.version(0).title
    assert "three" in toll.version(1).title


def test_load_corpus_from_a_path(tmp_path, corpus):
    from importlib import resources

    path = tmp_path / "corpus.json"
    path.write_text(resources.files("newsdesk.demo").joinpath("corpus.json").read_text(encoding="utf-8"),
                    encoding="utf-8")
    assert load_corpus(path) == corpus


NOW = datetime(2027, 3, 14, 9, 30, tzinfo=timezone.utc)      # a morning long after the corpus was written
BEFORE = datetime(2026, 1, 5, 23, 59, tzinfo=timezone.utc)    # before it, so the times move back


@pytest.mark.parametrize("now", [NOW, BEFORE])
def test_loaded_for_a_moment_the_newest_time_is_within_the_day_before_it(now):
    latest = load_corpus(now=now).latest()
    assert now - timedelta(days=1) < latest <= now


def test_the_newest_article_reads_as_hours_old():
    moved = load_corpus(now=NOW)
    newest = max(a.published for a in moved.articles)
    assert NOW - newest < timedelta(days=1)


def test_moving_keeps_every_time_of_day(corpus):
    moved = load_corpus(now=NOW)
    times = [(a.published.time(), [r.at.time() for r in a.revisions]) for a in corpus.articles]
    assert [(a.published.time(), [r.at.time() for r in a.revisions]) for a in moved.articles] == times


def test_moving_shifts_everything_by_the_same_whole_number_of_days(corpus):
    moved = load_corpus(now=NOW)
    pairs = list(zip(corpus.articles, moved.articles))
    shifts = {b.published - a.published for a, b in pairs}
    shifts |= {rb.at - ra.at for a, b in pairs for ra, rb in zip(a.revisions, b.revisions)}
    assert len(shifts) == 1
    assert next(iter(shifts)) % timedelta(days=1) == timedelta(0)


def test_moving_keeps_the_order_of_articles_and_revisions(corpus):
    moved = load_corpus(now=NOW)
    assert [a.id for a in sorted(moved.articles, key=lambda a: a.published)] == \
        [a.id for a in sorted(corpus.articles, key=lambda a: a.published)]
    assert all(a.published < r.at for a in moved.articles for r in a.revisions[:1])
    assert all(r.at < s.at for a in moved.articles for r, s in zip(a.revisions, a.revisions[1:]))


def test_moving_changes_only_times(corpus):
    moved = corpus.moved_to(NOW)
    assert [(a.id, a.title, a.paragraphs, [r.paragraphs for r in a.revisions]) for a in moved.articles] == \
        [(a.id, a.title, a.paragraphs, [r.paragraphs for r in a.revisions]) for a in corpus.articles]


def test_loading_for_a_moment_is_moving_the_loaded_corpus(corpus):
    assert load_corpus(now=NOW) == corpus.moved_to(NOW)


ABSOLUTE_DAYS = re.compile(
    r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b|"
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b|"
    r"\b(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b|\b20\d\d\b")


def test_texts_name_no_weekday_month_or_recent_year_that_a_moved_date_would_contradict(corpus):
    # "yesterday", "this morning", "in three days" stay true wherever the dates move; "on Tuesday" does not
    for article in corpus.articles:
        for version in [article.version(0), *article.revisions]:
            found = ABSOLUTE_DAYS.search(version.title + "\n" + "\n".join(version.paragraphs))
            assert found is None, (article.id, found.group())
