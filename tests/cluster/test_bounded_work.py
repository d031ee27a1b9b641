"""The grouping's work per article does not grow with the stories held: scoring a candidate reads its members'
norms instead of weighing their words again, and the nearest stories are found without ranking every hit."""

import math
from datetime import timedelta

import numpy as np
import pytest

from newsdesk.cluster.features import ArticleRep, Story, Vocabulary, _norm, pair_features
from newsdesk.cluster.model import PairModel
from newsdesk.cluster.online import OnlineClusterer
from newsdesk.cluster.text import analyse

from .articles import at

_PLACES = ["Harrowgate", "Linmouth", "Caddon", "Ferrybridge", "Ostrow", "Pellham", "Quarrin", "Sablemoor"]


def _rep(key, title, text, vector):
    return ArticleRep(key=key, embedding=vector.astype(np.float32), analysed=analyse(title, text),
                      published=at(key / 10), source=None)


def _unit(rng, dim=16):
    v = rng.normal(size=dim)
    return v / np.linalg.norm(v)


def _member_text(n):
    """A report of the ferry strike with words of its own (the n-th harbour, pier and crew), so that every member
    of the story brings terms the others do not have."""
    place = _PLACES[n % len(_PLACES)]
    return (f"Ferry strike spreads to {place} harbour",
            f"Crews at pier{n} and dock{n} in {place} walked out over rota{n} and wages{n}, the union said.")


def test_scoring_an_article_weighs_its_own_words_not_every_members():
    rng = np.random.default_rng(5)
    vocab = Vocabulary()
    story = Story(id=1, dim=16)
    for n in range(Story.KEEP_FIRST + Story.KEEP_RECENT):
        rep = _rep(n, *_member_text(n), _unit(rng))
        vocab.add(list(rep.tf) + ["@" + e for e in rep.analysed.entities])
        story.add(rep, vocab)
    article = _rep(99, "Ferry strike ends in Harrowgate", "The union and the operator agreed on wages at pier3.",
                   _unit(rng))
    asked = []
    original = vocab.idf
    vocab.idf = lambda term: asked.append(term) or original(term)
    pair_features(article, [story], vocab)
    own = set(article.tf) | set(article.title_tf) | {"@" + e for e in article.analysed.entities}
    core = {"@" + e for e in story.core_entities()}
    member_terms = set().union(*story.member_tfs) - own
    assert member_terms                                   # the members do hold words the article lacks
    assert set(asked) <= own | core
    assert not set(asked) & member_terms


def test_the_member_norms_follow_the_story():
    rng = np.random.default_rng(6)
    vocab = Vocabulary()
    story = Story(id=1, dim=16)
    for n in range(Story.KEEP_FIRST + Story.KEEP_RECENT + 5):
        rep = _rep(n, *_member_text(n), _unit(rng))
        vocab.add(list(rep.tf) + ["@" + e for e in rep.analysed.entities])
        story.add(rep, vocab)
    assert len(story.member_norms) == len(story.member_tfs)
    for sums, tf in zip(story.member_norms, story.member_tfs):
        weighed = np.sqrt(sum((w * vocab.idf(t)) ** 2 for t, w in tf.items()))
        assert _norm(sums[:3], math.log(vocab.docs + 1)) == pytest.approx(weighed)


def test_a_member_norm_follows_the_document_count_without_weighing_again():
    rng = np.random.default_rng(9)
    vocab = Vocabulary()
    story = Story(id=1, dim=16)
    rep = _rep(0, *_member_text(0), _unit(rng))
    vocab.add(list(rep.tf) + ["@" + e for e in rep.analysed.entities])
    story.add(rep, vocab)
    for n in range(1, 40):
        vocab.add([f"unrelated{n}"])       # more documents, none with the member's words
    weighed = np.sqrt(sum((w * vocab.idf(t)) ** 2 for t, w in story.member_tfs[0].items()))
    assert _norm(story.member_norms[0][:3], math.log(vocab.docs + 1)) == pytest.approx(weighed)


def _clusterer_of(stories: int, rng) -> OnlineClusterer:
    clusterer = OnlineClusterer(model=PairModel.load(), embedder=None, multilingual=None,
                                window=timedelta(days=3))
    for n in range(stories):
        centre = _unit(rng)
        story = None
        for k in range(1 + n % 3):
            title, text = _member_text(n * 3 + k)
            rep = clusterer.represent(_Input(n * 3 + k, title, text, centre + 0.2 * _unit(rng), at(n / 50)))
            story = clusterer.commit(rep, story)
    return clusterer


class _Input:
    def __init__(self, id, title, text, vector, published):
        self.id, self.title, self.text, self.published = id, title, text, published
        self.embedding, self.cross, self.language, self.source = vector, None, "en", None


def test_the_nearest_stories_are_those_of_the_nearest_articles():
    rng = np.random.default_rng(7)
    clusterer = _clusterer_of(120, rng)
    vectors = {key: v for bucket in clusterer.buckets.values() for key, v in zip(bucket.keys, bucket.vectors)}
    for _ in range(10):
        query = _unit(rng).astype(np.float32)
        best: dict[int, float] = {}
        for key, vector in vectors.items():
            story = clusterer.resolve(clusterer.article_story[key])
            best[story] = max(best.get(story, -2.0), float(vector @ query))
        ranked = sorted(best, key=best.get, reverse=True)
        found = [s.id for s in clusterer._near_stories(query, None, limit=3)]
        assert found == ranked[:3]
