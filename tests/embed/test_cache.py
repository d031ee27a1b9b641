import threading

import numpy as np
import pytest

from newsdesk.embed import CachedEmbedder


class Counting:
    """Unit vectors whose angle is the text's length, counting what reaches the model."""

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.array([[np.cos(len(t) / 20), np.sin(len(t) / 20)] for t in texts], dtype=np.float32)


def length_of(vectors):
    """The text length a Counting vector came from."""
    return np.rint(20 * np.arctan2(vectors[:, 1], vectors[:, 0]))


def test_each_distinct_text_reaches_the_model_once():
    model = Counting()
    cached = CachedEmbedder(model, size=10)
    first = cached.encode(["aa", "b", "aa"])
    again = cached.encode(["b", "ccc", "aa"])
    assert model.seen == ["aa", "b", "ccc"]
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_array_equal(again[0], first[1])
    assert length_of(again)[1] == 3
    assert (cached.hits, cached.misses) == (3, 3)


def test_the_least_recently_used_texts_are_forgotten_first():
    model = Counting()
    cached = CachedEmbedder(model, size=2)
    cached.encode(["a", "b"])
    cached.encode(["a"])               # "b" is now the oldest
    cached.encode(["c"])
    cached.encode(["a", "b"])
    assert model.seen == ["a", "b", "c", "b"]


def test_a_cache_of_size_zero_remembers_nothing_and_empty_input_keeps_its_shape():
    model = Counting()
    cached = CachedEmbedder(model, size=0)
    cached.encode(["a"])
    cached.encode(["a"])
    assert model.seen == ["a", "a"]
    assert cached.encode([]).shape == (0, cached.dim)
    with pytest.raises(TypeError):
        cached.encode("a")
    with pytest.raises(ValueError):
        CachedEmbedder(model, size=-1)


def test_threads_sharing_the_cache_get_their_own_texts_back():
    cached = CachedEmbedder(Counting(), size=50)
    errors = []

    def work(k):
        texts = ["x" * ((k + i) % 40 + 1) for i in range(200)]
        out = cached.encode(texts)
        if not np.array_equal(length_of(out), [len(t) for t in texts]):
            errors.append(k)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
