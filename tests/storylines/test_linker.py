"""The storyline linker on its own: events of one matter link (a storyline starts with the second), others stay
alone, converging storylines merge, silence past the horizon ends a storyline, an event a person placed stays;
and the link model refuses a missing or corrupt file. Vectors and words are made up here; the model is the
shipped one except where a test says so."""

import itertools
from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from newsdesk.storylines import FEATURES, EventRep, LinkModel, LinkModelMissing, StorylineLinker

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
DIM = 384


def _unit(v):
    return (v / np.linalg.norm(v)).astype(np.float32)


def _topic(seed):
    return _unit(np.random.default_rng(seed).normal(size=DIM))


def _event(event_id, topic, words, day, seed=None, noise=0.25, entities=()):
    rng = np.random.default_rng(seed if seed is not None else event_id)
    vector = _unit(topic + noise * _unit(rng.normal(size=DIM)))
    return EventRep(event_id, vector, Counter(words), frozenset(entities), T0 + timedelta(days=day), 2, "")


def _linker(model=None):
    counter = itertools.count(1)
    return StorylineLinker(model or LinkModel.load(), allocate=lambda: next(counter))


BRIDGE = ["harbour", "bridge", "kestrel", "girders"]


def test_a_second_related_event_starts_a_storyline_with_the_first():
    linker, topic = _linker(), _topic(1)
    first = linker.link(_event(1, topic, BRIDGE + ["closed"], 0))
    assert first.storyline is None, "a lone event is no storyline yet"
    second = linker.link(_event(2, topic, BRIDGE + ["contract"], 9))
    assert second.created
    assert set(second.added) == {1, 2}
    third = linker.link(_event(3, topic, BRIDGE + ["reopens"], 30))
    assert third.storyline == second.storyline
    assert not third.created


def test_an_unrelated_event_stays_alone():
    linker = _linker()
    linker.link(_event(1, _topic(1), BRIDGE, 0))
    linker.link(_event(2, _topic(1), BRIDGE, 3))
    other = linker.link(_event(3, _topic(2), ["apple", "harvest", "pellham"], 4))
    assert other.storyline is None


def test_an_event_in_a_storyline_stays_there_when_it_changes():
    linker, topic = _linker(), _topic(1)
    linker.link(_event(1, topic, BRIDGE, 0))
    line = linker.link(_event(2, topic, BRIDGE, 1)).storyline
    changed = linker.link(_event(2, _topic(5), ["something", "else"], 2))
    assert changed.storyline == line
    assert changed.changed


def test_silence_past_the_horizon_ends_a_storyline():
    linker, topic = _linker(), _topic(1)
    linker.link(_event(1, topic, BRIDGE, 0))
    linker.link(_event(2, topic, BRIDGE, 1))
    late = linker.link(_event(3, topic, BRIDGE, 400))
    assert late.storyline is None


def test_two_storylines_that_converge_merge_and_the_larger_survives():
    # a model that reads the centroid cosine only: an event joins from 0.6, storylines merge from 0.46
    n = len(FEATURES)
    weights = np.zeros(n)
    weights[FEATURES.index("cos_centroid")] = 10.0
    model = LinkModel(weights=weights, bias=-6.0, mean=np.zeros(n), scale=np.ones(n), threshold=0.5,
                      merge_threshold=0.2)
    linker = _linker(model)
    a = _topic(1)
    b = _unit(0.5 * a + np.sqrt(0.75) * _unit(_topic(2) - np.dot(_topic(2), a) * a))     # cosine 0.5 with a
    for event_id, topic in ((1, a), (2, a), (3, a), (4, b), (5, b)):
        linker.link(_event(event_id, topic, [], event_id, noise=0.0))
    first, second = linker.storyline_of(1), linker.storyline_of(4)
    assert first is not None and second is not None and first != second
    bridging = linker.link(_event(6, _unit(a + b), [], 6, noise=0.0))
    assert bridging.merged == (second,)
    assert bridging.storyline == first
    assert linker.storyline_of(4) == first


def test_a_pinned_event_is_not_moved_by_the_linker():
    linker, topic = _linker(), _topic(1)
    linker.pinned = {2}
    linker.link(_event(1, topic, BRIDGE, 0))
    assert linker.link(_event(2, topic, BRIDGE, 1)).storyline is None


def test_a_missing_model_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(LinkModelMissing, match="missing"):
        LinkModel.load(tmp_path / "absent.json")


def test_a_corrupt_model_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "model.json"
    path.write_text('{"features": ["cos_centroid"], "weights": [1]}')
    with pytest.raises(LinkModelMissing, match="unusable"):
        LinkModel.load(path)
