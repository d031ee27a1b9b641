"""Fit the linear map from USE multilingual vectors into MiniLM's space (`newsdesk/embed/use_to_minilm.npy`).

    python -m newsdesk_lab.embed.projection --neus TRAIN.source [--texts 14692] [--out use_to_minilm.npy]

English titles and the first 60 words of each article of NeuS train (14,692 texts, shuffled, seed 1) are
encoded by both models; a ridge regression (λ = 1) maps the 512 USE dimensions onto MiniLM's 384, fitted on all but the last
2,000 texts, which give the held-out cosine between a text's mapped USE vector and its MiniLM vector.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

import numpy as np

from newsdesk.embed import MULTILINGUAL_PROJECTION, Embedder, MultilingualEmbedder

HELD_OUT = 2000


_ARTICLE = re.compile(r"\s*TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)")


def english_texts(neus: Path, limit: int, seed: int = 1) -> list[str]:
    """Each article's title as the file gives it and its first 60 words, shuffled."""
    texts = []
    with open(neus, encoding="utf-8") as fh:
        for line in fh:
            for part in line.split("[SEP]"):
                m = _ARTICLE.match(part.strip())
                if not m:
                    continue
                texts.append(m.group(1))
                words = m.group(2).split()
                if words:
                    texts.append(" ".join(words[:60]))
    random.Random(seed).shuffle(texts)
    return texts[:limit]


def ridge(X: np.ndarray, Y: np.ndarray, lam: float = 1.0) -> np.ndarray:
    return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ Y)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neus", type=Path, required=True)
    parser.add_argument("--texts", type=int, default=16_000)
    parser.add_argument("--out", type=Path, default=MULTILINGUAL_PROJECTION)
    args = parser.parse_args(argv)
    texts = english_texts(args.neus, args.texts)
    use = MultilingualEmbedder().encode_use(texts)
    minilm = Embedder().encode(texts)
    fit, test = slice(0, len(texts) - HELD_OUT), slice(len(texts) - HELD_OUT, len(texts))
    projection = ridge(use[fit], minilm[fit]).astype(np.float32)
    mapped = use[test] @ projection
    mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)
    cosines = (mapped * minilm[test]).sum(axis=1)
    np.save(args.out, projection)
    print(json.dumps({"texts": len(texts), "fitted_on": len(texts) - HELD_OUT,
                      "held_out_cosine_mean": round(float(cosines.mean()), 3),
                      "held_out_cosine_p10": round(float(np.percentile(cosines, 10)), 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
