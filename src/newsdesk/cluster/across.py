"""The join model for a report compared with a story in other languages.

Across languages the words differ, so the features that count shared words (TF-IDF of terms and titles) say
nothing there; this model reads only what survives translation: the multilingual vectors (`Story.across`),
proper nouns, numbers and years, the story's size and cohesion, the time gap. A logistic regression in
`across.json`, fitted by `python -m newsdesk_lab.cluster.across` on English streams whose reports are compared
through their multilingual vectors as if each were in another language, and on the demo's reports in French,
Spanish and German (docs/research/multilingual.md). Its probability is reported on the join model's scale:
a report clears the join model's bar exactly when it clears this model's own threshold.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from newsdesk.cluster.features import FEATURES, PRIOR_FEATURES
from newsdesk.cluster.model import ModelMissing

ACROSS_FEATURES = ("emb_centroid", "emb_max", "emb_gap", "ent_cover", "ent_core", "ent_prevalence", "ent_cos",
                   "ent_max", "num_shared", "num_cover", "num_none", "year_conflict", "year_shared", "log_size",
                   "cohesion", "log_entities")
_COLUMNS = np.array([FEATURES.index(f) for f in ACROSS_FEATURES])
_GAP = PRIOR_FEATURES.index("gap_days")


def default_across_path() -> Path:
    return Path(str(resources.files("newsdesk.cluster") / "across.json"))


def across_rows(X: np.ndarray, P: np.ndarray, headline_only: bool) -> np.ndarray:
    """The model's inputs from pair feature rows (FEATURES) and prior rows (PRIOR_FEATURES)."""
    X, P = np.atleast_2d(X), np.atleast_2d(P)
    extra = np.column_stack([np.full(len(X), float(headline_only)), np.minimum(P[:, _GAP], 7.0)])
    return np.hstack([X[:, _COLUMNS], extra])


ROW_NAMES = ACROSS_FEATURES + ("headline_only", "gap_days")


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass
class AcrossModel:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path | None = None) -> "AcrossModel":
        path = Path(path or default_across_path())
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ModelMissing(f"The join model across languages ({path}) is missing or unreadable: {exc}. "
                               "Reinstall newsdesk, or refit it with `python -m newsdesk_lab.cluster.across`.") from exc
        if tuple(data.get("features", ())) != ROW_NAMES:
            raise ModelMissing(f"{path} was fitted on other features: refit it with "
                               "`python -m newsdesk_lab.cluster.across`")
        return cls(np.asarray(data["mean"]), np.asarray(data["scale"]), np.asarray(data["weights"]),
                   float(data["bias"]), float(data["threshold"]))

    def to_json(self) -> dict:
        return {"features": list(ROW_NAMES), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "weights": self.weights.tolist(), "bias": self.bias, "threshold": self.threshold}

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def score(self, X: np.ndarray, P: np.ndarray, headline_only: bool, bar: float) -> np.ndarray:
        """Probabilities moved onto a scale whose accept bar is `bar` (the join model's threshold)."""
        z = self.logits(across_rows(X, P, headline_only)) - _logit(self.threshold) + _logit(bar)
        return 1.0 / (1.0 + np.exp(-z))
