"""What following needs from the entities of issue 25 (people, organisations, places), as a small protocol: the
matcher and the rules ask it which entities a story or an article involves. The entities package provides the
real one; until it is wired in, `NoEntities` answers that nothing involves any entity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable


@runtime_checkable
class EntityLookup(Protocol):
    def entities_of_stories(self, story_ids: Iterable[int]) -> dict[int, set[int]]:
        """story id → ids of the entities it involves."""
        ...

    def entities_of_articles(self, article_ids: Iterable[int]) -> dict[int, set[int]]:
        """article id → ids of the entities it names."""
        ...

    def find_entity(self, text: str) -> tuple[int, str] | None:
        """(id, name) of the entity a user means by `text` (a name, an alias or an id), or None."""
        ...


class NoEntities:
    """A desk that does not recognise entities yet: an entity is known only by its id."""

    def entities_of_stories(self, story_ids: Iterable[int]) -> dict[int, set[int]]:
        return {}

    def entities_of_articles(self, article_ids: Iterable[int]) -> dict[int, set[int]]:
        return {}

    def find_entity(self, text: str) -> tuple[int, str] | None:
        text = text.strip()
        return (int(text), f"entity {text}") if text.isascii() and text.isdigit() and len(text) < 19 else None


def default_entities(storage) -> EntityLookup:
    """The desk's entities: storage's own once the entities tables provide the lookup, else none."""
    return storage if isinstance(storage, EntityLookup) else NoEntities()


class EntityMap:
    """Entities held in memory: tests and `bench alerts`, which generate their own."""

    def __init__(self, stories: dict[int, set[int]] | None = None, articles: dict[int, set[int]] | None = None,
                 names: dict[int, str] | None = None) -> None:
        self.stories = stories if stories is not None else {}
        self.articles = articles if articles is not None else {}
        self.names = names if names is not None else {}

    def entities_of_stories(self, story_ids: Iterable[int]) -> dict[int, set[int]]:
        return {s: self.stories[s] for s in story_ids if s in self.stories}

    def entities_of_articles(self, article_ids: Iterable[int]) -> dict[int, set[int]]:
        return {a: self.articles[a] for a in article_ids if a in self.articles}

    def find_entity(self, text: str) -> tuple[int, str] | None:
        for entity_id, name in self.names.items():
            if name.lower() == text.strip().lower() or str(entity_id) == text.strip():
                return entity_id, name
        return None
