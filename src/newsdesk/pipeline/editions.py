"""A story page per language: when a story's reports are in more than one language, the headline and summary
written from the reports in each language alone (its edition), so that a reader sees them in their language
when the story has any report in it. The page itself leads with the desk's display language's edition; with no
report in that language it keeps the best sentences in their own languages (the page marks each one)."""

from __future__ import annotations

from dataclasses import replace

from newsdesk.language import UNKNOWN, base_language
from newsdesk.model import StoryArticle, StoryPage


def _language(article: StoryArticle) -> str:
    return base_language(article.language) or UNKNOWN


def editions(articles: list[StoryArticle], page: StoryPage, writer) -> dict[str, StoryPage]:
    """Per language of the story's independent reports, its edition (the page written from that language's
    reports); none when the story is in one language."""
    languages = {_language(a) for a in articles if not a.is_reprint} - {UNKNOWN}
    if len(languages) < 2:
        return {}
    return {lang: writer([a for a in articles if _language(a) == lang]) for lang in sorted(languages)}


# Takeaways are kept to the edition's language when that leaves at least this many: a report in another
# language mostly says again what the edition's own reports say, which the model cannot see across languages.
MIN_TAKEAWAYS = 3


def lead_with(page: StoryPage, edition: StoryPage | None, articles: list[StoryArticle] = (),
              language: str | None = None) -> StoryPage:
    """The page with the edition's headline and summary, when there is one, and its takeaways from reports in
    the edition's `language` (of `articles`) when enough of them are; a takeaway or "what each source adds"
    sentence that the edition's summary shows is left out."""
    if edition is None:
        return page
    takeaways = page.takeaways
    if language:
        lang_of = {a.id: _language(a) for a in articles}
        own = [t for t in takeaways if lang_of.get(t.article_id) == language]
        if len(own) >= min(MIN_TAKEAWAYS, len(takeaways)):
            takeaways = own
    # A sentence the edition's summary now shows is not shown again below it.
    in_summary = {(item.article_id, item.text) for item in edition.summary}
    takeaways = [t for t in takeaways if (t.article_id, t.text) not in in_summary]
    unique = {outlet: kept for outlet, items in page.unique.items()
              if (kept := [u for u in items if (u.article_id, u.text) not in in_summary])}
    return replace(page, headline=edition.headline, headline_article_id=edition.headline_article_id,
                   summary=edition.summary, takeaways=takeaways, unique=unique)


def edition_json(edition: StoryPage, jsonable) -> dict:
    return {"headline": edition.headline, "headline_article_id": edition.headline_article_id,
            "summary": jsonable(edition.summary)}
