"""Corrections as training data: what a person joined is one event, what they separated two."""

from __future__ import annotations

from newsdesk.model import LinkKind
from newsdesk.storage import Storage


def labelled_pairs(storage: Storage) -> list[dict]:
    """Each link in force as a labelled pair: {"a": article id, "b": article id, "same": bool}."""
    return [{"a": a, "b": b, "same": kind == LinkKind.MUST} for kind, a, b in storage.grouping_links()]


def labelled_articles(storage: Storage) -> list[dict]:
    """Every original article of the stories the links in force touch, as the lab's labelled JSONL rows (id,
    title, text, event, published, source), the event being its story as corrected: so every pair a person
    joined shares an event, every pair they separated does not, and the rest of those stories is labelled as
    the person left it after looking at it."""
    linked = {a for _, a, b in storage.grouping_links() for a in (a, b)}
    rows = []
    for story_id in sorted(set(storage.stories_of(sorted(linked)).values())):
        for article in storage.story_articles(story_id):
            if article.original_id is None:
                rows.append({"id": str(article.id), "title": article.title or "", "text": article.text,
                             "event": f"story-{story_id}", "published": article.time.isoformat(),
                             "source": article.outlet})
    return sorted(rows, key=lambda r: r["published"])
