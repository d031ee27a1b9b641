"""Vectors of the texts already embedded, kept so that no stage embeds a text twice: the grouper embeds an
article's title and opening sentences, and the story writer asks for the same strings again (and again each
time the story's page is rewritten as articles join, or the stories are regrouped, or the desk restarts).

Two levels: the most recently used texts in memory, then (when given) the desk's store of every text it
embedded, keyed by a hash of the text and the model's id; only what neither holds goes to the model."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

from newsdesk.embed.model import DIM
from newsdesk.embed.packing import pack_rows, unpack_rows
from newsdesk.errors import NewsdeskError

log = logging.getLogger(__name__)


class TextEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class TextVectorStore(Protocol):
    """Where a desk keeps the vectors of the texts it embedded (its storage): packed vectors by text key."""

    def text_vectors(self, model: str, keys: list[bytes]) -> dict[bytes, bytes]: ...

    def save_text_vectors(self, model: str, vectors: list[tuple[bytes, bytes]]) -> None: ...


def text_key(text: str, model: str | None = None) -> bytes:
    """The 16-byte key a text's vector is stored under: by the text alone (the English model's, as desks have
    always kept them), or by the `model`'s id and the text, for a model whose vectors a desk keeps beside it."""
    if model is not None:
        text = f"{model}\x1f{text}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class CachedEmbedder:
    """`encode` as the wrapped encoder's, each vector as storage keeps it (`newsdesk.embed.packing`), remembering
    the vectors of the `size` most recently used texts (30,000 texts hold about 3,000 articles' titles and
    sentences, ~50 MB) and, given a `store`, looking up the others there before asking the model. New vectors
    go to the store (unless not `keep_new`) `write_every` at a time, and on `flush()`; a store that fails is
    logged and costs only time. Thread-safe."""

    dim: int = DIM

    def __init__(self, encoder: TextEncoder, size: int = 30_000, store: TextVectorStore | None = None,
                 model_id: str | None = None, write_every: int = 256, keep_new: bool = True,
                 keyed_by_model: bool = False) -> None:
        """`keyed_by_model`: store each text under `text_key(text, model_id)`, so that its vector stands beside
        the English model's of the same text instead of replacing it."""
        if size < 0:
            raise ValueError("size must be >= 0")
        self.encoder = encoder
        self.size = size
        self.store = store
        self.model_id = model_id or getattr(encoder, "model_id", None)
        if store is not None and not self.model_id:
            raise ValueError("a store needs the model's id: give model_id, or an encoder with one")
        self.write_every = write_every
        self.keep_new = keep_new
        self._model_key = self.model_id if keyed_by_model else None
        self.hits = 0          # texts found in memory
        self.stored = 0        # texts found in the store
        self.misses = 0        # texts the model embedded
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._pending: dict[bytes, bytes] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not a single string")
        texts = list(texts)
        with self._lock:
            found = {t: self._cache[t] for t in texts if isinstance(t, str) and t in self._cache}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        from_store = self._look_up(missing, found) if missing and self.store is not None else 0
        missing = [t for t in missing if t not in found] if from_store else missing
        if missing:
            # The model runs outside the lock: other threads' cached texts are not held up behind it.
            packed = pack_rows(np.asarray(self.encoder.encode(missing), dtype=np.float32))
            for text, vector in zip(missing, unpack_rows(packed)):
                found[text] = vector
            if self.store is not None and self.keep_new:
                self._keep([(text_key(t, self._model_key), blob) for t, blob in zip(missing, packed)])
        with self._lock:
            self.stored += from_store
            self.hits += len(texts) - len(missing) - from_store
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

    def _look_up(self, texts: list[str], found: dict[str, np.ndarray]) -> int:
        """Put the stored vectors of `texts` into `found`; returns how many there were."""
        keys = {text_key(t, self._model_key): t for t in texts}
        with self._lock:
            stored = {k: self._pending[k] for k in keys if k in self._pending}
        try:
            stored.update(self.store.text_vectors(self.model_id, [k for k in keys if k not in stored]))
        except NewsdeskError as exc:
            log.warning("stored text vectors could not be read (%s): embedding %d texts again", exc, len(keys))
        blobs = [(keys[k], blob) for k, blob in stored.items() if k in keys]
        try:
            vectors = unpack_rows([blob for _, blob in blobs])
        except ValueError as exc:
            log.warning("stored text vectors are unreadable (%s): embedding %d texts again", exc, len(keys))
            return 0
        for (text, _), vector in zip(blobs, vectors):
            found[text] = vector
        return len(blobs)

    def _keep(self, rows: list[tuple[bytes, bytes]]) -> None:
        with self._lock:
            self._pending.update(rows)
            due = len(self._pending) >= self.write_every
        if due:
            self.flush()

    def flush(self) -> int:
        """Write the vectors not yet in the store; returns how many were written."""
        if self.store is None:
            return 0
        with self._write_lock:
            with self._lock:
                rows = list(self._pending.items())
            if not rows:
                return 0
            try:
                self.store.save_text_vectors(self.model_id, rows)
            except NewsdeskError as exc:
                log.warning("%d text vectors could not be stored (%s): they will be embedded again when needed",
                            len(rows), exc)
            with self._lock:
                for key, _ in rows:
                    self._pending.pop(key, None)
            return len(rows)
