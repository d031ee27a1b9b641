import pytest

from newsdesk_lab.cluster.metrics import (adjusted_rand_index, bcubed, bcubed_items, grouping_errors,
                                      score_clustering, v_measure)


def test_bcubed_by_hand():
    # gold {a1,a2,b1}; everything predicted together. Precision per item: 2/3, 2/3, 1/3 → 5/9; recall 1.
    p, r, f = bcubed(["a", "a", "b"], [1, 1, 1])
    assert p == pytest.approx(5 / 9)
    assert r == pytest.approx(1.0)
    assert f == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))


def test_bcubed_split():
    # gold one event of 4; predicted {1,2} {3} {4}: recall per item 2/4, 2/4, 1/4, 1/4 → 0.375
    p, r, _ = bcubed(["e"] * 4, [1, 1, 2, 3])
    assert p == pytest.approx(1.0)
    assert r == pytest.approx(0.375)


def test_bcubed_items_score_each_item_by_hand():
    # gold a a b b; predicted {a1, a2, b1} {b2}
    precisions, recalls = bcubed_items(["a", "a", "b", "b"], ["x", "x", "x", "y"])
    assert list(precisions) == pytest.approx([2 / 3, 2 / 3, 1 / 3, 1.0])
    assert list(recalls) == pytest.approx([1.0, 1.0, 0.5, 0.5])
    precision, recall, _ = bcubed(["a", "a", "b", "b"], ["x", "x", "x", "y"])
    assert (precision, recall) == pytest.approx(((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4, 0.75))


def test_ari_and_v_measure_by_hand():
    gold, pred = [0, 0, 1, 1], [0, 0, 1, 2]
    # pairs: index 1 (the 0,0 pair); row pairs 2, column pairs 1; expected 2*1/6 = 1/3; max 1.5
    assert adjusted_rand_index(gold, pred) == pytest.approx((1 - 1 / 3) / (1.5 - 1 / 3))
    h, c, v = v_measure(gold, pred)
    assert h == pytest.approx(1.0)
    assert c == pytest.approx(2 / 3)      # I = ln 2, H(pred) = 1.5 ln 2
    assert v == pytest.approx(0.8)


def test_perfect_and_label_names_do_not_matter():
    gold = ["x", "x", "y", "z", "z", "z"]
    pred = [7, 7, 3, 9, 9, 9]
    s = score_clustering(gold, pred)
    assert all(s[k] == pytest.approx(1.0) for k in ("b3_precision", "b3_recall", "b3_f1", "ari", "v_measure"))


def test_singletons_against_one_cluster():
    gold = ["e"] * 5
    s = score_clustering(gold, list(range(5)))
    assert s["b3_precision"] == pytest.approx(1.0)
    assert s["b3_recall"] == pytest.approx(0.2)
    assert s["ari"] == pytest.approx(0.0, abs=1e-9) or s["ari"] <= 0.0


def test_lengths_must_match():
    with pytest.raises(ValueError):
        bcubed([1, 2], [1])


def test_grouping_errors_name_the_mixed_stories_and_split_events_by_cost():
    gold = ["quake", "quake", "quake", "fire", "fire", "vote", "vote", "vote", "vote"]
    pred = [1, 1, 1, 1, 2, 3, 3, 4, 4]
    titles = [f"t{i}" for i in range(len(gold))]
    errors = grouping_errors(gold, pred, titles, examples=1)
    assert [e["story"] for e in errors["mixed"]] == [1]
    assert errors["mixed"][0]["events"] == {"quake": 3, "fire": 1}
    assert errors["mixed"][0]["titles"] == {"quake": ["t0"], "fire": ["t3"]}
    # story 1 costs each of its 4 items (1 - share of its own event): 3·(1/4) + 1·(3/4) = 1.5, over 9 items
    assert errors["mixed"][0]["cost"] == pytest.approx(1.5 / 9, abs=1e-4)
    assert [e["event"] for e in errors["split"]] == ["vote", "fire"]     # vote 2+2 costs more than fire 1+1
    assert errors["split"][0]["parts"] == [2, 2]
    p, r, _ = bcubed(gold, pred)
    assert 1 - p == pytest.approx(sum(e["cost"] for e in errors["mixed"]), abs=1e-3)
    assert 1 - r == pytest.approx(sum(e["cost"] for e in errors["split"]), abs=1e-3)
    assert grouping_errors(gold, gold) == {"mixed": [], "split": []}
