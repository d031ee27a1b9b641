"""The desk: composes sources → fetch → extract → dedupe → storage, groups stories and writes their pages.

The story modules (grouping, pages, regroup, related) load numpy and the models: they are imported on first
use, so the extraction workers and the CLI's other commands start without them."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from newsdesk.pipeline.desk import Desk, OpmlImport, Outcome, SourceReport, SubscribeError
from newsdesk.pipeline.ingest import Incoming, Ingest, new_article
from newsdesk.pipeline.oneoff import local_incoming
from newsdesk.pipeline.timing import StageTimer
from newsdesk.pipeline.work import Processed, process_page, process_text
from newsdesk.pipeline.subscriptions import Subscriptions, subscribe

if TYPE_CHECKING:
    from newsdesk.pipeline.asking import ask_story, story_asker
    from newsdesk.pipeline.coverage import blindspot_stories, stories_coverage
    from newsdesk.pipeline.grouping import VECTOR_MODEL, StoryGrouper, slugify
    from newsdesk.pipeline.kept_pages import UpkeepReport, page_upkeep, page_upkeep_round
    from newsdesk.pipeline.meaning_search import MeaningHit, stories_by_meaning, warm_meaning_search
    from newsdesk.pipeline.pages import PageWriter, StoryWriter, story_writer, writer_articles
    from newsdesk.pipeline.regrouping import regroup
    from newsdesk.pipeline.rewrite import rewrite_pages
    from newsdesk.pipeline.related import Related, rank_by_centroid, related_stories
    from newsdesk.pipeline.since_read import (
        changes_since,
        changes_since_read,
        fact_finder,
        stories_changed_since_read,
        story_change_marks,
    )
    from newsdesk.pipeline.story_entities import StoryEntities, ner_cpu_seconds, warm_ner
    from newsdesk.pipeline.vectors import (Reembedded, desk_embedder, desk_multilingual_embedder,
                                           needs_reembedding, reembed)
    from newsdesk.pipeline.storylines import StorylineUpdates, refresh_storylines

_LAZY = {"VECTOR_MODEL": "grouping", "StoryGrouper": "grouping", "slugify": "grouping", "PageWriter": "pages",
         "StoryWriter": "pages", "story_writer": "pages", "regroup": "regrouping", "rewrite_pages": "rewrite",
         "Related": "related", "rank_by_centroid": "related", "related_stories": "related",
         "changes_since": "since_read",
         "changes_since_read": "since_read", "fact_finder": "since_read", "story_change_marks": "since_read",
         "stories_changed_since_read": "since_read", "writer_articles": "pages", "stories_coverage": "coverage",
         "ask_story": "asking", "story_asker": "asking", "blindspot_stories": "coverage",
         "warm_ner": "story_entities", "StoryEntities": "story_entities", "ner_cpu_seconds": "story_entities",
         "Reembedded": "vectors", "desk_embedder": "vectors", "desk_multilingual_embedder": "vectors", "needs_reembedding": "vectors", "reembed": "vectors",
         "page_upkeep": "kept_pages", "page_upkeep_round": "kept_pages", "UpkeepReport": "kept_pages",
         "MeaningHit": "meaning_search", "stories_by_meaning": "meaning_search", "warm_meaning_search": "meaning_search",
         "StorylineUpdates": "storylines", "refresh_storylines": "storylines"}

__all__ = ["Desk", "Incoming", "Ingest", "MeaningHit", "OpmlImport", "Outcome", "PageWriter", "Processed",
           "Reembedded", "Related", "SourceReport", "StageTimer", "StoryEntities", "StoryGrouper", "StoryWriter",
           "StorylineUpdates", "SubscribeError", "Subscriptions", "VECTOR_MODEL", "ask_story", "blindspot_stories",
           "changes_since", "changes_since_read", "desk_embedder", "desk_multilingual_embedder", "fact_finder", "local_incoming",
           "needs_reembedding", "ner_cpu_seconds", "process_page", "process_text", "rank_by_centroid", "reembed",
           "refresh_storylines", "regroup", "related_stories", "rewrite_pages", "slugify", "stories_by_meaning",
           "stories_changed_since_read", "stories_coverage", "story_asker", "story_change_marks", "story_writer",
           "subscribe", "warm_meaning_search", "warm_ner", "writer_articles", "UpkeepReport", "page_upkeep", "page_upkeep_round",
           "new_article"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"newsdesk.pipeline.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'newsdesk.pipeline' has no attribute {name!r}")
