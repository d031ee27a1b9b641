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


class Vocabulary:
    """Running document frequencies; inverse document frequency from what the desk has seen so far."""

    def __init__(self, max_terms: int = 400_000) -> None:
        self.df: Counter = Counter()
        self.docs = 0
        self.max_terms = max_terms
        self.changed: set[str] = set()     # terms whose frequency changed since the state was last saved
        self.pruned = False                # rare terms were dropped since: the saved frequencies are rewritten

    def idf(self, term: str) -> float:
        return math.log((self.docs + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def add(self, terms) -> None:
        self.docs += 1
        unique = set(terms)
        self.df.update(unique)
        self.changed |= unique
        if len(self.df) > self.max_terms:
            self.prune()

    def prune(self) -> None:
        """Drop the rarest terms down to three quarters of `max_terms`, so that the next prune is that many new
        terms away. (Dropping only the terms seen once left a vocabulary of more than `max_terms` terms seen
        twice to prune again at every article: 400,000 terms rebuilt per article at ~100k stories held.)"""
        keep = self.max_terms * 3 // 4
        floor = sorted(self.df.values(), reverse=True)[keep] if len(self.df) > keep else 0
        self.df = Counter({t: c for t, c in self.df.items() if c > max(floor, 1)})
        self.pruned = True


def document_terms(analysed: Analysed) -> set[str]:
    """What one article counts in the vocabulary's document frequencies: its content terms and its names."""
    return set(analysed.terms) | {"@" + e for e in analysed.entities}


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
        self.matrix_cache = self.core_cache = self.years_cache = None
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
        self.matrix_cache = None
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
        idf = _Idf(vocab)
        self.norm_cache = math.sqrt(sum((w * idf(t)) ** 2 for t, w in self.terms.items())) or 1.0
        self.title_norm_cache = math.sqrt(sum((w * idf(t)) ** 2 for t, w in self.title_terms.items())) or 1.0
        self.ent_norm_cache = math.sqrt(sum((c * idf("@" + e)) ** 2 for e, c in self.entities.items())) or 1.0


class _Idf:
    """Memoised inverse document frequencies for the scoring of one article."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.cache: dict[str, float] = {}

    def __call__(self, term: str) -> float:
        v = self.cache.get(term)
        if v is None:
            v = self.cache[term] = self.vocab.idf(term)
        return v


def _weighted(tf: dict[str, float], idf: _Idf) -> tuple[dict[str, float], float]:
    vec = {t: w * idf(t) for t, w in tf.items()}
    return vec, math.sqrt(sum(v * v for v in vec.values())) or 1.0


def _cos_profile(vec: dict[str, float], norm: float, profile: dict[str, float], profile_norm: float,
                 idf: _Idf) -> float:
    if not vec or not profile:
        return 0.0
    return _dot(vec, profile, idf) / (norm * profile_norm)


def _dot(a: dict[str, float], b: dict[str, float], idf: _Idf) -> float:
    """Σ a[t]·b[t]·idf(t) over the terms both hold, walking the smaller of the two."""
    if len(b) < len(a):
        a, b = b, a
    dot = 0.0
    for t, w in a.items():
        v = b.get(t)
        if v:
            dot += w * v * idf(t)
    return dot


def pair_features(art: ArticleRep, stories: list[Story], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (len(stories) × FEATURES) and prior rows (× PRIOR_FEATURES) for one article."""
    k = len(stories)
    X = np.zeros((k, len(FEATURES)), dtype=np.float64)
    P = np.zeros((k, len(PRIOR_FEATURES)), dtype=np.float64)
    if k == 0:
        return X, P
    a = art.embedding.astype(np.float32)
    idf = _Idf(vocab)
    vec, norm = _weighted(art.tf, idf)
    tvec, tnorm = _weighted(art.title_tf, idf)
    ents = art.analysed.entities
    ent_idf = {e: idf("@" + e) for e in ents}
    ent_total = sum(ent_idf.values())
    ent_norm = math.sqrt(sum(w * w for w in ent_idf.values())) or 1.0
    nums = art.analysed.numbers
    years = {n for n in nums if _YEAR.fullmatch(n)}
    log_words = math.log1p(art.analysed.words)
    log_entities = math.log1p(len(ents))
    for i, s in enumerate(stories):
        if s.across(art.language, art.cross) and len(s.cross_members) == len(s.members):
            member_sims = np.stack(s.cross_members) @ art.cross.astype(np.float32)
            X[i, 0] = float(np.dot(s.cross_centroid, art.cross))
        else:
            member_sims = s.member_matrix() @ a
            X[i, 0] = float(np.dot(s.centroid, a))
        X[i, 1] = float(member_sims.max())
        X[i, 3] = _cos_profile(vec, norm, s.terms, s.norm_cache, idf)
        nearest = np.argsort(-member_sims)[:MEMBERS_COMPARED]
        best_t = best_e = 0.0
        for m in nearest:
            mtf = s.member_tfs[m]
            dot = _dot(vec, mtf, idf)
            if dot > 0:
                mnorm = math.sqrt(sum((w * idf(t)) ** 2 for t, w in mtf.items()))
                best_t = max(best_t, dot / (norm * mnorm))
            if ents:
                m_ents = s.member_ents[m]
                dot = sum(ent_idf[e] ** 2 for e in m_ents if e in ent_idf)
                if dot > 0:
                    mnorm = math.sqrt(sum(idf("@" + e) ** 2 for e in m_ents))
                    best_e = max(best_e, dot / (ent_norm * mnorm))
        X[i, 5] = best_t
        X[i, 15] = best_e
        X[i, 6] = _cos_profile(tvec, tnorm, s.title_terms, s.title_norm_cache, idf)
        if ents and ent_total > 0:
            X[i, 7] = sum(w for e, w in ent_idf.items() if e in s.entities) / ent_total
            X[i, 9] = sum(w * min(1.0, s.entities.get(e, 0) / s.size) for e, w in ent_idf.items()) / ent_total
            X[i, 14] = sum(w * w * s.entities.get(e, 0) for e, w in ent_idf.items()) / (ent_norm * s.ent_norm_cache)
        core = s.core_entities()
        if core:
            core_w = {e: idf("@" + e) for e in core}
            X[i, 8] = sum(w for e, w in core_w.items() if e in ents) / sum(core_w.values())
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
        if s.joins:
            X[i, 22] = X[i, 1] - s.join_sums[0] / s.joins
            X[i, 23] = X[i, 5] - s.join_sums[1] / s.joins
            X[i, 24] = X[i, 15] - s.join_sums[2] / s.joins
        if art.published is not None and s.last is not None:
            P[i, 0] = abs((art.published - s.last).total_seconds()) / 86400.0
            P[i, 2] = 1.0
            if art.source and art.source in s.sources:
                t = s.sources[art.source]
                if t is not None and abs((art.published - t).total_seconds()) <= 2 * 3600:
                    P[i, 1] = 1.0
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


def _profile_cos(a: dict, b: dict, idf, prefix: str = "") -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(w * large[t] * idf(prefix + t) ** 2 for t, w in small.items() if t in large)
    if dot <= 0:
        return 0.0
    na = math.sqrt(sum((w * idf(prefix + t)) ** 2 for t, w in a.items()))
    nb = math.sqrt(sum((w * idf(prefix + t)) ** 2 for t, w in b.items()))
    return dot / (na * nb)


def _core(s: Story) -> set[str]:
    return set(s.core_entities())


def story_pair_features(s: Story, t: Story, vocab: Vocabulary) -> np.ndarray:
    idf = _Idf(vocab)
    x = np.zeros(len(STORY_FEATURES), dtype=np.float64)
    x[0] = float(np.dot(s.centroid, t.centroid))
    cross = s.member_matrix() @ t.member_matrix().T
    x[1] = float(cross.mean())
    x[2] = float(cross.max())
    own = [c for c in (s.cohesion, t.cohesion) if c > 0]
    x[3] = x[1] / max(float(np.mean(own)), 0.05) if own else x[1]
    x[4] = _profile_cos(s.terms, t.terms, idf)
    x[5] = _profile_cos(s.title_terms, t.title_terms, idf)
    x[6] = _profile_cos(s.entities, t.entities, idf, "@")
    cs, ct = _core(s), _core(t)
    if cs and ct:
        w = lambda es: sum(idf("@" + e) for e in es)  # noqa: E731
        x[7] = w(cs & ct) / min(w(cs), w(ct))
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
