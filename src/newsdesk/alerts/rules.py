"""Block and keep rules: per user, hide the stories and articles that match a query, an entity or a source
(block), or all that match none of the keep rules (keep). One function for every view that lists stories or
articles (the home page, search, feeds, the sync APIs) and for the matcher, which decides no alert about a story
its user hides.

A story matches a query when one of its articles does, and an entity when it involves it. A source rule is read
for a whole story as its readers would: a blocked source hides a story only when every article of it comes from
blocked sources (the others still report it); a kept source keeps a story it has an article in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsdesk.alerts.entities import EntityLookup, NoEntities, default_entities
from newsdesk.alerts.errors import BadWatchlist, EntitiesUnavailable
from newsdesk.model import Rule, RuleAction, RuleKind, User
from newsdesk.storage import SearchError, Storage, parse_search_query, row_id


class RuleBook:
    """Some users' rules, applied to stories and articles with as few queries as there are distinct rules."""

    def __init__(self, storage: Storage, rules: list[Rule], entities: EntityLookup | None = None) -> None:
        self.storage = storage
        self.rules = rules
        self.entities = entities if entities is not None else default_entities(storage)
        self.users = {r.user_id for r in rules}

    @classmethod
    def load(cls, storage: Storage, user_ids: Iterable[int], entities: EntityLookup | None = None) -> RuleBook | None:
        """The users' rules, or None when they have none (nothing to hide, nothing to ask)."""
        ids = set(user_ids)
        rules = storage.rules(ids) if ids else []
        return cls(storage, rules, entities) if rules else None

    def _by_user(self) -> dict[int, list[Rule]]:
        found: dict[int, list[Rule]] = {}
        for r in self.rules:
            found.setdefault(r.user_id, []).append(r)
        return found

    def hidden_stories(self, story_ids: Iterable[int]) -> dict[int, set[int]]:
        """user id → the stories among these that the user's rules hide."""
        ids = sorted(set(story_ids))
        if not ids:
            return {}
        members = self.storage.story_article_sources(ids)
        all_articles = [a for rows in members.values() for a, _, _ in rows]
        queries = {r.value for r in self.rules if r.kind == RuleKind.QUERY}
        matching = {q: self.storage.articles_matching(q, all_articles) for q in queries}
        involved = (self.entities.entities_of_stories(ids)
                    if any(r.kind == RuleKind.ENTITY for r in self.rules) else {})
        hidden: dict[int, set[int]] = {}
        for user_id, rules in self._by_user().items():
            keeps = [r for r in rules if r.action == RuleAction.KEEP]
            blocked_sources = {int(r.value) for r in rules if r.action == RuleAction.BLOCK and r.kind == RuleKind.SOURCE}
            for story_id in ids:
                rows = members.get(story_id, [])
                articles = {a for a, _, _ in rows}
                sources = {s for _, s, _ in rows}

                def hits(rule: Rule, block: bool) -> bool:
                    if rule.kind == RuleKind.QUERY:
                        return bool(articles & matching[rule.value])
                    if rule.kind == RuleKind.ENTITY:
                        return int(rule.value) in involved.get(story_id, set())
                    if block:
                        return bool(sources) and sources <= blocked_sources
                    return int(rule.value) in sources

                blocked = any(hits(r, True) for r in rules if r.action == RuleAction.BLOCK)
                if blocked or (keeps and not any(hits(r, False) for r in keeps)):
                    hidden.setdefault(user_id, set()).add(story_id)
        return hidden

    def hidden_articles(self, article_ids: Iterable[int]) -> dict[int, set[int]]:
        """user id → the articles among these that the user's rules hide."""
        ids = sorted(set(article_ids))
        if not ids:
            return {}
        sources = self.storage.article_sources(ids)
        queries = {r.value for r in self.rules if r.kind == RuleKind.QUERY}
        matching = {q: self.storage.articles_matching(q, ids) for q in queries}
        named = (self.entities.entities_of_articles(ids) if any(r.kind == RuleKind.ENTITY for r in self.rules) else {})
        hidden: dict[int, set[int]] = {}
        for user_id, rules in self._by_user().items():
            keeps = [r for r in rules if r.action == RuleAction.KEEP]

            def hits(rule: Rule, article_id: int) -> bool:
                if rule.kind == RuleKind.QUERY:
                    return article_id in matching[rule.value]
                if rule.kind == RuleKind.ENTITY:
                    return int(rule.value) in named.get(article_id, set())
                return sources.get(article_id) == int(rule.value)

            for article_id in ids:
                blocked = any(hits(r, article_id) for r in rules if r.action == RuleAction.BLOCK)
                if blocked or (keeps and not any(hits(r, article_id) for r in keeps)):
                    hidden.setdefault(user_id, set()).add(article_id)
        return hidden


def visible_stories(storage: Storage, user: User | None, story_ids: Sequence[int],
                    entities: EntityLookup | None = None) -> list[int]:
    """`story_ids` in their order, less those the user's rules hide (all of them for no user, or no rules)."""
    if user is None:
        return list(story_ids)
    book = RuleBook.load(storage, [user.id], entities)
    if book is None:
        return list(story_ids)
    hidden = book.hidden_stories(story_ids).get(user.id, set())
    return [s for s in story_ids if s not in hidden]


def visible_articles(storage: Storage, user: User | None, article_ids: Sequence[int],
                     entities: EntityLookup | None = None) -> list[int]:
    """`article_ids` in their order, less those the user's rules hide."""
    if user is None:
        return list(article_ids)
    book = RuleBook.load(storage, [user.id], entities)
    if book is None:
        return list(article_ids)
    hidden = book.hidden_articles(article_ids).get(user.id, set())
    return [a for a in article_ids if a not in hidden]


def add_rule(storage: Storage, user: User, action: RuleAction | str, kind: RuleKind | str, value: str,
             entities: EntityLookup | None = None) -> Rule:
    """A block or keep rule of the user's; refusals say why."""
    try:
        action, kind = RuleAction(action), RuleKind(kind)
    except ValueError:
        raise BadWatchlist("a rule blocks or keeps a query, an entity or a source") from None
    value = (value or "").strip()
    if not value or len(value) > 500:
        raise BadWatchlist("say what the rule matches (at most 500 characters)")
    if kind == RuleKind.QUERY:
        try:
            parse_search_query(value)
        except SearchError as exc:
            raise BadWatchlist(f"query {value!r}: {exc}") from None
        stored, label = value, value
    elif kind == RuleKind.ENTITY:
        lookup = entities if entities is not None else default_entities(storage)
        found = lookup.find_entity(value)
        if found is None:
            if isinstance(lookup, NoEntities):
                raise EntitiesUnavailable(value)
            raise BadWatchlist(f"no entity {value!r} on this desk")
        stored, label = str(found[0]), found[1]
    else:
        ident = row_id(value)
        source = storage.get_source(ident) if ident else None
        source = source or next((s for s in storage.list_sources()
                                 if value.lower() in (s.name.lower(), s.feed_url.lower())), None)
        if source is None:
            raise BadWatchlist(f"no source {value!r} (give an id, title or feed URL)")
        stored, label = str(source.id), source.name
    return storage.add_rule(user.id, action, kind, stored, label)


def delete_rule(storage: Storage, user: User, rule_id: int | str) -> None:
    ident = row_id(rule_id) if isinstance(rule_id, str) else rule_id
    if not ident or not storage.delete_rule(user.id, ident):
        raise BadWatchlist(f"no rule {rule_id} of yours")
