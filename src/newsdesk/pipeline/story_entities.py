"""The entities of story pages: the names in a batch of stories' articles found by the NER in one pass
(`nlp.pipe`), then resolved per story and stored, as the page writer writes the stories' pages."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

from newsdesk.entities import NER_MODEL, article_text, find_mentions, reads_language, resolve_story
from newsdesk.model import Article, Mention
from newsdesk.storage import Storage


class StoryEntities:
    """Finds and stores the entities of stories. `prepare` may read a batch's new articles ahead, in the thread
    the grouper runs beside its work; `update` finds what is still missing and stores every story's entities."""

    def __init__(self, storage: Storage, remember: int = 4096) -> None:
        self.storage = storage
        self.remember = remember
        self.found: OrderedDict[tuple[int, str], list[Mention]] = OrderedDict()   # read ahead by `prepare`
        self.seconds = 0.0          # wall seconds of `update`: the names still to find, resolving, storing
        self.ahead_seconds = 0.0    # of `prepare`, beside the grouping
        self.articles_read = 0
        self._lock = threading.Lock()

    @staticmethod
    def _readable(articles: Sequence[Article]) -> list[Article]:
        """Originals in a language the model reads: a reprint names what its original names, and counts for
        no independent source."""
        return [a for a in articles if a.original_id is None and reads_language(a.language)]

    def _read(self, articles: Sequence[Article]) -> dict[int, list[Mention]]:
        found = find_mentions([article_text(a.title, a.text) for a in articles])
        with self._lock:
            self.articles_read += len(articles)
        return {a.id: mentions for a, mentions in zip(articles, found)}

    def prepare(self, articles: Sequence[Article]) -> None:
        """Read the names of these articles now (kept in memory until `update` stores them)."""
        todo = [a for a in self._readable(articles) if (a.id, a.text_hash) not in self.found]
        if not todo:
            return
        started = time.perf_counter()
        found = self._read(todo)
        with self._lock:
            for a in todo:
                self.found[a.id, a.text_hash] = found[a.id]
            while len(self.found) > self.remember:
                self.found.popitem(last=False)
            self.ahead_seconds += time.perf_counter() - started

    def update(self, stories: dict[int, list[Article]]) -> None:
        """Store the entities of each story (story id -> its articles, oldest first), reading in one pass the
        articles whose names are not known for their current text."""
        started = time.perf_counter()
        every = [a for articles in stories.values() for a in articles if a.original_id is None]
        scanned = self.storage.entity_scans([a.id for a in every])
        stale = [a for a in every if scanned.get(a.id) != a.text_hash]
        readable = {a.id for a in self._readable(stale)}
        new: dict[int, tuple[str, list[Mention]]] = {}
        missing = []
        with self._lock:
            for a in stale:
                if a.id not in readable:
                    new[a.id] = (a.text_hash, [])        # another language: read, and names nothing
                elif (a.id, a.text_hash) in self.found:
                    new[a.id] = (a.text_hash, self.found.pop((a.id, a.text_hash)))
                else:
                    missing.append(a)
        if missing:
            found = self._read(missing)
            new.update({a.id: (a.text_hash, found[a.id]) for a in missing})
        self.storage.save_mentions(new, NER_MODEL)
        mentions = self.storage.article_mentions([a.id for a in every])
        for story_id, articles in stories.items():
            originals = [a for a in articles if a.original_id is None]
            groups = resolve_story((a.id, mentions.get(a.id, [])) for a in originals)
            self.storage.save_story_entities(
                story_id, groups, times={a.id: a.time for a in originals},
                outlets={a.id: a.outlet or "unknown outlet" for a in originals})
        self.seconds += time.perf_counter() - started
