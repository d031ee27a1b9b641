"""Stories on the desk: stored articles are grouped by event (cluster) and each touched story page is
written again (synthesize). The grouper's state is kept in storage so a restart goes on where it stood."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import unicodedata
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime, timedelta

import numpy as np

from newsdesk.cluster.online import WINDOW, ClusterInput, OnlineClusterer
from newsdesk.config import Settings
from newsdesk.model import Article, Story
from newsdesk.storage import Storage
from newsdesk.timeutil import utcnow
from newsdesk.synthesize.llm import configured_writer
from newsdesk.synthesize.text import title_key
from newsdesk.synthesize.writer import StoryArticle, default_writer, write_story

log = logging.getLogger(__name__)

# Names what a stored article vector is; a desk whose checkpoint names another starts its grouper afresh.
VECTOR_MODEL = "all-MiniLM-L6-v2-dynint8-leadmean"


def slugify(title: str, words: int = 8) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_title)[:words]) or "story"


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


class StoryGrouper:
    """The online clusterer with its state in storage. The state is checkpointed (`checkpoint`) at most every
    `CHECKPOINT_EVERY` seconds and never more often than keeps saving under `CHECKPOINT_SHARE` of the grouping
    time, since one save costs as much as the window holds; the articles placed after the last checkpoint are
    replayed from their stored story assignments when the state is loaded, so a crash loses no grouping."""

    CHECKPOINT_EVERY = 60.0
    CHECKPOINT_SHARE = 0.1

    def __init__(self, storage: Storage, clusterer: OnlineClusterer | None = None,
                 window: timedelta | None = None):
        self.storage = storage
        self.story_ids: dict[int, int] = {}          # the clusterer's story id → the stored story id
        self.seconds: Counter = Counter()            # wall seconds by stage: embed, group, checkpoint
        self.cpu: Counter = Counter()                # CPU seconds of the grouping thread, same stages
        self.replayed = 0
        self._dirty = False
        self._saved_at = time.monotonic()
        self._save_cost = 0.0
        if clusterer is not None:
            self.clusterer = clusterer
            return
        window = window or WINDOW
        saved = storage.grouper_state()
        state = json.loads(zlib.decompress(saved)) if saved else None
        if state is not None and state.get("vector_model") != VECTOR_MODEL:
            log.warning("the grouper's checkpoint holds %s vectors, not %s: grouping the stored articles afresh",
                        state.get("vector_model", "older"), VECTOR_MODEL)
            state = None
        if state is not None:
            self.clusterer = OnlineClusterer.from_state(state["clusterer"])
            self.clusterer.window = self.clusterer.late = window    # the setting may have changed since
            self.story_ids = {int(k): int(v) for k, v in state["story_ids"].items()}
            if state.get("checkpoint_at"):
                self.replayed = self._replay(datetime.fromisoformat(state["checkpoint_at"]))
        else:
            self.clusterer = OnlineClusterer(window=window)
            self.replayed = self._replay(None)

    def save(self) -> None:
        started = time.perf_counter()
        state = {"clusterer": self.clusterer.to_state(), "story_ids": self.story_ids,
                 "checkpoint_at": utcnow().isoformat(), "vector_model": VECTOR_MODEL}
        self.storage.save_grouper_state(zlib.compress(json.dumps(state).encode("utf-8"), 1))
        self._dirty = False
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

    def _timed(self, stage: str, started: float, cpu_started: float) -> None:
        self.seconds[stage] += time.perf_counter() - started
        self.cpu[stage] += time.thread_time() - cpu_started

    def _inputs(self, originals: list[Article]) -> tuple[list[ClusterInput], set[int]]:
        """Cluster inputs with their title+lead vectors: stored ones reused, the others embedded in one batch."""
        items = [ClusterInput(id=a.id, title=a.title or "", text=a.text, published=a.time, source=a.outlet,
                              language=a.language) for a in originals]
        known = self.storage.vectors([a.id for a in originals], VECTOR_MODEL)
        for item in items:
            if item.id in known:
                item.embedding = np.frombuffer(known[item.id], dtype=np.float32).copy()
        started, cpu_started = time.perf_counter(), time.thread_time()
        self.clusterer.embed(items)
        self._timed("embed", started, cpu_started)
        return items, set(known)

    def group(self, article_ids: list[int],
              alongside: Callable[[list[Article]], object] | None = None) -> set[int]:
        """Put each article into its story; copies follow their original. Returns the stories touched.
        `alongside(originals)` runs in a second thread while the articles are placed (once their vectors are
        known): the model work it does there overlaps the grouper's Python work."""
        articles = [a for a in (self.storage.get_article(i) for i in dict.fromkeys(article_ids)) if a is not None]
        originals = sorted((a for a in articles if a.original_id is None), key=lambda a: (a.time, a.id))
        copies = [a for a in articles if a.original_id is not None]
        touched: set[int] = set()
        items, known = self._inputs(originals)
        beside = None
        if alongside is not None and originals:
            beside = threading.Thread(target=_quietly, args=(alongside, originals), name="alongside-grouping")
            beside.start()
        try:
            started, cpu_started = time.perf_counter(), time.thread_time()
            assignments = self.clusterer.add_many(items)
        finally:
            if beside is not None:
                beside.join()
        # One short transaction for the batch's writes; the clusterer's work above holds no database lock.
        with self.storage.transaction():
            for article, item, assignment in zip(originals, items, assignments):
                story_id = self._stored_story(assignment.story_id, article)
                for gone in assignment.merged:
                    if gone in self.story_ids and self.story_ids[gone] != story_id:
                        self.storage.merge_stories(self.story_ids[gone], story_id)
                        self.story_ids[gone] = story_id
                self.storage.assign_story(article.id, story_id, assignment.score)
                touched.add(story_id)
            self.storage.save_vectors(VECTOR_MODEL, {i.id: np.asarray(i.embedding, dtype=np.float32).tobytes()
                                                     for i in items if i.id not in known})
            for copy in copies:
                story_id = self.storage.story_of(copy.original_id)
                if story_id is not None:
                    self.storage.assign_story(copy.id, story_id, 1.0)
                    touched.add(story_id)
        self._dirty = self._dirty or bool(originals)
        self._timed("group", started, cpu_started)
        return touched

    def _replay(self, since: datetime | None) -> int:
        """Place again, without asking the model, the originals that storage put into stories after the state
        was saved (all of them when there is no state): each joins the clusterer's story for its stored story,
        or starts one."""
        rows = self.storage.story_assignments_since(since)
        if not rows:
            return 0
        resolved: dict[int, int] = {}
        for cluster_story, stored in self.story_ids.items():
            resolved[stored] = self.clusterer.resolve(cluster_story)
        articles = {a.id: a for a in (self.storage.get_article(i) for i, _ in rows) if a is not None}
        originals = sorted((a for a in articles.values() if a.original_id is None), key=lambda a: (a.time, a.id))
        story_of = dict(rows)
        items, known = self._inputs(originals)
        for article, item in zip(originals, items):
            stored_story = self.storage.get_story(story_of[article.id])
            if stored_story is None:
                continue
            target = self.clusterer.stories.get(resolved.get(stored_story.id, -1))
            placed = self.clusterer.commit(self.clusterer.represent(item), target)
            if target is None:
                self.story_ids[placed.id] = stored_story.id
                resolved[stored_story.id] = placed.id
        self.storage.save_vectors(VECTOR_MODEL, {i.id: np.asarray(i.embedding, dtype=np.float32).tobytes()
                                                 for i in items if i.id not in known})
        self._dirty = True
        return len(originals)

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

    def __init__(self, storage: Storage, remember: int = 200_000, settings: Settings | None = None) -> None:
        self.storage = storage
        self.settings = settings
        self.remember = remember
        self.signatures: OrderedDict[int, str] = OrderedDict()
        self.written = 0
        self.skipped = 0

    def prepare(self, articles: list[Article]) -> None:
        """Embed what the writer will read of these articles (their sentences and titles), ahead of writing."""
        writer = configured_writer(self.settings)
        (writer.writer if writer is not None else default_writer()).prepare(
            [(a.title, a.text) for a in articles if a.original_id is None])

    def write(self, story_ids: set[int] | list[int]) -> int:
        """Write the page of each story that changed; returns how many were written."""
        written = 0
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
            _write_page(self.storage, story_id, articles, self.settings)
            self.signatures[story_id] = signature
            self.signatures.move_to_end(story_id)
            while len(self.signatures) > self.remember:
                self.signatures.popitem(last=False)
            written += 1
        self.written += written
        return written


def write_pages(storage: Storage, story_ids: set[int] | list[int], pages: PageWriter | None = None) -> int:
    """Write the page of each story again from its articles (through `pages`, which skips unchanged stories,
    when given); returns how many were written."""
    if pages is not None:
        return pages.write(story_ids)
    written = 0
    for story_id in dict.fromkeys(story_ids):
        story = storage.get_story(story_id)
        if story is None or story.id != story_id:
            continue
        articles = storage.story_articles(story_id)
        if articles:
            _write_page(storage, story_id, articles)
            written += 1
    return written


def _write_page(storage: Storage, story_id: int, articles: list[Article], settings: Settings | None = None) -> None:
    outlets = {a.id: a.outlet or "unknown outlet" for a in articles}
    vectors = storage.vectors([a.id for a in articles if a.original_id is None], VECTOR_MODEL)
    centroid = None
    if vectors:
        mean = np.mean([np.frombuffer(v, dtype=np.float32) for v in vectors.values()], axis=0)
        centroid = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32).tobytes()
    first = storage.first_revisions([a.id for a in articles if a.revision_count > 1])
    page = write_story([StoryArticle(id=a.id, outlet=outlets[a.id], title=a.title or "", text=a.text,
                                     published=a.time, url=a.url, is_reprint=a.original_id is not None,
                                     original_id=a.original_id, updated=a.updated_at,
                                     first_title=first[a.id][0] if a.id in first else None,
                                     first_text=first[a.id][1] if a.id in first else None)
                        for a in articles],
                       writer=configured_writer(settings))  # None (extractive) unless llm_url is set
    storage.save_story_page(
        story_id, headline=page.headline, page_json=json.dumps(_jsonable(page)),
        first_published=page.first_published, last_updated=page.last_updated, article_count=len(articles),
        independent_count=len(page.independent), reprint_count=len(page.reprints), centroid=centroid)


@dataclass
class Related:
    story: Story
    similarity: float


def related_stories(storage: Storage, story: Story, k: int = 5, span: timedelta = timedelta(days=7),
                    floor: float = 0.35, same: float = 0.92) -> list[Related]:
    """The nearest other stories in time and meaning. Never the story itself, one it was merged with, or a
    near-identical story (`same`), and never two with the same headline: the seed page listed one story
    three times."""
    if story.centroid is None or story.last_updated is None:
        return []
    mine = np.frombuffer(story.centroid, dtype=np.float32)
    seen = {title_key(story.headline)}
    found: list[Related] = []
    near = storage.story_centroids(around=story.last_updated, span=span)
    candidates = [s for s in storage.stories_by_ids([c.story_id for c in near]) if s.id != story.id]
    if not candidates:
        return []
    scores = np.stack([np.frombuffer(s.centroid, dtype=np.float32) for s in candidates]) @ mine
    for index in np.argsort(-scores):
        other, score = candidates[int(index)], float(scores[int(index)])
        if score < floor or len(found) == k:
            break
        key = title_key(other.headline)
        if score >= same or key in seen:
            continue
        seen.add(key)
        found.append(Related(other, round(score, 3)))
    return found


def regroup(storage: Storage, since: datetime | None = None, batch: int = 256,
            progress: Callable[[int], None] | None = None, window: timedelta | None = None) -> tuple[int, int]:
    """Group the articles published since `since` (all when None) again, from a fresh grouper; each old
    story then resolves to the new story that holds most of its articles. Returns (stories, articles)."""
    before = dict(storage.clear_stories(since))
    grouper = StoryGrouper(storage, clusterer=OnlineClusterer(window=window or WINDOW))
    ids = list(before)
    touched: set[int] = set()
    for start in range(0, len(ids), batch):
        touched |= grouper.group(ids[start:start + batch])
        if progress:
            progress(min(start + batch, len(ids)))
    grouper.save()
    votes: dict[int, Counter] = {}
    for article_id, old in before.items():
        if old is not None:
            votes.setdefault(old, Counter())[storage.story_of(article_id)] += 1
    for old, counts in votes.items():
        new, _ = counts.most_common(1)[0]
        if new is not None and new != old:
            storage.merge_stories(old, new)
    write_pages(storage, touched)
    return len(touched), len(ids)
