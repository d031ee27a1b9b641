"""The sync APIs reader apps speak (Google Reader's, as FreshRSS and Miniflux serve it, and Fever's), over the
desk's users and their reading state. Reprints fold into their original; the desk's stories are offered as a
virtual feed whose items are story pages."""

from newsdesk.sync.googlereader import router as google_reader_router
from newsdesk.sync.greader_auth import MAX_IDS
from newsdesk.sync.items import STORIES_FEED_TITLE, STORY_ITEM_BASE, is_story_item, story_item_id, story_of_item
from newsdesk.sync.fever import router as fever_router

__all__ = ["MAX_IDS", "STORIES_FEED_TITLE", "STORY_ITEM_BASE", "fever_router", "google_reader_router", "is_story_item",
           "story_item_id", "story_of_item"]
