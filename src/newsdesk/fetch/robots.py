"""robots.txt rules per origin, cached with a time to live."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from protego import Protego

ROBOTS_TOKEN = "newsdesk"


@dataclass
class RobotsRules:
    parser: Protego | None          # None: everything allowed
    expires: float                  # time.monotonic() deadline

    def allows(self, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(url, ROBOTS_TOKEN)

    @property
    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(ROBOTS_TOKEN)
        return float(delay) if delay is not None else None


def parse_robots(body: bytes, ttl: float) -> RobotsRules:
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        parser = Protego.parse(text)
    except Exception:           # a robots.txt too broken to parse restricts nothing
        parser = None
    return RobotsRules(parser, time.monotonic() + ttl)


def allow_all(ttl: float) -> RobotsRules:
    return RobotsRules(None, time.monotonic() + ttl)


class RobotsCache:
    def __init__(self):
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def fresh(self, origin: str) -> RobotsRules | None:
        rules = self._rules.get(origin)
        if rules is not None and rules.expires > time.monotonic():
            return rules
        return None

    def lock(self, origin: str) -> asyncio.Lock:
        return self._locks.setdefault(origin, asyncio.Lock())

    def put(self, origin: str, rules: RobotsRules) -> None:
        self._rules[origin] = rules
