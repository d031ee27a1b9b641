"""The grouping's work per article does not grow with the stories held: the nearest stories are found by walking
the nearest articles only until enough stories are found, not by ranking every hit of every bucket."""

from datetime import timedelta

import numpy as np

from newsdesk.cluster.model import PairModel
from newsdesk.cluster.online import ClusterInput, OnlineClusterer
from newsdesk.cluster.text import analyse

from .articles import at

_PLACES = ["Harrowgate", "Linmouth", "Caddon", "Ferrybridge", "Ostrow", "Pellham", "Quarrin", "Sablemoor"]


def _unit(rng, dim=16):
    v = rng.normal(size=dim)
    return v / np.linalg.norm(v)


def _member_text(n):
    """A report of the ferry strike with words of its own (the n-th harbour, pier and crew), so that every member
    of the story brings terms the others do not have."""
    place = _PLACES[n % len(_PLACES)]
    return (f"Ferry strike spreads to {place} harbour",
            f"Crews at pier{n} and dock{n} in {place} walked out over rota{n} and wages{n}, the union said.")


def _clusterer_of(stories: int, rng) -> OnlineClusterer:
    clusterer = OnlineClusterer(model=PairModel.load(), embedder=None, multilingual=None,
                                window=timedelta(days=3))
    for n in range(stories):
        centre = _unit(rng)
        story = None
        for k in range(1 + n % 3):
            title, text = _member_text(n * 3 + k)
            item = ClusterInput(n * 3 + k, title, text, at(n / 50), embedding=centre + 0.2 * _unit(rng), language="en")
            rep = clusterer.represent(item)
            story = clusterer.commit(rep, story)
    return clusterer


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


class _CountedLookups(dict):
    def __init__(self, *args):
        super().__init__(*args)
        self.lookups = 0

    def get(self, key, default=None):
        self.lookups += 1
        return super().get(key, default)


def test_merge_checks_look_up_only_the_articles_they_need():
    rng = np.random.default_rng(10)
    clusterer = _clusterer_of(300, rng)
    clusterer.article_story = _CountedLookups(clusterer.article_story)
    held = sum(len(b) for b in clusterer.buckets.values())
    assert held > 3 * clusterer.neighbours                 # every bucket's search gives a full list of hits
    query = _unit(rng).astype(np.float32)
    found = clusterer._near_stories(query, None, limit=OnlineClusterer.MERGE_CHECKS)
    assert len(found) == OnlineClusterer.MERGE_CHECKS
    # each story holds at most three articles: the walk stops within three hits of each story it keeps
    assert clusterer.article_story.lookups <= 3 * OnlineClusterer.MERGE_CHECKS


def test_the_vocabulary_prunes_rarely_even_when_most_terms_recur():
    from newsdesk.cluster.features import Vocabulary

    vocab = Vocabulary(max_terms=1000)
    for n in range(1200):
        vocab.add([f"name{n}", f"name{n}"])
        vocab.add([f"name{n}"])                         # every term seen twice: none is a once-seen term to drop
    assert len(vocab.df) <= 1000
    prunes = 0
    for n in range(1200, 1400):
        vocab.pruned = False
        vocab.add([f"name{n}"])
        prunes += vocab.pruned
    assert prunes <= 1


class _Scanning(OnlineClusterer):
    """Evicts as the clusterer did before it kept its stories by time: reading every story held."""

    def _evict(self) -> None:
        horizon = self.latest - self.window - self.late
        for sid in [sid for sid, s in self.stories.items() if s.last is not None and s.last < horizon]:
            del self.stories[sid]
        live = set(self.stories)
        self.redirects = {k: v for k, v in self.redirects.items() if v in live or self.resolve(v) in live}
        oldest = self._bucket_of(horizon - self.bucket)
        for b in [b for b in self.buckets if b is not None and b < oldest]:
            del self.buckets[b]


def test_eviction_leaves_the_stories_a_reading_of_every_story_leaves():
    made = [cls(model=PairModel.load(), embedder=None, multilingual=None, window=timedelta(days=1),
                late=timedelta(hours=6)) for cls in (OnlineClusterer, _Scanning)]
    for clusterer in made:
        rng = np.random.default_rng(3)
        stories = []
        for n in range(240):         # ten days, a story an hour; now and then an older story gets a report or merges
            title, text = _member_text(n)
            older = stories[n - 20] if n >= 20 and stories[n - 20].id in clusterer.stories else None
            item = ClusterInput(n, title, text, at(n), embedding=_unit(rng), language="en")
            story = clusterer.commit(clusterer.represent(item), older if n % 7 == 0 else None)
            stories.append(story)
            if n % 11 == 0 and older is not None and older.id != story.id:
                clusterer._merge(story, older)
        clusterer.held = sorted(clusterer.stories), dict(clusterer.redirects)
    assert made[0].held == made[1].held
    assert 20 < len(made[0].stories) < 80        # it evicted: a day and a half of stories, not ten days'
