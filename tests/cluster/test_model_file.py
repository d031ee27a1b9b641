"""The grouping model's weights: a missing or corrupt model.json is a clear error, never hand-set weights."""

import json

import pytest

from newsdesk.cluster import model as model_module
from newsdesk.cluster.model import ModelMissing, PairModel
from newsdesk.cluster.online import OnlineClusterer
from newsdesk.embed import ModelMissing as EmbedModelMissing


def test_a_missing_model_file_names_the_path_and_the_fix(tmp_path):
    path = tmp_path / "model.json"
    with pytest.raises(ModelMissing) as caught:
        PairModel.load(path)
    message = str(caught.value)
    assert str(path) in message and "missing" in message
    assert "make install" in message and "newsdesk.cluster.train" in message


def test_the_shipped_default_missing_is_an_error_not_the_fallback(tmp_path, monkeypatch):
    monkeypatch.setattr(model_module, "default_model_path", lambda: tmp_path / "gone.json")
    with pytest.raises(ModelMissing, match="gone.json"):
        PairModel.load()
    with pytest.raises(ModelMissing):
        OnlineClusterer()


@pytest.mark.parametrize("content", [
    "{\"join\": ",                                   # cut short
    "[1, 2, 3]",                                     # not an object
    "{\"threshold\": 0.5}",                          # no join model
    "\u00ff\u00fe not json",                         # garbage
])
def test_a_corrupt_model_file_is_an_error(tmp_path, content):
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelMissing, match="corrupt"):
        PairModel.load(path)


def test_weights_that_do_not_fit_the_features_are_an_error(tmp_path):
    shipped = json.loads(model_module.default_model_path().read_text(encoding="utf-8"))
    shipped["join"]["layers"][0]["W"] = shipped["join"]["layers"][0]["W"][:-1]   # one feature row short
    path = tmp_path / "model.json"
    path.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(ModelMissing, match="corrupt"):
        PairModel.load(path)


def test_an_unreadable_model_file_is_an_error(tmp_path):
    path = tmp_path / "model.json"
    path.mkdir()                                     # a directory where the file should be
    with pytest.raises(ModelMissing, match="cannot be read"):
        PairModel.load(path)


def test_model_missing_is_reported_like_the_embedding_models():
    assert issubclass(ModelMissing, EmbedModelMissing)


def test_the_fallback_stays_for_training_bootstraps():
    fallback = PairModel.fallback()
    assert fallback.info == {"kind": "fallback"}
    assert PairModel.load().info.get("kind") != "fallback"
