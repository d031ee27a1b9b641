"""The storyline link model, plain numpy at run time: P(an event belongs to a storyline | link features).

A logistic model over the standardised `FEATURES`, learned by `python -m newsdesk_lab.storylines.train` from
Google News story pages (headlines, no dates, no names as written) and shipped as `model.json` beside this file.
What that set cannot teach enters as hand-set priors on the logit: a decay per week of silence past a grace
period (storylines run over weeks, not days), and a bonus for the share of the event's entities the storyline
names."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from newsdesk.errors import NewsdeskError
from newsdesk.storylines.features import FEATURES


class LinkModelMissing(NewsdeskError):
    """The storyline link model's weights are missing or unusable; the message names the file and the fix."""


def default_model_path() -> Path:
    return Path(str(resources.files("newsdesk.storylines") / "model.json"))


@dataclass
class LinkModel:
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float = 0.5            # an event joins the best storyline (or starts one) from this probability
    merge_threshold: float = 0.8      # two storylines merge from this probability
    decay_per_week: float = 0.5       # logit lost per week of silence past the grace period
    grace_days: float = 7.0
    entity_weight: float = 6.0        # logit per share of the event's entities (weighed by rarity) the storyline names, less half
    info: dict = field(default_factory=dict)

    def logit(self, features: list[float], gap_days: float | None = None, entities: float | None = None) -> float:
        z = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        value = float(z @ self.weights) + self.bias
        if gap_days is not None:
            value -= self.decay_per_week * max(gap_days - self.grace_days, 0.0) / 7.0
        if entities is not None:
            value += self.entity_weight * (entities - 0.5)
        return value

    def probability(self, features: list[float], gap_days: float | None = None,
                    entities: float | None = None) -> float:
        value = max(min(self.logit(features, gap_days, entities), 50.0), -50.0)
        return 1.0 / (1.0 + math.exp(-value))

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": self.weights.tolist(), "bias": self.bias,
                "mean": self.mean.tolist(), "scale": self.scale.tolist(), "threshold": self.threshold,
                "merge_threshold": self.merge_threshold, "decay_per_week": self.decay_per_week,
                "grace_days": self.grace_days, "entity_weight": self.entity_weight, "info": self.info}

    @classmethod
    def from_dict(cls, d: dict) -> "LinkModel":
        if tuple(d["features"]) != FEATURES:
            raise ValueError(f"model features {d['features']} are not the code's {list(FEATURES)}; retrain it")
        model = cls(weights=np.asarray(d["weights"], dtype=np.float64), bias=float(d["bias"]),
                    mean=np.asarray(d["mean"], dtype=np.float64), scale=np.asarray(d["scale"], dtype=np.float64),
                    threshold=float(d["threshold"]), merge_threshold=float(d["merge_threshold"]),
                    decay_per_week=float(d["decay_per_week"]), grace_days=float(d["grace_days"]),
                    entity_weight=float(d["entity_weight"]), info=dict(d.get("info", {})))
        width = len(FEATURES)
        if any(a.shape != (width,) for a in (model.weights, model.mean, model.scale)) or np.any(model.scale <= 0):
            raise ValueError(f"weights or standardisation do not fit {width} features")
        return model

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> "LinkModel":
        """The trained weights (the shipped `model.json` by default); a missing or corrupt file is a
        `LinkModelMissing` naming the path and the fix, never a quiet fallback."""
        path = Path(path) if path else default_model_path()
        fix = ("reinstall newsdesk to restore the shipped model.json, or train one with "
               "`python -m newsdesk_lab.storylines.train`")
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise LinkModelMissing(f"the storyline link model {path} is missing: {fix}") from None
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise LinkModelMissing(f"the storyline link model {path} is unusable ({exc}): {fix}") from None
