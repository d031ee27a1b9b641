"""The grouping model's weights: a missing or corrupt model.json is a clear error, never hand-set weights."""

import json

import numpy as np
import pytest

from newsdesk.cluster import model as model_module
from newsdesk.cluster.model import ModelMissing, PairModel, Scorer
from newsdesk.cluster.online import OnlineClusterer
from newsdesk.embed import ModelMissing as EmbedModelMissing


def test_a_missing_model_file_names_the_path_and_the_fix(tmp_path):
    path = tmp_path / "model.json"
    with pytest.raises(ModelMissing) as caught:
        PairModel.load(path)
    message = str(caught.value)
    assert str(path) in message
    assert "missing" in message
    assert "make install" in message
    assert "newsdesk_lab.cluster.train" in message


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
    first = shipped["join"]["nets"][-1][0]
    first["W"] = first["W"][:-1]                     # the last network's first layer one feature row short
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


def test_features_beyond_the_trained_range_score_as_its_edge(tmp_path):
    shipped = PairModel.load()
    join = shipped.join
    assert join.low is not None, "the shipped model records its training range"
    assert join.high is not None, "the shipped model records its training range"
    size = join.features.index("log_size")
    edge = join.high.copy()
    far = edge.copy()
    far[size] = edge[size] + 5.0                     # a story e^5 times larger than any trained on
    assert join.logits(far)[0] == pytest.approx(join.logits(edge)[0])
    inside = (join.low + join.high) / 2
    moved = inside.copy()
    moved[size] = join.low[size] + 0.25 * (join.high[size] - join.low[size])
    assert join.logits(moved)[0] != pytest.approx(join.logits(inside)[0])   # inside the range nothing is clipped
    path = tmp_path / "model.json"
    shipped.save(path)
    again = PairModel.load(path)
    assert again.join.logits(far)[0] == pytest.approx(join.logits(far)[0])


def test_a_feature_range_that_does_not_fit_is_an_error(tmp_path):
    shipped = json.loads(model_module.default_model_path().read_text(encoding="utf-8"))
    shipped["join"]["low"] = [0.0] * (len(shipped["join"]["features"]) - 1)
    shipped["join"]["high"] = [1.0] * (len(shipped["join"]["features"]) - 1)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(ModelMissing, match="corrupt"):
        PairModel.load(path)


def test_a_bag_scores_the_mean_of_its_networks_logits(tmp_path):
    shipped = PairModel.load()
    assert len(shipped.join.nets) > 1, "the shipped models are bags"
    assert len(shipped.merge.nets) > 1, "the shipped models are bags"
    X = np.stack([(shipped.join.low + shipped.join.high) / 2, shipped.join.low, shipped.join.high])
    singles = []
    for net in shipped.join.nets:
        one = Scorer(features=shipped.join.features, mean=shipped.join.mean, scale=shipped.join.scale, nets=[net],
                     low=shipped.join.low, high=shipped.join.high)
        singles.append(one.logits(X))
    assert np.allclose(shipped.join.logits(X), np.mean(singles, axis=0))
    assert not np.allclose(singles[0], singles[1])                # the networks differ
    single = Scorer(features=shipped.join.features, mean=shipped.join.mean, scale=shipped.join.scale,
                    nets=[shipped.join.nets[0]])
    path = tmp_path / "model.json"
    PairModel(join=single).save(path)
    assert "layers" in json.loads(path.read_text())["join"]          # one network keeps the one-network format
    assert np.allclose(PairModel.load(path).join.logits(X), single.logits(X))


def test_a_model_trained_on_fewer_features_reads_its_own_columns(tmp_path):
    from newsdesk.cluster.features import FEATURES

    own = (FEATURES[3], FEATURES[0], FEATURES[-1])            # a subset, in an order of its own
    rng = np.random.default_rng(1)
    W, b = rng.normal(size=(3, 1)), np.array([0.2])
    narrow = Scorer(features=own, mean=np.zeros(3), scale=np.ones(3), nets=[[(W, b)]])
    path = tmp_path / "model.json"
    PairModel(join=narrow).save(path)
    loaded = PairModel.load(path).join
    rows = rng.normal(size=(4, len(FEATURES)))                 # rows as the code computes them: every feature
    expected = rows[:, [FEATURES.index(f) for f in own]] @ W + b
    assert np.allclose(loaded.logits(rows), expected[:, 0])
    other = rows.copy()
    other[:, 5] += 10.0                                        # a feature the model was not trained on
    assert np.allclose(loaded.logits(other), loaded.logits(rows))

    stale = json.loads(path.read_text())
    stale["join"]["features"][1] = "a_feature_the_code_no_longer_has"
    path.write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(ModelMissing, match="retrain"):
        PairModel.load(path)
