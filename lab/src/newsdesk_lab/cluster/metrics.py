"""Clustering agreement with gold labels: B-cubed precision/recall/F1, adjusted Rand index, V-measure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np


def _indexed(gold: Sequence[Hashable],
             predicted: Sequence[Hashable]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each item's gold and predicted cluster as row and column numbers, and the contingency table."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must label the same items")
    g_ids: dict[Hashable, int] = {}
    p_ids: dict[Hashable, int] = {}
    g = np.fromiter((g_ids.setdefault(x, len(g_ids)) for x in gold), dtype=np.int64, count=len(gold))
    p = np.fromiter((p_ids.setdefault(x, len(p_ids)) for x in predicted), dtype=np.int64, count=len(predicted))
    table = np.zeros((len(g_ids), len(p_ids)), dtype=np.float64)
    np.add.at(table, (g, p), 1.0)
    return g, p, table


def _contingency(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> np.ndarray:
    return _indexed(gold, predicted)[2]


def bcubed_items(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    """Each item's B-cubed precision (share of its predicted cluster that shares its gold label) and recall
    (share of its gold cluster found in its predicted cluster)."""
    g, p, table = _indexed(gold, predicted)
    return table[g, p] / table.sum(axis=0)[p], table[g, p] / table.sum(axis=1)[g]


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[float, float, float]:
    """Item precision and recall (bcubed_items) averaged over items, and their F1."""
    if len(gold) == 0:
        return 1.0, 1.0, 1.0
    precisions, recalls = bcubed_items(gold, predicted)
    precision, recall = float(precisions.mean()), float(recalls.mean())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand_index(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    n = len(gold)
    if n < 2:
        return 1.0
    table = _contingency(gold, predicted)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    total = n * (n - 1) / 2
    expected = rows * cols / total
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _entropy(counts: np.ndarray, n: int) -> float:
    p = counts[counts > 0] / n
    return float(-(p * np.log(p)).sum())


def v_measure(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[float, float, float]:
    """(homogeneity, completeness, V-measure), as Rosenberg & Hirschberg (2007) define them."""
    n = len(gold)
    if n == 0:
        return 1.0, 1.0, 1.0
    table = _contingency(gold, predicted)
    h_gold = _entropy(table.sum(axis=1), n)
    h_pred = _entropy(table.sum(axis=0), n)
    nz = table > 0
    joint = table[nz] / n
    outer = np.outer(table.sum(axis=1), table.sum(axis=0))[nz] / (n * n)
    mutual = float((joint * (np.log(joint) - np.log(outer))).sum())
    homogeneity = 1.0 if h_gold == 0 else mutual / h_gold
    completeness = 1.0 if h_pred == 0 else mutual / h_pred
    if homogeneity + completeness == 0:
        return homogeneity, completeness, 0.0
    return homogeneity, completeness, 2 * homogeneity * completeness / (homogeneity + completeness)


def score_clustering(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> dict[str, float]:
    p, r, f = bcubed(gold, predicted)
    return {"b3_precision": p, "b3_recall": r, "b3_f1": f, "ari": adjusted_rand_index(gold, predicted),
            "v_measure": v_measure(gold, predicted)[2]}


def grouping_errors(gold: Sequence[Hashable], predicted: Sequence[Hashable],
                    titles: Sequence[str] | None = None, examples: int = 2) -> dict[str, list[dict]]:
    """Where a grouping goes wrong, costliest first: stories that mix events (`mixed`: the events with their
    article counts, and up to `examples` titles of each) and events spread over stories (`split`: the sizes of
    the parts). `cost` is what each one takes off B-cubed precision (mixed) or recall (split)."""
    if len(gold) != len(predicted) or (titles is not None and len(titles) != len(gold)):
        raise ValueError("gold, predicted and titles must label the same items")
    n = len(gold) or 1
    stories: dict[Hashable, list[int]] = {}
    events: dict[Hashable, list[int]] = {}
    for i, (g, p) in enumerate(zip(gold, predicted)):
        stories.setdefault(p, []).append(i)
        events.setdefault(g, []).append(i)

    def cost(parts: Counter) -> float:
        size = sum(parts.values())
        return round(sum(c * (1.0 - c / size) for c in parts.values()) / n, 4)

    mixed, split = [], []
    for story, items in stories.items():
        counts = Counter(gold[i] for i in items)
        if len(counts) > 1:
            entry = {"story": story, "cost": cost(counts), "events": dict(counts.most_common())}
            if titles is not None:
                entry["titles"] = {str(e): [titles[i] for i in items if gold[i] == e][:examples]
                                   for e in entry["events"]}
            mixed.append(entry)
    for event, items in events.items():
        parts = Counter(predicted[i] for i in items)
        if len(parts) > 1:
            split.append({"event": event, "cost": cost(parts), "parts": sorted(parts.values(), reverse=True)})
    by_cost = lambda e: -e["cost"]  # noqa: E731
    return {"mixed": sorted(mixed, key=by_cost), "split": sorted(split, key=by_cost)}
