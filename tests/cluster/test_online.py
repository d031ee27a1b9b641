import dataclasses
import json
from datetime import timedelta

import numpy as np
import pytest

from newsdesk.cluster import decode_story, encode_story, mark_saved, restore_clusterer, state_changes
from newsdesk.cluster.model import PairModel
from newsdesk.cluster.online import ClusterInput, OnlineClusterer

from .articles import QUAKE_A, QUAKE_B, REPRINT, TRANSFER, at


def _items(pairs, start_hour=0.0, step=0.5, prefix="x", source=None):
    return [ClusterInput(id=f"{prefix}{i}", title=t, text=x, published=at(start_hour + i * step), source=source)
            for i, (t, x) in enumerate(pairs)]


def _interleave(*groups):
    out = []
    for i in range(max(len(g) for g in groups)):
        for g in groups:
            if i < len(g):
                out.append(g[i])
    return out


def test_the_shipped_model_loads():
    model = PairModel.load()
    assert model.info.get("kind") != "fallback", "src/newsdesk/cluster/model.json is missing"
    assert 0.0 < model.threshold < 1.0


def test_two_similar_events_kept_apart_and_each_grouped(embedder):
    a = _items(QUAKE_A, prefix="a")
    b = _items(QUAKE_B, start_hour=0.2, prefix="b")
    c = _items(TRANSFER, start_hour=0.1, prefix="c")
    items = _interleave(a, b, c)
    clusterer = OnlineClusterer(embedder=embedder)
    stories = {it.id: clusterer.resolve(asg.story_id) for it, asg in zip(items, clusterer.add_many(items))}
    quake_a = {stories[i.id] for i in a}
    quake_b = {stories[i.id] for i in b}
    transfer = {stories[i.id] for i in c}
    assert len(quake_a) == 1
    assert len(quake_b) == 1
    assert len(transfer) == 1
    assert quake_a != quake_b
    assert quake_a != transfer
    assert quake_b != transfer


def test_reprint_joins_its_original(embedder):
    clusterer = OnlineClusterer(embedder=embedder)
    first = clusterer.add(ClusterInput("a0", *QUAKE_A[0], published=at(0), source="wire"))
    other = clusterer.add(ClusterInput("c0", *TRANSFER[0], published=at(0.5), source="sport"))
    copy = clusterer.add(ClusterInput("r", *REPRINT, published=at(1), source="daily"))
    assert first.created
    assert other.created
    assert not copy.created
    assert copy.story_id == first.story_id
    assert copy.score >= clusterer.model.threshold


def test_article_ten_days_later_starts_a_new_story(embedder):
    clusterer = OnlineClusterer(embedder=embedder, window=timedelta(days=3))
    first = clusterer.add(ClusterInput("a0", *QUAKE_A[0], published=at(0)))
    same_day = clusterer.add(ClusterInput("a1", *QUAKE_A[1], published=at(2)))
    later = clusterer.add(ClusterInput("a2", *QUAKE_A[2], published=at(24 * 10)))
    assert same_day.story_id == first.story_id
    assert later.created
    assert later.story_id != first.story_id
    assert later.candidates == 0
    assert first.story_id not in clusterer.stories     # the old story left the active state


def test_an_article_arriving_late_still_finds_its_story(embedder):
    """A feed polled late: after articles days newer have come in, an article of an older event still
    joins that event's story rather than starting a copy of it."""
    clusterer = OnlineClusterer(embedder=embedder, window=timedelta(days=3))
    first = clusterer.add(ClusterInput("a0", *QUAKE_A[0], published=at(0)))
    clusterer.add(ClusterInput("c0", *TRANSFER[0], published=at(24 * 4)))      # the newest article seen
    late = clusterer.add(ClusterInput("a1", *QUAKE_A[1], published=at(2)))
    assert not late.created
    assert late.story_id == first.story_id
    much_later = OnlineClusterer(embedder=embedder, window=timedelta(days=3), late=timedelta(0))
    gone = much_later.add(ClusterInput("a0", *QUAKE_A[0], published=at(0)))
    much_later.add(ClusterInput("c0", *TRANSFER[0], published=at(24 * 4)))
    assert gone.story_id not in much_later.stories     # without the margin its story has left the state


def _saved_and_restored(clusterer, vectors, embedder):
    """The clusterer through its whole saved state (JSON-able counters, story bytes, index rows with the
    caller's vectors), as the desk's storage keeps and reads it."""
    delta = state_changes(clusterer, everything=True)
    index = [(key, item, story, bucket, vectors[item]) for key, item, story, bucket in delta.index]
    return restore_clusterer(json.loads(json.dumps(delta.counters)), [encode_story(s) for s in delta.stories],
                             index, delta.terms, embedder=embedder)


def test_state_round_trip(embedder):
    items = _interleave(_items(QUAKE_A, prefix="a"), _items(QUAKE_B, start_hour=0.2, prefix="b"))
    head, tail = items[:4], items[4:]
    original = OnlineClusterer(embedder=embedder)
    original.add_many(head)
    restored = _saved_and_restored(original, {it.id: it.embedding for it in head}, embedder)
    assert set(restored.stories) == set(original.stories)
    for it in tail:
        x = original.add(ClusterInput(it.id, it.title, it.text, it.published, embedding=it.embedding))
        y = restored.add(ClusterInput(it.id, it.title, it.text, it.published, embedding=it.embedding))
        assert (x.story_id, x.created) == (y.story_id, y.created)
        assert x.score == pytest.approx(y.score, abs=1e-9)
    assert restored.next_story == original.next_story


def test_only_what_changed_is_in_the_changes(embedder):
    items = _interleave(_items(QUAKE_A, prefix="a"), _items(TRANSFER, start_hour=0.2, prefix="c"))
    clusterer = OnlineClusterer(embedder=embedder)
    clusterer.add_many(items[:4])
    mark_saved(clusterer)
    joined = clusterer.add(items[4])
    delta = state_changes(clusterer)
    assert [s.id for s in delta.stories] == [joined.story_id]
    assert [item for _, item, _, _ in delta.index] == [items[4].id]
    assert delta.gone == []
    mark_saved(clusterer)
    assert state_changes(clusterer).stories == []


def test_a_story_round_trips_through_its_bytes(embedder):
    clusterer = OnlineClusterer(embedder=embedder)
    clusterer.add_many(_items(QUAKE_A, prefix="a", source="Wire"))
    story = next(iter(clusterer.stories.values()))
    again = decode_story(encode_story(story), clusterer.dim)
    assert again.size == story.size
    assert again.terms == story.terms
    assert again.sources == story.sources
    assert np.array_equal(again.emb_sum, story.emb_sum)
    assert np.array_equal(again.member_matrix(), story.member_matrix())


def test_merged_story_ids_keep_resolving(embedder):
    items = _items(QUAKE_A[:1], prefix="a") + _items(TRANSFER[:1], start_hour=1, prefix="c")
    clusterer = OnlineClusterer(embedder=embedder)
    one, two = clusterer.add_many(items)
    survivor = clusterer._merge(clusterer.stories[two.story_id], clusterer.stories[one.story_id])
    assert survivor.id == one.story_id                  # the older story keeps its id
    assert clusterer.resolve(two.story_id) == one.story_id
    assert two.story_id not in clusterer.stories
    restored = _saved_and_restored(clusterer, {it.id: it.embedding for it in items}, embedder)
    assert restored.resolve(two.story_id) == one.story_id


def _word(n: int) -> str:
    letters = "bcdfghjklmnpqrstvwxz"
    out = ""
    for _ in range(3):
        n, r = divmod(n, 20)
        out += letters[r] + "aeiou"[r % 5]
    return out


@pytest.mark.slow          # a desk grown to thousands of stories
def test_cost_per_article_is_bounded_as_the_desk_grows():
    """Synthetic vectors: 25 days of 120 articles a day, 30 events a day. The candidates scored per article,
    the stories held and the vectors indexed stay bounded by the window, not by the desk's total."""
    rng = np.random.default_rng(0)
    dim = 32
    clusterer = OnlineClusterer(model=PairModel.load(), embedder=None, window=timedelta(days=2),
                                max_candidates=12)
    held, indexed, candidates = [], [], []
    n = 0
    for day in range(25):
        centres = rng.normal(size=(30, dim))
        for k in range(120):
            e = int(rng.integers(30))
            v = centres[e] + 0.3 * rng.normal(size=dim)
            name = _word(day * 30 + e)
            item = ClusterInput(id=n, title=f"{name.title()} talks resume in {_word(e + 7).title()}",
                                text=f"Delegates of {name.title()} met again on the {_word(e)} question.",
                                published=at(24 * day + k * 0.2), embedding=v.astype(np.float32))
            candidates.append(clusterer.add(item).candidates)
            n += 1
        held.append(len(clusterer.stories))
        indexed.append(sum(len(b) for b in clusterer.buckets.values()))
    assert max(candidates) <= 12
    assert n == 3000
    # once the window is full, the held state stops growing with the total
    assert max(held[10:]) <= 1.5 * max(held[3:10]) + 5
    assert max(indexed[10:]) <= 1.5 * max(indexed[3:10])
    assert max(indexed) <= 120 * 6     # the window (2 days) both sides, the late margin (2 days), a bucket


def test_bucket_index_finds_the_exact_neighbours():
    from newsdesk.cluster.online import _Bucket

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(2000, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    bucket = _Bucket(24)
    for i, v in enumerate(vectors):
        bucket.add(i, v)
    assert bucket.index is not None                     # past the exact-search size: HNSW
    hits = 0
    for q in range(0, 2000, 50):
        exact = set(np.argsort(-(vectors @ vectors[q]))[:10].tolist())
        found = {k for k, _ in bucket.search(vectors[q], 10)}
        hits += len(exact & found)
    assert hits / (40 * 10) >= 0.95


def _fixed_score(clusterer, monkeypatch, probability):
    monkeypatch.setattr(clusterer.model, "score", lambda X, P=None: np.full(len(X), probability))


def test_an_article_in_a_language_the_model_does_not_read_joins_only_when_sure(embedder, monkeypatch):
    first, second = _items(QUAKE_A[:2])
    clusterer = OnlineClusterer(embedder=embedder)
    _fixed_score(clusterer, monkeypatch, max(clusterer.model.threshold, 0.5) + 0.05)
    clusterer.add(first)
    second.language = "sv"      # outside the multilingual model's languages too
    assert clusterer.add(second).created, "below UNREAD_THRESHOLD a Swedish article stands alone"
    for language in (None, "en", "en-GB"):
        item = _items(QUAKE_A[2:], prefix=f"en{language}")[0]
        item.language = language
        assert not clusterer.add(item).created, language
    _fixed_score(clusterer, monkeypatch, OnlineClusterer.UNREAD_THRESHOLD)
    sure = _items(QUAKE_A[1:2], prefix="sv2")[0]
    sure.language = "sv"
    assert not clusterer.add(sure).created


def test_a_story_just_started_is_not_merged_into_the_stories_its_article_was_turned_down_for(embedder,
                                                                                            monkeypatch):
    clusterer = OnlineClusterer(embedder=embedder)
    asked = []
    clusterer.merge_hook = lambda story, other, x: asked.append((story.id, other.id)) or True
    _fixed_score(clusterer, monkeypatch, 0.0)
    first, second = _items(QUAKE_A[:2])
    one = clusterer.add(first).story_id
    placed = clusterer.add(second)
    assert placed.created
    assert asked == []
    assert clusterer.resolve(placed.story_id) != clusterer.resolve(one)
    _fixed_score(clusterer, monkeypatch, 1.0)
    third = _items(QUAKE_A[2:], prefix="j")[0]
    joined = clusterer.add(third)
    assert not joined.created, "a story that grew is still checked against its neighbours"
    assert asked, "a story that grew is still checked against its neighbours"
    assert joined.merged, "and merged when the merge model accepts"


def test_a_story_only_in_a_language_the_model_does_not_read_is_joined_only_when_sure(embedder, monkeypatch):
    swedish, english = _items(QUAKE_A[:2])
    swedish.language = "sv"
    clusterer = OnlineClusterer(embedder=embedder)
    _fixed_score(clusterer, monkeypatch, max(clusterer.model.threshold, 0.5) + 0.05)
    clusterer.add(swedish)
    assert clusterer.add(english).created, "below UNREAD_THRESHOLD an English article does not join a Swedish story"


def test_text_the_model_does_not_read_profiles_a_story_only_while_it_has_nothing_else(embedder, monkeypatch):
    swedish, english, swedish_2, english_2 = _items(QUAKE_A[:3] + QUAKE_A[:1])
    swedish.language = swedish_2.language = "sv"
    clusterer = OnlineClusterer(embedder=embedder)
    _fixed_score(clusterer, monkeypatch, 1.0)
    story_id = clusterer.add(swedish).story_id
    assert clusterer.add(english).story_id == story_id
    story = clusterer.stories[story_id]
    assert (story.size, story.tentative) == (1, 1), "the English article profiles the story anew"
    assert np.allclose(story.centroid, english.embedding / np.linalg.norm(english.embedding), atol=1e-5)
    assert clusterer.add(swedish_2).story_id == story_id
    assert (story.size, story.tentative) == (1, 2), "a Swedish article joining an English story stays out of its profile"
    assert clusterer.add(english_2).story_id == story_id
    assert story.size == 2
    assert story.unread == 2
    assert not story.unread_only


def test_a_story_only_in_a_language_the_model_does_not_read_is_merged_only_when_sure(embedder, monkeypatch):
    clusterer = OnlineClusterer(embedder=embedder)
    quake = _items(QUAKE_A[:2], prefix="q")
    lone = _items(TRANSFER[:1], start_hour=0.2, prefix="t")
    for it in quake + lone:
        it.language = "sv"
    _fixed_score(clusterer, monkeypatch, 1.0)
    story = clusterer.stories[clusterer.add(quake[0]).story_id]
    clusterer.add(quake[1])
    _fixed_score(clusterer, monkeypatch, 0.0)
    other = clusterer.stories[clusterer.add(lone[0]).story_id]
    assert story.size == 2
    assert story.unread_only
    assert other.unread_only
    assert other.id != story.id
    bar = OnlineClusterer.UNREAD_THRESHOLD
    assert clusterer.model.merge_threshold < bar - 0.01
    monkeypatch.setattr(clusterer.model, "merge_score", lambda x: bar - 0.01)
    assert clusterer.merge_checks(story)[1] == [], "below UNREAD_THRESHOLD a Swedish-only story is not merged"
    monkeypatch.setattr(clusterer.model, "merge_score", lambda x: bar)
    assert clusterer.merge_checks(story)[1] == [other.id]


def test_a_headline_only_article_is_placed_by_the_headline_model(embedder):
    joins, never = PairModel.fallback(), PairModel.fallback()
    joins.threshold, never.threshold = 0.0, 1.01      # the article model takes anything; the headline model nothing
    never.merge, never.merge_threshold = None, 1.01
    joins.headline = never
    clusterer = OnlineClusterer(model=joins, embedder=embedder)
    first, with_text, bare, repeated = _items(QUAKE_A + QUAKE_A[:1])
    bare.text = ""
    repeated.text = f"  {repeated.title} "         # stored with its title as text: still a headline alone
    clusterer.add(first)
    assert not clusterer.add(with_text).created
    assert clusterer.add(bare).created
    assert clusterer.add(repeated).created
    joins.headline = None                            # without a headline model the article model decides
    assert not clusterer.add(dataclasses.replace(_items(QUAKE_A[1:2], prefix="h")[0], text="")).created


def test_a_bucket_restored_from_its_graph_finds_what_it_found():
    from newsdesk.cluster.graph import graph_bytes
    from newsdesk.cluster.online import _Bucket

    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((600, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keys = list(range(10, 610))
    original = _Bucket(32)
    original.extend(keys[:400], vectors[:400])
    graph = graph_bytes(original.index)           # saved at 400 articles, 200 more added since
    original.extend(keys[400:], vectors[400:])
    restored = _Bucket.restored(32, keys, vectors, graph)
    assert restored.saved_items == 400
    assert len(restored) == 600
    for probe in vectors[::50]:
        assert [k for k, _ in restored.search(probe, 10)][:1] == [k for k, _ in original.search(probe, 10)][:1]
    assert _Bucket.restored(32, keys, vectors, b"not a graph").search(vectors[0], 1)[0][0] == keys[0]
