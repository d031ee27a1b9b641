from newsdesk.cluster.crossval import topic_folds


def test_topic_folds_partition_the_topics_and_mix_early_and_late_ones():
    topics = [str(t) for t in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18)]
    folds = topic_folds(topics, 3)
    assert sorted(t for fold in folds for t in fold) == sorted(topics)
    assert all(not (a & b) for i, a in enumerate(folds) for b in folds[i + 1:])
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    assert all({"1", "2", "3"} & fold and {"14", "16", "18"} & fold for fold in folds)


def test_only_the_folds_asked_for_are_trained(tmp_path, monkeypatch):
    import json

    from newsdesk.cluster import crossval

    ecb = tmp_path / "ecb.jsonl"
    ecb.write_text("".join(json.dumps({"id": f"{t}-{i}", "event": f"{t}ecb", "title": "t", "text": "x"}) + "\n"
                           for t in range(1, 9) for i in range(2)))
    trained = []

    class Model:
        def save(self, path):
            path.write_text("{}")

    monkeypatch.setattr("newsdesk.embed.get_embedder", lambda: None)
    monkeypatch.setattr(crossval, "build_streams", lambda neus, e, emb, cache, topics, **options: topics)
    asked = []

    def train(streams, crossfit, seed, drop, log, **network):
        asked.append((seed, drop, network))
        trained.append(streams)
        return Model()

    monkeypatch.setattr(crossval, "train", train)
    monkeypatch.setattr(crossval, "_score", lambda model, e, held, emb, cache: {"b3_f1": len(held) / 10})
    summary = crossval.crossvalidate(tmp_path / "neus", ecb, 4, tmp_path / "out", only={1, 3}, log=lambda m: None,
                                     seed=5, drop=("ent_cos",), bag=9)
    assert asked == [(5, ("ent_cos",), {"bag": 9})] * 2
    assert [r["fold"] for r in summary["folds"]] == [1, 3]
    assert sorted((tmp_path / "out").iterdir()) == [tmp_path / "out" / "fold-1.json", tmp_path / "out" / "fold-3.json"]
    folds = crossval.topic_folds([str(t) for t in range(1, 9)], 4)
    assert trained == [set(map(str, range(1, 9))) - folds[1], set(map(str, range(1, 9))) - folds[3]]


def test_the_threshold_grid_scores_every_cell_and_puts_the_tuned_thresholds_back(monkeypatch):
    from newsdesk.cluster import crossval
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
    from newsdesk.cluster.crossval import threshold_summary

    def fold(tuned, cells):
        return {"b3_f1": tuned, "grid": [{"threshold": j, "merge_threshold": 0.7, "b3_f1": f}
                                         for j, f in zip((0.3, 0.5, 0.7), cells)]}

    # fold one does best loose, fold two strict; the middle cell is best over both
    summary = threshold_summary([fold(0.80, (0.90, 0.86, 0.70)), fold(0.84, (0.70, 0.88, 0.92))])
    assert summary["tuned"] == 0.82
    assert summary["best_common_cell"] == {"threshold": 0.5, "merge_threshold": 0.7, "b3_f1": 0.87}
    assert summary["each_fold_best"] == 0.91
