"""Screen join features before a retrain: what a feature is worth to the join decision on held-out ECB+ topics.

    python -m newsdesk_lab.cluster.screen --neus NEUS/train.source --ecb ECB.jsonl --features NAME,NAME

Held-out folds cost from twenty minutes to hours of both cores (by machine), and one fold moves by up to 5
points from one training run to the next. This takes minutes: the streams go through the online clusterer
once with the gold grouping forced (the training's first step), and the join rows of each fold of ECB+ topics
are scored by MLPs trained on NeuS and the other folds, once without the named features and once with them,
over several seeds. It prints for each:
- decision accuracy: the share of articles, under join thresholds 0.3 to 0.7, placed right (into their own
  story when it is a candidate and the best one reaches the threshold, alone when it is not a candidate and
  none does);
- log loss of the held-out rows;
and for every feature its AUC between an article's own story and the other event of its ECB+ topic (the twin
events that the held-out folds get wrong). Gold stories only: the own-decision runs, merges and the threshold
grid of a real training are not in it. It rejects; `crossval --drop` decides (three gap features that passed
it lost 2.4 points of held-out B-cubed F1).
Needs scikit-learn, as training does.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsdesk_lab.cluster.crossval import topic_folds
from newsdesk.cluster import FEATURES, PairModel
from newsdesk_lab.cluster.train import Stream, _Run, build_streams, ecb_topic, fit, split_names

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass
class JoinRows:
    X: np.ndarray            # rows × FEATURES
    y: np.ndarray            # 1: the candidate is the article's own story
    dataset: np.ndarray      # the row's data set ("ecb", "neus")
    group: np.ndarray        # ECB+ topic, or the stream's name
    article: np.ndarray      # stream name and place of the article
    twin: np.ndarray         # the candidate is the other event of the article's ECB+ topic


def teacher_rows(streams: list[Stream]) -> JoinRows:
    """The join rows of each stream under the gold grouping."""
    parts = []
    for stream in streams:
        run = _Run(stream, PairModel.fallback(), teacher_join=True, oracle_merge=True).run()
        X = np.asarray(run.join_rows, dtype=np.float64).reshape(-1, len(FEATURES))
        events = [stream.articles[n].event for n in run.join_articles]
        ecb = stream.dataset == "ecb"
        twin = [ecb and cand is not None and cand != own and ecb_topic(cand) == ecb_topic(own)
                for cand, own in zip(run.join_events, events)]
        group = [ecb_topic(e) if ecb else stream.name for e in events]
        parts.append((X, np.asarray(run.join_labels, dtype=np.int64), [stream.dataset] * len(X), group,
                      [f"{stream.name}:{n}" for n in run.join_articles], twin))
    return JoinRows(*(np.concatenate([np.asarray(p[i]) for p in parts]) if parts else np.zeros(0)
                      for i in range(6)))


def decision_accuracy(p: np.ndarray, y: np.ndarray, article: np.ndarray, thresholds=THRESHOLDS) -> float:
    """Share of (article, threshold) decisions that place the article right: into the best candidate when its
    probability reaches the threshold and it is the article's own story; alone when none reaches it and the
    own story is not among the candidates."""
    right = total = 0
    for a in np.unique(article):
        rows = np.flatnonzero(article == a)
        best = rows[np.argmax(p[rows])]
        has_own = bool(y[rows].any())
        for th in thresholds:
            right += (p[best] >= th and y[best] == 1) or (p[best] < th and not has_own)
            total += 1
    return right / total if total else 0.0


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = np.empty(len(scores))
    order = np.argsort(scores, kind="mergesort")
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):            # tied scores share their mean rank
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    return float((ranks[labels == 1].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def screen(rows: JoinRows, features: list[str], folds: int = 4, seeds=(0, 100, 200), bag: int = 5,
           hidden: int = 32, log=print) -> dict:
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; the code has {FEATURES}")
    ecb = rows.dataset == "ecb"
    topics = sorted(set(rows.group[ecb].tolist()))
    if len(topics) < folds:
        raise ValueError(f"{len(topics)} ECB+ topics cannot make {folds} folds")
    per_set = {d: int((rows.dataset == d).sum()) for d in np.unique(rows.dataset)}
    weight = np.array([1.0 / per_set[d] for d in rows.dataset])    # each data set weighs the same in total
    sets = {"without": [i for i, f in enumerate(FEATURES) if f not in features],
            "with": list(range(len(FEATURES)))}
    out: dict = {"features": features, "rows": int(len(rows.y))}
    for name, cols in sets.items():
        names = tuple(FEATURES[c] for c in cols)
        accuracy, log_loss = [], []
        for seed in seeds:
            acc, ll = [], []
            for fold in topic_folds(topics, folds):
                test = ecb & np.isin(rows.group, list(fold))
                scorer = fit(rows.X[~test][:, cols], rows.y[~test], weight[~test], names, "mlp", hidden,
                             seed=seed, bag=bag)
                p = PairModel(join=scorer).score(rows.X[test][:, cols])
                acc.append(decision_accuracy(p, rows.y[test], rows.article[test]))
                pc, yt = np.clip(p, 1e-6, 1 - 1e-6), rows.y[test]
                ll.append(float(-(yt * np.log(pc) + (1 - yt) * np.log(1 - pc)).mean()))
            accuracy.append(round(float(np.mean(acc)), 4))
            log_loss.append(round(float(np.mean(ll)), 4))
            log(f"{name} seed {seed}: decision accuracy {accuracy[-1]:.4f}  log loss {log_loss[-1]:.4f}")
        out[name] = {"accuracy": accuracy, "log_loss": log_loss,
                     "mean_accuracy": round(float(np.mean(accuracy)), 4),
                     "mean_log_loss": round(float(np.mean(log_loss)), 4)}
    pairs = ecb & ((rows.y == 1) | rows.twin)
    out["twin_auc"] = {f: round(auc(rows.X[pairs, i], rows.y[pairs]), 3) for i, f in enumerate(FEATURES)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--neus", type=Path, required=True, help="NeuS train.source")
    parser.add_argument("--ecb", type=Path, required=True, help="ECB+ JSONL (id, event, title, text)")
    parser.add_argument("--features", required=True,
                        help="comma-separated features to screen (left out, then in)")
    parser.add_argument("--neus-chunks", type=int, default=4,
                        help="NeuS streams of 300 stories to train with")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seeds", type=int, default=3, help="training seeds per feature set")
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep embeddings between runs")
    parser.add_argument("--json", action="store_true", help="last line: the figures as one JSON object")
    args = parser.parse_args(argv)
    from newsdesk.embed import get_embedder

    features = list(split_names(args.features))
    streams = build_streams(args.neus, args.ecb, get_embedder(), args.cache, neus_chunks=args.neus_chunks)
    seeds = tuple(100 * k for k in range(args.seeds))          # bags of five networks, disjoint
    result = screen(teacher_rows(streams), features, folds=args.folds, seeds=seeds)
    for name in ("without", "with"):
        print(f"{name:8} decision accuracy {result[name]['mean_accuracy']:.4f}  "
              f"log loss {result[name]['mean_log_loss']:.4f}")
    aucs = ", ".join(f"{f} {result['twin_auc'][f]:.3f}" for f in features)
    print(f"AUC, own story against the twin event: {aucs}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
