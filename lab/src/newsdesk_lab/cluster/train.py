"""Train the pair model of the online grouping.

    python -m newsdesk_lab.cluster.train --neus TRAIN.source --ecb ecbplus-dev.jsonl --out model.json

1. Streams: NeuS train story lines shuffled together in chunks the size of the validation split (~300
   stories each; `--neus-pairs`: each story beside the one most like it), and the ECB+ articles in file
   order and, to train on only, in `--ecb-orders` - 1 seeded shuffles. `--headlines mixed` turns half of
   each stream's articles into headlines (title, no text): that trains the headline model, which `--combine`
   attaches to the article model for articles that come with a title and nothing else.
2. Pairs: each stream runs through the online clusterer with the gold grouping forced (teacher forcing); for
   every article, the candidate stories the index retrieves are featurised and labelled by whether they are
   the article's own story. That is the ranking-then-accept decision the clusterer makes at run time, on the
   candidate sets it will see.
3. Model: a bag of small MLPs (or one logistic regression) on standardised features, streams weighted so that
   each data set counts alike; exported as plain weights, with the range of each feature seen in training.
4. Decision: the accept threshold (and the merge threshold) chosen by running the real online clustering over
   the training streams: those under which the data set grouped worst does best.
Needs scikit-learn at training time only.

Over 400 lines because it is the four steps above in order, with the command that runs them; `crossval` and
`screen` reuse its parts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsdesk.cluster import (FEATURES, STORY_FEATURES, ClusterInput, OnlineClusterer, PairModel, Scorer, lead_texts,
                              lead_vectors, pair_features)
from newsdesk_lab.cluster.data import LabelledArticle, headline, iter_jsonl, read_neus, stream_order
from newsdesk_lab.cluster.metrics import bcubed


@dataclass
class Stream:
    name: str
    dataset: str
    articles: list[LabelledArticle]
    embeddings: np.ndarray
    tune: bool = True     # thresholds are tuned on it (a reshuffled copy of another stream is not)


def neus_streams(path: Path, stories_per_stream: int = 300, seed: int = 0,
                 paired: bool = False) -> list[tuple[str, list[LabelledArticle]]]:
    """NeuS story lines dealt at random into streams of `stories_per_stream` stories, their articles shuffled.
    `paired`: every story goes into its stream beside the story most like it (words weighted by TF-IDF), so
    that each stream holds what ECB+ tests and random chunks of years of news seldom do: two different
    events of one kind (two FDA approvals, two jobs reports) to be told apart."""
    lines = read_neus(path)
    rng = random.Random(seed)
    order = list(range(len(lines)))
    rng.shuffle(order)
    units = _neighbour_pairs(lines, order) if paired else [[n] for n in order]
    out = []
    chunk: list[int] = []
    for unit in units + [[]]:
        if unit and len(chunk) < stories_per_stream:
            chunk += unit
            continue
        if len(chunk) < stories_per_stream // 2:
            break
        arts = [LabelledArticle(id=f"{n}-{k}", title=t, text=x, event=f"neus{n}")
                for n in chunk for k, (t, x) in enumerate(lines[n])]
        rng.shuffle(arts)
        out.append((f"neus-{len(out)}", arts))
        chunk = list(unit)
    return out


_WORD = re.compile(r"[a-z][a-z']+")


def _neighbour_pairs(lines: list[list[tuple[str, str]]], order: list[int], min_cosine: float = 0.2,
                     max_terms: int = 20_000) -> list[list[int]]:
    """The stories in `order`, each in turn paired with the most similar story not yet taken (TF-IDF cosine of
    their articles' words, at least `min_cosine`; a story left without one stays alone)."""
    counts = [Counter(_WORD.findall(" ".join(f"{t} {x}" for t, x in story).lower())) for story in lines]
    df = Counter(w for c in counts for w in c)
    vocab = [w for w, n in df.most_common() if 2 <= n <= 0.3 * len(lines)][:max_terms]
    column = {w: i for i, w in enumerate(vocab)}
    M = np.zeros((len(lines), len(vocab)), dtype=np.float32)
    for row, c in enumerate(counts):
        for w, n in c.items():
            if w in column:
                M[row, column[w]] = (1.0 + np.log(n)) * np.log(len(lines) / df[w])
    M /= np.linalg.norm(M, axis=1, keepdims=True) + 1e-9
    taken = np.zeros(len(lines), dtype=bool)
    units = []
    for n in order:
        if taken[n]:
            continue
        taken[n] = True
        sims = M @ M[n]
        sims[taken] = -1.0
        best = int(sims.argmax())
        if sims[best] >= min_cosine:
            taken[best] = True
            units.append([n, best])
        else:
            units.append([n])
    return units


def ecb_topic(event: str) -> str:
    return event.replace("ecbplus", "").replace("ecb", "")


def ecb_stream(path: Path, topics: set[str] | None = None) -> list[LabelledArticle]:
    arts = stream_order(list(iter_jsonl(path)))
    if topics is not None:
        arts = [a for a in arts if ecb_topic(a.event) in topics]
    return arts


def embed_articles(articles: list[LabelledArticle], embedder, cache_dir: Path | None = None) -> np.ndarray:
    keys = ["\x1f".join(lead_texts(a.title, a.text)) for a in articles]
    path = None
    if cache_dir is not None:
        digest = hashlib.sha1("\x00".join(keys).encode("utf-8")).hexdigest()[:16]
        path = Path(cache_dir) / f"emb-{digest}.npy"
        if path.exists():
            return np.load(path)
    vectors = lead_vectors(embedder, [(a.title, a.text) for a in articles])
    if path is not None:
        # Written aside and renamed: a run in parallel (crossval --fold) never loads a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npy")
        try:
            np.save(partial, vectors)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return vectors


def _inputs(stream: Stream) -> list[ClusterInput]:
    return [ClusterInput(id=a.id, title=a.title, text=a.text, published=a.published, source=a.source, embedding=v)
            for a, v in zip(stream.articles, stream.embeddings)]


class _Run:
    """A stream going through a clusterer while the gold events of every story are tracked, recording the
    join pairs and merge pairs it meets."""

    def __init__(self, stream: Stream, model: PairModel, teacher_join: bool, oracle_merge: bool) -> None:
        self.stream = stream
        self.clusterer = OnlineClusterer(model=model, embedder=None)
        self.teacher_join = teacher_join
        self.oracle_merge = oracle_merge
        self.events: dict[int, Counter] = {}
        self.story_of_event: dict[str, int] = {}
        self.join_rows: list[np.ndarray] = []
        self.join_labels: list[int] = []
        self.join_articles: list[int] = []           # the article (its place in the stream) of each join row
        self.join_events: list[str | None] = []      # the candidate story's majority event
        self.merge_rows: list[np.ndarray] = []
        self.merge_labels: list[int] = []
        self.clusterer.merge_hook = self._hook

    def _majority(self, story_id: int) -> str | None:
        counts = self.events.get(story_id)
        return counts.most_common(1)[0][0] if counts else None

    def _hook(self, story, other, x) -> bool | None:
        label = int(self._majority(story.id) == self._majority(other.id))
        self.merge_rows.append(x)
        self.merge_labels.append(label)
        if self.oracle_merge or self.clusterer.model.merge is None:
            return bool(label)
        return None

    def run(self) -> "_Run":
        c = self.clusterer
        for n, (art, item) in enumerate(zip(self.stream.articles, _inputs(self.stream))):
            rep = c.represent(item)
            stories = c._candidates(rep)
            X, P = pair_features(rep, stories, c.vocab)
            probs = c.model.score(X, P)
            for s, x in zip(stories, X):
                event = self._majority(s.id)
                self.join_rows.append(x)
                self.join_labels.append(int(event == art.event))
                self.join_articles.append(n)
                self.join_events.append(event)
            feats = None
            if self.teacher_join:
                sid = self.story_of_event.get(art.event)
                target = c.stories.get(c.resolve(sid)) if sid is not None else None
                if target is not None:
                    feats = next((x for s, x in zip(stories, X) if s.id == target.id), None)
            else:
                best, _ = c.choose(stories, probs)
                target = stories[best] if best is not None else None
                feats = X[best] if best is not None else None
            story = c.commit(rep, target, feats)
            self.events.setdefault(story.id, Counter())[art.event] += 1
            self.story_of_event[art.event] = story.id
            if not self.teacher_join:
                _, merged = c.merge_checks(story)
                for gone in merged:
                    keep = c.resolve(gone)
                    self.events.setdefault(keep, Counter()).update(self.events.pop(gone, Counter()))
        return self


def fit(X: np.ndarray, y: np.ndarray, weights: np.ndarray, names: tuple[str, ...], kind: str = "mlp",
        hidden: int = 16, seed: int = 0, alpha: float = 1e-3, bag: int = 5) -> Scorer:
    """A scorer of `bag` networks (logistic: one), each fit from its own seed on its own resample by weight."""
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    Z = (X - mean) / scale
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=1.0, max_iter=3000)
        clf.fit(Z, y, sample_weight=weights)
        nets = [[(clf.coef_.T.copy(), clf.intercept_.copy())]]
    else:
        from sklearn.neural_network import MLPClassifier

        nets = []
        for member in range(max(1, bag)):
            # MLPClassifier takes no sample weights: resample by weight instead.
            rng = np.random.default_rng(seed + member)
            idx = rng.choice(len(Z), size=len(Z), replace=True, p=weights / weights.sum())
            clf = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=alpha, max_iter=500, early_stopping=True,
                                random_state=seed + member)
            clf.fit(Z[idx], y[idx])
            nets.append([(W.copy(), b.copy()) for W, b in zip(clf.coefs_, clf.intercepts_)])
    return Scorer(features=names, mean=mean, scale=scale, nets=nets, low=X.min(axis=0), high=X.max(axis=0))


def run_stream(stream: Stream, model: PairModel) -> float:
    clusterer = OnlineClusterer(model=model, embedder=None)
    assignments = clusterer.add_many(_inputs(stream))
    predicted = [clusterer.resolve(a.story_id) for a in assignments]
    return bcubed([a.event for a in stream.articles], predicted)[2]


MERGE_THRESHOLDS = (0.5, 0.7, 0.85, 1.01)   # 1.01: no merges


def tune(model: PairModel, streams: list[Stream], thresholds=None, merge_thresholds=None, log=print,
         model_for: Callable[[Stream], PairModel] | None = None) -> dict:
    """Set the join and merge thresholds under which the data set grouped worst does best (each data set's
    figure: the mean B-cubed F1 over its streams; ties go to the better mean over data sets). A grouping has to
    hold across kinds of news, and the best mean can hide a set left far behind. `model_for(stream)`: the model
    to run that stream with (by default `model`)."""
    model_for = model_for or (lambda stream: model)
    thresholds = thresholds or [0.3, 0.4, 0.5, 0.6]
    merge_thresholds = merge_thresholds or (MERGE_THRESHOLDS if model.merge is not None else [1.01])
    best = None
    table = []
    for mt in merge_thresholds:
        for th in thresholds:
            per_set: dict[str, list[float]] = {}
            for s in streams:
                runner = model_for(s)
                runner.threshold, runner.merge_threshold = th, mt
                per_set.setdefault(s.dataset, []).append(run_stream(s, runner))
            set_means = [float(np.mean(v)) for v in per_set.values()]
            score = (min(set_means), float(np.mean(set_means)))
            means = {k: round(float(np.mean(v)), 4) for k, v in per_set.items()}
            table.append({"threshold": th, "merge_threshold": mt, "worst": round(score[0], 4),
                          "mean": round(score[1], 4), **means})
            log(f"  join {th:.2f} merge {mt:.2f}: {means} worst {score[0]:.4f} mean {score[1]:.4f}")
            if best is None or score > best[0]:
                best = (score, th, mt)
    model.threshold, model.merge_threshold = best[1], best[2]
    return {"score": best[0][0], "mean": best[0][1], "threshold": best[1], "merge_threshold": best[2],
            "grid": table}


def halves(streams: list[Stream]) -> tuple[list[Stream], list[Stream]]:
    """Two halves of the training streams, each with every data set: a data set of several streams of their
    own events is dealt stream by stream; a data set of one stream, or of streams that replay the same events
    in other orders, has each stream cut by topic (ECB+ topic number, or event) into two."""
    a: list[Stream] = []
    b: list[Stream] = []
    by_set: dict[str, list[Stream]] = {}
    for s in streams:
        by_set.setdefault(s.dataset, []).append(s)
    for group in by_set.values():
        events = [{x.event for x in s.articles} for s in group]
        if len(group) > 1 and not any(e & f for i, e in enumerate(events) for f in events[i + 1:]):
            a += group[0::2]
            b += group[1::2]
            continue
        topics = sorted({ecb_topic(x.event) for s in group for x in s.articles}, key=lambda t: (len(t), t))
        first = set(topics[0::2])
        for s in group:
            for part, name, keep in ((a, "a", True), (b, "b", False)):
                idx = [i for i, x in enumerate(s.articles) if (ecb_topic(x.event) in first) == keep]
                if idx:
                    part.append(Stream(f"{s.name}-{name}", s.dataset, [s.articles[i] for i in idx],
                                       s.embeddings[idx], s.tune))
    return a, b


def tuning_streams(streams: list[Stream]) -> list[Stream]:
    """What the thresholds are tuned on: every data set, through three of its streams at most (the grid runs
    are slow), never a reshuffled copy."""
    chosen: list[Stream] = []
    for s in streams:
        if s.tune and sum(t.dataset == s.dataset for t in chosen) < 3:
            chosen.append(s)
    return chosen


def record_tuning(model: PairModel, tuned: dict) -> None:
    """Keep what `tune` found in the model's info (its figures and the whole grid)."""
    model.info.update({"tuned_score": round(tuned["score"], 4), "tuned_mean": round(tuned["mean"], 4),
                       "tune_grid": tuned["grid"]})


def crossfit_halves(streams: list[Stream]) -> tuple[list[Stream], dict[str, int]] | None:
    """The streams cut in two halves (`halves`), and for each half stream's name the half whose model runs
    it (the one trained on the other half); None when there are too few streams to cut."""
    half_a, half_b = halves(streams)
    if not half_a or not half_b:
        return None
    return half_a + half_b, {s.name: 1 for s in half_a} | {s.name: 0 for s in half_b}


def train(streams: list[Stream], kind: str = "mlp", hidden: int = 32, merge: bool = True, tune_streams=None,
          thresholds=None, merge_thresholds=None, merge_join_thresholds=(0.3, 0.5, 0.7), alpha: float = 1e-3,
          bag: int = 10, crossfit: bool = True, seed: int = 0, drop: tuple[str, ...] = (),
          log=print, halves_out: list[PairModel] | None = None) -> PairModel:
    """Join model: teacher-forced pairs plus the pairs met under its own decisions. Merge model: the story
    pairs met while the join model runs at several thresholds (oracle merges, then its own).

    With `crossfit`, the streams are cut in two halves and every run after the teacher-forced one goes through
    models trained on the other half only: the own-decision pairs, the merge pairs and the thresholds then
    come from the mistakes the models make on news they have not seen, as on the desk, rather than on news they
    have learned by heart. The returned model is still fit on all the pairs. `seed`: the bag's networks and
    their resamples take seeds `seed` to `seed + bag - 1` (another seed shows how far a figure moves from one
    training to the next); `drop` names join features left out (an A/B of a feature on one code base).
    `halves_out`: a list that receives the two cross-fitted models (to tune again, `crossval --retune`)."""
    unknown = [f for f in drop if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; the code has {FEATURES}")
    join_names = tuple(f for f in FEATURES if f not in drop)
    join_columns = [FEATURES.index(f) for f in join_names]
    started = time.perf_counter()
    if crossfit:
        cut = crossfit_halves(streams)
        if cut is None:
            log("too few streams to cut in two halves: training without cross-fitting")
            crossfit = False
        else:
            streams, other_half = cut
    per_set: dict[str, int] = {}
    for s in streams:
        per_set[s.dataset] = per_set.get(s.dataset, 0) + len(s.articles)

    def weights(s: Stream, n: int) -> np.ndarray:
        return np.full(n, 1.0 / max(per_set[s.dataset], 1))    # each data set weighs the same in total

    def gather(runs: list[_Run], what: str):
        rows = [np.asarray(getattr(r, what + "_rows")).reshape(-1, len(FEATURES if what == "join" else STORY_FEATURES))
                for r in runs]
        labels = [np.asarray(getattr(r, what + "_labels")) for r in runs]
        w = [weights(r.stream, len(lab)) for r, lab in zip(runs, labels)]
        return np.concatenate(rows), np.concatenate(labels), np.concatenate(w)

    def fitted(runs: list[_Run], what: str) -> Scorer:
        X, y, w = gather(runs, what)
        if what == "merge":
            return fit(X, y, w, STORY_FEATURES, kind, hidden, seed=seed, alpha=alpha, bag=bag)
        scorer = fit(X[:, join_columns], y, w, join_names, kind, hidden, seed=seed, alpha=alpha, bag=bag)
        scorer.read_from(FEATURES)
        return scorer

    def trained_on(half: int, runs: list[_Run]) -> list[_Run]:
        return [r for r in runs if other_half[r.stream.name] != half]

    cross: list[PairModel] = []

    def runner(s: Stream) -> PairModel:
        return cross[other_half[s.name]] if crossfit else model

    teacher = [_Run(s, PairModel.fallback(), teacher_join=True, oracle_merge=True).run() for s in streams]
    log(f"teacher-forced join pairs: {sum(len(r.join_labels) for r in teacher)}  {time.perf_counter() - started:.0f}s")
    model = PairModel(join=fitted(teacher, "join"), threshold=0.5)
    if crossfit:
        cross = [PairModel(join=fitted(trained_on(h, teacher), "join"), threshold=0.5) for h in (0, 1)]
    own = [_Run(s, runner(s), teacher_join=False, oracle_merge=True).run() for s in streams]
    log(f"own-decision join pairs: {sum(len(r.join_labels) for r in own)}  {time.perf_counter() - started:.0f}s")
    model.join = fitted(teacher + own, "join")
    for h, m in enumerate(cross):
        m.join = fitted(trained_on(h, teacher + own), "join")
    if merge:
        merge_runs = []
        for th in merge_join_thresholds:
            for s in streams:
                runner(s).threshold = th
                merge_runs.append(_Run(s, runner(s), teacher_join=False, oracle_merge=True).run())
        log(f"merge pairs: {sum(len(r.merge_labels) for r in merge_runs)}  {time.perf_counter() - started:.0f}s")
        model.merge, model.merge_threshold = fitted(merge_runs, "merge"), 0.5
        for h, m in enumerate(cross):
            m.merge, m.merge_threshold = fitted(trained_on(h, merge_runs), "merge"), 0.5
        own_merges = []
        for th in merge_join_thresholds:
            for s in streams:
                runner(s).threshold = th
                own_merges.append(_Run(s, runner(s), teacher_join=False, oracle_merge=False).run())
        log(f"own-decision merge pairs: {sum(len(r.merge_labels) for r in own_merges)}  "
            f"{time.perf_counter() - started:.0f}s")
        model.merge = fitted(merge_runs + own_merges, "merge")
        for h, m in enumerate(cross):
            m.merge = fitted(trained_on(h, merge_runs + own_merges), "merge")
    if halves_out is not None:
        halves_out.extend(cross)
    if tune_streams is None:
        tune_streams = tuning_streams(streams)
    tuned = tune(model, tune_streams, thresholds=thresholds, merge_thresholds=merge_thresholds, log=log,
                 model_for=runner if crossfit else None)
    model.info.update({"kind": kind, "hidden": hidden if kind == "mlp" else 0, "alpha": alpha, "bag": bag, "merge": merge,
                       "crossfit": crossfit, "seed": seed, "dropped": list(drop),
                       "join_pairs": int(sum(len(r.join_labels) for r in teacher)),
                       "streams": [s.name for s in streams], "seconds": round(time.perf_counter() - started, 1)})
    record_tuning(model, tuned)
    return model


HEADLINES = ("off", "only", "also", "mixed")


def split_names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


def parse_grid(text: str | None, parser: argparse.ArgumentParser) -> list[float] | None:
    """Comma-separated join thresholds, each in (0, 1]; None when not given (the default grid)."""
    if not text:
        return None
    try:
        grid = sorted({float(v) for v in split_names(text)})
    except ValueError:
        parser.error(f"--join-grid takes numbers separated by commas, not {text!r}")
    if not grid or not all(0 < v <= 1 for v in grid):
        parser.error(f"--join-grid thresholds must lie in (0, 1], not {text!r}")
    return grid


def build_streams(neus: Path | None, ecb: Path | None, embedder, cache_dir: Path | None = None,
                  ecb_topics: set[str] | None = None, stories_per_stream: int = 300,
                  neus_chunks: int | None = None, headlines: str = "off",
                  neus_pairs: bool = False, ecb_orders: int = 1, desk: Path | None = None) -> list[Stream]:
    """NeuS streams (the first `neus_chunks` of them when given; `neus_pairs`: each story beside its nearest
    neighbour, see `neus_streams`) and one ECB+ stream, with `ecb_orders - 1` more passes of its articles in
    other orders (seeded shuffles) to train on: each order meets the two events of a topic at other moments,
    so the model sees more of the decisions that start a twin-event error. `headlines`: "off", the
    articles as they are; "only", each stream as headlines only (data sets "neus-titles", "ecb-titles": feeds
    that give a title and nothing else); "also", both; "mixed", each stream with half its articles (a fixed
    draw) as headlines ("neus-mixed", "ecb-mixed")."""
    if headlines not in HEADLINES:
        raise ValueError(f"headlines must be one of {', '.join(HEADLINES)}")
    sets = []
    if neus:
        dealt = neus_streams(neus, stories_per_stream, paired=neus_pairs)[:neus_chunks]
        sets += [(name, "neus", arts) for name, arts in dealt]
    if ecb:
        sets.append(("ecb", "ecb", ecb_stream(ecb, ecb_topics)))
    if desk:        # a desk's corrections (`newsdesk corrections export`): its own data set
        sets.append(("desk", "desk", stream_order(list(iter_jsonl(desk)))))
    if headlines == "mixed":
        # Half the articles as headlines (which, a fixed draw per article): feeds of both kinds on one desk.
        def drawn(a: LabelledArticle) -> bool:
            return hashlib.sha1(a.id.encode("utf-8")).digest()[0] < 128

        sets = [(f"{name}-mixed", f"{dataset}-mixed", [headline(a) if drawn(a) else a for a in arts])
                for name, dataset, arts in sets]
    elif headlines != "off":
        titles = [(f"{name}-titles", f"{dataset}-titles", [headline(a) for a in arts]) for name, dataset, arts in sets]
        sets = titles if headlines == "only" else sets + titles
    streams = []
    for name, dataset, arts in sets:
        stream = Stream(name, dataset, arts, embed_articles(arts, embedder, cache_dir))
        streams.append(stream)
        if dataset.startswith("ecb"):
            streams += [_replay(stream, k) for k in range(1, ecb_orders)]
    return streams


def _replay(stream: Stream, seed: int) -> Stream:
    """The stream's articles, with their vectors, in a seeded shuffle: to train on, not to tune on."""
    order = list(range(len(stream.articles)))
    random.Random(seed).shuffle(order)
    return Stream(f"{stream.name}-o{seed}", stream.dataset, [stream.articles[i] for i in order],
                  stream.embeddings[order], tune=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--neus", type=Path, help="NeuS train.source")
    parser.add_argument("--ecb", type=Path, help="ECB+ JSONL (id, event, title, text)")
    parser.add_argument("--desk", type=Path,
                        help="a desk's corrections as labelled JSONL (`newsdesk corrections export`), trained and "
                             "tuned on as a data set of its own")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--kind", choices=("mlp", "logistic"), default="mlp")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--alpha", type=float, default=1e-3, help="L2 penalty of the MLP")
    parser.add_argument("--bag", type=int, default=10, help="networks per model, averaged (mlp only)")
    parser.add_argument("--no-merge", action="store_true")
    parser.add_argument("--no-crossfit", action="store_true",
                        help="run and tune on the models' own training streams (faster; thresholds overfit)")
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep embeddings between runs")
    parser.add_argument("--ecb-topics", default=None, help="comma-separated ECB+ topic numbers to train on")
    parser.add_argument("--neus-chunks", type=int, default=None,
                        help="train on the first N NeuS streams of 300 stories only (all by default)")
    parser.add_argument("--neus-pairs", action="store_true",
                        help="deal each NeuS story into its stream beside the story most like it")
    parser.add_argument("--ecb-orders", type=int, default=4,
                        help="train on the ECB+ articles in this many orders (the file's, seeded shuffles)")
    parser.add_argument("--headlines", choices=HEADLINES, default="off",
                        help="train on the articles as they are (off), as headlines alone (only), both (also), "
                             "or with half of them as headlines (mixed: the headline model)")
    parser.add_argument("--seed", type=int, default=0,
                        help="first seed of the bag's networks (--seed 10: a bag disjoint from the default)")
    parser.add_argument("--drop", default="", help="comma-separated join features to leave out")
    parser.add_argument("--join-grid", default=None,
                        help="comma-separated join thresholds to tune over (default 0.3,0.4,0.5,0.6)")
    parser.add_argument("--combine", nargs=2, type=Path, metavar=("MODEL", "HEADLINE_MODEL"),
                        help="train nothing: write MODEL with HEADLINE_MODEL (trained with --headlines mixed) as the "
                             "model of its headline-only articles")
    args = parser.parse_args(argv)
    if args.combine:
        model, headline_model = (PairModel.load(p) for p in args.combine)
        model.headline, headline_model.headline = headline_model, None
        model.save(args.out)
        print(json.dumps({"out": str(args.out), "threshold": model.threshold,
                          "headline_threshold": headline_model.threshold}))
        return 0
    if not args.neus and not args.ecb and not args.desk:
        parser.error("give --neus, --ecb and/or --desk")
    from newsdesk.embed import get_embedder

    topics = set(args.ecb_topics.split(",")) if args.ecb_topics else None
    streams = build_streams(args.neus, args.ecb, get_embedder(), args.cache, topics, neus_chunks=args.neus_chunks,
                            headlines=args.headlines, neus_pairs=args.neus_pairs, ecb_orders=args.ecb_orders,
                            desk=args.desk)
    model = train(streams, kind=args.kind, hidden=args.hidden, merge=not args.no_merge, alpha=args.alpha,
                  crossfit=not args.no_crossfit, bag=args.bag, seed=args.seed, drop=split_names(args.drop),
                  thresholds=parse_grid(args.join_grid, parser))
    model.info.update({"neus_pairs": args.neus_pairs, "ecb_orders": args.ecb_orders})
    model.save(args.out)
    print(json.dumps({"out": str(args.out), "threshold": model.threshold, **model.info}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
