import pytest

from newsdesk_lab.cluster.crossval import topic_folds


def test_topic_folds_partition_the_topics_and_mix_early_and_late_ones():
    topics = [str(t) for t in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18)]
    folds = topic_folds(topics, 3)
    assert sorted(t for fold in folds for t in fold) == sorted(topics)
    assert all(not (a & b) for i, a in enumerate(folds) for b in folds[i + 1:])
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    assert all({"1", "2", "3"} & fold and {"14", "16", "18"} & fold for fold in folds)


def test_only_the_folds_asked_for_are_trained(tmp_path, monkeypatch):
    import json

    from newsdesk_lab.cluster import crossval

    ecb = tmp_path / "ecb.jsonl"
    ecb.write_text("".join(json.dumps({"id": f"{t}-{i}", "event": f"{t}ecb", "title": "t", "text": "x"}) + "\n"
                           for t in range(1, 9) for i in range(2)))
    trained = []

    class Model:
        threshold, merge_threshold = 0.5, 0.7

        def save(self, path):
            path.write_text("{}")

    monkeypatch.setattr("newsdesk.embed.get_embedder", lambda: None)
    monkeypatch.setattr(crossval, "build_streams", lambda neus, e, emb, cache, topics, **options: topics)
    asked = []

    def train(streams, crossfit, seed, drop, log, thresholds, halves_out, **network):
        asked.append((seed, drop, network))
        trained.append(streams)
        halves_out.extend([Model(), Model()])
        return Model()

    monkeypatch.setattr(crossval, "train", train)
    monkeypatch.setattr(crossval, "_score", lambda model, e, held, emb, cache: {"b3_f1": len(held) / 10})
    summary = crossval.crossvalidate(tmp_path / "neus", ecb, 4, tmp_path / "out", only={1, 3}, log=lambda m: None,
                                     seed=5, drop=("ent_cos",), bag=9)
    assert asked == [(5, ("ent_cos",), {"bag": 9})] * 2
    assert [r["fold"] for r in summary["folds"]] == [1, 3]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "fold-1-half-0.json", "fold-1-half-1.json", "fold-1.json",
        "fold-3-half-0.json", "fold-3-half-1.json", "fold-3.json"]
    folds = crossval.topic_folds([str(t) for t in range(1, 9)], 4)
    assert trained == [set(map(str, range(1, 9))) - folds[1], set(map(str, range(1, 9))) - folds[3]]


def test_the_threshold_grid_scores_every_cell_and_puts_the_tuned_thresholds_back(monkeypatch):
    from newsdesk_lab.cluster import crossval
    from newsdesk.cluster.model import PairModel

    model = PairModel.fallback()
    model.threshold, model.merge_threshold = 0.55, 0.9
    seen = []

    def evaluate(articles, model, embeddings):
        seen.append((model.threshold, model.merge_threshold))
        return {"b3_f1": round(model.threshold + model.merge_threshold, 2)}

    monkeypatch.setattr(crossval, "evaluate_articles", evaluate)
    grid = crossval.threshold_grid(model, [], None, joins=(0.3, 0.5), merges=(0.7, 1.01))
    assert seen == [(0.3, 0.7), (0.5, 0.7), (0.3, 1.01), (0.5, 1.01)]
    assert [c["b3_f1"] for c in grid] == [1.0, 1.2, 1.31, 1.51]
    assert (model.threshold, model.merge_threshold) == (0.55, 0.9)


def test_the_threshold_summary_separates_the_tuned_the_best_common_and_each_folds_best_cells():
    from newsdesk_lab.cluster.crossval import threshold_summary

    def fold(tuned, cells):
        return {"b3_f1": tuned, "grid": [{"threshold": j, "merge_threshold": 0.7, "b3_f1": f}
                                         for j, f in zip((0.3, 0.5, 0.7), cells)]}

    # fold one does best loose, fold two strict; the middle cell is best over both
    summary = threshold_summary([fold(0.80, (0.90, 0.86, 0.70)), fold(0.84, (0.70, 0.88, 0.92))])
    assert summary["tuned"] == 0.82
    assert summary["best_common_cell"] == {"threshold": 0.5, "merge_threshold": 0.7, "b3_f1": 0.87}
    assert summary["each_fold_best"] == 0.91


def test_the_topic_interval_pools_the_folds_and_widens_with_topics_that_disagree():
    from newsdesk_lab.cluster.crossval import topic_interval

    def topic(n, precision, recall):
        return {"articles": n, "precision_sum": n * precision, "recall_sum": n * recall}

    alike = [{"groups": {"1": topic(10, 0.9, 0.9), "2": topic(10, 0.9, 0.9)}},
             {"groups": {"3": topic(20, 0.9, 0.9)}}]
    apart = [{"groups": {"1": topic(10, 1.0, 1.0), "2": topic(10, 0.5, 1.0)}},
             {"groups": {"3": topic(20, 1.0, 0.8)}}]
    same = topic_interval(alike, resamples=500)
    assert same["b3_f1"] == same["low"] == same["high"] == 0.9
    assert same["topics"] == 3
    spread = topic_interval(apart, resamples=500)
    # pooled over the 40 articles: precision (10 + 5 + 20) / 40, recall (10 + 10 + 16) / 40
    assert spread["b3_f1"] == pytest.approx(2 * 0.875 * 0.9 / (0.875 + 0.9), abs=1e-4)
    assert spread["low"] < spread["b3_f1"] < spread["high"]


def test_rescore_scores_the_saved_fold_models_without_training(tmp_path, monkeypatch):
    import json

    from newsdesk_lab.cluster import crossval
    from newsdesk.cluster.model import PairModel

    ecb = tmp_path / "ecb.jsonl"
    ecb.write_text("".join(json.dumps({"id": f"{t}-{i}", "event": f"{t}ecb", "title": "t", "text": "x"})
                           + "\n" for t in range(1, 5) for i in range(2)))
    monkeypatch.setattr("newsdesk.embed.get_embedder", lambda: None)
    monkeypatch.setattr(crossval, "train", lambda *a, **k: pytest.fail("rescore trained a model"))
    scored = []

    def score(model, e, held, emb, cache):
        scored.append(model.threshold)
        return {"b3_f1": 0.5}

    monkeypatch.setattr(crossval, "_score", score)
    out = tmp_path / "out"
    out.mkdir()
    model = PairModel.fallback()
    model.threshold = 0.37
    model.save(out / "fold-0.json")
    summary = crossval.crossvalidate(tmp_path / "neus", ecb, 2, out, only={0}, rescore=True,
                                     log=lambda m: None)
    assert scored == [0.37] and summary["mean_b3_f1"] == 0.5
    with pytest.raises(FileNotFoundError, match="fold-1.json"):
        crossval.crossvalidate(tmp_path / "neus", ecb, 2, out, only={1}, rescore=True, log=lambda m: None)


def test_retune_tunes_the_saved_fold_model_through_its_saved_halves_without_training(tmp_path, monkeypatch):
    import json

    import numpy as np

    from newsdesk_lab.cluster import crossval, train
    from newsdesk_lab.cluster.data import LabelledArticle
    from newsdesk.cluster.model import PairModel

    ecb = tmp_path / "ecb.jsonl"
    ecb.write_text("".join(json.dumps({"id": f"{t}-{i}", "event": f"{t}ecb", "title": "t", "text": "x"})
                           + "\n" for t in range(1, 5) for i in range(2)))

    def stream(name, dataset, topics, tune=True):
        arts = [LabelledArticle(id=f"{t}-{i}", title="t", text="x", event=f"{t}ecb")
                for t in topics for i in range(2)]
        return train.Stream(name, dataset, arts, np.eye(8, dtype=np.float32)[: len(arts)], tune)

    streams = [stream("n1", "neus", [1, 2]), stream("n2", "neus", [3, 4]), stream("ecb", "ecb", [1, 2]),
               stream("ecb-o1", "ecb", [1, 2], tune=False)]
    monkeypatch.setattr("newsdesk.embed.get_embedder", lambda: None)
    monkeypatch.setattr(crossval, "build_streams", lambda *a, **k: streams)
    monkeypatch.setattr(crossval, "train", lambda *a, **k: pytest.fail("retune trained a model"))
    monkeypatch.setattr(crossval, "_score", lambda model, e, held, emb, cache: {"b3_f1": model.threshold})
    out = tmp_path / "out"
    out.mkdir()
    for name in ("fold-0", "fold-0-half-0", "fold-0-half-1"):
        model = PairModel.fallback()
        model.info["name"] = name
        model.save(out / f"{name}.json")
    ran = []

    def run_stream(s, model):
        ran.append((s.name, model.info["name"], model.threshold))
        return {0.45: 0.9, 0.65: 0.8}[model.threshold]

    monkeypatch.setattr(train, "run_stream", run_stream)
    summary = crossval.crossvalidate(tmp_path / "neus", ecb, 2, out, only={0}, retune=True,
                                     join_grid=[0.45, 0.65], log=lambda m: None)
    fold = summary["folds"][0]
    assert fold["threshold"] == 0.45 and fold["b3_f1"] == 0.45
    # tuned on the streams that tune (never the reshuffled copy), each through the half trained on the other
    # half: NeuS streams are dealt alternately, the ECB+ stream is cut by topic
    runs = {(name, half) for name, half, _ in ran}
    assert {name for name, _ in runs} == {"n1", "n2", "ecb-a", "ecb-b"}
    assert runs == {("n1", "fold-0-half-1"), ("n2", "fold-0-half-0"), ("ecb-a", "fold-0-half-1"),
                    ("ecb-b", "fold-0-half-0")}
    assert sorted({t for _, _, t in ran}) == [0.45, 0.65]
    # the saved model is left as it was
    assert json.loads((out / "fold-0.json").read_text())["threshold"] == 0.5
    (out / "fold-0-half-1.json").unlink()
    with pytest.raises(FileNotFoundError, match="fold-0-half-1.json"):
        crossval.crossvalidate(tmp_path / "neus", ecb, 2, out, only={0}, retune=True, log=lambda m: None)
