"""Sentence embeddings (all-MiniLM-L6-v2, int8 ONNX on onnxruntime): `get_embedder().encode(texts)`."""

from newsdesk.embed.cache import CachedEmbedder
from newsdesk.embed.model import DIM, Embedder, ModelMissing, get_embedder, locate_model_files

__all__ = ["DIM", "CachedEmbedder", "Embedder", "ModelMissing", "get_embedder", "locate_model_files"]
