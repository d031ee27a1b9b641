"""Sentence embeddings (all-MiniLM-L6-v2, int8 ONNX on onnxruntime): `get_embedder().encode(texts)`; a desk's
`stored_embedder(storage)` keeps every vector it makes, int8-packed (`pack_rows`, `unpack_rows`); reports in other
languages through the multilingual encoder mapped into the same space: `get_multilingual_embedder().encode(texts)`."""

from newsdesk.embed.cache import CachedEmbedder, TextVectorStore, text_key
from newsdesk.embed.model import (DIM, EMBED_THREADS_ENV, Embedder, ModelMissing, get_embedder, locate_model_files,
                                  stored_embedder)
from newsdesk.embed.multilingual import (LANGUAGES as MULTILINGUAL_LANGUAGES, MODEL_ID as MULTILINGUAL_MODEL_ID,
                                         PROJECTION as MULTILINGUAL_PROJECTION, MultilingualEmbedder,
                                         get_multilingual_embedder, reads_across,
                                         stored_multilingual_embedder)
from newsdesk.embed.packing import INT8_BYTES, pack_rows, rounded, unpack_rows

__all__ = ["DIM", "EMBED_THREADS_ENV", "INT8_BYTES", "MULTILINGUAL_LANGUAGES", "MULTILINGUAL_MODEL_ID",
           "MULTILINGUAL_PROJECTION", "CachedEmbedder", "Embedder", "ModelMissing", "MultilingualEmbedder", "TextVectorStore", "get_embedder",
           "get_multilingual_embedder", "locate_model_files", "pack_rows", "reads_across", "rounded",
           "stored_embedder", "stored_multilingual_embedder", "text_key", "unpack_rows"]
