"""Stored articles grouped by event: the online clusterer with its state kept in storage, so a restart goes
on where it stood (the rows of that state: `grouper_state`)."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import numpy as np

from newsdesk.cluster import (STATE_VERSION, WINDOW, Assignment, ClusterInput, LinkConstraints, OnlineClusterer,
                              mark_saved, state_changes)
from newsdesk.embed import pack_rows, unpack_rows
from newsdesk.model import Article, JoinReason
from newsdesk.pipeline.grouper_state import load_clusterer, saved_meta, state_rows
from newsdesk.storage import Storage
from newsdesk.timeutil import utcnow

log = logging.getLogger(__name__)

# Names what a stored article vector is; a desk whose checkpoint names another starts its grouper afresh.
VECTOR_MODEL = "all-MiniLM-L6-v2-dynint8-leadmean"


def slugify(title: str, words: int = 8) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_title)[:words]) or "story"


class StoryGrouper:
    """The online clusterer with its state in storage. The state is checkpointed (`checkpoint`) at most every
    `CHECKPOINT_EVERY` seconds and never more often than keeps saving under `CHECKPOINT_SHARE` of the grouping
    time; a checkpoint writes the stories, index entries and document frequencies that changed since the last.
    The articles placed after the last checkpoint are replayed from their stored story assignments when the
    state is loaded, so a crash loses no grouping."""

    CHECKPOINT_EVERY = 60.0
    CHECKPOINT_SHARE = 0.1

    def __init__(self, storage: Storage, clusterer: OnlineClusterer | None = None,
                 window: timedelta | None = None, embedder=None, multilingual=None):
        """`multilingual`: the encoder of reports across languages (the desk's, with its stored vectors; the
        process's shared one when None)."""
        self.storage = storage
        self.story_ids: dict[int, int] = {}          # the clusterer's story id → the stored story id
        self.seconds: Counter = Counter()            # wall seconds by stage: embed, group, checkpoint
        self.cpu: Counter = Counter()                # CPU seconds of the grouping thread, same stages
        self.replayed = 0
        self._dirty = False
        self._whole = True          # the next save writes the whole state (the clusterer is not the saved one)
        self._saved_at = time.monotonic()
        self._save_cost = 0.0
        self.corrections_seen = storage.corrections_version()
        if clusterer is not None:
            self.clusterer = clusterer
            self._attach_links()
            return
        self._load(window or WINDOW, embedder, multilingual)
        self._attach_links()

    def _load(self, window: timedelta, embedder, multilingual=None) -> None:
        """The saved state, or (without one, or one of other vectors or an older format) a fresh clusterer that
        replays every stored article once; when stories were corrected after the save, a fresh clusterer that
        replays what the saved one held, as the stored stories now group it."""
        meta = saved_meta(self.storage)
        if meta is not None and meta.get("vector_model") != VECTOR_MODEL:
            log.warning("the grouper's checkpoint holds %s vectors, not %s: grouping the stored articles afresh",
                        meta.get("vector_model", "older"), VECTOR_MODEL)
            meta = None
        if meta is not None and meta.get("version") != STATE_VERSION:
            meta = None
        if meta is None:
            self.clusterer = OnlineClusterer(window=window, embedder=embedder, multilingual=multilingual)
            self.replayed = self._replay(None)
            return
        if meta.get("corrections", self.corrections_seen) != self.corrections_seen:
            self.clusterer = OnlineClusterer(window=window, embedder=embedder, multilingual=multilingual)
            latest = datetime.fromisoformat(meta["latest"]) if meta.get("latest") else None
            horizon = latest - timedelta(seconds=meta["window_s"] + meta["late_s"]) if latest else None
            self.replayed = self._replay(None, self.storage.story_assignments_published_since(horizon))
            return
        self.clusterer, self.story_ids = load_clusterer(self.storage, meta, VECTOR_MODEL, embedder, multilingual)
        self.clusterer.window = self.clusterer.late = window    # the setting may have changed since
        self._whole = False
        if meta.get("checkpoint_at"):
            self.replayed = self._replay(datetime.fromisoformat(meta["checkpoint_at"]))

    def _attach_links(self) -> None:
        """Give the clusterer the article links people's corrections made, each article placed where it is."""
        links = LinkConstraints((str(kind), a, b) for kind, a, b in self.storage.grouping_links())
        cluster_story = {stored: cluster for cluster, stored in self.story_ids.items()}
        for article, stored in self.storage.stories_of([*links.must, *links.cannot]).items():
            if stored in cluster_story:
                links.placed(article, cluster_story[stored])
        self.clusterer.links = links if len(links) else None

    def _catch_up_with_corrections(self) -> None:
        """After a correction (made by this process or another), group on from the stored stories, which hold
        it, under the links it made."""
        seen = self.storage.corrections_version()
        if seen == self.corrections_seen:
            return
        old = self.clusterer
        self.clusterer = OnlineClusterer(model=old.model, window=old.window, late=old.late, embedder=old._embedder,
                                         multilingual=old.multilingual)
        self.story_ids = {}
        self._whole = True
        self.corrections_seen = seen
        horizon = old.latest - old.window - old.late if old.latest is not None else None   # what it still held
        self.replayed = self._replay(None, self.storage.story_assignments_published_since(horizon))
        self._attach_links()

    def save(self) -> None:
        """Write what changed since the last save (everything, the first time a new clusterer is saved)."""
        started = time.perf_counter()
        delta = state_changes(self.clusterer, everything=self._whole)
        for gone in delta.gone:
            self.story_ids.pop(gone, None)
        extra = {"corrections": self.corrections_seen, "checkpoint_at": utcnow().isoformat(),
                 "vector_model": VECTOR_MODEL}
        self.storage.save_grouper_rows(state_rows(delta, self.story_ids, extra, replace=self._whole))
        mark_saved(self.clusterer, delta)
        self._whole = self._dirty = False
        self._saved_at = time.monotonic()
        self._save_cost = time.perf_counter() - started
        self.seconds["checkpoint"] += self._save_cost

    def checkpoint(self, force: bool = False) -> bool:
        """Save the state when it changed and is due (or `force`); returns whether it was saved."""
        if not self._dirty:
            return False
        due = max(self.CHECKPOINT_EVERY, self._save_cost / self.CHECKPOINT_SHARE)
        if force or time.monotonic() - self._saved_at >= due:
            self.save()
            return True
        return False

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        """Wall and CPU seconds of the block, counted when it does not raise."""
        started, cpu_started = time.perf_counter(), time.thread_time()
        yield
        self.seconds[stage] += time.perf_counter() - started
        self.cpu[stage] += time.thread_time() - cpu_started

    def _inputs(self, originals: list[Article]) -> tuple[list[ClusterInput], dict[int, bytes]]:
        """Cluster inputs with their title+lead vectors: stored ones reused, the others embedded in one batch
        and used as storage will give them back. Returns the inputs and the new vectors' bytes to store."""
        items = [ClusterInput(id=a.id, title=a.title or "", text=a.text, published=a.time, source=a.outlet,
                              language=a.language) for a in originals]
        known = self.storage.vectors([a.id for a in originals], VECTOR_MODEL)
        for item, vector in zip((i for i in items if i.id in known),
                                unpack_rows([known[i.id] for i in items if i.id in known])):
            item.embedding = vector
        with self._timed("embed"):
            self.clusterer.embed(items)
            new = [i for i in items if i.id not in known]
            packed = pack_rows(np.asarray([i.embedding for i in new]))
            for item, vector in zip(new, unpack_rows(packed)):
                item.embedding = vector
        return items, dict(zip((i.id for i in new), packed))

    def group(self, article_ids: list[int],
              alongside: Callable[[list[Article]], object] | None = None) -> set[int]:
        """Put each article into its story; copies follow their original. Returns the stories touched.
        `alongside(originals)` runs in a second thread while the articles are placed (once their vectors are
        known): the model work it does there overlaps the grouper's Python work."""
        self._catch_up_with_corrections()
        articles = [a for a in (self.storage.get_article(i) for i in dict.fromkeys(article_ids)) if a is not None]
        originals = sorted((a for a in articles if a.original_id is None), key=lambda a: (a.time, a.id))
        copies = [a for a in articles if a.original_id is not None]
        touched: set[int] = set()
        items, packed = self._inputs(originals)
        beside = None
        if alongside is not None and originals:
            beside = threading.Thread(target=_quietly, args=(alongside, originals), name="alongside-grouping")
            beside.start()
        with self._timed("group"):
            try:
                assignments = self.clusterer.add_many(items)
            finally:
                if beside is not None:
                    beside.join()
            reasons: list[JoinReason] = []
            # One short transaction for the batch's writes; the clusterer's work above holds no database lock.
            with self.storage.transaction():
                for article, item, assignment in zip(originals, items, assignments):
                    story_id = self._stored_story(assignment.story_id, article)
                    for gone in assignment.merged:
                        if gone in self.story_ids and self.story_ids[gone] != story_id:
                            self.storage.merge_stories(self.story_ids[gone], story_id)
                            self.story_ids[gone] = story_id
                    self.storage.assign_story(article.id, story_id, assignment.score)
                    reasons.append(self._join_reason(article.id, assignment))
                    touched.add(story_id)
                self.storage.save_vectors(VECTOR_MODEL, packed)
                for copy in copies:
                    story_id = self.storage.story_of(copy.original_id)
                    if story_id is not None:
                        self.storage.assign_story(copy.id, story_id, 1.0)
                        reasons.append(JoinReason(copy.id, 1.0, {}, copy_of=copy.original_id))
                        touched.add(story_id)
                self.storage.save_join_reasons(reasons)
            self._dirty = self._dirty or bool(originals)
        return touched

    def _replay(self, since: datetime | None, rows: list[tuple[int, int]] | None = None) -> int:
        """Place again, without asking the model, the originals that storage put into stories after the state
        was saved (all of them when there is no state; `rows`, (article, story) pairs, when given): each joins
        the clusterer's story for its stored story, or starts one."""
        rows = self.storage.story_assignments_since(since) if rows is None else rows
        if not rows:
            return 0
        resolved: dict[int, int] = {}
        for cluster_story, stored in self.story_ids.items():
            resolved[stored] = self.clusterer.resolve(cluster_story)
        articles = {a.id: a for a in (self.storage.get_article(i) for i, _ in rows) if a is not None}
        originals = sorted((a for a in articles.values() if a.original_id is None), key=lambda a: (a.time, a.id))
        story_of = dict(rows)
        items, packed = self._inputs(originals)
        for article, item in zip(originals, items):
            stored_story = self.storage.get_story(story_of[article.id])
            if stored_story is None:
                continue
            target = self.clusterer.stories.get(resolved.get(stored_story.id, -1))
            placed = self.clusterer.commit(self.clusterer.represent(item), target)
            if target is None:
                self.story_ids[placed.id] = stored_story.id
                resolved[stored_story.id] = placed.id
        self.storage.save_vectors(VECTOR_MODEL, packed)
        self._dirty = True
        return len(originals)

    def _join_reason(self, article_id: int, assignment: Assignment) -> JoinReason:
        """Why the article went where it did, with the runner-up as a stored story id."""
        runner_up = self.story_ids.get(assignment.runner_up) if assignment.runner_up is not None else None
        return JoinReason(article_id, None if assignment.created else assignment.score, assignment.why or {},
                          runner_up_story=runner_up,
                          runner_up_probability=assignment.runner_up_score if runner_up is not None else None)

    def _stored_story(self, cluster_story: int, first_article: Article) -> int:
        story_id = self.story_ids.get(cluster_story)
        if story_id is None:
            story_id = self.storage.create_story(slugify(first_article.title or "story"))
            self.story_ids[cluster_story] = story_id
        return story_id


def _quietly(work: Callable[[list[Article]], object], articles: list[Article]) -> None:
    """Run preparatory work whose failure costs only time: what it did not do is done again when needed."""
    try:
        work(articles)
    except Exception:
        log.exception("preparing %d articles alongside the grouping failed", len(articles))
