"""Every way following and alerts can refuse, each with a message a user can read."""

from __future__ import annotations

from newsdesk.errors import NewsdeskError


class AlertError(NewsdeskError):
    """A watchlist, rule or digest request was refused; nothing was changed."""


class BadWatchlist(AlertError):
    """What to follow, or how, cannot be understood (an empty query, an unknown source, bad quiet hours …)."""


class UnknownWatchlist(AlertError):
    def __init__(self, watchlist_id: int | str) -> None:
        super().__init__(f"no watchlist {watchlist_id} of yours (`newsdesk watchlists --user NAME` lists them)")


class HookRefused(AlertError):
    """A webhook URL the desk will not post to (not http(s), or an address the SSRF guard refuses)."""


class MailUnavailable(AlertError):
    """E-mail was asked for but the desk has no SMTP server set."""


class EntitiesUnavailable(AlertError):
    def __init__(self, name: str) -> None:
        super().__init__(f"cannot look up the entity {name!r}: this desk does not recognise entities yet; "
                         "follow an entity by its id")


class AmbiguousEntity(BadWatchlist):
    def __init__(self, name: str, candidates: list[tuple[int, str, str, int]], more: bool = False) -> None:
        """`candidates`: (id, name, type, live stories naming it) of the entities the name matches; `more`:
        it matches others besides."""
        self.candidates = candidates
        listed = "; ".join(f"{shown} ({kind}, id {ident}, {count} stor{'y' if count == 1 else 'ies'})"
                           for ident, shown, kind, count in candidates)
        super().__init__(f"{name!r} names {'more than ' if more else ''}{len(candidates)} entities: {listed}"
                         f"{'; …' if more else ''}. Say which: give its id or its full name")
