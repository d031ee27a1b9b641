"""Following: a user's watchlists made from what they type (an entity, a query, a source, a folder, a story),
checked and indexed; their private Atom feeds (a secret token, stored hashed, revocable) and their hooks."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from newsdesk.alerts.entities import EntityLookup, NoEntities, default_entities
from newsdesk.alerts.errors import BadWatchlist, EntitiesUnavailable, HookRefused, MailUnavailable, UnknownWatchlist
from newsdesk.config import Settings
from newsdesk.fetch import AddressPolicy, AddressRefused
from newsdesk.model import AlertEvent, User, WatchKind, Watchlist
from newsdesk.storage import UNKEYED, SearchError, Storage, parse_search_query, row_id

DEFAULT_EVENTS = {WatchKind.STORY: frozenset({AlertEvent.GROWS, AlertEvent.UPDATE})}
ANY_STORY_EVENTS = frozenset({AlertEvent.NEW})
MAX_WATCHLISTS = 500            # per user
_QUIET = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def parse_events(text: str | Iterable[str] | None, kind: WatchKind) -> frozenset[AlertEvent]:
    """"new,grows,update" (any of them) → the events; None or empty → the kind's default."""
    if text is None:
        return DEFAULT_EVENTS.get(kind, ANY_STORY_EVENTS)
    parts = [p.strip().lower() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    if not parts:
        return DEFAULT_EVENTS.get(kind, ANY_STORY_EVENTS)
    try:
        events = frozenset(AlertEvent(p) for p in parts)
    except ValueError:
        raise BadWatchlist(f"what counts is one or more of new, grows, update (comma-separated), not {text!r}") from None
    if kind == WatchKind.STORY and AlertEvent.NEW in events:
        raise BadWatchlist("a story watchlist follows one story: it counts grows and update, not new")
    if kind == WatchKind.STORYLINE and events != {AlertEvent.NEW}:
        raise BadWatchlist("a storyline watchlist counts a new event in the storyline: new, nothing else")
    return events


def parse_quiet(text: str | None) -> tuple[int, int] | None:
    """"22:00-07:00" → (minutes, minutes) after midnight; empty → None."""
    if not text or not text.strip():
        return None
    m = _QUIET.match(text)
    if not m:
        raise BadWatchlist(f"quiet hours are written HH:MM-HH:MM (e.g. 22:00-07:00), not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise BadWatchlist(f"quiet hours {text!r}: hours are 0 to 23 and minutes 0 to 59")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise BadWatchlist(f"quiet hours {text!r} begin when they end")
    return start, end


def format_quiet(watchlist: Watchlist) -> str:
    if watchlist.quiet_start is None or watchlist.quiet_end is None:
        return ""
    return (f"{watchlist.quiet_start // 60:02}:{watchlist.quiet_start % 60:02}-"
            f"{watchlist.quiet_end // 60:02}:{watchlist.quiet_end % 60:02}")


def check_hook(url: str, settings: Settings) -> str:
    """The hook URL, if the desk may post to it: http(s), a host, and not an address the fetcher's guard
    refuses (a name is checked again on every connection, where the guard resolves it)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise HookRefused(f"not a URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise HookRefused(f"a webhook is an http:// or https:// URL with a host, not {url!r}")
    if len(url) > 2000:
        raise HookRefused("a webhook URL has at most 2000 characters")
    try:
        AddressPolicy(settings.fetch_allow).check_literal(host)
    except AddressRefused as exc:
        raise HookRefused(f"webhook {url}: {exc}") from None
    if host.lower().rstrip(".") in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        if not AddressPolicy(settings.fetch_allow).host_allowed(host):
            raise HookRefused(f"webhook {url}: refused: {host} is this machine (a loopback name; "
                              "set fetch_allow to permit it)")
    return url


def check_email(address: str, settings: Settings) -> str:
    address = (address or "").strip()
    if not _EMAIL.match(address) or len(address) > 254:
        raise BadWatchlist(f"not an e-mail address: {address!r}")
    if not settings.smtp_host:
        raise MailUnavailable("this desk sends no e-mail: its SMTP server is not set (setting smtp_host)")
    return address


def _check_gap(hours: float | None) -> float | None:
    if hours is not None and not (0 < hours <= 24 * 30):
        raise BadWatchlist("at most one alert per story per N hours: N is above 0 and at most 720")
    return hours


def query_index(storage: Storage, query: str) -> tuple[list, list[str]]:
    """The query's terms as the index makes them ([[tokens, prefix], …]) and the terms that key it: its longest
    whole-word term (a rare word is a selective key), or UNKEYED when no word can."""
    try:
        terms = parse_search_query(query)
    except SearchError as exc:
        raise BadWatchlist(f"query {query!r}: {exc}") from None
    tokens = storage.index_tokens({w.lower() for t in terms for w in t.words})
    parsed = [[[tok for w in t.words for tok in tokens.get(w.lower(), ())], t.prefix] for t in terms]
    whole = [tok for toks, prefix in parsed if not prefix for tok in toks]
    return parsed, [max(whole, key=lambda tok: (len(tok), tok))] if whole else [UNKEYED]


def _source(storage: Storage, value: str):
    ident = row_id(value.strip())
    source = storage.get_source(ident) if ident else None
    if source is None:
        wanted = value.strip().lower()
        source = next((s for s in storage.list_sources() if wanted in (s.name.lower(), s.feed_url.lower())), None)
    if source is None:
        raise BadWatchlist(f"no source {value!r} (`newsdesk sources` lists them; give an id, title or feed URL)")
    return source


def follow(storage: Storage, user: User, kind: WatchKind | str, value: str, *, settings: Settings | None = None,
           events: str | Iterable[str] | None = None, quiet: str | None = None, min_gap_hours: float | None = None,
           webhook: str | None = None, email: str | None = None,
           entities: EntityLookup | None = None) -> Watchlist:
    """A new watchlist of the user's. Every refusal is an AlertError saying why; nothing is stored then."""
    settings = settings or Settings()
    try:
        kind = WatchKind(kind)
    except ValueError:
        raise BadWatchlist(f"follow one of: {', '.join(k.value for k in WatchKind)}; not {kind!r}") from None
    value = (value or "").strip()
    if not value:
        raise BadWatchlist(f"say which {kind} to follow")
    if len(value) > 500:
        raise BadWatchlist("what to follow has at most 500 characters")
    chosen = parse_events(events, kind)
    quiet_hours = parse_quiet(quiet)
    _check_gap(min_gap_hours)
    hook = check_hook(webhook, settings) if webhook else None
    address = check_email(email, settings) if email else None
    if len(storage.watchlists(user.id)) >= MAX_WATCHLISTS:
        raise BadWatchlist(f"you have {MAX_WATCHLISTS} watchlists, the most one user may keep: delete some first")
    extra: dict = {}
    if kind == WatchKind.ENTITY:
        lookup = entities if entities is not None else default_entities(storage)
        found = lookup.find_entity(value)
        if found is None:
            if isinstance(lookup, NoEntities):
                raise EntitiesUnavailable(value)
            raise BadWatchlist(f"no entity {value!r} on this desk: follow a person, organisation or place some "
                               "story names (`newsdesk entity NAME` or /entities?q=NAME finds them)")
        stored, label = str(found[0]), found[1]
    elif kind == WatchKind.QUERY:
        parsed, keys = query_index(storage, value)
        stored, label = value, value
        extra = {"query_terms": parsed, "terms": keys}
    elif kind == WatchKind.SOURCE:
        source = _source(storage, value)
        stored, label = str(source.id), source.name
    elif kind == WatchKind.FOLDER:
        folders = sorted({s.folder for s in storage.list_sources() if s.folder})
        match = next((f for f in folders if f.lower() == value.lower()), None)
        if match is None:
            raise BadWatchlist(f"no folder {value!r}" + (f" (folders: {', '.join(folders)})" if folders else
                                                         " (no source is in a folder)"))
        stored, label = match, match
        extra = {"folder": match}
    elif kind == WatchKind.STORYLINE:
        storyline = storage.get_storyline(value.strip())
        if storyline is None:
            raise BadWatchlist(f"no storyline {value!r} (`newsdesk storylines` lists them; give an id or a slug)")
        stored, label = str(storyline.id), storyline.title or storyline.slug
    else:
        story = storage.get_story(value)
        if story is None or not story.page_json:
            raise BadWatchlist(f"no story {value!r} (`newsdesk stories` lists them; give an id or a slug)")
        stored, label = str(story.id), story.headline or story.slug
        extra = {"story_sources": story.independent_count}
    return storage.add_watchlist(user.id, kind, stored, label, chosen, quiet=quiet_hours, min_gap_hours=min_gap_hours,
                                 webhook_url=hook, webhook_secret=secrets.token_hex(32) if hook else None,
                                 email=address, **extra)


def users_watchlist(storage: Storage, user: User, watchlist_id: int | str) -> Watchlist:
    ident = row_id(watchlist_id) if isinstance(watchlist_id, str) else watchlist_id
    found = storage.get_watchlist(ident) if ident else None
    if found is None or found.user_id != user.id:
        raise UnknownWatchlist(watchlist_id)
    return found


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def change_watchlist(storage: Storage, user: User, watchlist_id: int | str, *, settings: Settings | None = None,
                     events: str | Iterable[str] | None = UNCHANGED, quiet: str | None = UNCHANGED,
                     min_gap_hours: float | None = UNCHANGED, webhook: str | None = UNCHANGED,
                     email: str | None = UNCHANGED) -> Watchlist:
    """Change what counts, the limits or where alerts go of one of the user's watchlists: only what is given
    (None clears the quiet hours, the gap, the hook or the e-mail; a new hook gets a new secret). Everything is
    checked before anything is stored."""
    settings = settings or Settings()
    found = users_watchlist(storage, user, watchlist_id)
    chosen = found.events if events is UNCHANGED else parse_events(events, found.kind)
    quiet_hours = ((found.quiet_start, found.quiet_end) if found.quiet_start is not None else None) \
        if quiet is UNCHANGED else parse_quiet(quiet)
    gap = found.min_gap_hours if min_gap_hours is UNCHANGED else _check_gap(min_gap_hours)
    address = found.email if email is UNCHANGED else (check_email(email, settings) if email else None)
    hook = None
    if webhook is not UNCHANGED:
        url = check_hook(webhook, settings) if webhook else None
        if url != found.webhook_url:
            hook = (url, secrets.token_hex(32) if url else None)
    storage.update_watchlist(found.id, events=chosen, quiet=quiet_hours, min_gap_hours=gap, email=address, hook=hook)
    return storage.get_watchlist(found.id)


def unfollow(storage: Storage, user: User, watchlist_id: int | str) -> Watchlist:
    found = users_watchlist(storage, user, watchlist_id)
    storage.delete_watchlist(user.id, found.id)
    return found


def new_feed(storage: Storage, user: User, watchlist_id: int | str) -> str:
    """A new secret feed token for the watchlist (the old one stops working); only its hash is kept, so the
    path is shown once: /feeds/watchlists/TOKEN.atom."""
    found = users_watchlist(storage, user, watchlist_id)
    token = "ndw_" + secrets.token_urlsafe(24)
    storage.set_watchlist_feed(found.id, hash_token(token))
    return f"/feeds/watchlists/{token}.atom"


def revoke_feed(storage: Storage, user: User, watchlist_id: int | str) -> None:
    storage.set_watchlist_feed(users_watchlist(storage, user, watchlist_id).id, None)


def set_hook(storage: Storage, user: User, watchlist_id: int | str, url: str | None,
             settings: Settings | None = None) -> Watchlist:
    """A new hook for the watchlist (a new secret), or none; enabled."""
    found = users_watchlist(storage, user, watchlist_id)
    hook = check_hook(url, settings or Settings()) if url else None
    storage.set_webhook(found.id, hook, secrets.token_hex(32) if hook else None)
    return storage.get_watchlist(found.id)


def enable_hook(storage: Storage, user: User, watchlist_id: int | str) -> Watchlist:
    found = users_watchlist(storage, user, watchlist_id)
    if not found.webhook_url:
        raise BadWatchlist(f"watchlist {found.id} has no webhook")
    storage.enable_webhook(found.id)
    return storage.get_watchlist(found.id)
