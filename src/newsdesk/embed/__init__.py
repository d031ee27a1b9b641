"""Sentence embeddings (all-MiniLM-L6-v2, int8 ONNX on onnxruntime): `get_embedder().encode(texts)`; a desk's
`stored_embedder(storage)` keeps every vector it makes, int8-packed (`pack_rows`, `unpack_rows`)."""

from newsdesk.embed.cache import CachedEmbedder, TextVectorStore, text_key
from newsdesk.embed.model import DIM, Embedder, ModelMissing, get_embedder, locate_model_files, stored_embedder
from newsdesk.embed.packing import INT8_BYTES, pack_rows, rounded, unpack_rows

__all__ = ["DIM", "INT8_BYTES", "CachedEmbedder", "Embedder", "ModelMissing", "TextVectorStore", "get_embedder",
           "locate_model_files", "pack_rows", "rounded", "stored_embedder", "text_key", "unpack_rows"]
