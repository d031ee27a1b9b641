"""Held-out figures for the pair model: ECB+ topics split into folds; each fold's model is trained on NeuS train
plus the other folds' topics (the shipped model's recipe) and scored on the fold it never saw. With
`--neus-only`, one more model trained without any ECB+ topic is scored on every topic: a different kind of news
than it learned from.

    python -m newsdesk_lab.cluster.crossval --neus NEUS/train.source --ecb ECB.jsonl --folds 2 --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from newsdesk_lab.cluster.data import headline, stream_order
from newsdesk_lab.cluster.evaluate import evaluate_articles
from newsdesk.cluster import PairModel
from newsdesk_lab.cluster.train import (HEADLINES, MERGE_THRESHOLDS, build_streams, ecb_stream, ecb_topic,
                                    crossfit_halves, embed_articles, parse_grid, record_tuning, split_names,
                                    train, tune, tuning_streams)


def topic_folds(topics: list[str], folds: int) -> list[set[str]]:
    """Topics in numeric order dealt round-robin, so every fold holds early and late topics."""
    ordered = sorted(topics, key=lambda t: (len(t), t))
    return [set(ordered[k::folds]) for k in range(folds)]


JOIN_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)      # wider than training's, to see past its edges


def _score(model: PairModel, ecb: Path, topics: set[str], embedder, cache: Path | None) -> dict:
    """The topics' articles as they are (with the costliest errors, and B-cubed F1 under every cell of a grid
    of join and merge thresholds), and (under "headlines") as headlines only."""
    articles = stream_order(ecb_stream(ecb, topics))
    embeddings = embed_articles(articles, embedder, cache)
    scores = evaluate_articles(articles, model=model, embeddings=embeddings, errors=5,
                               group_by=lambda a: ecb_topic(a.event))
    scores["grid"] = threshold_grid(model, articles, embeddings)
    titles = [headline(a) for a in articles]
    scores["headlines"] = evaluate_articles(titles, model=model, embeddings=embed_articles(titles, embedder, cache))
    return scores


def threshold_grid(model: PairModel, articles, embeddings, joins=JOIN_GRID,
                   merges=MERGE_THRESHOLDS) -> list[dict]:
    """B-cubed F1 of the articles grouped under each pair of join and merge thresholds (the model's own are
    put back afterwards)."""
    tuned = model.threshold, model.merge_threshold
    grid = []
    try:
        for merge in merges:
            for join in joins:
                model.threshold, model.merge_threshold = join, merge
                f1 = evaluate_articles(articles, model=model, embeddings=embeddings)["b3_f1"]
                grid.append({"threshold": join, "merge_threshold": merge, "b3_f1": f1})
    finally:
        model.threshold, model.merge_threshold = tuned
    return grid


def threshold_summary(folds: list[dict]) -> dict:
    """How much of the held-out loss the thresholds explain: the mean F1 under the thresholds each fold's
    model tuned for itself, under the one cell best over all folds, and under each fold's own best cell (an
    oracle: what the ranking allows at best)."""
    cells = [{(c["threshold"], c["merge_threshold"]): c["b3_f1"] for c in f["grid"]} for f in folds]
    common = set.intersection(*(set(c) for c in cells))
    best = max(sorted(common), key=lambda cell: sum(c[cell] for c in cells))
    return {"tuned": _mean([f["b3_f1"] for f in folds]),
            "best_common_cell": {"threshold": best[0], "merge_threshold": best[1],
                                 "b3_f1": _mean([c[best] for c in cells])},
            "each_fold_best": _mean([max(c.values()) for c in cells])}


def topic_interval(folds: list[dict], resamples: int = 2000, seed: int = 0) -> dict:
    """B-cubed F1 over the articles of every held-out fold together, and a 95% interval for it from resampling
    the topics (each fold's "groups"). A fold holds a few topics, each of two similar events, and one pair of
    events joined or kept apart moves its figure by several points: the interval says how far apart two
    configurations must be before the difference means anything."""
    sums = np.array([[g["articles"], g["precision_sum"], g["recall_sum"]]
                     for f in folds for g in f["groups"].values()], dtype=np.float64)

    def f1(rows: np.ndarray) -> np.ndarray:
        precision, recall = rows[..., 1] / rows[..., 0], rows[..., 2] / rows[..., 0]
        return 2 * precision * recall / (precision + recall)

    draws = np.random.default_rng(seed).integers(0, len(sums), size=(resamples, len(sums)))
    resampled = f1(sums[draws].sum(axis=1))
    low, high = np.percentile(resampled, [2.5, 97.5])
    return {"b3_f1": round(float(f1(sums.sum(axis=0))), 4), "low": round(float(low), 4),
            "high": round(float(high), 4), "topics": len(sums), "resamples": resamples}


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4)


def _saved(path: Path) -> PairModel:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no model saved there to score again")
    return PairModel.load(path)


def _half_paths(path: Path) -> list[Path]:
    return [path.with_name(f"{path.stem}-half-{h}.json") for h in (0, 1)]


def _trained_or_saved(path: Path, rescore: bool, make) -> PairModel:
    """The model saved at `path` when scoring again, else `make(halves)`'s, saved there with the two
    cross-fitted models that `make` puts in `halves` (beside it, to tune again with `--retune`)."""
    if rescore:
        return _saved(path)
    halves: list[PairModel] = []
    model = make(halves)
    model.save(path)
    for half, half_path in zip(halves, _half_paths(path)):
        half.save(half_path)
    return model


def retuned(path: Path, streams, thresholds=None, log=print) -> PairModel:
    """The model saved at `path` with its thresholds tuned again on its training `streams` through the two
    cross-fitted models saved beside it (under another join grid, or after a change to the grouping), without
    training anything."""
    model = _saved(path)
    cross = [_saved(p) for p in _half_paths(path)]
    cut = crossfit_halves(streams)
    if cut is None:
        raise ValueError("too few training streams to cut in two halves")
    streams, other_half = cut
    tuned = tune(model, tuning_streams(streams), thresholds=thresholds, log=log,
                 model_for=lambda s: cross[other_half[s.name]])
    record_tuning(model, tuned)
    return model


def crossvalidate(neus: Path, ecb: Path, folds: int, out: Path, neus_only: bool = False,
                  cache: Path | None = None, log=print, neus_chunks: int | None = None, crossfit: bool = True,
                  only: set[int] | None = None, headlines: str = "off", seed: int = 0,
                  drop: tuple[str, ...] = (), neus_pairs: bool = False, rescore: bool = False,
                  ecb_orders: int = 4, retune: bool = False, join_grid: list[float] | None = None,
                  **network) -> dict:
    """`network`: train's bag, hidden and alpha, when not its defaults. With `rescore`, the fold models
    already in `out` are scored again instead of trained (after a change to the grouping that needs no
    retraining); with `retune`, their thresholds are first tuned again (`join_grid`: the join thresholds
    tried, train's by default)."""
    from newsdesk.embed import get_embedder

    embedder = get_embedder()
    topics = sorted({ecb_topic(a.event) for a in ecb_stream(ecb)}, key=lambda t: (len(t), t))
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for k, held in enumerate(topic_folds(topics, folds)):
        if only is not None and k not in only:
            continue
        started = time.perf_counter()
        def streams():
            return build_streams(neus, ecb, embedder, cache, set(topics) - held, neus_chunks=neus_chunks,
                                 headlines=headlines, neus_pairs=neus_pairs, ecb_orders=ecb_orders)

        fold_log = lambda m, k=k: log(f"  fold {k}: {m}")  # noqa: E731
        if retune:
            model = retuned(out / f"fold-{k}.json", streams(), join_grid, log=fold_log)
        else:
            model = _trained_or_saved(out / f"fold-{k}.json", rescore, lambda kept: train(
                streams(), crossfit=crossfit, seed=seed, drop=drop, thresholds=join_grid, **network,
                log=fold_log, halves_out=kept))
        scores = _score(model, ecb, held, embedder, cache)
        results.append({"fold": k, "held_out_topics": sorted(held, key=int), **scores,
                        "threshold": model.threshold, "merge_threshold": model.merge_threshold,
                        "train_seconds": round(time.perf_counter() - started, 1)})
        log(json.dumps(results[-1]))
    summary: dict = {"folds": results,
                     "mean_b3_f1": _mean([r["b3_f1"] for r in results]),
                     "min_b3_f1": min(r["b3_f1"] for r in results)}
    if all("grid" in r for r in results):
        summary["thresholds"] = threshold_summary(results)
    if all("groups" in r for r in results):
        summary["pooled"] = topic_interval(results)
    if neus_only:
        model = _trained_or_saved(out / "neus-only.json", rescore or retune, lambda kept: train(
            build_streams(neus, None, embedder, cache, neus_chunks=neus_chunks, headlines=headlines,
                          neus_pairs=neus_pairs),
            crossfit=crossfit, seed=seed, drop=drop, thresholds=join_grid, **network,
            log=lambda m: log(f"  neus-only: {m}"), halves_out=kept))
        summary["neus_only_on_ecb"] = _score(model, ecb, set(topics), embedder, cache)
        log(json.dumps(summary["neus_only_on_ecb"]))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--neus", type=Path, required=True, help="NeuS train.source")
    parser.add_argument("--ecb", type=Path, required=True, help="ECB+ JSONL (id, event, title, text)")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True, help="folder for the fold models")
    parser.add_argument("--neus-only", action="store_true", help="also score a model trained without ECB+")
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep embeddings between runs")
    parser.add_argument("--neus-chunks", type=int, default=None,
                        help="train on the first N NeuS streams of 300 stories only (all by default)")
    parser.add_argument("--fold", type=int, action="append", default=None,
                        help="run only this fold (0-based; repeatable), e.g. to run folds in parallel processes")
    parser.add_argument("--no-crossfit", action="store_true", help="train each fold model without cross-fitting")
    parser.add_argument("--headlines", choices=HEADLINES, default="off",
                        help="train on the articles as they are, as headlines alone, or both (as train's option)")
    parser.add_argument("--seed", type=int, default=0,
                        help="first seed of the bag's networks (as train's option)")
    parser.add_argument("--drop", default="",
                        help="comma-separated join features to leave out (as train's option)")
    parser.add_argument("--bag", type=int, default=10, help="networks per model (as train's option)")
    parser.add_argument("--hidden", type=int, default=32, help="units of each network (as train's option)")
    parser.add_argument("--alpha", type=float, default=1e-3, help="L2 penalty of the MLP (as train's option)")
    parser.add_argument("--neus-pairs", action="store_true",
                        help="NeuS stories beside their nearest (as train's option)")
    parser.add_argument("--ecb-orders", type=int, default=4,
                        help="ECB+ training topics in this many orders (as train's option)")
    parser.add_argument("--rescore", action="store_true",
                        help="score the fold models already in --out again instead of training them")
    parser.add_argument("--retune", action="store_true",
                        help="as --rescore, with the thresholds first tuned again on the training streams "
                             "through the cross-fitted models saved beside each fold model")
    parser.add_argument("--join-grid", default=None,
                        help="comma-separated join thresholds to tune over (as train's option)")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    if args.fold and not all(0 <= k < args.folds for k in args.fold):
        parser.error(f"--fold must be between 0 and {args.folds - 1}")
    summary = crossvalidate(args.neus, args.ecb, args.folds, args.out, args.neus_only, args.cache,
                            neus_chunks=args.neus_chunks, crossfit=not args.no_crossfit,
                            only=set(args.fold) if args.fold else None, headlines=args.headlines,
                            seed=args.seed, drop=split_names(args.drop),
                            neus_pairs=args.neus_pairs, rescore=args.rescore, ecb_orders=args.ecb_orders,
                            retune=args.retune, join_grid=parse_grid(args.join_grid, parser),
                            bag=args.bag, hidden=args.hidden, alpha=args.alpha)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
