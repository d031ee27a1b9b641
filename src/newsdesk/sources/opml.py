"""OPML subscription lists: import, export, and the default list shipped with newsdesk."""

from __future__ import annotations

from dataclasses import dataclass


class OpmlError(Exception):
    pass


@dataclass
class OpmlFeed:
    feed_url: str
    title: str | None = None
    site_url: str | None = None
    folder: str | None = None      # the enclosing outline's title ("World", "Technology"...)


def read_opml(data: bytes) -> list[OpmlFeed]:
    raise NotImplementedError


def write_opml(feeds: list[OpmlFeed], title: str = "newsdesk subscriptions") -> str:
    raise NotImplementedError


def default_feeds() -> list[OpmlFeed]:
    raise NotImplementedError
