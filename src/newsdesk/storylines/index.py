"""The vectors of the storylines (and lone events) the linker can still join, searchable by cosine: hnswlib HNSW
when installed, exact numpy otherwise. Keys are replaced in place when a storyline's centroid moves, and removed
when it merges or goes quiet, so a search costs what the live storylines hold, never the desk's history."""

from __future__ import annotations

import numpy as np

try:
    import hnswlib
except ImportError:  # pragma: no cover - exact search with numpy
    hnswlib = None


class VectorIndex:
    def __init__(self, dim: int | None = None) -> None:
        self.dim = dim
        self.index = None
        self.live: set[int] = set()
        self.vectors: dict[int, np.ndarray] = {}      # only without hnswlib

    def _start(self, dim: int) -> None:
        self.dim = dim
        if hnswlib is not None:
            self.index = hnswlib.Index(space="ip", dim=dim)
            self.index.init_index(max_elements=1024, ef_construction=100, M=16)

    def put(self, key: int, vector: np.ndarray) -> None:
        vector = np.asarray(vector, dtype=np.float32)
        if self.dim is None:
            self._start(vector.shape[0])
        if self.index is None:
            self.vectors[key] = vector
        else:
            if self.index.get_current_count() >= self.index.get_max_elements():
                self.index.resize_index(2 * self.index.get_max_elements())
            self.index.add_items(vector[None, :], np.asarray([key]))
        self.live.add(key)

    def remove(self, key: int) -> None:
        if key not in self.live:
            return
        self.live.discard(key)
        if self.index is None:
            self.vectors.pop(key, None)
        else:
            self.index.mark_deleted(key)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, len(self.live))
        if k <= 0:
            return []
        vector = np.asarray(vector, dtype=np.float32)
        if self.index is None:
            keys = list(self.vectors)
            scores = np.stack([self.vectors[key] for key in keys]) @ vector
            order = np.argsort(-scores)[:k]
            return [(keys[i], float(scores[i])) for i in order]
        self.index.set_ef(max(64, 2 * k))
        try:
            labels, distances = self.index.knn_query(vector[None, :], k=k)
        except RuntimeError:       # too few live elements reachable for k: ask for fewer
            labels, distances = self.index.knn_query(vector[None, :], k=max(1, k // 4))
        return [(int(label), 1.0 - float(d)) for label, d in zip(labels[0], distances[0])]

    def __len__(self) -> int:
        return len(self.live)
