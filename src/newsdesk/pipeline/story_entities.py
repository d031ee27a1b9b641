"""The entities of story pages: the names in a batch of stories' articles found by the NER in one pass
(`nlp.pipe`, in a worker process of its own), then resolved per story and stored as the page writer writes the
stories' pages.

The NER runs in one spawned worker process, shared by the desks of a process: the desk's own work (grouping,
page writing) holds the interpreter lock, so the model in a thread beside it would wait its turn; in a process
it uses the machine's other core while the batch it was handed is grouped."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newsdesk.entities import (
    MAX_CHARS,
    NER_MODEL,
    article_text,
    find_mentions,
    named_again,
    reads_language,
    resolve_story,
    unread_tail,
    use_one_core,
)
from newsdesk.lifeline import die_with_parent
from newsdesk.model import Article, Mention
from newsdesk.storage import Storage

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _ner_pool(renew: bool = False) -> ProcessPoolExecutor:
    """The NER worker process (started on first use; again after it died)."""
    global _pool
    with _pool_lock:
        if renew and _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_worker_start, initargs=(os.getpid(),))
        return _pool


def _worker_start(parent_pid: int) -> None:
    """In the NER worker: end with the desk, and give way to the desk's own work (the names are background
    work: they use the CPU the desk leaves idle)."""
    die_with_parent(parent_pid)
    try:
        os.nice(10)
    except OSError:
        pass
    use_one_core()


def warm_ner() -> None:
    """Start the NER worker and load its model now (a second or two, once per process)."""
    _submit(["Warm up in Paris."]).result()


def ner_cpu_seconds() -> float | None:
    """CPU seconds the NER worker has used so far (Linux: from /proc), None when unknown."""
    with _pool_lock:
        processes = list((_pool._processes or {}).values()) if _pool is not None else []
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    for process in processes:
        try:
            with open(f"/proc/{process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks     # utime, stime
    return total


def _submit(texts: list[str]) -> Future:
    try:
        return _ner_pool().submit(find_mentions, texts)
    except (BrokenProcessPool, RuntimeError):      # the worker died (killed, out of memory): start another
        return _ner_pool(renew=True).submit(find_mentions, texts)


class StoryEntities:
    """Finds and stores the entities of stories. `prepare` hands a batch's new articles to the NER ahead (the
    grouper calls it beside its work); `update` hands over what is still missing and stores the entities of
    the stories whose names are all read, keeping the others for the next `update` (which waits for them
    first) or `flush`: a story's entities follow its page by one batch at most, and the page writer never
    waits for the NER while it has pages to write."""

    def __init__(self, storage: Storage, remember: int = 4096, chars: int = MAX_CHARS) -> None:
        self.storage = storage
        self.chars = chars          # of each article's text read after its title (the setting `entity_chars`)
        self.remember = remember
        self.pending: OrderedDict[tuple[int, str], tuple[Future, int, list[str]]] = OrderedDict()
        self.deferred: dict[int, list[Article]] = {}      # stories whose names were not all read yet
        self.seconds = 0.0          # wall seconds of `update`: waiting for names, finding the missing, storing
        self.ahead_seconds = 0.0    # of `prepare`
        self.articles_read = 0
        self._lock = threading.Lock()

    @staticmethod
    def _readable(articles: Sequence[Article]) -> list[Article]:
        """Originals in a language the model reads: a reprint names what its original names, and counts for
        no independent source."""
        return [a for a in articles if a.original_id is None and reads_language(a.language)]

    def _hand_over(self, articles: Sequence[Article], evict: bool = True) -> None:
        texts = [article_text(a.title, a.text, self.chars) for a in articles]
        future = _submit(texts)
        with self._lock:
            for index, a in enumerate(articles):
                self.pending[a.id, a.text_hash] = (future, index, texts)
            while evict and len(self.pending) > self.remember:     # handed over ahead, never asked for
                self.pending.popitem(last=False)
            self.articles_read += len(articles)

    def _collect(self, article: Article) -> list[Mention]:
        key = (article.id, article.text_hash)
        with self._lock:
            held = self.pending.pop(key, None)
        if held is None:
            self._hand_over([article], evict=False)
            with self._lock:
                held = self.pending.pop(key)
        future, index, texts = held
        try:
            return future.result()[index]
        except BrokenProcessPool:     # the worker died under this batch: hand it to a new one, once
            found = _submit(texts).result()
            with self._lock:
                for k, (f, i, _) in list(self.pending.items()):
                    if f is future:
                        self.pending[k] = (_resolved(found), i, texts)
            return found[index]

    def prepare(self, articles: Sequence[Article]) -> None:
        """Hand these articles to the NER now; `update` collects what it found."""
        started = time.perf_counter()
        with self._lock:
            todo = [a for a in self._readable(articles) if (a.id, a.text_hash) not in self.pending]
        if todo:
            self._hand_over(todo)
        self.ahead_seconds += time.perf_counter() - started

    def update(self, stories: dict[int, list[Article]]) -> None:
        """Store the entities of each story (story id -> its articles, oldest first) whose articles' names are
        read; hand over the articles not read for their current text; the stories left wait for the next call
        (which first finishes those of the call before it) or `flush`."""
        started = time.perf_counter()
        earlier, self.deferred = self.deferred, {}
        self._store(earlier)
        stale = self._stale(stories)
        with self._lock:
            missing = [a for a in stale.values() if (a.id, a.text_hash) not in self.pending]
        if missing:
            self._hand_over(missing, evict=False)
        ready = {}
        for story_id, articles in stories.items():
            waiting = [a for a in articles if a.id in stale]
            with self._lock:
                done = all(self.pending[a.id, a.text_hash][0].done() for a in waiting
                           if (a.id, a.text_hash) in self.pending)
            (ready if done else self.deferred)[story_id] = articles
        self._store(ready)
        self.seconds += time.perf_counter() - started

    def flush(self) -> None:
        """Store the entities of the stories still waiting for their names (waiting for the NER)."""
        started = time.perf_counter()
        earlier, self.deferred = self.deferred, {}
        self._store(earlier)
        self.seconds += time.perf_counter() - started

    def _stale(self, stories: dict[int, list[Article]]) -> dict[int, Article]:
        """The readable originals whose names are not stored for their current text, by id."""
        every = [a for articles in stories.values() for a in articles if a.original_id is None]
        scanned = self.storage.entity_scans([a.id for a in every])
        return {a.id: a for a in self._readable(every) if scanned.get(a.id) != a.text_hash}

    def _store(self, stories: dict[int, list[Article]]) -> None:
        if not stories:
            return
        every = [a for articles in stories.values() for a in articles if a.original_id is None]
        scanned = self.storage.entity_scans([a.id for a in every])
        readable = {a.id for a in self._readable(every)}
        new: dict[int, tuple[str, list[Mention]]] = {}
        for a in every:
            if scanned.get(a.id) == a.text_hash:
                continue
            if a.id not in readable:
                new[a.id] = (a.text_hash, [])        # another language: read, and names nothing
            else:
                new[a.id] = (a.text_hash, self._collect(a))
        self.storage.save_mentions(new, NER_MODEL)
        mentions = self.storage.article_mentions([a.id for a in every])
        for story_id, articles in stories.items():
            originals = [a for a in articles if a.original_id is None]
            found = named_again({a.id: mentions.get(a.id, []) for a in originals},
                                {a.id: unread_tail(a.text, self.chars) for a in originals if a.id in readable})
            groups = resolve_story(found.items())
            self.storage.save_story_entities(
                story_id, groups, times={a.id: a.time for a in originals},
                outlets={a.id: a.outlet or "unknown outlet" for a in originals})


def _resolved(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future
