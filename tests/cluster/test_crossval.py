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
