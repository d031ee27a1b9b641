"""Train the storyline link model: `python -m newsdesk_lab.storylines.train --storylines FILE [--out model.json]`.

The training part of the storylines set (`data.split`: two thirds of the storylines, whole) is grouped into
events by the desk; the events then stream through a linker that always places each one where its label says
(teacher forcing), and every candidate the linker's index offers is a pair: positive when its storyline's label
is the event's. A logistic model is fitted to the pairs, and its thresholds (link, merge) chosen by the B³ F1 of
the linking itself on the training events. The held-out third is measured by `newsdesk eval clustering --level
storyline` on `storylines-heldout.jsonl` (written beside the model with `--split-dir`)."""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import time
from pathlib import Path

import numpy as np

from newsdesk_lab.cluster.metrics import score_clustering
from newsdesk_lab.storylines.data import LabelledEvent, desk_events, split, write_split
from newsdesk.storylines import FEATURES, LinkModel, StorylineLinker


def pairs(events: list[LabelledEvent], model: LinkModel) -> tuple[np.ndarray, np.ndarray]:
    """(features, same storyline) of every candidate the linker offers each event, placed by its label."""
    counter = itertools.count(1)
    linker = StorylineLinker(model, allocate=lambda: next(counter))
    key_label: dict[int, str] = {}
    label_key: dict[str, int] = {}
    X, y = [], []
    for item in events:
        candidates = linker.candidates(item.event)
        for c in candidates:
            X.append(c.features)
            y.append(key_label.get(c.key) == item.label)
        target = label_key.get(item.label)
        if target is not None and target not in linker.groups:
            target = None
        decision = linker.place(item.event, target)
        key = 2 * decision.storyline if decision.storyline is not None else 2 * item.event.event_id + 1
        if target is not None and target != key:
            key_label.pop(target, None)
        key_label[key] = item.label
        label_key[item.label] = key
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> tuple[np.ndarray, float,
                                                                                          np.ndarray, np.ndarray]:
    """Weights, bias, mean and scale of an L2-regularised logistic regression (Newton's method)."""
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    w = np.zeros(Z.shape[1])
    penalty = np.full(Z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(Z @ w, -50, 50)))
        gradient = Z.T @ (p - y) + penalty * w
        hessian = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1]), mean, scale


def link_all(events: list[LabelledEvent], model: LinkModel) -> list:
    """Each article's predicted storyline when the events are linked by `model` (the event's own id when
    alone), in the order of `events` and their articles."""
    counter = itertools.count(1)
    linker = StorylineLinker(model, allocate=lambda: next(counter))
    for item in events:
        linker.link(item.event)
    out = []
    for item in events:
        storyline = linker.storyline_of(item.event.event_id)
        out.extend([f"storyline {storyline}" if storyline is not None else f"event {item.event.event_id}"]
                   * len(item.articles))
    return out


def score(events: list[LabelledEvent], model: LinkModel) -> dict:
    gold = [label for item in events for label in item.articles]
    return score_clustering(gold, link_all(events, model))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--storylines", type=Path, required=True, help="googlenews-mstream.jsonl (or converted)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the model (default: print it)")
    parser.add_argument("--split-dir", type=Path, default=None, help="also write the training and held-out files")
    parser.add_argument("--events-cache", type=Path, default=None,
                        help="keep the desk's events of the training part in this file (pickle), and read them "
                             "from it when it exists")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    train, test = split(args.storylines)
    if args.split_dir:
        write_split(args.storylines, args.split_dir)
    if args.events_cache and args.events_cache.exists():
        events = pickle.loads(args.events_cache.read_bytes())
    else:
        events = desk_events(train)
        if args.events_cache:
            args.events_cache.write_bytes(pickle.dumps(events))
    print(f"{len(train)} training articles → {len(events)} desk events; {len(test)} held out", flush=True)
    base = LinkModel.load()
    X, y = pairs(events, base)
    w, b, mean, scale = fit_logistic(X, y)
    print(f"{len(y)} candidate pairs, {int(y.sum())} positive; weights "
          + ", ".join(f"{f} {v:+.2f}" for f, v in zip(FEATURES, w)) + f", bias {b:+.2f}", flush=True)
    best = None
    for threshold in (0.04, 0.06, 0.08, 0.1, 0.15, 0.25):
        for merge_threshold in (0.2, 0.3, 0.5):
            model = LinkModel(weights=w, bias=b, mean=mean, scale=scale, threshold=threshold,
                              merge_threshold=merge_threshold, decay_per_week=base.decay_per_week,
                              grace_days=base.grace_days, entity_weight=base.entity_weight)
            figures = score(events, model)
            print(f"threshold {threshold:.2f} merge {merge_threshold:.2f}: B³ P {figures['b3_precision']:.4f} "
                  f"R {figures['b3_recall']:.4f} F1 {figures['b3_f1']:.4f}", flush=True)
            if best is None or figures["b3_f1"] > best[0]["b3_f1"]:
                best = figures, model
    figures, model = best
    model.info = {"trained_on": args.storylines.name, "split": "storylines whose label % 3 != 0",
                  "training_articles": len(train), "training_events": len(events), "pairs": int(len(y)),
                  "positives": int(y.sum()), "training_b3_f1": round(figures["b3_f1"], 4),
                  "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(model.info))
    if args.out:
        model.save(args.out)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
