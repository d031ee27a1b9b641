from newsdesk.cluster.crossval import topic_folds


def test_topic_folds_partition_the_topics_and_mix_early_and_late_ones():
    topics = [str(t) for t in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18)]
    folds = topic_folds(topics, 3)
    assert sorted(t for fold in folds for t in fold) == sorted(topics)
    assert all(not (a & b) for i, a in enumerate(folds) for b in folds[i + 1:])
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    assert all({"1", "2", "3"} & fold and {"14", "16", "18"} & fold for fold in folds)
