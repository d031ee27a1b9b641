"""Vectors of recently embedded texts, kept so that no stage embeds a text twice: the grouper embeds an
article's title and opening sentences, and the story writer asks for the same strings again (and again each
time the story's page is rewritten as articles join)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

from newsdesk.embed.model import DIM


class TextEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class CachedEmbedder:
    """`encode` as the wrapped encoder's, remembering the vectors of the `size` most recently used texts
    (30,000 texts hold about 3,000 articles' titles and sentences, ~50 MB). Thread-safe."""

    dim: int = DIM

    def __init__(self, encoder: TextEncoder, size: int = 30_000) -> None:
        if size < 0:
            raise ValueError("size must be >= 0")
        self.encoder = encoder
        self.size = size
        self.hits = 0
        self.misses = 0
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not a single string")
        texts = list(texts)
        with self._lock:
            found = {t: self._cache[t] for t in texts if isinstance(t, str) and t in self._cache}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            # The model runs outside the lock: other threads' cached texts are not held up behind it.
            for text, vector in zip(missing, np.asarray(self.encoder.encode(missing), dtype=np.float32)):
                found[text] = vector
        with self._lock:
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
            for text in texts:
                if text in self._cache:
                    self._cache.move_to_end(text)
                elif self.size:
                    self._cache[text] = found[text]
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts])
