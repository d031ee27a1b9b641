"""Similarity features between one article and a candidate story, and the running state they need.

Over 400 lines because each feature and the running state it reads are kept side by side: the training in
the lab and the desk must compute them identically.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from newsdesk.cluster.text import Analysed
from newsdesk.cluster.term_arrays import (ArticleTerms, MemberArrays, best_member_cosines, member_arrays, profile_arrays,
                                         profile_cosine, weighted_norm)
from newsdesk.cluster.vocabulary import Vocabulary

FEATURES = (
    "emb_centroid",      # cosine of the article's title+lead vector to the story centroid
    "emb_max",           # best cosine to a kept member
    "emb_gap",           # emb_centroid minus the best emb_centroid among the candidates (0 for the best)
    "tfidf",             # TF-IDF cosine to the story's term profile (running document frequencies)
    "tfidf_gap",
    "tfidf_max",         # best TF-IDF cosine to one of the members nearest in embedding
    "title_tfidf",       # the article title's terms against the story's title terms
    "ent_cover",         # share of the article's proper-noun weight found in the story
    "ent_core",          # share of the story's core proper nouns (in ≥ half its members) in the article
    "ent_prevalence",    # article proper nouns weighted by how many story members carry them
    "num_shared",        # log(1 + numbers shared)
    "num_cover",         # share of the article's numbers found in the story
    "num_none",          # the article has no numbers
    "log_size",          # log story size
    "ent_cos",           # TF-IDF cosine of proper nouns to the story's proper-noun profile
    "ent_max",           # best proper-noun cosine to one of the members nearest in embedding
    "year_conflict",     # the article names years and the story names others (1 - share found)
    "year_shared",       # the article's years all appear in the story
    "cohesion",          # mean pairwise embedding cosine among the story's members (0 for one member)
    "log_words",         # how much text the article has: more text, more overlap expected
    "log_story_words",   # mean words of the story's members
    "log_entities",      # log(1 + proper nouns of the article)
    "emb_rel",           # emb_max minus the story's mean emb_max when its members joined (0 for one member)
    "tfidf_rel",         # the same for tfidf_max
    "ent_rel",           # the same for ent_max
)

PRIOR_FEATURES = ("gap_days", "same_source_recent", "dated")

_YEAR = re.compile(r"(19[5-9]\d|20\d\d)")
MEMBERS_COMPARED = 6


def tf_weights(counts: Counter) -> dict[str, float]:
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


@dataclass
class ArticleRep:
    """An article as the grouping sees it."""
    key: int
    embedding: np.ndarray
    analysed: Analysed
    published: datetime | None
    source: str | None
    tf: dict[str, float] = field(default_factory=dict)
    title_tf: dict[str, float] = field(default_factory=dict)
    join_features: tuple[float, float, float] | None = None   # emb/tfidf/ent_max to the story it joins
    read: bool = True          # in a language the embedding model reads (online.reads)
    headline_only: bool = False  # a title and no text
    item: int | str | None = None  # the caller's id of the article (ClusterInput.id)
    language: str = "en"       # ISO 639-1 ("en" where unknown)
    cross: np.ndarray | None = None   # the multilingual vector (in the embedding's space), compared across languages

    def __post_init__(self) -> None:
        if not self.tf:
            self.tf = tf_weights(self.analysed.terms)
        if not self.title_tf:
            self.title_tf = tf_weights(self.analysed.title_terms)


def _cap(profile: dict[str, float], limit: int) -> dict[str, float]:
    if len(profile) <= limit:
        return profile
    return dict(sorted(profile.items(), key=lambda kv: kv[1], reverse=True)[:limit])


@dataclass
class Story:
    id: int
    dim: int
    size: int = 0
    emb_sum: np.ndarray | None = None
    members: list[np.ndarray] = field(default_factory=list)        # kept member vectors (first few + recent)
    member_tfs: list[dict[str, float]] = field(default_factory=list)
    member_ents: list[list[str]] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)
    title_terms: dict[str, float] = field(default_factory=dict)
    entities: Counter = field(default_factory=Counter)
    numbers: Counter = field(default_factory=Counter)
    words: int = 0
    first: datetime | None = None
    last: datetime | None = None
    sources: dict[str, datetime | None] = field(default_factory=dict)   # source → its latest article time
    join_sums: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])   # emb/tfidf/ent_max at joins
    joins: int = 0
    tentative: int = 0                  # articles counted in the story but kept out of its profile
    unread: int = 0                     # articles in languages the embedding model does not read
    languages: Counter = field(default_factory=Counter)   # profiled members per language
    cross_sum: np.ndarray | None = None                   # sum of the members' multilingual vectors
    cross_members: list[np.ndarray] = field(default_factory=list)   # kept alongside `members`
    norm_cache: float = 1.0
    title_norm_cache: float = 1.0
    ent_norm_cache: float = 1.0
    matrix_cache: np.ndarray | None = field(default=None, repr=False, compare=False)
    core_cache: list[str] | None = field(default=None, repr=False, compare=False)
    years_cache: set[str] | None = field(default=None, repr=False, compare=False)
    arrays_cache: list | None = field(default=None, repr=False, compare=False)   # member_arrays
    arrays_epoch: int = field(default=-1, repr=False, compare=False)

    KEEP_FIRST = 4
    KEEP_RECENT = 16
    MAX_TERMS = 400
    MAX_TITLE_TERMS = 120
    MAX_ENTITIES = 200
    MAX_NUMBERS = 120

    @property
    def centroid(self) -> np.ndarray:
        n = float(np.linalg.norm(self.emb_sum))
        return self.emb_sum / n if n else self.emb_sum

    @property
    def cohesion(self) -> float:
        if self.size < 2:
            return 0.0
        sq = float(np.dot(self.emb_sum, self.emb_sum))
        return (sq - self.size) / (self.size * (self.size - 1))

    def core_entities(self) -> list[str]:
        """The proper nouns in at least half the story's members."""
        if self.core_cache is None:
            self.core_cache = [e for e, c in self.entities.items() if c * 2 >= self.size]
        return self.core_cache

    def years(self) -> set[str]:
        if self.years_cache is None:
            self.years_cache = {n for n in self.numbers if _YEAR.fullmatch(n)}
        return self.years_cache

    def member_matrix(self) -> np.ndarray:
        if self.matrix_cache is None or len(self.matrix_cache) != len(self.members):
            self.matrix_cache = np.stack(self.members)
        return self.matrix_cache

    def member_arrays(self, vocab: Vocabulary, members: list[int]) -> list[MemberArrays]:
        """These kept members' term numbers, term weights and proper nouns' numbers (as `vocab` numbers them): made
        as each member joins, or (restored, or after the vocabulary numbered its terms anew) when first asked for;
        kept while the member is."""
        if (self.arrays_cache is None or self.arrays_epoch != vocab.epoch
                or len(self.arrays_cache) != len(self.member_tfs)):
            self.arrays_cache = [None] * len(self.member_tfs)
            self.arrays_epoch = vocab.epoch
        out = []
        for m in members:
            arrays = self.arrays_cache[m]
            if arrays is None:
                arrays = self.arrays_cache[m] = member_arrays(self.member_tfs[m], self.member_ents[m], vocab)
            out.append(arrays)
        return out

    @property
    def cross_centroid(self) -> np.ndarray | None:
        if self.cross_sum is None:
            return None
        n = float(np.linalg.norm(self.cross_sum))
        return self.cross_sum / n if n else self.cross_sum

    def across(self, language: str, cross: np.ndarray | None) -> bool:
        """Whether an article in `language` with multilingual vector `cross` is compared with this story through
        the multilingual vectors: the story holds no article in that language and both sides have them."""
        return cross is not None and self.cross_sum is not None and language not in self.languages

    def _keep(self, items: list, item) -> None:
        items.append(item)
        if len(items) > self.KEEP_FIRST + self.KEEP_RECENT:
            del items[self.KEEP_FIRST]

    def add_tentative(self, art: ArticleRep) -> None:
        """An article that joined with little confidence: counted, timed and sourced, but its words and vector
        stay out of the story's profile so that what follows it cannot drag the story off its event."""
        self.tentative += 1
        self.unread += not art.read
        self._times_and_source(art)

    def _times_and_source(self, art: ArticleRep) -> None:
        if art.published is not None:
            self.first = art.published if self.first is None else min(self.first, art.published)
            self.last = art.published if self.last is None else max(self.last, art.published)
        if art.source:
            prev = self.sources.get(art.source)
            self.sources[art.source] = art.published if prev is None or (
                art.published is not None and art.published > prev) else prev

    @property
    def unread_only(self) -> bool:
        """Every article of the story is in a language the embedding model does not read."""
        return self.unread >= self.size + self.tentative

    def unprofile(self) -> None:
        """Keep counting the members but drop them from the profile: the next article added profiles the story
        alone."""
        self.tentative += self.size
        self.size = self.words = self.joins = 0
        self.emb_sum = None
        self.members, self.member_tfs, self.member_ents = [], [], []
        self.matrix_cache = self.core_cache = self.years_cache = self.arrays_cache = None
        self.languages, self.cross_sum, self.cross_members = Counter(), None, []
        self.terms, self.title_terms = {}, {}
        self.entities, self.numbers = Counter(), Counter()
        self.join_sums = [0.0, 0.0, 0.0]

    def add(self, art: ArticleRep, vocab: Vocabulary) -> None:
        self.unread += not art.read
        if self.size and art.join_features is not None:
            for i, v in enumerate(art.join_features):
                self.join_sums[i] += v
            self.joins += 1
        self.size += 1
        emb = art.embedding.astype(np.float64)
        self.emb_sum = emb.copy() if self.emb_sum is None else self.emb_sum + emb
        self._keep(self.members, art.embedding.astype(np.float32))
        self.matrix_cache = None
        self.languages[art.language] += 1
        cross = np.zeros(len(art.embedding), np.float32) if art.cross is None else art.cross.astype(np.float32)
        if art.cross is not None:
            self.cross_sum = cross.astype(np.float64) if self.cross_sum is None else self.cross_sum + cross
        self._keep(self.cross_members, cross)
        if self.arrays_cache is None and not self.member_tfs:
            self.arrays_cache, self.arrays_epoch = [], vocab.epoch
        if (self.arrays_cache is not None and self.arrays_epoch == vocab.epoch
                and len(self.arrays_cache) == len(self.member_tfs)):
            self._keep(self.arrays_cache, member_arrays(art.tf, sorted(art.analysed.entities), vocab))
        else:
            self.arrays_cache = None
        self._keep(self.member_tfs, art.tf)
        self._keep(self.member_ents, sorted(art.analysed.entities))
        for t, w in art.tf.items():
            self.terms[t] = self.terms.get(t, 0.0) + w
        for t, w in art.title_tf.items():
            self.title_terms[t] = self.title_terms.get(t, 0.0) + w
        self.terms = _cap(self.terms, self.MAX_TERMS)
        self.title_terms = _cap(self.title_terms, self.MAX_TITLE_TERMS)
        self.entities.update(art.analysed.entities)
        self.numbers.update(art.analysed.numbers)
        if len(self.entities) > self.MAX_ENTITIES:
            self.entities = Counter(dict(self.entities.most_common(self.MAX_ENTITIES)))
        if len(self.numbers) > self.MAX_NUMBERS:
            self.numbers = Counter(dict(self.numbers.most_common(self.MAX_NUMBERS)))
        self.words += art.analysed.words
        self._times_and_source(art)
        self.refresh_norms(vocab)

    def absorb(self, other: "Story", vocab: Vocabulary) -> None:
        self.join_sums = [a + b for a, b in zip(self.join_sums, other.join_sums)]
        self.joins += other.joins
        self.tentative += other.tentative
        self.unread += other.unread
        self.size += other.size
        self.emb_sum = self.emb_sum + other.emb_sum
        for m, tf, en in zip(other.members, other.member_tfs, other.member_ents):
            self._keep(self.members, m)
            self._keep(self.member_tfs, tf)
            self._keep(self.member_ents, en)
        self.matrix_cache = self.arrays_cache = None
        for c in other.cross_members:
            self._keep(self.cross_members, c)
        self.languages.update(other.languages)
        if other.cross_sum is not None:
            self.cross_sum = other.cross_sum.copy() if self.cross_sum is None else self.cross_sum + other.cross_sum
        for t, w in other.terms.items():
            self.terms[t] = self.terms.get(t, 0.0) + w
        for t, w in other.title_terms.items():
            self.title_terms[t] = self.title_terms.get(t, 0.0) + w
        self.terms = _cap(self.terms, self.MAX_TERMS)
        self.title_terms = _cap(self.title_terms, self.MAX_TITLE_TERMS)
        self.entities = Counter(dict((self.entities + other.entities).most_common(self.MAX_ENTITIES)))
        self.numbers = Counter(dict((self.numbers + other.numbers).most_common(self.MAX_NUMBERS)))
        self.words += other.words
        if other.first is not None:
            self.first = other.first if self.first is None else min(self.first, other.first)
        if other.last is not None:
            self.last = other.last if self.last is None else max(self.last, other.last)
        for s, t in other.sources.items():
            prev = self.sources.get(s)
            self.sources[s] = t if prev is None or (t is not None and t > prev) else prev
        self.refresh_norms(vocab)

    def refresh_norms(self, vocab: Vocabulary) -> None:
        """Profile norms under the current document frequencies (refreshed whenever the story changes)."""
        self.core_cache = self.years_cache = None
        p = profile_arrays(self.terms, self.title_terms, self.entities, [], vocab)
        self.norm_cache = weighted_norm(p.terms, p.term_weights, vocab)
        self.title_norm_cache = weighted_norm(p.title, p.title_weights, vocab)
        self.ent_norm_cache = weighted_norm(p.entities, p.entity_counts, vocab)


def _dot(article: dict[str, float], profile: dict[str, float], idf: dict[str, float]) -> float:
    """Σ article[t]·profile[t]·idf(t) over the terms both hold, walking the smaller of the two."""
    if len(profile) < len(article):
        return sum(w * article[t] * idf[t] for t, w in profile.items() if t in article)
    return sum(w * profile[t] * idf[t] for t, w in article.items() if t in profile)


def pair_features(art: ArticleRep, stories: list[Story], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (len(stories) × FEATURES) and prior rows (× PRIOR_FEATURES) for one article."""
    k = len(stories)
    X = np.zeros((k, len(FEATURES)), dtype=np.float64)
    P = np.zeros((k, len(PRIOR_FEATURES)), dtype=np.float64)
    if k == 0:
        return X, P
    a = art.embedding.astype(np.float32)
    terms, title = ArticleTerms(art.tf, vocab), ArticleTerms(art.title_tf, vocab)
    ents = art.analysed.entities
    entities = ArticleTerms({"@" + e: 1.0 for e in ents}, vocab)
    ent_idf = {e[1:]: w for e, w in entities.values_of.items()}
    nums = art.analysed.numbers
    years = {n for n in nums if _YEAR.fullmatch(n)}
    log_words = math.log1p(art.analysed.words)
    log_entities = math.log1p(len(ents))
    compared: list[int] = []
    compared_arrays: list[MemberArrays] = []
    for i, s in enumerate(stories):
        if s.across(art.language, art.cross) and len(s.cross_members) == len(s.members):
            member_sims = np.stack(s.cross_members) @ art.cross.astype(np.float32)
            X[i, 0] = float(np.dot(s.cross_centroid, art.cross))
        else:
            member_sims = s.member_matrix() @ a
            X[i, 0] = float(np.dot(s.centroid, a))
        X[i, 1] = float(member_sims.max())
        nearest = np.argsort(-member_sims)[:MEMBERS_COMPARED].tolist()
        compared.extend([i] * len(nearest))
        compared_arrays.extend(s.member_arrays(vocab, nearest))
        if nums:
            shared_n = sum(1 for n in nums if n in s.numbers)
            X[i, 10] = math.log1p(shared_n)
            X[i, 11] = shared_n / len(nums)
        else:
            X[i, 12] = 1.0
        X[i, 13] = math.log(s.size)
        if years:
            story_years = s.years()
            if story_years:
                found = len(years & story_years) / len(years)
                X[i, 16] = 1.0 - found
                X[i, 17] = 1.0 if found == 1.0 else 0.0
        X[i, 18] = s.cohesion
        X[i, 19] = log_words
        X[i, 20] = math.log1p(s.words / s.size)
        X[i, 21] = log_entities
        if art.published is not None and s.last is not None:
            P[i, 0] = abs((art.published - s.last).total_seconds()) / 86400.0
            P[i, 2] = 1.0
            if art.source and art.source in s.sources:
                t = s.sources[art.source]
                if t is not None and abs((art.published - t).total_seconds()) <= 2 * 3600:
                    P[i, 1] = 1.0
    X[:, 5], X[:, 15] = best_member_cosines(terms, entities, compared, compared_arrays, k, vocab)
    for i, s in enumerate(stories):
        # The profiles are walked from the article's side: a story's dictionaries are read where they hold the
        # article's words, not numbered whole (a story not compared since a restart costs no more than one that was).
        X[i, 3] = _dot(terms.values_of, s.terms, terms.idf) / (terms.norm * s.norm_cache)
        X[i, 6] = _dot(title.values_of, s.title_terms, title.idf) / (title.norm * s.title_norm_cache)
        if ents and entities.total > 0:
            X[i, 7] = sum(w for e, w in ent_idf.items() if e in s.entities) / entities.total
            X[i, 9] = sum(w * min(1.0, s.entities.get(e, 0) / s.size) for e, w in ent_idf.items()) / entities.total
            X[i, 14] = sum(w * w * s.entities.get(e, 0) for e, w in ent_idf.items()) / (
                entities.norm * s.ent_norm_cache)
        core = s.core_entities()
        if core:
            core_w = {e: ent_idf[e] if e in ent_idf else vocab.idf("@" + e) for e in core}
            X[i, 8] = sum(w for e, w in core_w.items() if e in ents) / sum(core_w.values())
        if s.joins:
            X[i, 22] = X[i, 1] - s.join_sums[0] / s.joins
            X[i, 23] = X[i, 5] - s.join_sums[1] / s.joins
            X[i, 24] = X[i, 15] - s.join_sums[2] / s.joins
    X[:, 2] = X[:, 0] - X[:, 0].max()
    X[:, 4] = X[:, 3] - X[:, 3].max()
    return X, P


STORY_FEATURES = (
    "centroid_cos",      # cosine of the two centroids
    "link_mean",         # mean cosine between kept members of the two (average linkage)
    "link_max",          # best member-to-member cosine
    "link_ratio",        # link_mean against the stories' own cohesion
    "tfidf",             # TF-IDF cosine of the two term profiles
    "title_tfidf",
    "ent_cos",           # TF-IDF cosine of the proper-noun profiles
    "core_overlap",      # weighted overlap of the two sets of core proper nouns
    "num_cos",           # overlap of the numbers the two carry
    "year_conflict",     # both name years and share none
    "log_small",         # log size of the smaller story
    "log_large",
    "cohesion_min",
    "cohesion_max",
)


def story_pair_features(s: Story, t: Story, vocab: Vocabulary) -> np.ndarray:
    x = np.zeros(len(STORY_FEATURES), dtype=np.float64)
    x[0] = float(np.dot(s.centroid, t.centroid))
    cross = s.member_matrix() @ t.member_matrix().T
    x[1] = float(cross.mean())
    x[2] = float(cross.max())
    own = [c for c in (s.cohesion, t.cohesion) if c > 0]
    x[3] = x[1] / max(float(np.mean(own)), 0.05) if own else x[1]
    ps = profile_arrays(s.terms, s.title_terms, s.entities, s.core_entities(), vocab)
    pt = profile_arrays(t.terms, t.title_terms, t.entities, t.core_entities(), vocab)
    x[4] = profile_cosine(ps, pt, "terms", vocab)
    x[5] = profile_cosine(ps, pt, "title", vocab)
    x[6] = profile_cosine(ps, pt, "entities", vocab)
    if len(ps.core) and len(pt.core):
        shared = np.intersect1d(ps.core, pt.core, assume_unique=True)
        x[7] = float(vocab.idf_of(shared).sum()) / min(float(vocab.idf_of(ps.core).sum()),
                                                       float(vocab.idf_of(pt.core).sum()))
    if s.numbers and t.numbers:
        shared = sum(1 for n in s.numbers if n in t.numbers)
        x[8] = shared / min(len(s.numbers), len(t.numbers))
    ys, yt = s.years(), t.years()
    if ys and yt and not ys & yt:
        x[9] = 1.0
    x[10] = math.log(min(s.size, t.size))
    x[11] = math.log(max(s.size, t.size))
    x[12] = min(s.cohesion, t.cohesion)
    x[13] = max(s.cohesion, t.cohesion)
    return x
