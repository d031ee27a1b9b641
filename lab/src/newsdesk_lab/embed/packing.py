"""How far stored (packed) vectors stray from the model's float32 ones, on sentences of NeuS articles:

    python -m newsdesk_lab.embed.packing PREFIX.source [--sentences 3000]

Prints, for int8 with a scale per vector (what the desk stores) and for float16: the cosine of each packed
vector to its float32 one (mean, lowest) and the largest change in the cosine between two sentences of one
article (what the writer's and the grouper's thresholds read)."""

from __future__ import annotations

import argparse
import json

import numpy as np

from newsdesk.embed import Embedder, pack_rows, unpack_rows
from newsdesk.extract import split_sentences


def sentences_of(source: str, limit: int) -> list[list[str]]:
    """The sentences of each NeuS example's articles, article by article, up to `limit` sentences in all."""
    groups, total = [], 0
    with open(source, encoding="utf-8") as lines:
        for line in lines:
            for article in line.split("TITLE=>")[1:]:
                text = article.split("ARTICLE=>", 1)[-1]
                found = [s.text for s in split_sentences(text)][:12]
                if len(found) > 1:
                    groups.append(found)
                    total += len(found)
                if total >= limit:
                    return groups
    return groups


def agreement(vectors: np.ndarray, packed: np.ndarray, groups: list[int]) -> dict:
    cosines = (vectors * packed).sum(axis=1) / np.linalg.norm(packed, axis=1)
    unit = packed / np.linalg.norm(packed, axis=1, keepdims=True)
    shift, start = 0.0, 0
    for size in groups:
        exact = vectors[start:start + size] @ vectors[start:start + size].T
        stored = unit[start:start + size] @ unit[start:start + size].T
        shift = max(shift, float(np.abs(exact - stored).max()))
        start += size
    return {"cosine_mean": round(float(cosines.mean()), 6), "cosine_min": round(float(cosines.min()), 6),
            "pair_cosine_max_change": round(shift, 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a NeuS .source file")
    parser.add_argument("--sentences", type=int, default=3000)
    args = parser.parse_args()
    groups = sentences_of(args.source, args.sentences)
    texts = [s for g in groups for s in g]
    vectors = Embedder().encode(texts)
    sizes = [len(g) for g in groups]
    report = {"sentences": len(texts),
              "int8": {"bytes": len(pack_rows(vectors[:1])[0]), **agreement(vectors, unpack_rows(pack_rows(vectors)), sizes)},
              "float16": {"bytes": vectors.shape[1] * 2,
                          **agreement(vectors, vectors.astype(np.float16).astype(np.float32), sizes)}}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
