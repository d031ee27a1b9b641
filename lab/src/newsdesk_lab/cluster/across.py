"""Fit the join model for reports across languages (`newsdesk.cluster.across`, written to across.json).

    python -m newsdesk_lab.cluster.across --ecb ecbplus-dev.jsonl --neus TRAIN.source [--out across.json]

Pairs: streams run through the online clusterer with the gold grouping forced (as `train` does); every
candidate story that holds no report in the article's language gives a row, labelled by whether it is the
article's own story. Streams: ECB+ dev and a NeuS train chunk (each story beside the one most like it), each
report given a language drawn from fr/es/de/it so that it meets the others through its multilingual vector as a
translation would; the demo corpus's reports in their real languages (English, French, Spanish, German); each
stream also as headlines (title, no text). The model: an L2 logistic regression, plain numpy; its threshold
the one that groups the ECB+ and demo streams best (mean B³ F1, the real online clustering). The project's
multilingual headlines (`multilingual_headlines.jsonl`, five languages) are held out and scored at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from newsdesk.cluster import (ACROSS_ROWS, AcrossModel, ClusterInput, OnlineClusterer, across_rows, default_across_path,
                              pair_features)
from newsdesk_lab.cluster.data import LabelledArticle, headline, iter_jsonl, stream_order
from newsdesk_lab.cluster.metrics import score_clustering
from newsdesk_lab.cluster.train import ecb_stream, neus_streams

HELD_OUT = Path(__file__).with_name("multilingual_headlines.jsonl")
PSEUDO = ("fr", "es", "de", "it")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


def pseudo_languages(articles: list[LabelledArticle], seed: int) -> list[LabelledArticle]:
    """The articles, each given a language drawn from PSEUDO (its text stays English: it meets the others
    through its multilingual vector, as a translation would)."""
    rng = random.Random(seed)
    return [LabelledArticle(a.id, a.title, a.text, a.event, a.published, a.source, rng.choice(PSEUDO))
            for a in articles]


def demo_stream() -> list[LabelledArticle]:
    from newsdesk.demo import load_corpus

    corpus = load_corpus()
    language = {o.id: o.language for o in corpus.outlets}
    return [LabelledArticle(a.id, a.title, "\n".join(a.paragraphs), a.event, a.published, a.outlet,
                            language[a.outlet]) for a in corpus.articles if a.reprint_of is None]


def _items(articles: list[LabelledArticle]) -> list[ClusterInput]:
    return [ClusterInput(id=a.id, title=a.title, text=a.text, published=a.published, source=a.source,
                         language=a.lang) for a in articles]


def embedded(articles: list[LabelledArticle], clusterer: OnlineClusterer) -> list[ClusterInput]:
    items = _items(articles)
    clusterer.embed(items)
    return items


def pairs(articles: list[LabelledArticle], items: list[ClusterInput]) -> tuple[np.ndarray, np.ndarray]:
    """Rows (ACROSS_ROWS) and labels of every candidate story in other languages than the article's, met with
    the gold grouping forced."""
    clusterer = OnlineClusterer()
    own: dict[str, int] = {}
    event_of: dict[int, str] = {}
    rows, labels = [], []
    for a, item in zip(articles, items):
        rep = clusterer.represent(item)
        stories = clusterer._candidates(rep)
        X, P = pair_features(rep, stories, clusterer.vocab)
        for i, s in enumerate(stories):
            if s.across(rep.language, rep.cross):
                rows.append(across_rows(X[i:i + 1], P[i:i + 1], rep.headline_only)[0])
                labels.append(event_of.get(s.id) == a.event)
        story = clusterer.commit(rep, clusterer.stories.get(own.get(a.event, -1)))
        own[a.event], event_of[story.id] = story.id, a.event
    return np.asarray(rows).reshape(-1, len(ACROSS_ROWS)), np.asarray(labels, dtype=float)


def fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> AcrossModel:
    """L2 logistic regression by Newton's method on standardised rows."""
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    Z = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    w = np.zeros(Z.shape[1])
    penalty = np.full(Z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(Z @ w)))
        grad = Z.T @ (p - y) + penalty * w
        hess = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return AcrossModel(mean, scale, w[:-1], float(w[-1]), 0.5)


def group(articles: list[LabelledArticle], items: list[ClusterInput], model: AcrossModel | None) -> dict:
    clusterer = OnlineClusterer()
    clusterer.across_model = model
    fresh = [ClusterInput(id=i.id, title=i.title, text=i.text, published=i.published, source=i.source,
                          language=i.language, embedding=i.embedding, cross=i.cross) for i in items]
    stories = [clusterer.resolve(x.story_id) for x in clusterer.add_many(fresh)]
    return {k: round(v, 4) for k, v in score_clustering([a.event for a in articles], stories).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ecb", type=Path, required=True)
    parser.add_argument("--neus", type=Path, required=True)
    parser.add_argument("--neus-streams", type=int, default=1)
    parser.add_argument("--out", type=Path, default=default_across_path())
    args = parser.parse_args(argv)
    started = time.perf_counter()
    streams = {"ecb": pseudo_languages(ecb_stream(args.ecb), 0), "demo": stream_order(demo_stream())}
    for name, arts in neus_streams(args.neus, paired=True)[: args.neus_streams]:
        streams[name] = pseudo_languages(arts, len(streams))
    streams.update({f"{name}-headlines": [headline(a) for a in arts] for name, arts in list(streams.items())})
    held_out = list(iter_jsonl(HELD_OUT))
    embedder = OnlineClusterer()
    inputs = {name: embedded(arts, embedder) for name, arts in streams.items()}
    held_items = embedded(held_out, embedder)
    print(f"embedded {sum(map(len, streams.values()))} articles in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    X_parts, y_parts, weights = [], [], []
    for name, arts in streams.items():
        X, y = pairs(arts, inputs[name])
        X_parts.append(X)
        y_parts.append(y)
        weights.append(np.full(len(y), 1.0 / max(len(y), 1)))
        print(f"{name}: {len(y)} pairs, {int(y.sum())} same event", file=sys.stderr)
    X, y = np.vstack(X_parts), np.concatenate(y_parts)
    # each stream counts alike: rows repeated in proportion to their stream's weight
    w = np.concatenate(weights)
    take = np.random.default_rng(0).choice(len(y), size=min(len(y) * 2, 60_000), p=w / w.sum())
    model = fit(X[take], y[take])
    scores: dict[float, float] = {}
    tuning = [name for name in streams if not name.startswith("neus")]    # the NeuS chunks cost the most
    for threshold in THRESHOLDS:
        model.threshold = threshold
        f1s = [group(streams[name], inputs[name], model)["b3_f1"] for name in tuning]
        scores[threshold] = float(np.mean(f1s))
        print(f"threshold {threshold}: mean B³ F1 {scores[threshold]:.4f} ({', '.join(f'{f:.3f}' for f in f1s)})",
              file=sys.stderr)
    model.threshold = max(scores, key=scores.get)
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n")
    report = {"threshold": model.threshold, "weights": dict(zip(ACROSS_ROWS, np.round(model.weights, 3).tolist())),
              "held_out": group(held_out, held_items, model), "held_out_without": group(held_out, held_items, None),
              "seconds": round(time.perf_counter() - started)}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
