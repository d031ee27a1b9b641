"""Precision and recall of copy detection on a labelled set of pairs (the project's own set by default)."""

from __future__ import annotations

import json
import time
from importlib import resources
from pathlib import Path

from newsdesk.dedupe import find_original, fingerprint
from newsdesk.model import Candidate
from newsdesk.timeutil import utcnow


def default_testset() -> Path:
    return Path(str(resources.files("newsdesk_lab.dedupe") / "testset.json"))


def _document_text(doc: dict) -> str:
    return doc["text"]


def evaluate_dedupe(path: Path | None = None, threshold: float = 0.6) -> dict:
    """Each pair: store A, then ask whether B is a copy, through the same candidate retrieval (LSH bands,
    text hash) and the same decision the desk uses."""
    data = json.loads((path or default_testset()).read_text(encoding="utf-8"))
    started = time.perf_counter()
    fps = {d["id"]: fingerprint(_document_text(d)) for d in data["documents"]}
    now = utcnow()
    tp = fp_ = fn = tn = 0
    mistakes: list[dict] = []
    by_kind: dict[str, dict[str, int]] = {}
    for pair in data["pairs"]:
        a, b = fps[pair["a"]], fps[pair["b"]]
        stored = Candidate(id=1, time=now, shingle_count=a.shingle_count, minhash=a.minhash, original_id=None)
        exact = [stored] if a.text_hash == b.text_hash else []
        near = [stored] if set(a.band_keys) & set(b.band_keys) else []
        predicted = find_original(b, now, exact, near, threshold) is not None
        truth = bool(pair["duplicate"])
        kind = by_kind.setdefault(pair.get("kind", "pair"), {"pairs": 0, "correct": 0})
        kind["pairs"] += 1
        kind["correct"] += predicted == truth
        if predicted and truth:
            tp += 1
        elif predicted:
            fp_ += 1
        elif truth:
            fn += 1
        else:
            tn += 1
        if predicted != truth:
            mistakes.append({"a": pair["a"], "b": pair["b"], "kind": pair.get("kind"), "expected": truth})
    elapsed = time.perf_counter() - started
    precision = tp / (tp + fp_) if tp + fp_ else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "pairs": len(data["pairs"]), "tp": tp, "fp": fp_, "fn": fn, "tn": tn, "by_kind": by_kind,
            "mistakes": mistakes, "seconds": round(elapsed, 3), "threshold": threshold}
