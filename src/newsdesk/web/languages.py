"""The language a reader reads story pages in, and a story page in it (its edition, when it has one)."""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.embed import reads_across
from newsdesk.language import DEFAULT_DISPLAY_LANGUAGE, DISPLAY_LANGUAGE_SETTING, UNKNOWN, language_counts
from newsdesk.model import Article, User
from newsdesk.storage import Storage


def story_languages_json(articles: Iterable[Article]) -> dict:
    """A story's independent reports per language, and the languages among them that group only with
    themselves (the multilingual model does not read them)."""
    counts = language_counts(a.language for a in articles if a.original_id is None)
    return {"languages": counts,
            "languages_apart": [code for code in counts if code != UNKNOWN and not reads_across(code)]}


def reader_language(storage: Storage, user: User | None) -> str:
    """The reader's own display language, else the desk's."""
    own = storage.user_language(user.id) if user is not None else None
    return own or storage.get_setting(DISPLAY_LANGUAGE_SETTING) or DEFAULT_DISPLAY_LANGUAGE


def in_language(doc: dict, language: str) -> dict:
    """The story document leading with the headline and summary of its reports in `language`, when it has
    any; as written otherwise."""
    edition = (doc.get("editions") or {}).get(language)
    if not edition or doc.get("headline_pinned"):
        return doc
    return {**doc, "headline": edition["headline"], "headline_article_id": edition["headline_article_id"],
            "summary": edition["summary"]}
