"""Word features by term number (`cluster.vocabulary`): an article against the kept members of all its candidate
stories at once (each member's words and proper nouns numbered when it is first compared, and kept), and two
stories' profiles against each other, so that these are a few array operations instead of a dictionary lookup
and a multiplication per word of every member. The sums are those of the word-by-word forms in another order:
equal to the last bit or two."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from newsdesk.cluster.vocabulary import Vocabulary

MemberArrays = tuple[np.ndarray, np.ndarray, np.ndarray]    # term numbers, term weights, proper nouns' numbers


class ProfileArrays(NamedTuple):
    """A story's profile by term numbers, each array in the order of the story's dictionaries."""
    terms: np.ndarray
    term_weights: np.ndarray
    title: np.ndarray
    title_weights: np.ndarray
    entities: np.ndarray           # numbers of "@" + proper noun
    entity_counts: np.ndarray
    core: np.ndarray               # numbers of "@" + each core proper noun


def member_arrays(tf: dict[str, float], entities: list[str], vocab: Vocabulary) -> MemberArrays:
    return (vocab.term_ids(tf), np.fromiter(tf.values(), dtype=np.float64, count=len(tf)),
            vocab.term_ids(["@" + e for e in entities]))


def profile_arrays(terms: dict[str, float], title: dict[str, float], entities: dict[str, int], core: list[str],
                   vocab: Vocabulary) -> ProfileArrays:
    return ProfileArrays(vocab.term_ids(terms), np.fromiter(terms.values(), dtype=np.float64, count=len(terms)),
                         vocab.term_ids(title), np.fromiter(title.values(), dtype=np.float64, count=len(title)),
                         vocab.term_ids(["@" + e for e in entities]),
                         np.fromiter(entities.values(), dtype=np.float64, count=len(entities)),
                         vocab.term_ids(["@" + e for e in core]))


def weighted_norm(ids: np.ndarray, weights: np.ndarray, vocab: Vocabulary) -> float:
    """√Σ (weight · idf)², summed in order as `sum` does; 1 for an empty profile."""
    if not len(ids):
        return 1.0
    weighted = weights * vocab.idf_of(ids)
    return math.sqrt(float(np.cumsum(weighted * weighted)[-1])) or 1.0


class ArticleTerms:
    """An article's side of the comparisons: each term's weight times its idf, by term (`values_of`, with `idf`)
    and by number (sorted); their sum and norm (summed in the order of `weights`, as `sum` does). Each word is
    looked up in the vocabulary once."""

    def __init__(self, weights: dict[str, float], vocab: Vocabulary) -> None:
        ids = vocab.term_ids(weights)
        idf = vocab.idf_of(ids)
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights)) * idf
        self.values_of = dict(zip(weights, values.tolist()))      # term → weight · idf
        self.idf = dict(zip(weights, idf.tolist()))
        self.total = float(np.cumsum(values)[-1]) if len(values) else 0.0
        self.norm = (math.sqrt(float(np.cumsum(values * values)[-1])) if len(values) else 0.0) or 1.0
        order = np.argsort(ids)
        self.ids, self.values = ids[order], values[order]

    def shared(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of `ids` this side holds, and its values for those."""
        if not len(self.ids) or not len(ids):
            return np.zeros(len(ids), dtype=bool), np.zeros(0)
        at = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        held = self.ids[at] == ids
        return held, self.values[at[held]]


def _concatenated(arrays: list[np.ndarray], owners: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    return np.concatenate(arrays) if arrays else np.zeros(0, np.int32), np.repeat(np.asarray(owners), lengths)


def best_member_cosines(terms: ArticleTerms, entities: ArticleTerms, compared: list[int], arrays: list[MemberArrays],
                        k: int, vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """For each of `k` candidates, the best TF-IDF cosine and the best proper-noun cosine of the article to one of
    its compared members (`compared[j]` the candidate of member `arrays[j]`)."""
    best_t, best_e = np.zeros(k), np.zeros(k)
    if not compared:
        return best_t, best_e
    owner = np.asarray(compared)
    term, member = _concatenated([a[0] for a in arrays], np.arange(len(arrays)))
    weighted = np.concatenate([a[1] for a in arrays]) * vocab.idf_of(term)
    held, values = terms.shared(term)
    dot = np.bincount(member[held], weights=values * weighted[held], minlength=len(arrays))
    norms = np.sqrt(np.bincount(member, weights=weighted * weighted, minlength=len(arrays)))
    np.maximum.at(best_t, owner, _cosines(dot, terms.norm, norms))
    if len(entities.ids):
        term, member = _concatenated([a[2] for a in arrays], np.arange(len(arrays)))
        idf = vocab.idf_of(term)
        held, values = entities.shared(term)
        dot = np.bincount(member[held], weights=values ** 2, minlength=len(arrays))
        norms = np.sqrt(np.bincount(member, weights=idf * idf, minlength=len(arrays)))
        np.maximum.at(best_e, owner, _cosines(dot, entities.norm, norms))
    return best_t, best_e


def _cosines(dot: np.ndarray, norm: float, norms: np.ndarray) -> np.ndarray:
    out = np.zeros(len(dot))
    positive = dot > 0
    out[positive] = dot[positive] / (norm * norms[positive])
    return out


def profile_cosine(a: ProfileArrays, b: ProfileArrays, field: str, vocab: Vocabulary) -> float:
    """The TF-IDF cosine of two stories' profiles (`field`: "terms", "title" or "entities"), idf squared in the
    dot product, both norms under the current frequencies."""
    weights = {"terms": "term_weights", "title": "title_weights", "entities": "entity_counts"}[field]
    a_ids, b_ids = getattr(a, field), getattr(b, field)
    if not len(a_ids) or not len(b_ids):
        return 0.0
    _, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
    if not len(ia):
        return 0.0
    a_w, b_w = getattr(a, weights), getattr(b, weights)
    idf = vocab.idf_of(a_ids[ia])
    dot = float(np.sum(a_w[ia] * b_w[ib] * idf ** 2))
    if dot <= 0:
        return 0.0
    return dot / (weighted_norm(a_ids, a_w, vocab) * weighted_norm(b_ids, b_w, vocab))
