"""The article-story features: the gap columns compare each candidate with the best of the candidates."""

import zlib

import numpy as np
import pytest

from newsdesk.cluster.features import FEATURES, ArticleRep, Story, Vocabulary, pair_features
from newsdesk.cluster.text import analyse

from .articles import QUAKE_A, QUAKE_B, TRANSFER, at

GAPS = {"emb_gap": "emb_centroid", "tfidf_gap": "tfidf"}


def _rep(key, title, text, dim=8):
    # Vectors from the article's words, so that articles sharing words lie close: no model needed here.
    vec = np.zeros(dim)
    for word in (title + " " + text).lower().split():
        vec[zlib.crc32(word.encode()) % dim] += 1.0
    return ArticleRep(key=key, embedding=(vec / np.linalg.norm(vec)).astype(np.float32),
                      analysed=analyse(title, text), published=at(key), source=None)


@pytest.fixture()
def scene():
    vocab = Vocabulary()
    stories = []
    key = 0
    for sid, event in enumerate((QUAKE_A[:2], QUAKE_B[:2], TRANSFER[:2])):
        story = Story(id=sid, dim=8)
        for title, text in event:
            rep = _rep(key, title, text)
            vocab.add(list(rep.tf) + ["@" + e for e in rep.analysed.entities])
            story.add(rep, vocab)
            key += 1
        stories.append(story)
    return vocab, stories, _rep(key, *QUAKE_A[2])


def test_each_gap_is_the_candidate_against_the_best_candidate(scene):
    vocab, stories, article = scene
    X, _ = pair_features(article, stories, vocab)
    for gap, base in GAPS.items():
        g, b = FEATURES.index(gap), FEATURES.index(base)
        assert np.allclose(X[:, g], X[:, b] - X[:, b].max())
        assert X[:, g].max() == 0.0
    assert X[1:, FEATURES.index("tfidf_gap")].max() < 0.0  # the article shares Marrowfield's words


def test_a_lone_candidate_has_no_gap(scene):
    vocab, stories, article = scene
    X, _ = pair_features(article, stories[1:2], vocab)
    assert all(X[0, FEATURES.index(gap)] == 0.0 for gap in GAPS)
    assert X[0, FEATURES.index("ent_cos")] >= 0.0


def test_a_name_with_letters_outside_ascii_is_one_name():
    analysed = analyse("Ferry link to Brézenne suspended",
                       "Cranes at the Port-Séverin terminal were knocked out of line, the harbour master said.")
    assert {"brézenne", "port-séverin"} <= analysed.entities


def test_no_name_is_a_fragment_cut_at_an_accented_letter():
    analysed = analyse("Ferry link to Brézenne suspended", "Cranes at Port-Séverin stopped.")
    assert not {"br", "port-s", "enne", "verin"} & analysed.entities
