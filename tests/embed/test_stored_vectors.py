"""The embedder's second level: every vector it makes kept in the desk's storage (int8-packed, by text hash and
model), so a text goes to the model once per model. On SQLite and PostgreSQL (the `storage` fixture)."""

import hashlib
import logging

import numpy as np
import pytest

from newsdesk.embed import DIM, INT8_BYTES, CachedEmbedder, pack_rows, rounded, text_key, unpack_rows
from newsdesk.storage import StorageError


class HashModel:
    """A stand-in model: a fixed unit vector per text, counting the texts it is asked for."""

    def __init__(self, model_id="hash-model-1"):
        self.model_id = model_id
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha1(t.encode()).digest()[:8], "big"))
                .standard_normal(DIM) for t in texts]
        out = np.asarray(rows, dtype=np.float32).reshape(len(texts), DIM)
        return out / np.linalg.norm(out, axis=1, keepdims=True) if len(texts) else out


TEXTS = ["The council approved the budget.", "Floods closed two bridges.", "Shares fell 12 percent.", ""]


def test_a_second_embedder_over_the_same_desk_sends_nothing_to_the_model(storage):
    first_model = HashModel()
    first = CachedEmbedder(first_model, store=storage)
    made = first.encode(TEXTS)
    first.flush()
    again_model = HashModel()
    again = CachedEmbedder(again_model, store=storage)
    found = again.encode(TEXTS + TEXTS[:1])
    assert again_model.seen == []
    assert again.stored == len(TEXTS)
    np.testing.assert_array_equal(found[:len(TEXTS)], made)     # the same bits as the first pass used


def test_vectors_are_used_as_storage_gives_them_back_at_unit_length(storage):
    model = HashModel()
    exact = model.encode(TEXTS)
    made = CachedEmbedder(HashModel(), store=storage).encode(TEXTS)
    np.testing.assert_array_equal(made, rounded(exact))
    np.testing.assert_allclose(np.linalg.norm(made, axis=1), 1.0, atol=1e-6)
    assert float((made * exact).sum(axis=1).min()) > 0.9999


def test_new_vectors_wait_for_a_batch_then_go_in_one_write(storage):
    writes = []

    class Counted:
        def text_vectors(self, model, keys):
            return storage.text_vectors(model, keys)

        def save_text_vectors(self, model, rows):
            writes.append(len(rows))
            storage.save_text_vectors(model, rows)

    cached = CachedEmbedder(HashModel(), store=Counted(), write_every=3)
    cached.encode(TEXTS[:2])
    assert writes == []
    cached.encode(TEXTS[2:])
    assert writes == [4]
    cached.encode(["one more"])
    cached.flush()
    assert writes == [4, 1]


def test_another_model_embeds_every_text_again_and_replaces_the_old_vectors(storage):
    CachedEmbedder(HashModel("old-model"), store=storage, write_every=1).encode(TEXTS)
    newer = HashModel("new-model")
    CachedEmbedder(newer, store=storage, write_every=1).encode(TEXTS)
    assert newer.seen == TEXTS
    keys = [text_key(t) for t in TEXTS]
    assert storage.text_vectors("old-model", keys) == {}
    assert len(storage.text_vectors("new-model", keys)) == len(TEXTS)
    assert storage.text_vector_models() == ["old-model", "new-model"]
    assert storage.table_size("text_vectors")[0] == len(TEXTS)      # one row per text, whatever the model


def test_forgetting_older_models_keeps_the_current_ones_vectors(storage):
    CachedEmbedder(HashModel("old-model"), store=storage, write_every=1).encode(TEXTS)
    CachedEmbedder(HashModel("new-model"), store=storage, write_every=1).encode(TEXTS[:1])
    assert storage.forget_text_vectors("new-model") == len(TEXTS) - 1
    assert storage.text_vector_models() == ["new-model"]
    assert list(storage.text_vectors("new-model", [text_key(TEXTS[0])])) == [text_key(TEXTS[0])]


def test_an_embedder_that_keeps_nothing_new_still_reads_what_is_stored(storage):
    CachedEmbedder(HashModel(), store=storage, write_every=1).encode(TEXTS[:1])
    model = HashModel()
    reader = CachedEmbedder(model, store=storage, write_every=1, keep_new=False)
    reader.encode(TEXTS[:2])
    reader.flush()
    assert model.seen == TEXTS[1:2]
    assert len(storage.text_vectors("hash-model-1", [text_key(t) for t in TEXTS])) == 1


def test_a_store_that_fails_costs_only_time(caplog):
    class Broken:
        def text_vectors(self, model, keys):
            raise StorageError("database is locked")

        def save_text_vectors(self, model, rows):
            raise StorageError("disk full")

    model = HashModel()
    cached = CachedEmbedder(model, store=Broken(), write_every=1)
    with caplog.at_level(logging.WARNING, logger="newsdesk.embed.cache"):
        out = cached.encode(TEXTS)
    assert out.shape == (len(TEXTS), DIM)
    assert model.seen == TEXTS
    assert "could not be read" in caplog.text
    assert "could not be stored" in caplog.text
    with pytest.raises(ValueError):
        CachedEmbedder(object(), store=Broken())          # no model id to store under


def test_packed_vectors_are_388_bytes_and_the_old_float32_ones_still_read():
    vectors = HashModel().encode(TEXTS)
    packed = pack_rows(vectors)
    assert {len(b) for b in packed} == {INT8_BYTES}
    mixed = unpack_rows([packed[0], vectors[1].tobytes()])
    np.testing.assert_array_equal(mixed[1], vectors[1])
    assert float(mixed[0] @ vectors[0]) > 0.9999
    assert unpack_rows(pack_rows(np.zeros((1, DIM)))).tolist() == [[0.0] * DIM]
    with pytest.raises(ValueError):
        unpack_rows([packed[0], b"\x00" * 10])          # not vectors of one dimension
    with pytest.raises(ValueError):
        unpack_rows([b"\x00" * 3])


def test_the_real_models_vectors_keep_their_cosines(embedder):
    sentences = ["The council approved the new budget on Tuesday after a long debate.",
                 "Lawmakers passed the city's spending plan following hours of argument.",
                 "Flooding closed two bridges and forced hundreds of families from their homes."]
    exact = embedder.encoder.encode(sentences)
    packed = unpack_rows(pack_rows(exact))
    assert float((exact * packed).sum(axis=1).min()) > 0.9999
    assert float(np.abs(exact @ exact.T - packed @ packed.T).max()) < 0.005
