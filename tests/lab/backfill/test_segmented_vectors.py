"""The segmented evaluation's vectors: embedded once per stream, kept in a folder, read back by the next run."""

from __future__ import annotations

import numpy as np

from newsdesk_lab.backfill.segmented import stream_vectors
from newsdesk_lab.cluster.data import LabelledArticle


class CountingEncoder:
    def __init__(self) -> None:
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return np.ones((len(texts), 4), np.float32)


def _articles(count: int) -> list[LabelledArticle]:
    return [LabelledArticle(str(i), f"Ferry {i} runs late", f"The ferry numbered {i} ran late.", "e")
            for i in range(count)]


def test_a_second_run_reads_the_kept_vectors_without_the_models(tmp_path):
    first, again = CountingEncoder(), CountingEncoder()
    stream_vectors(_articles(5), first, tmp_path, "ferries", chunk=2, cross_embedder=first)
    vectors, _ = stream_vectors(_articles(5), again, tmp_path, "ferries", chunk=2, cross_embedder=again)
    assert again.texts == 0
    assert vectors.shape == (5, 4)


def test_another_stream_is_embedded_anew(tmp_path):
    first, other = CountingEncoder(), CountingEncoder()
    stream_vectors(_articles(5), first, tmp_path, "ferries", chunk=2, cross_embedder=first)
    stream_vectors(_articles(6), other, tmp_path, "ferries", chunk=2, cross_embedder=other)
    assert other.texts > 0
