"""The word features read by term number (cluster.term_arrays) are the features read word by word."""

import math

import numpy as np
import pytest

from newsdesk.cluster.features import FEATURES, MEMBERS_COMPARED, Story, Vocabulary, pair_features, story_pair_features
from newsdesk.cluster.vocabulary import Vocabulary as NumberedVocabulary

from .articles import QUAKE_A, QUAKE_B, TRANSFER
from .test_features import _rep

WORD_FEATURES = ("tfidf", "tfidf_max", "title_tfidf", "ent_cover", "ent_core", "ent_prevalence", "ent_cos", "ent_max")


def _by_words(art, s: Story, vocab: Vocabulary) -> dict[str, float]:
    """The word features of one candidate as a dictionary per word gives them."""
    idf = vocab.idf
    vec = {t: w * idf(t) for t, w in art.tf.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    tvec = {t: w * idf(t) for t, w in art.title_tf.items()}
    tnorm = math.sqrt(sum(v * v for v in tvec.values())) or 1.0
    ents = {e: idf("@" + e) for e in art.analysed.entities}
    total, ent_norm = sum(ents.values()), math.sqrt(sum(w * w for w in ents.values())) or 1.0

    def cos(a, an, b, bn):
        return sum(w * b[t] * idf(t) for t, w in a.items() if t in b) / (an * bn)

    sims = s.member_matrix() @ art.embedding
    best_t = best_e = 0.0
    for m in np.argsort(-sims)[:MEMBERS_COMPARED]:
        mtf, m_ents = s.member_tfs[m], s.member_ents[m]
        dot = sum(w * mtf[t] * idf(t) for t, w in vec.items() if t in mtf)
        if dot > 0:
            best_t = max(best_t, dot / (norm * math.sqrt(sum((w * idf(t)) ** 2 for t, w in mtf.items()))))
        dot = sum(ents[e] ** 2 for e in m_ents if e in ents)
        if dot > 0:
            best_e = max(best_e, dot / (ent_norm * math.sqrt(sum(idf("@" + e) ** 2 for e in m_ents))))
    core = {e: idf("@" + e) for e, c in s.entities.items() if c * 2 >= s.size}
    return {"tfidf": cos(vec, norm, s.terms, s.norm_cache), "tfidf_max": best_t,
            "title_tfidf": cos(tvec, tnorm, s.title_terms, s.title_norm_cache),
            "ent_cover": sum(w for e, w in ents.items() if e in s.entities) / total,
            "ent_core": sum(w for e, w in core.items() if e in ents) / sum(core.values()) if core else 0.0,
            "ent_prevalence": sum(w * min(1.0, s.entities.get(e, 0) / s.size) for e, w in ents.items()) / total,
            "ent_cos": sum(w * w * s.entities.get(e, 0) for e, w in ents.items()) / (ent_norm * s.ent_norm_cache),
            "ent_max": best_e}


@pytest.fixture()
def scene():
    vocab = Vocabulary()
    stories = []
    key = 0
    for sid, event in enumerate((QUAKE_A[:2], QUAKE_B, TRANSFER[:2])):
        story = Story(id=sid, dim=8)
        for title, text in event:
            rep = _rep(key, title, text)
            vocab.add(list(rep.tf) + ["@" + e for e in rep.analysed.entities])
            story.add(rep, vocab)
            key += 1
        stories.append(story)
    return vocab, stories, _rep(key, *QUAKE_A[2])


def test_the_word_features_by_number_are_the_features_by_word(scene):
    vocab, stories, article = scene
    X, _ = pair_features(article, stories, vocab)
    for i, story in enumerate(stories):
        expected = _by_words(article, story, vocab)
        for name in WORD_FEATURES:
            assert X[i, FEATURES.index(name)] == pytest.approx(expected[name], rel=1e-12, abs=1e-15), name
    assert X[0, FEATURES.index("tfidf")] > X[2, FEATURES.index("tfidf")]   # the scene compares something


def test_the_features_stay_when_the_vocabulary_numbers_its_terms_anew(scene):
    vocab, stories, article = scene
    before, _ = pair_features(article, stories, vocab)
    merge_before = story_pair_features(stories[0], stories[1], vocab)
    vocab.df = dict(vocab.df)            # as a restart loads them: every term numbered anew
    after, _ = pair_features(article, stories, vocab)
    assert np.allclose(after, before, rtol=1e-12, atol=0)
    assert np.allclose(story_pair_features(stories[0], stories[1], vocab), merge_before, rtol=1e-12, atol=0)


def test_a_merged_story_compares_as_its_members_do(scene):
    vocab, stories, article = scene
    pair_features(article, stories, vocab)          # the stories' arrays are made and kept
    stories[0].absorb(stories[1], vocab)
    X, _ = pair_features(article, stories[:1], vocab)
    expected = _by_words(article, stories[0], vocab)
    assert X[0, FEATURES.index("tfidf_max")] == pytest.approx(expected["tfidf_max"], rel=1e-12)
    assert X[0, FEATURES.index("tfidf")] == pytest.approx(expected["tfidf"], rel=1e-12)


def test_each_term_counts_the_articles_that_hold_it_through_prunes():
    vocab = NumberedVocabulary(max_terms=50)
    for n in range(200):
        vocab.add([f"name{n}", f"name{n // 3}", "said", "said"])
    vocab.term_id("never-counted")
    assert vocab.epoch > 0                           # it pruned, and (past 100 numbered) numbered its terms anew
    assert vocab.frequency("said") == 200
    assert vocab.frequency("never-counted") == 0
    assert vocab.held == len(vocab.df) <= 50
    assert vocab.idf_of(np.array([vocab.term_id("said")]))[0] == pytest.approx(vocab.idf("said"), rel=1e-15)
