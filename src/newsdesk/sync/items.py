"""Item ids the sync APIs hand to reader apps: an article's id as it is, a story's id above STORY_ITEM_BASE, so
that one integer names either and both APIs (and both ways of writing a Google Reader id) agree."""

from __future__ import annotations

# Above any article id a desk will reach (2**40 ≈ 1.1e12), below 2**53 (what JavaScript clients hold exactly).
STORY_ITEM_BASE = 2 ** 40
STORIES_FEED_TITLE = "Stories"


def story_item_id(story_id: int) -> int:
    return STORY_ITEM_BASE + story_id


def is_story_item(item_id: int) -> bool:
    return item_id > STORY_ITEM_BASE


def story_of_item(item_id: int) -> int:
    return item_id - STORY_ITEM_BASE
