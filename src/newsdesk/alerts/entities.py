"""What following needs from the entities of issue 25 (people, organisations, places), as a small protocol: the
matcher and the rules ask it which entities a story or an article involves, and `follow` which entity a user
means. `StoredEntities` is the desk's: names resolved as the entities package keys them, the entities a story or
an article names as storage holds them. A story or an article naming a longer form of an entity ("Hikvision
Canada Inc.", linked as a form of "Hikvision") involves that entity too: following "Hikvision" alerts on both,
following "Hikvision Canada Inc." only on the longer form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from newsdesk.alerts.errors import AmbiguousEntity
from newsdesk.entities import name_keys
from newsdesk.storage import Storage

CANDIDATES = 8        # entities a refusal lists at most


@runtime_checkable
class EntityLookup(Protocol):
    def entities_of_stories(self, story_ids: Iterable[int]) -> dict[int, set[int]]:
        """story id → ids of the entities it involves."""
        ...

    def entities_of_articles(self, article_ids: Iterable[int]) -> dict[int, set[int]]:
        """article id → ids of the entities it names."""
        ...

    def find_entity(self, text: str) -> tuple[int, str] | None:
        """(id, name) of the entity a user means by `text` (a name, an alias or an id), or None; AmbiguousEntity
        when the name is several entities'."""
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


class StoredEntities:
    """The desk's entities, as storage holds them."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def entities_of_stories(self, story_ids: Iterable[int]) -> dict[int, set[int]]:
        return self.storage.story_entity_ids(list(story_ids))

    def entities_of_articles(self, article_ids: Iterable[int]) -> dict[int, set[int]]:
        return self.storage.article_entity_ids(list(article_ids))

    def find_entity(self, text: str) -> tuple[int, str] | None:
        """An id, else a name any story gave the entity ("Mélanie Joly", "Melanie Joly", "Minister Joly's"), else
        a name holding it as whole words ("Joly" in "Mélanie Joly"), else a slug. A name of several entities is
        refused with the candidates listed (most named first)."""
        text = " ".join((text or "").split())
        if text.isascii() and text.isdigit() and len(text) < 19:
            found = self.storage.get_entity(int(text))
            return (found.id, found.name) if found else None
        keys = name_keys(text)
        for whole_words in (False, True):
            named = self.storage.entities_named(keys, whole_words=whole_words, limit=CANDIDATES + 1)
            if len(named) == 1:
                return named[0].id, named[0].name
            if named:
                raise AmbiguousEntity(text, [(e.id, e.name, str(e.type), e.story_count) for e in named[:CANDIDATES]],
                                      more=len(named) > CANDIDATES)
        found = self.storage.get_entity(text) if text else None
        return (found.id, found.name) if found else None


def default_entities(storage: Storage) -> EntityLookup:
    """The desk's entities: those storage holds."""
    return StoredEntities(storage)


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
