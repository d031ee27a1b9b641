"""A story's sources and timeline in pages: the story page shows PER_PAGE of each with links to the rest (no
script needed), the JSON API the same with `page` and `per_page`. The order is the page's own (sources oldest
first by publication time, then id; the timeline by time), so each item is on exactly one page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PER_PAGE = 30
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
STORY_PAGE_HELP = ("the page of the story's sources, timeline and `why` (each `per_page` long, in their own order; "
                   "a page past the last gives the last): `sources_page` and `timeline_page` say how many there are")


@dataclass(frozen=True)
class Paged:
    items: list[Any]
    page: int           # 1-based, clamped to the last page
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The 1-based position of the first item shown (0 when there is none)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    def as_json(self) -> dict:
        return {"page": self.page, "per_page": self.per_page, "total": self.total, "pages": self.pages}


def paged(items: list[Any], page: int = 1, per_page: int = PER_PAGE) -> Paged:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    pages = max(1, -(-len(items) // per_page))
    page = max(1, min(page, pages))
    start = (page - 1) * per_page
    return Paged(items[start:start + per_page], page, per_page, len(items))


def story_pages(doc: dict, sources_page: int = 1, timeline_page: int = 1, per_page: int = PER_PAGE
                ) -> tuple[Paged, Paged]:
    """The story document's sources and timeline, each at its page."""
    return paged(doc["sources"], sources_page, per_page), paged(doc.get("timeline") or [], timeline_page, per_page)
