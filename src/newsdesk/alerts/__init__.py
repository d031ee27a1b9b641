"""Following and alerts: users' watchlists (an entity, a query, a source, a folder, a story), the matcher the
pipeline calls after story pages are written, the outbox it fills (an alert decided once per idempotency key),
the pushes (in the app, Atom, webhook, e-mail, digests) and users' block/keep rules."""

from newsdesk.alerts.delivery import Deliverer, DeliveryReport, DeliveryWorker, backoff
from newsdesk.alerts.digest import build_digest, make_due_digests, set_digest
from newsdesk.alerts.entities import EntityLookup, EntityMap, NoEntities, StoredEntities, default_entities
from newsdesk.alerts.errors import (
    AlertError, AmbiguousEntity, BadWatchlist, EntitiesUnavailable, HookRefused, MailUnavailable, UnknownWatchlist,
)
from newsdesk.alerts.matching import Matcher, MatchReport, quiet_until
from newsdesk.alerts.messages import EVENT_NAMES, alert_message, desk_link
from newsdesk.alerts.rules import (
    RuleBook, add_rule, delete_rule, own_view, own_views, visible_articles, visible_stories,
)
from newsdesk.alerts.watchlists import (
    UNCHANGED, change_watchlist, check_hook, enable_hook, follow, format_quiet, hash_token, new_feed, parse_events,
    parse_quiet, query_index, revoke_feed, set_hook, unfollow, users_watchlist,
)
from newsdesk.alerts.webhook import SIGNATURE_HEADER, sign, verify

__all__ = ["add_rule", "alert_message", "AlertError", "AmbiguousEntity", "backoff", "BadWatchlist", "build_digest",
           "change_watchlist", "check_hook", "default_entities", "delete_rule", "Deliverer", "DeliveryReport",
           "DeliveryWorker", "desk_link", "enable_hook", "EntitiesUnavailable", "EntityLookup", "EntityMap",
           "EVENT_NAMES", "follow", "format_quiet", "hash_token", "HookRefused", "MailUnavailable",
           "make_due_digests", "Matcher", "MatchReport", "new_feed", "NoEntities", "own_view", "own_views",
           "parse_events", "parse_quiet", "query_index", "quiet_until", "revoke_feed", "RuleBook", "set_digest",
           "set_hook", "sign", "SIGNATURE_HEADER", "StoredEntities", "UNCHANGED", "unfollow", "UnknownWatchlist",
           "users_watchlist", "verify", "visible_articles", "visible_stories"]
