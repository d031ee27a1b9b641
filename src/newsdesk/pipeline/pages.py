"""Story pages written from their articles by the story writer the desk built, each only when its articles
changed."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Protocol

import numpy as np

from newsdesk.config import Settings
from newsdesk.embed import unpack_rows
from newsdesk.language import DEFAULT_DISPLAY_LANGUAGE, DISPLAY_LANGUAGE_SETTING
from newsdesk.model import Article, StoryArticle, StoryPage
from newsdesk.pipeline.editions import edition_json, editions, lead_with
from newsdesk.pipeline.grouping import VECTOR_MODEL
from newsdesk.pipeline.story_entities import StoryEntities
from newsdesk.storage import Storage
from newsdesk.synthesize import PAGE_VERSION, default_writer


class StoryWriter(Protocol):
    """The extractive `Writer` or the `LLMWriter`: articles in, a page out."""

    def __call__(self, articles: Sequence[StoryArticle]) -> StoryPage: ...

    def prepare(self, reports: Sequence[tuple[str | None, ...]]) -> None: ...


def story_writer(settings: Settings, encoder=None, multilingual=None) -> StoryWriter:
    """The writer the settings ask for: the LLM writer when llm_url is set, else the extractive one; both
    show dates in the desk's time zone, and embed with `encoder` (across languages `multilingual`) or else the
    process's shared embedders."""
    from newsdesk.synthesize import Writer, WriterConfig

    extractive = Writer(WriterConfig(zone=settings.zone()), encoder=encoder, multilingual=multilingual)
    if not settings.llm_url:
        return extractive
    from newsdesk.synthesize import LLMWriter, config_from_settings

    return LLMWriter(config_from_settings(settings), writer=extractive)


def _jsonable(value):
    if is_dataclass(value):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def page_signature(articles: list[Article]) -> str:
    """What a story page is written from: its articles, each with its text, title, time and copy link."""
    h = hashlib.sha1()
    for a in articles:
        h.update(f"{a.id}\x1f{a.text_hash}\x1f{a.title}\x1f{a.time}\x1f{a.updated_at}\x1f{a.outlet}\x1f"
                 f"{a.original_id}\x1e"
                 .encode("utf-8", "replace"))
    return h.hexdigest()


class PageWriter:
    """Writes story pages, each at most once per call, and not at all when the story's articles are what they
    were at its last write (remembered for the `remember` most recent stories)."""

    def __init__(self, storage: Storage, writer: StoryWriter | None = None, remember: int = 200_000,
                 entities: StoryEntities | None = None) -> None:
        """`entities`: what finds and stores the entities of the stories written (none: pages only)."""
        self.storage = storage
        self.writer = writer or default_writer()
        self.remember = remember
        self.entities = entities
        self.signatures: OrderedDict[int, str] = OrderedDict()
        self.written = 0
        self.skipped = 0

    def prepare(self, articles: list[Article]) -> None:
        """Embed what the writer will read of these articles (their sentences and titles), and find the names
        in them, ahead of writing."""
        if self.entities is not None:      # first: it only hands them to the NER worker, which reads meanwhile
            self.entities.prepare(articles)
        self.writer.prepare([(a.title, a.text, a.language) for a in articles if a.original_id is None])

    def flush(self) -> None:
        """Store the entities still waiting for the NER (the page writer does not wait for them)."""
        if self.entities is not None:
            self.entities.flush()

    def write(self, story_ids: set[int] | list[int]) -> int:
        """Write the page of each story that changed (its entities first); returns how many were written."""
        written = 0
        due: dict[int, tuple[list[Article], str]] = {}
        for story_id in dict.fromkeys(story_ids):
            story = self.storage.get_story(story_id)
            if story is None or story.id != story_id:
                continue
            articles = self.storage.story_articles(story_id)
            if not articles:
                continue
            signature = page_signature(articles)
            if story.page_json is not None and self.signatures.get(story_id) == signature:
                self.skipped += 1
                continue
            due[story_id] = (articles, signature)
        if self.entities is not None and due:
            self.entities.update({story_id: articles for story_id, (articles, _) in due.items()})
        for story_id, (articles, signature) in due.items():
            _write_page(self.storage, story_id, articles, self.writer)
            self.signatures[story_id] = signature
            self.signatures.move_to_end(story_id)
            while len(self.signatures) > self.remember:
                self.signatures.popitem(last=False)
            written += 1
        self.written += written
        return written


def writer_articles(storage: Storage, articles: list[Article]) -> list[StoryArticle]:
    """A story's articles as the story writer reads them, each with its first version when it changed since."""
    first = storage.first_revisions([a.id for a in articles if a.revision_count > 1])
    return [StoryArticle(id=a.id, outlet=a.outlet or "unknown outlet", title=a.title or "", text=a.text,
                         published=a.time, url=a.url, is_reprint=a.original_id is not None,
                         original_id=a.original_id, updated=a.updated_at,
                         first_title=first[a.id][0] if a.id in first else None,
                         first_text=first[a.id][1] if a.id in first else None, language=a.language)
            for a in articles]


def _write_page(storage: Storage, story_id: int, articles: list[Article], writer: StoryWriter) -> None:
    vectors = storage.vectors([a.id for a in articles if a.original_id is None], VECTOR_MODEL)
    centroid = None
    if vectors:
        mean = unpack_rows(list(vectors.values())).mean(axis=0)
        centroid = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32).tobytes()
    readable = writer_articles(storage, articles)
    page = writer(readable)
    by_language = editions(readable, page, writer)
    display = storage.get_setting(DISPLAY_LANGUAGE_SETTING) or DEFAULT_DISPLAY_LANGUAGE
    page = lead_with(page, by_language.get(display), readable, display)
    document = {"version": PAGE_VERSION, **_jsonable(page)}
    if by_language:
        document["editions"] = {lang: edition_json(e, _jsonable) for lang, e in by_language.items()}
    pinned = storage.story_override(story_id).headline      # a person's headline stands until unpinned
    if pinned:
        document["headline"] = pinned
        document["headline_pinned"] = True
    storage.save_story_page(
        story_id, headline=document["headline"], page_json=json.dumps(document),
        first_published=page.first_published, last_updated=page.last_updated, article_count=len(articles),
        independent_count=len(page.independent), reprint_count=len(page.reprints), centroid=centroid)
