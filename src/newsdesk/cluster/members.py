"""An article against the kept members of its candidate stories, all members at once: each member's words and
proper nouns as arrays of term numbers (`cluster.vocabulary`) with their weights, so that the best cosines to
a story's members are a few array operations per article instead of a dictionary lookup per word."""

from __future__ import annotations

import numpy as np

from newsdesk.cluster.vocabulary import Vocabulary


def member_arrays(tf: dict[str, float], entities: list[str], vocab: Vocabulary
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (vocab.term_ids(tf), np.fromiter(tf.values(), dtype=np.float64, count=len(tf)),
            vocab.term_ids(["@" + e for e in entities]))


def best_member_cosines(vec: dict[str, float], norm: float, ent_idf: dict[str, float], ent_norm: float,
                        compared: list[int], arrays: list[tuple[np.ndarray, np.ndarray, np.ndarray]], k: int,
                        vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """For each of `k` candidates, the best TF-IDF cosine and the best proper-noun cosine of the article to one of
    its compared members (`compared[j]` the candidate of member `arrays[j]`), all members at once."""
    best_t, best_e = np.zeros(k), np.zeros(k)
    if not compared:
        return best_t, best_e
    owner = np.asarray(compared)
    best_t = _best_cosines(vec, norm, [a[0] for a in arrays], [a[1] for a in arrays], owner, k, vocab, square=False)
    if ent_idf:
        best_e = _best_cosines({"@" + e: w for e, w in ent_idf.items()}, ent_norm, [a[2] for a in arrays], None,
                               owner, k, vocab, square=True)
    return best_t, best_e


def _best_cosines(article: dict[str, float], norm: float, ids: list[np.ndarray], weights: list[np.ndarray] | None,
                  owner: np.ndarray, k: int, vocab: Vocabulary, square: bool) -> np.ndarray:
    """Σ article[t]·w·idf(t) over the terms a member shares with the article, over the article's norm times the
    member's (its weights w times idf; w = 1 and the article's values squared for proper nouns), best per owner."""
    best = np.zeros(k)
    if not article:
        return best
    lengths = np.fromiter((len(a) for a in ids), dtype=np.int64, count=len(ids))
    member = np.repeat(np.arange(len(ids)), lengths)
    term = np.concatenate(ids)
    idf = vocab.idf_of(term)
    weighted = idf if weights is None else np.concatenate(weights) * idf
    member_norm = np.sqrt(np.bincount(member, weights=weighted * weighted, minlength=len(ids)))
    a_ids = vocab.term_ids(article)
    a_values = np.fromiter(article.values(), dtype=np.float64, count=len(article))
    order = np.argsort(a_ids)
    a_ids, a_values = a_ids[order], a_values[order]
    at = np.minimum(np.searchsorted(a_ids, term), len(a_ids) - 1)
    shared = a_ids[at] == term
    if square:
        products = a_values[at[shared]] ** 2
    else:
        products = a_values[at[shared]] * np.concatenate(weights)[shared] * idf[shared]
    dot = np.bincount(member[shared], weights=products, minlength=len(ids))
    cosines = np.zeros(len(ids))
    positive = dot > 0
    cosines[positive] = dot[positive] / (norm * member_norm[positive])
    np.maximum.at(best, owner, cosines)
    return best
