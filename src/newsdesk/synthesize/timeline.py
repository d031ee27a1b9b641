"""A story's timeline: when each report was published, and when one changed in a way its readers should be
told of; and the version of the page JSON that holds it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from newsdesk.extract import split_sentences
from newsdesk.model import StoryArticle, TimelineEntry, TimelineKind
from newsdesk.synthesize import text as textutil
from newsdesk.synthesize.figures import figure_claims


def _lead_numbers(text: str | None, sentences: int = 3) -> set[str]:
    return set().union(*(textutil.numbers(s.text) for s in split_sentences(text or "")[:sentences]))


def notable_update(article: StoryArticle) -> bool:
    """Whether the report changed, since the desk first saw it, in a way its readers should be told of: a
    new title, or other figures in its opening sentences (a death toll, a vote count). Fixed typos and
    rewritten paragraphs are not news, and neither is a full text arriving after the feed's excerpt (a first
    version less than half as long as the current one is taken for such a partial copy)."""
    if article.updated is None or (article.first_title is None and article.first_text is None):
        return False
    if article.published is not None and article.updated <= article.published:
        return False
    if len(article.first_text or "") * 2 < len(article.text or ""):
        return False
    return (textutil.title_key(article.first_title) != textutil.title_key(article.title)
            or _lead_numbers(article.first_text) != _lead_numbers(article.text))


# The version of the page JSON the desk stores. 1: pages written before the JSON named its version; their
# timeline entries hold four fields (written before updates were shown: all reports as published) or five.
# 2: the JSON names its version; every timeline entry holds five fields.
PAGE_VERSION = 2


def page_version(page: dict) -> int:
    """The version of a stored page's JSON; a page that names none is version 1."""
    return page.get("version", 1)


def is_update(entry: Sequence, version: int = PAGE_VERSION) -> bool:
    """Whether a timeline entry, as a page's JSON of `version` holds it, is an update."""
    if version == 1:
        return len(entry) > 4 and entry[4] == TimelineKind.UPDATED
    return TimelineEntry(*entry).kind == TimelineKind.UPDATED


def _lead_figures(title: str | None, text: str | None, sentences: int = 3) -> set[tuple[str, str]]:
    """The (kind, value) figures a report's title and opening sentences state: the dead, the injured ..."""
    opening = " ".join([title or "", *(s.text for s in split_sentences(text or "")[:sentences])])
    return {(kind, value) for kind, values in figure_claims(opening).items() for value in values}


def _published(article: StoryArticle) -> tuple:
    return (article.published, str(article.id))


# A later report's title brings news of its own when at least this share of its terms is new to the story.
NEW_TITLE = 0.6


def timeline(articles: Sequence[StoryArticle]) -> list[TimelineEntry]:
    """What changed when: the first report under the title it was published with; each later independent
    report that brings news of its own (a title whose terms are mostly new to the story's earlier titles, or
    figures (the dead, the injured ...) in its title and opening sentences that no earlier report stated, or
    that was later updated); and each notable update under its new title. The story's sources list every report; the timeline lists
    only what moved the story on."""
    entries: list[TimelineEntry] = []
    said: set[str] = set()
    figures: set[tuple[str, str]] = set()
    for a in sorted((a for a in articles if a.published is not None), key=_published):
        title = a.first_title or a.title
        terms = set(textutil.terms(title or ""))
        stated = _lead_figures(title, a.first_text if a.first_text is not None else a.text)
        news = (not entries or (terms and len(terms - said) >= NEW_TITLE * len(terms))
                or bool(stated - figures) or notable_update(a))   # an update reads against what it changed
        if news and not (entries and a.is_reprint):
            entries.append(TimelineEntry(a.published, a.id, a.outlet, title, TimelineKind.PUBLISHED))
        said |= terms
        figures |= stated
    entries += [TimelineEntry(a.updated, a.id, a.outlet, a.title, TimelineKind.UPDATED)
                for a in articles if notable_update(a)]
    return sorted(entries, key=lambda entry: entry.when)


def report_time(article: StoryArticle) -> datetime | None:
    """When the report said what it says now: its notable update, else its publication."""
    return article.updated if notable_update(article) else article.published


def last_updated(articles: Sequence[StoryArticle]) -> datetime | None:
    """When the story last moved: its latest report, or the latest notable update of one."""
    moments = [a.published for a in articles if a.published is not None]
    moments += [a.updated for a in articles if notable_update(a)]
    return max(moments, default=None)
