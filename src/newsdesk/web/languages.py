"""The language a reader reads story pages in, and a story page in it (its edition, when it has one)."""

from __future__ import annotations

from newsdesk.language import DEFAULT_DISPLAY_LANGUAGE, DISPLAY_LANGUAGE_SETTING
from newsdesk.model import User
from newsdesk.storage import Storage


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
