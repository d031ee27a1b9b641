"""Decide whether a new text copies an article already stored, and which article is the original."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsdesk.dedupe.fingerprint import MIN_SHINGLES, Fingerprint, containment
from newsdesk.model import Candidate


@dataclass
class CopyMatch:
    original_id: int            # the earliest stored version of the text
    similarity: float           # 1.0 for exact copies, else estimated shingle containment
    method: str                 # "exact" | "near"
    new_is_earlier: bool        # the new article predates that original: it becomes the original


def find_original(fp: Fingerprint, time: datetime, exact: list[Candidate], near: list[Candidate],
                  threshold: float) -> CopyMatch | None:
    best: tuple[float, str, Candidate] | None = None
    for cand in exact if fp.shingle_count >= MIN_SHINGLES else []:
        best = max(best or (0.0, "", cand), (1.0, "exact", cand), key=lambda b: (b[0], -b[2].id))
    if best is None and fp.minhash is not None:
        for cand in near:
            if cand.minhash is None:
                continue
            score = containment(fp.minhash, fp.shingle_count, cand.minhash, cand.shingle_count)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, "near", cand)
    if best is None:
        return None
    score, method, cand = best
    root_id = cand.original_id or cand.id
    root_time = cand.original_time if cand.original_id else cand.time
    return CopyMatch(root_id, round(score, 4), method, time < root_time)
