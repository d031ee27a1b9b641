"""Online grouping: each article joins the best recent story when the pair model accepts it, else starts one.

Candidates come from approximate nearest neighbours over the vectors of recent articles (hnswlib HNSW, one
index per time bucket, buckets older than the window dropped), so the work per article depends on how many
articles the window holds and never on how many stories the desk has ever seen. Stories whose last article is
older than the window leave the state.

What changed since the state was last saved is tracked here and written by `cluster.state`.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from newsdesk.cluster.across import AcrossModel
from newsdesk.cluster.constraints import LinkConstraints
from newsdesk.cluster.graph import GraphError, graph_labels, index_from_graph
from newsdesk.cluster.features import (ArticleRep, Story, Vocabulary, document_terms, pair_features,
                                       story_pair_features)
from newsdesk.cluster.model import PairModel
from newsdesk.cluster.text import Analysed, analyse, body_of, lead_vectors
from newsdesk.cluster.why import join_facts
from newsdesk.embed import DIM as MINILM_DIM, reads_across
from newsdesk.language import english_numerals, without_function_words

try:
    import hnswlib
except ImportError:  # pragma: no cover - without it each bucket is searched exactly with numpy
    hnswlib = None


WINDOW = timedelta(days=3)    # an article is compared only with stories that have an article this close in time


@dataclass
class ClusterInput:
    id: str | int
    title: str
    text: str
    published: datetime | None = None
    source: str | None = None
    embedding: np.ndarray | None = None     # lead vector (text.lead_vectors); computed in batches when None
    language: str | None = None             # e.g. "en", "fr-CA"; None when unknown (read as English)
    cross: np.ndarray | None = None         # multilingual vector (embed.get_multilingual_embedder), computed when None


@dataclass
class Assignment:
    story_id: int                 # the article's story after this add (the survivor when stories merged)
    created: bool                 # the article started a new story
    score: float                  # the pair model's probability for the story it joined (0 when created)
    merged_into: int | None = None  # set when this add merged stories: the surviving story (= story_id)
    merged: tuple[int, ...] = ()    # stories this add redirected to story_id
    candidates: int = 0             # stories scored for this article
    placed_in: int = 0              # the story the article went into, before any merge
    why: dict | None = None         # the join facts (why.join_facts) when it joined a story
    runner_up: int | None = None    # the best-scored candidate story it did not go into
    runner_up_score: float = 0.0


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class _Bucket:
    """The article vectors of one time bucket, searchable by cosine (HNSW; exact while the bucket is small)."""

    EXACT_BELOW = 256

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.keys: list[int] = []
        self.vectors: list[np.ndarray] = []
        self.index = None
        self._matrix: np.ndarray | None = None
        self.saved_items = 0      # articles in the graph last saved (cluster.graph): saved again once doubled

    @classmethod
    def restored(cls, dim: int, keys: list[int], vectors: np.ndarray, graph: bytes | None = None) -> "_Bucket":
        """A bucket of these articles (in the order they were added), its index loaded from the saved `graph`
        and the articles added after it; built afresh without a graph, or with one that does not fit."""
        bucket = cls(dim)
        if graph is not None and hnswlib is not None and len(keys) >= cls.EXACT_BELOW:
            position = {k: i for i, k in enumerate(keys)}
            try:
                labels = [int(label) for label in graph_labels(graph)]
                if all(label in position for label in labels):
                    order = [position[label] for label in labels]
                    bucket.index = index_from_graph(graph, vectors[order], 2 * len(keys))
                    bucket.keys, bucket.vectors, bucket.saved_items = list(keys), list(vectors), len(labels)
                    held = set(labels)
                    rest = [i for i, k in enumerate(keys) if k not in held]
                    if rest:
                        bucket.index.add_items(vectors[rest], np.asarray([keys[i] for i in rest]))
                    return bucket
            except GraphError:
                bucket = cls(dim)
        bucket.extend(list(keys), vectors)
        return bucket

    def graph_due(self) -> bool:
        return self.index is not None and len(self.keys) >= 2 * self.saved_items

    def add(self, key: int, vector: np.ndarray) -> None:
        self.extend([key], vector[None, :])

    def extend(self, keys: list[int], vectors: np.ndarray) -> None:
        """Add rows of vectors under their keys (one call to the index for all of them)."""
        if not keys:
            return
        vectors = np.asarray(vectors, dtype=np.float32)
        self.keys.extend(keys)
        self.vectors.extend(vectors)
        self._matrix = None
        if hnswlib is None or len(self.keys) < self.EXACT_BELOW:
            return
        if self.index is None:
            self.index = hnswlib.Index(space="ip", dim=self.dim)
            self.index.init_index(max_elements=2 * len(self.keys), ef_construction=100, M=16)
            self.index.add_items(np.stack(self.vectors), np.asarray(self.keys))
            return
        if self.index.get_current_count() + len(keys) > self.index.get_max_elements():
            self.index.resize_index(2 * (self.index.get_current_count() + len(keys)))
        self.index.add_items(vectors, np.asarray(keys))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        keys, sims = self.nearest(vector, k)
        return list(zip(keys.tolist(), sims.tolist()))

    def nearest(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The keys of the `k` nearest articles and their cosines, nearest first."""
        if not self.keys:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        k = min(k, len(self.keys))
        if self.index is not None:
            self.index.set_ef(max(64, k))
            labels, distances = self.index.knn_query(vector.astype(np.float32)[None, :], k=k)
            return labels[0].astype(np.int64), 1.0 - distances[0]
        if self._matrix is None:
            self._matrix = np.stack(self.vectors)
        sims = self._matrix @ vector.astype(np.float32)
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        top = top[np.argsort(-sims[top])]
        return np.asarray(self.keys, np.int64)[top], sims[top]

    def __len__(self) -> int:
        return len(self.keys)


def unit(embedding) -> np.ndarray:
    """The article vector as the clusterer holds it: float32, of length one."""
    vector = np.asarray(embedding, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def final_stories(assignments: list[Assignment]) -> list[int]:
    """Each placed article's story at the end: the story it went to, followed through every merge made after it.
    The clusterer's own `resolve` cannot say it once the merged stories have left its window: it forgets their
    redirects."""
    went_into: dict[int, int] = {}
    for a in assignments:
        for gone in a.merged:
            went_into[gone] = a.story_id

    def final(story: int) -> int:
        while story in went_into:
            story = went_into[story]
        return story

    return [final(a.story_id) for a in assignments]


def _base(language: str | None) -> str:
    return (language or "").strip().lower().replace("_", "-").split("-")[0] or "en"


def read_words(item: ClusterInput) -> Analysed:
    """The article's words as the grouping reads them: its language's function words left out, numbers as
    English writes them."""
    language = _base(item.language)
    return analyse(*(english_numerals(without_function_words(part, language), language)
                     for part in (item.title, item.text)))


def reads(language: str | None, multilingual: bool = False) -> bool:
    """Whether the grouping reads text in this language: English (all-MiniLM-L6-v2), and with the multilingual
    encoder every language it was trained on. A model maps text it cannot read close together whatever it
    says, so the pair model's confidence there means less."""
    base = _base(language)
    if base == "en":
        return True
    return multilingual and reads_across(base)


class OnlineClusterer:
    MERGE_CHECKS = 3
    UNREAD_THRESHOLD = 0.9   # the join or merge bar where one side is only in languages the model does not read
    merge_hook: Callable[[Story, Story, np.ndarray], bool | None] | None = None   # training looks in here
    links: LinkConstraints | None = None   # people's corrections: must-link / cannot-link article pairs

    def __init__(self, model: PairModel | None = None, window: timedelta = WINDOW,
                 embedder=None, neighbours: int = 40, max_candidates: int = 20,
                 bucket: timedelta = timedelta(hours=12), dim: int | None = None,
                 late: timedelta | None = None, multilingual=None) -> None:
        self.model = model or PairModel.load()
        self.window = window
        # How far behind the newest article seen an article may arrive (a feed polled late, a page dated
        # earlier than its publication) and still find its story: stories and vectors stay that much longer.
        self.late = window if late is None else late
        self.bucket = bucket
        self.neighbours = neighbours
        self.max_candidates = max_candidates
        self._embedder = embedder
        # Reports across languages: the multilingual encoder, mapped into MiniLM's space. By default with an
        # embedder of that space (the desk's); an embedder of another space comes with its own or none.
        same_space = embedder is None or getattr(embedder, "dim", None) == MINILM_DIM
        self.multilingual = multilingual if multilingual is not None or not same_space else "default"
        self.across_model = AcrossModel.load() if self.multilingual is not None else None
        self.dim = dim
        self.vocab = Vocabulary()
        self.stories: dict[int, Story] = {}          # active stories (last article within the window)
        self.redirects: dict[int, int] = {}           # merged story → the story it went into
        self.buckets: dict[int | None, _Bucket] = {}  # bucket number (None: undated articles) → vectors
        self.article_story: dict[int, int] = {}       # article key (in a live bucket) → story at insertion
        self.key_item: dict[int, int | str | None] = {}   # article key (in a live bucket) → the caller's id
        self.next_story = 1
        self.next_key = 1
        self.latest: datetime | None = None
        self.added = 0
        # What changed since the state was last saved (cluster.state.state_changes): a checkpoint writes only that.
        self.changed: set[int] = set()       # stories added to or merged into
        self.gone: set[int] = set()          # stories merged away or out of the window
        self.new_index: list[tuple[int, int | None]] = []   # articles indexed: (key, bucket)
        self.dropped_below: int | None = None  # buckets before this one left the index
        # (last article's time, story) of each story as it changed, a heap: eviction pops the stories whose
        # time left the window instead of reading every story held. None until the first eviction builds it.
        self.by_last: list[tuple[datetime, int]] | None = None

    # -- embedding ---------------------------------------------------------------------------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from newsdesk.embed import get_embedder
            self._embedder = get_embedder()
        return self._embedder

    @property
    def cross_embedder(self):
        if self.multilingual == "default":
            from newsdesk.embed import get_multilingual_embedder
            self.multilingual = get_multilingual_embedder()
        return self.multilingual

    def _across(self, item: ClusterInput) -> bool:
        """The article's multilingual vector is its grouping vector: a language the multilingual model reads and
        the English model does not."""
        return self.multilingual is not None and _base(item.language) != "en" and reads(item.language, True)

    def embed(self, items: list[ClusterInput]) -> None:
        """Each item's grouping vector (English and unread languages: the embedder's; languages only the
        multilingual model reads: its vector) and, with the multilingual model, its multilingual vector."""
        if self.multilingual is not None:
            wanted = [it for it in items if it.cross is None and reads(it.language, True)
                      and not (self._across(it) and it.embedding is not None)]
            if wanted:
                for it, v in zip(wanted, lead_vectors(self.cross_embedder, [(it.title, it.text) for it in wanted])):
                    it.cross = v
            for it in items:
                if self._across(it):
                    if it.embedding is None:
                        it.embedding = it.cross
                    elif it.cross is None:
                        it.cross = it.embedding
        missing = [it for it in items if it.embedding is None]
        if missing:
            vectors = lead_vectors(self.embedder, [(it.title, it.text) for it in missing])
            for it, v in zip(missing, vectors):
                it.embedding = v

    # -- stories -----------------------------------------------------------------------------------------
    def resolve(self, story_id: int) -> int:
        seen = 0
        while story_id in self.redirects and seen < 10_000:
            story_id = self.redirects[story_id]
            seen += 1
        return story_id

    def _bucket_of(self, t: datetime | None) -> int | None:
        if t is None:
            return None
        return math.floor(t.timestamp() / self.bucket.total_seconds())

    def _in_window(self, t: datetime | None, story: Story) -> bool:
        if t is None or story.last is None:
            return True
        return (story.first or story.last) - self.window <= t <= story.last + self.window

    def _evict(self) -> None:
        if self.latest is None:
            return
        horizon = self.latest - self.window - self.late
        if self.by_last is None:
            self.by_last = [(s.last, sid) for sid, s in self.stories.items() if s.last is not None]
            heapq.heapify(self.by_last)
        evicted = False
        while self.by_last and self.by_last[0][0] < horizon:
            _, sid = heapq.heappop(self.by_last)
            story = self.stories.get(sid)
            if story is None or story.last >= horizon:
                continue        # merged away, or it has a later article (pushed again when it came)
            del self.stories[sid]
            self.changed.discard(sid)
            self.gone.add(sid)
            evicted = True
        oldest = self._bucket_of(horizon - self.bucket)
        for b in [b for b in self.buckets if b is not None and b < oldest]:
            for key in self.buckets[b].keys:
                self.article_story.pop(key, None)
                self.key_item.pop(key, None)
            del self.buckets[b]
            self.dropped_below = oldest
        if evicted:     # only a story out of the window leaves a redirect leading nowhere
            live = self.stories
            self.redirects = {k: v for k, v in self.redirects.items() if v in live or self.resolve(v) in live}

    def _near_stories(self, vector: np.ndarray, t: datetime | None, exclude: int | None = None,
                      limit: int | None = None) -> list[Story]:
        """Active stories in the time window whose articles are nearest the vector, nearest first (at most
        `limit`, by default max_candidates). The hits of every bucket in the window are walked nearest first
        and stop once enough stories are found: a story's first hit is its nearest."""
        if t is None:
            keys = list(self.buckets)
        else:
            lo, hi = self._bucket_of(t - self.window), self._bucket_of(t + self.window)
            keys = [b for b in self.buckets if b is None or lo <= b <= hi]
        found = [self.buckets[b].nearest(vector, self.neighbours) for b in keys]
        if not found:
            return []
        labels = np.concatenate([f[0] for f in found])
        sims = np.concatenate([f[1] for f in found]).astype(np.float64)
        limit = self.max_candidates if limit is None else limit
        stories: list[Story] = []
        seen: set[int] = set()
        for i in np.argsort(-sims, kind="stable").tolist():
            sid = self.article_story.get(int(labels[i]))
            if sid is None:
                continue
            sid = self.resolve(sid)
            if sid in seen:
                continue
            seen.add(sid)
            story = self.stories.get(sid)
            if sid == exclude or story is None or not self._in_window(t, story):
                continue
            stories.append(story)
            if len(stories) >= limit:
                break
        return stories

    def _candidates(self, rep: ArticleRep) -> list[Story]:
        return self._near_stories(rep.embedding, rep.published)

    def represent(self, item: ClusterInput, analysed: Analysed | None = None) -> ArticleRep:
        vector = unit(item.embedding)
        if self.dim is None:
            self.dim = int(vector.shape[0])
        cross = None
        if item.cross is not None:
            cross = np.asarray(item.cross, dtype=np.float32)
            cross = cross / max(float(np.linalg.norm(cross)), 1e-9)
        if analysed is None:
            analysed = read_words(item)
        rep = ArticleRep(key=self.next_key, embedding=vector, analysed=analysed,
                         published=_utc(item.published), source=item.source,
                         read=reads(item.language, self.multilingual is not None),
                         headline_only=not body_of(item.title, item.text).strip(),
                         language=_base(item.language), cross=cross, item=item.id)
        self.next_key += 1
        return rep

    def score_candidates(self, rep: ArticleRep) -> tuple[list[Story], np.ndarray, np.ndarray, np.ndarray]:
        """Candidate stories, their features and join probabilities. A story in other languages only than the
        article's is compared through the multilingual vectors, and gets the higher of the join model's and
        the model for reports across languages' probability (cluster.across): on the held-out headlines in
        five languages either alone finds 79% of the joins, the two together 98%, every one right."""
        stories = self._candidates(rep)
        X, P = pair_features(rep, stories, self.vocab)
        model = self.model.for_article(rep.headline_only)
        probs = model.score(X, P) if stories else np.zeros(0)
        rows = [i for i, s in enumerate(stories) if s.across(rep.language, rep.cross)]
        if rows and self.across_model is not None:
            probs[rows] = np.maximum(probs[rows], self.across_model.score(X[rows], P[rows], rep.headline_only,
                                                                           model.threshold))
        return stories, X, P, probs

    def add(self, item: ClusterInput) -> Assignment:
        if item.embedding is None:
            self.embed([item])
        rep = self.represent(item)
        stories, X, _, probs = self.score_candidates(rep)
        if self.links is None:
            return self._place(rep, stories, X, probs, rep.read)
        sure = max(1.0, self.model.for_article(rep.headline_only).threshold, self.UNREAD_THRESHOLD)
        stories, X, probs = self.links.constrain(item.id, rep, stories, X, probs, self.stories, self.vocab,
                                                 self.resolve, sure)
        assignment = self._place(rep, stories, X, probs, rep.read)
        self.links.placed(item.id, assignment.placed_in)
        return assignment

    def add_many(self, items: Iterable[ClusterInput], batch: int = 64,
                 progress: Callable[[int], None] | None = None) -> list[Assignment]:
        items = list(items)
        out: list[Assignment] = []
        for start in range(0, len(items), batch):
            chunk = items[start:start + batch]
            self.embed(chunk)
            for it in chunk:
                out.append(self.add(it))
            if progress:
                progress(len(out))
        return out

    def choose(self, stories: list[Story], probs: np.ndarray, read: bool = True,
               model: PairModel | None = None) -> tuple[int | None, float]:
        """The index of the best candidate the join model (`model`, by default the clusterer's) accepts, else None
        (a new story). Where the article is in a language the embedding model does not read (`read` False), or
        the candidate story is only in such languages, the bar is UNREAD_THRESHOLD."""
        if not len(stories):
            return None, 0.0
        model = model or self.model
        unread_bar = max(model.threshold, self.UNREAD_THRESHOLD)
        bars = np.array([model.threshold if read and not s.unread_only else unread_bar for s in stories])
        passing = np.where(probs >= bars, probs, -1.0)
        best = int(np.argmax(passing))
        if passing[best] < 0:
            return None, 0.0
        return best, float(probs[best])

    def merge_checks(self, story: Story, model: PairModel | None = None) -> tuple[Story, list[int]]:
        """Ask the merge model (`model`'s, by default the clusterer's) about the story an article just went to and
        the stories nearest its centroid (found through the same article index); merge those it accepts. Returns
        the surviving story and the ids redirected to it. A story of one article is that article, whose nearest
        stories the join model has just turned down: the merge model is not asked about them again."""
        merged: list[int] = []
        model = model or self.model
        if (model.merge is None and self.merge_hook is None) or (story.size == 1 and not story.tentative):
            return story, merged
        others = self._near_stories(story.centroid.astype(np.float32), story.last, exclude=story.id,
                                    limit=self.MERGE_CHECKS)
        for other in others:
            if other.id not in self.stories or other.id == story.id:
                continue
            if self.links is not None and not self.links.allows_merge(story.id, other.id, self.resolve):
                continue
            if story.languages and other.languages and not set(story.languages) & set(other.languages):
                continue        # the merge model never saw stories in different languages: joins bring them together
            x = story_pair_features(story, other, self.vocab)
            decision = self.merge_hook(story, other, x) if self.merge_hook else None
            if decision is None:
                bar = model.merge_threshold
                if story.unread_only or other.unread_only:
                    bar = max(bar, self.UNREAD_THRESHOLD)
                decision = model.merge_score(x) >= bar
            if decision:
                survivor = self._merge(story, other)
                merged.append(story.id if survivor is other else other.id)
                story = survivor
        return story, merged

    def _place(self, rep: ArticleRep, stories: list[Story], X: np.ndarray, probs: np.ndarray,
               read: bool = True) -> Assignment:
        # A headline-only article is placed, and the stories it touches are merged, by the headline model.
        model = self.model.for_article(rep.headline_only)
        best, score = self.choose(stories, probs, read, model)
        target = stories[best] if best is not None else None
        why = join_facts(rep, target, X[best], self.vocab) if target is not None else None
        others = [i for i in np.argsort(-probs) if i != best][:1]
        runner_up = stories[others[0]].id if others else None
        story = self.commit(rep, target, X[best] if best is not None else None,
                            tentative=best is not None and score < model.confident)
        placed_in = story.id
        story, merged = self.merge_checks(story, model)
        return Assignment(story_id=story.id, created=target is None, score=score,
                          merged_into=story.id if merged else None, merged=tuple(merged),
                          candidates=len(stories), placed_in=placed_in, why=why, runner_up=runner_up,
                          runner_up_score=float(probs[others[0]]) if others else 0.0)

    def commit(self, rep: ArticleRep, story: Story | None, features: np.ndarray | None = None,
               tentative: bool = False) -> Story:
        """Put the article into `story` (a new story when None; `features` its pair features) and index it;
        a tentative member is counted in the story but neither profiled nor indexed. Text the embedding model
        does not read profiles a story only while the story has nothing else: such an article joining a story
        is tentative, and the first article it reads that joins a story of such text profiles it anew. So
        with languages: a story is profiled in one, English when it has English reports."""
        if story is not None and features is not None:
            rep.join_features = (float(features[1]), float(features[5]), float(features[15]))
        if story is None:
            story = Story(id=self.next_story, dim=len(rep.embedding))
            self.next_story += 1
            self.stories[story.id] = story
        self.vocab.add(document_terms(rep.analysed))
        if story.size and not rep.read and not story.unread_only:
            tentative = True
        elif story.size and rep.read and story.unread_only:
            story.unprofile()
        elif story.size and story.languages and rep.language not in story.languages:
            # A report in another language is counted but keeps out of the story's words and vectors, which
            # stay one language's (English, when the story has it: it profiles the story anew).
            if rep.language == "en":
                story.unprofile()
            else:
                tentative = True
        self.changed.add(story.id)
        if tentative and story.size:
            story.add_tentative(rep)
        else:
            story.add(rep, self.vocab)
            self._index(rep, story.id)
        self._watch(story)
        self.added += 1
        if rep.published is not None and (self.latest is None or rep.published > self.latest):
            advanced = self.latest is None or self._bucket_of(rep.published) != self._bucket_of(self.latest)
            self.latest = rep.published
            if advanced:
                self._evict()
        return story

    def _merge(self, a: Story, b: Story) -> Story:
        """The older story (smaller id) survives and keeps its id; the other redirects to it."""
        keep, gone = (a, b) if a.id < b.id else (b, a)
        keep.absorb(gone, self.vocab)
        self._watch(keep)
        del self.stories[gone.id]
        self.redirects[gone.id] = keep.id
        self.changed.add(keep.id)
        self.changed.discard(gone.id)
        self.gone.add(gone.id)
        return keep

    def _watch(self, story: Story) -> None:
        if self.by_last is not None and story.last is not None:
            heapq.heappush(self.by_last, (story.last, story.id))

    def _index(self, rep: ArticleRep, story_id: int) -> None:
        b = self._bucket_of(rep.published)
        bucket = self.buckets.get(b)
        if bucket is None:
            bucket = self.buckets[b] = _Bucket(len(rep.embedding))
        bucket.add(rep.key, rep.embedding)
        self.article_story[rep.key] = story_id
        self.key_item[rep.key] = rep.item
        self.new_index.append((rep.key, b))
