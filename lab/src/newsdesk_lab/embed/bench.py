"""Embedding throughput on synthetic news text (project-written word lists, deterministic)."""

from __future__ import annotations

import random
import time

from newsdesk.embed import Embedder

_SUBJECTS = ["The city council", "Regional health officials", "The central bank", "A coalition of farmers",
             "The transport ministry", "Local police", "The energy regulator", "Union leaders",
             "The national weather service", "Shareholders of the shipping firm", "The school board",
             "Emergency crews", "The foreign minister", "Researchers at the university", "The football club"]
_VERBS = ["announced", "rejected", "approved", "delayed", "criticised", "welcomed", "proposed", "investigated",
          "postponed", "confirmed", "warned about", "agreed on", "voted against", "defended", "questioned"]
_OBJECTS = ["a new budget for road repairs", "plans to raise interest rates", "the merger of two hospitals",
            "stricter limits on river pollution", "a strike at the northern port", "flood defences along the coast",
            "the closure of a rural rail line", "higher wages for nurses", "a ban on night flights",
            "the sale of the stadium", "a recall of faulty heaters", "emergency housing for evacuees",
            "tax relief for small shops", "a cyberattack on the water utility", "the new wind farm offshore"]
_TAILS = ["on Tuesday after weeks of debate", "despite protests outside the town hall",
          "according to documents seen by reporters", "in a statement released late on Friday",
          "as prices continued to climb", "ahead of next month's election", "following a heavy storm",
          "after an independent review", "amid growing public pressure", "in a vote of nine to four"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}."


def synthetic_texts(n: int, words: int = 20, seed: int = 7) -> list[str]:
    """n texts of exactly `words` words each, cut from a run of sentences."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        tokens: list[str] = []
        while len(tokens) < words:
            tokens.extend(_sentence(rng).split())
        texts.append(" ".join(tokens[:words]).rstrip(".") + ".")
    return texts


def bench(n: int = 512, words: int = 20, threads: int | None = None, embedder: Embedder | None = None) -> float:
    """Texts per second for `encode` on n synthetic texts of ~`words` words (model load not timed)."""
    emb = embedder or Embedder(threads=threads)
    texts = synthetic_texts(n, words)
    emb.encode(texts[:min(n, 16)])
    start = time.perf_counter()
    emb.encode(texts)
    return n / (time.perf_counter() - start)
