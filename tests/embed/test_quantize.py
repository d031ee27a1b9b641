import numpy as np
import pytest

from newsdesk.embed import Embedder, ModelMissing, locate_model_files
from newsdesk.embed import model as embed_model
from newsdesk.embed import quantize

TEXTS = ["The ferry company cancelled every crossing after the storm damaged two of its boats.",
         "Voters in the northern province chose a new governor by a narrow margin.",
         "The museum reopened its east wing after three years of repairs."]


def test_the_int8_model_agrees_with_the_packaged_one():
    files = locate_model_files()
    packaged = Embedder(threads=1, model_path=files.onnx, tokenizer_path=files.tokenizer).encode(TEXTS)
    running = Embedder().encode(TEXTS)
    cosines = (packaged * running).sum(axis=1)
    assert cosines.min() > 0.97, cosines
    assert not np.allclose(packaged, running, atol=1e-4)       # it really is another model, not the same file


@pytest.mark.slow          # builds the int8 model
def test_the_int8_model_is_built_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MODEL_CACHE", str(tmp_path / "models"))
    first = Embedder(threads=1)
    vectors = first.encode(TEXTS[:1])
    built = list((tmp_path / "models").glob("*.onnx"))
    assert len(built) == 1
    assert embed_model.ONNX_SHA256[:16] in built[0].name
    assert not list((tmp_path / "models").glob(".build-*"))      # no half-built leftovers
    stamp = built[0].stat().st_mtime_ns
    again = Embedder(threads=1).encode(TEXTS[:1])
    assert built[0].stat().st_mtime_ns == stamp
    np.testing.assert_allclose(again, vectors, atol=1e-6)


@pytest.mark.slow          # builds the int8 model
def test_an_unwritable_cache_falls_back_to_a_temporary_directory(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    monkeypatch.setenv("NEWSDESK_MODEL_CACHE", str(blocked / "models"))
    monkeypatch.setattr(quantize.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    path = quantize.quantised_model(locate_model_files().onnx, embed_model.ONNX_SHA256)
    assert path.is_file()
    assert (tmp_path / "tmp") in path.parents


@pytest.mark.slow          # builds the int8 model
def test_a_build_that_strays_from_the_packaged_model_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MODEL_CACHE", str(tmp_path / "models"))
    monkeypatch.setattr(quantize, "MIN_AGREEMENT", 1.01)      # no real build can agree this well
    with pytest.raises(ModelMissing, match="agrees with it only"):
        Embedder(threads=1).encode(TEXTS[:1])
    assert not list((tmp_path / "models").glob("*.onnx"))
