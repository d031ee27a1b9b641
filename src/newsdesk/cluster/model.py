"""The learned models of the grouping, plain numpy at run time.

- join: P(article belongs to candidate story | article-story features);
- merge: P(two stories report one event | story-story features), asked after each article about the story
  it went to and the other candidates it came close to.

Weights live in `model.json` beside this file (written by `python -m newsdesk_lab.cluster.train`). Time and source
cannot be learned from the training sets (neither carries them), so they enter as hand-set priors on the join
logit: a decay per day beyond a grace period, and a bonus for an article from a source that wrote in the story
within the last two hours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from newsdesk.cluster.features import FEATURES, STORY_FEATURES
from newsdesk.embed import ModelMissing as EmbedModelMissing


class ModelMissing(EmbedModelMissing):
    """The grouping model's weights are missing or unusable; the message names the file and the fix. A kind of
    the embedding stage's ModelMissing, so whoever reports one reports both."""


def default_model_path() -> Path:
    return Path(str(resources.files("newsdesk.cluster") / "model.json"))


Layers = list[tuple[np.ndarray, np.ndarray]]


@dataclass
class Scorer:
    """Features clipped to the range seen in training, standardised, then one or more networks of dense layers
    (ReLU between them) whose output logits are averaged. The clip keeps a ReLU network from extrapolating: a
    story of 500 articles scores like the largest story the training sets held, not along a line the training
    never drew. Several networks (a bag trained from different seeds and resamples) vary less from one training
    run to the next than one does. A scorer trained on fewer features than the code computes reads its own
    columns (`columns`) out of the rows: a feature added to the code leaves the models trained before it
    working."""
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    nets: list[Layers]
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    columns: np.ndarray | None = None

    def logits(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(X)
        if self.columns is not None:
            X = X[:, self.columns]
        if self.low is not None and self.high is not None:
            X = np.clip(X, self.low, self.high)
        z = (X - self.mean) / self.scale
        total = np.zeros(len(z))
        for layers in self.nets:
            h = z
            for i, (W, b) in enumerate(layers):
                h = h @ W + b
                if i < len(layers) - 1:
                    h = np.maximum(h, 0.0)
            total += h[:, 0]
        return total / len(self.nets)

    def read_from(self, computed: tuple[str, ...]) -> None:
        """Score rows of the `computed` features (the code's), reading this scorer's own columns from them."""
        self.columns = (None if self.features == computed else
                        np.array([computed.index(f) for f in self.features], dtype=np.intp))

    def to_dict(self) -> dict:
        nets = [[{"W": W.tolist(), "b": b.tolist()} for W, b in layers] for layers in self.nets]
        d = {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist()}
        if len(nets) == 1:
            d["layers"] = nets[0]
        else:
            d["nets"] = nets
        if self.low is not None and self.high is not None:
            d.update(low=self.low.tolist(), high=self.high.tolist())
        return d

    @classmethod
    def from_dict(cls, d: dict, expected: tuple[str, ...]) -> "Scorer":
        features = tuple(d["features"])
        unknown = [f for f in features if f not in expected]
        if unknown or len(set(features)) != len(features):
            raise ValueError(f"model features {features} are not among the code's {expected}; "
                             "retrain the model")
        nets = d["nets"] if "nets" in d else [d["layers"]]
        scorer = cls(features=features, mean=np.asarray(d["mean"], dtype=np.float64),
                     scale=np.asarray(d["scale"], dtype=np.float64),
                     nets=[[(np.asarray(layer["W"], dtype=np.float64), np.asarray(layer["b"], dtype=np.float64))
                            for layer in layers] for layers in nets])
        scorer.read_from(expected)
        width = len(features)
        if scorer.mean.shape != (width,) or scorer.scale.shape != (width,) or not all(scorer.nets):
            raise ValueError(f"standardisation or layers do not fit {width} features")
        if "low" in d or "high" in d:
            scorer.low = np.asarray(d["low"], dtype=np.float64)
            scorer.high = np.asarray(d["high"], dtype=np.float64)
            if scorer.low.shape != (width,) or scorer.high.shape != (width,) or np.any(scorer.low > scorer.high):
                raise ValueError(f"the feature range does not fit {width} features")
        for layers in scorer.nets:
            out = width
            for W, b in layers:
                if W.ndim != 2 or W.shape[0] != out or b.shape != (W.shape[1],):
                    raise ValueError(f"a layer of shape {W.shape} does not follow one of width {out}")
                out = W.shape[1]
            if out != 1:
                raise ValueError(f"the last layer gives {out} outputs, not one logit")
        return scorer


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@dataclass
class PairModel:
    join: Scorer
    merge: Scorer | None = None
    threshold: float = 0.5            # join the best story when its probability reaches this
    merge_threshold: float = 0.5      # merge two stories when the merge model's probability reaches this
    confident: float = 0.0            # a join below this probability stays out of the story's profile
    decay_per_day: float = 0.5        # join logit lost per day past the grace period
    grace_days: float = 1.0
    same_source_bonus: float = 0.5
    info: dict = field(default_factory=dict)
    # Its own join and merge models and thresholds for articles with a title and no text: trained on
    # articles as they are, a model reads a short text as a confident match, and one trained on both
    # serves neither as well (`train.py --headlines`).
    headline: "PairModel | None" = None

    def for_article(self, headline_only: bool) -> "PairModel":
        return self.headline if headline_only and self.headline is not None else self

    def logits(self, X: np.ndarray, P: np.ndarray | None = None) -> np.ndarray:
        z = self.join.logits(X)
        if P is not None and len(P):
            gap, same_source, dated = P[:, 0], P[:, 1], P[:, 2]
            z = z - dated * self.decay_per_day * np.maximum(gap - self.grace_days, 0.0)
            z = z + same_source * self.same_source_bonus
        return z

    def score(self, X: np.ndarray, P: np.ndarray | None = None) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0)
        return _sigmoid(self.logits(X, P))

    def merge_score(self, x: np.ndarray) -> float:
        if self.merge is None:
            return 0.0
        return float(_sigmoid(self.merge.logits(x))[0])

    def to_dict(self) -> dict:
        return {"join": self.join.to_dict(), "merge": self.merge.to_dict() if self.merge else None,
                "threshold": self.threshold, "merge_threshold": self.merge_threshold,
                "confident": self.confident, "decay_per_day": self.decay_per_day,
                "grace_days": self.grace_days, "same_source_bonus": self.same_source_bonus, "info": self.info,
                "headline": self.headline.to_dict() if self.headline is not None else None}

    @classmethod
    def from_dict(cls, d: dict) -> "PairModel":
        return cls(join=Scorer.from_dict(d["join"], FEATURES),
                   merge=Scorer.from_dict(d["merge"], STORY_FEATURES) if d.get("merge") else None,
                   threshold=d.get("threshold", 0.5), merge_threshold=d.get("merge_threshold", 0.5),
                   confident=d.get("confident", 0.0), decay_per_day=d.get("decay_per_day", 0.5),
                   grace_days=d.get("grace_days", 1.0), same_source_bonus=d.get("same_source_bonus", 0.5),
                   info=d.get("info", {}), headline=cls.from_dict(d["headline"]) if d.get("headline") else None)

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict()) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> "PairModel":
        """The trained weights (the shipped `model.json` by default). A missing, unreadable or corrupt file is
        a `ModelMissing` error naming the path and the fix; there is no quiet fallback to hand-set weights."""
        path = Path(path) if path else default_model_path()
        fix = ("reinstall newsdesk (`make install`) to restore the shipped model.json, or train one with "
               "`python -m newsdesk_lab.cluster.train`")
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ModelMissing(f"the grouping model {path} is missing: {fix}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelMissing(f"the grouping model {path} cannot be read ({exc}): {fix}") from None
        try:
            return cls.from_dict(json.loads(raw))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ModelMissing(f"the grouping model {path} is corrupt ({type(exc).__name__}: {exc}): {fix}") from None

    @classmethod
    def fallback(cls) -> "PairModel":
        """A hand-set join model on embedding and TF-IDF cosine: only the bootstrap of training (`train.py`), never
        a stand-in for a missing model.json."""
        n = len(FEATURES)
        W = np.zeros((n, 1))
        W[FEATURES.index("emb_centroid"), 0] = 12.0
        W[FEATURES.index("tfidf"), 0] = 8.0
        W[FEATURES.index("ent_cover"), 0] = 2.0
        join = Scorer(features=FEATURES, mean=np.zeros(n), scale=np.ones(n), nets=[[(W, np.array([-10.5]))]])
        return cls(join=join, merge=None, threshold=0.5, info={"kind": "fallback"})
