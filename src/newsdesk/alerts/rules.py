"""Block and keep rules, and the one function that says what is out of a user's own view: the sources and
folders they hide, and what their block rules match, less what their keep rules match (a keep rule wins over a
block rule and over a hidden source or folder; keep rules alone hide nothing). Every view that lists stories or
articles (the home page, search, the Atom feeds a user reads, unread counts, the sync APIs) and the matcher,
which decides no alert about a story its user does not see, ask `own_view` and hand it to storage, which reads
it as SQL (storage/own_view.py says how a story and an article match each kind of rule).

A blocked source is a hidden source: it hides its articles, and a story only when every report of it comes from
hidden sources (the others still report it); a kept source keeps its articles and every story it reports in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsdesk.alerts.entities import EntityLookup, NoEntities, default_entities
from newsdesk.alerts.errors import BadWatchlist, EntitiesUnavailable
from newsdesk.model import OwnView, Rule, RuleAction, RuleKind, User
from newsdesk.storage import SearchError, Storage, parse_search_query, row_id


def own_view(storage: Storage, user: User | None) -> OwnView | None:
    """What the user leaves out of their view (None for a stranger: the desk-wide view)."""
    if user is None:
        return None
    return own_views(storage, [user.id])[user.id]


def own_views(storage: Storage, user_ids: Iterable[int]) -> dict[int, OwnView]:
    """Several users' views, in three queries whatever their number."""
    ids = sorted(set(user_ids))
    hidden = storage.hidden_by_users(ids) if ids else {}
    rules: dict[int, list[Rule]] = {}
    for rule in (storage.rules(ids) if ids else []):
        rules.setdefault(rule.user_id, []).append(rule)
    folders = {f for h in hidden.values() for f in h.get("folder", ())}
    in_folder: dict[str, set[int]] = {}
    if folders:
        for source in storage.list_sources(with_counts=False):
            if source.folder in folders:
                in_folder.setdefault(source.folder, set()).add(source.id)
    views = {}
    for user_id in ids:
        mine = hidden.get(user_id, {})
        sources = {int(v) for v in mine.get("source", ()) if v.isdigit()}
        for folder in mine.get("folder", ()):
            sources |= in_folder.get(folder, set())
        views[user_id] = view_of(user_id, rules.get(user_id, []), frozenset(sources))
    return views


def view_of(user_id: int, rules: Iterable[Rule], hidden_sources: frozenset[int] = frozenset()) -> OwnView:
    """The view of a user who hides these sources and has these rules."""
    rules = list(rules)

    def values(action: RuleAction, kind: RuleKind) -> list[str]:
        return [r.value for r in rules if r.action == action and r.kind == kind]

    def ids(action: RuleAction, kind: RuleKind) -> frozenset[int]:
        return frozenset(int(v) for v in values(action, kind) if v.isdigit())

    return OwnView(user_id, hidden_sources=hidden_sources | ids(RuleAction.BLOCK, RuleKind.SOURCE),
                   block_entities=ids(RuleAction.BLOCK, RuleKind.ENTITY),
                   block_queries=tuple(sorted(set(values(RuleAction.BLOCK, RuleKind.QUERY)))),
                   keep_sources=ids(RuleAction.KEEP, RuleKind.SOURCE),
                   keep_entities=ids(RuleAction.KEEP, RuleKind.ENTITY),
                   keep_queries=tuple(sorted(set(values(RuleAction.KEEP, RuleKind.QUERY)))))


class RuleBook:
    """Several users' views at once, for the matcher: which of a batch's stories each user does not see."""

    def __init__(self, storage: Storage, views: dict[int, OwnView]) -> None:
        self.storage = storage
        self.views = views

    @classmethod
    def load(cls, storage: Storage, user_ids: Iterable[int]) -> RuleBook | None:
        """The users' views, or None when none of them hides anything (nothing to ask)."""
        views = {u: view for u, view in own_views(storage, user_ids).items() if view.hides_anything}
        return cls(storage, views) if views else None

    def hidden_stories(self, story_ids: Iterable[int]) -> dict[int, set[int]]:
        """user id → the stories among these out of the user's view."""
        ids = sorted(set(story_ids))
        found = {user_id: self.storage.hidden_story_ids(view, ids) for user_id, view in self.views.items()}
        return {user_id: hidden for user_id, hidden in found.items() if hidden}


def visible_stories(storage: Storage, user: User | None, story_ids: Sequence[int]) -> list[int]:
    """`story_ids` in their order, less those out of the user's view (none for a stranger)."""
    hidden = storage.hidden_story_ids(own_view(storage, user), story_ids)
    return [s for s in story_ids if s not in hidden]


def visible_articles(storage: Storage, user: User | None, article_ids: Sequence[int]) -> list[int]:
    """`article_ids` in their order, less those out of the user's view."""
    hidden = storage.hidden_article_ids(own_view(storage, user), article_ids)
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
