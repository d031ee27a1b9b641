"""A story page per language: when a story's reports are in more than one language, the headline and summary
written from the reports in each language alone (its edition), so that a reader sees them in their language
when the story has any report in it. The page itself leads with the desk's display language's edition; with no
report in that language it keeps the best sentences in their own languages (the page marks each one)."""

from __future__ import annotations

from dataclasses import replace

from newsdesk.language import UNKNOWN, base_language
from newsdesk.model import Attributed, StoryArticle, StoryPage
from newsdesk.synthesize import repeats, terms


def _language(article: StoryArticle) -> str:
    return base_language(article.language) or UNKNOWN


def editions(articles: list[StoryArticle], page: StoryPage, writer) -> dict[str, StoryPage]:
    """Per language of the story's independent reports, its edition (the page written from that language's
    reports); none when the story is in one language."""
    languages = {_language(a) for a in articles if not a.is_reprint} - {UNKNOWN}
    if len(languages) < 2:
        return {}
    return {lang: writer([a for a in articles if _language(a) == lang]) for lang in sorted(languages)}


# Takeaways are kept to the edition's language: a report in another language mostly says again what the
# edition's own reports say. Those of the whole story come first (their "also" spans languages), then the
# edition's own, up to as many as the whole story's page has.
def lead_with(page: StoryPage, edition: StoryPage | None, articles: list[StoryArticle] = (),
              language: str | None = None) -> StoryPage:
    """The page with the edition's headline and summary, when there is one; its takeaways and what each source
    adds never say again what that summary says, and its takeaways are from reports in the edition's
    `language` (of `articles`) when there are any."""
    if edition is None:
        return page
    shown = [set(terms(s.text)) for s in edition.summary]

    def new(item: Attributed) -> bool:
        words = set(terms(item.text))
        if any(repeats(words, said) for said in shown):
            return False
        shown.append(words)
        return True

    takeaways = page.takeaways
    if language:
        lang_of = {a.id: _language(a) for a in articles}
        in_language = [t for t in takeaways if lang_of.get(t.article_id) == language] + edition.takeaways
        takeaways = in_language or takeaways
    takeaways = [t for t in takeaways if new(t)][:max(len(page.takeaways), 1)]
    unique = {outlet: kept for outlet, items in page.unique.items() if (kept := [u for u in items if new(u)])}
    return replace(page, headline=edition.headline, headline_article_id=edition.headline_article_id,
                   summary=edition.summary, takeaways=takeaways, unique=unique)


def edition_json(edition: StoryPage, jsonable) -> dict:
    return {"headline": edition.headline, "headline_article_id": edition.headline_article_id,
            "summary": jsonable(edition.summary)}
