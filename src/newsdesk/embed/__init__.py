"""Sentence embeddings (all-MiniLM-L6-v2, int8 ONNX on onnxruntime): `get_embedder().encode(texts)`; reports
in other languages through the multilingual encoder mapped into the same space:
`get_multilingual_embedder().encode(texts)`."""

from newsdesk.embed.cache import CachedEmbedder
from newsdesk.embed.model import DIM, Embedder, ModelMissing, get_embedder, locate_model_files
from newsdesk.embed.multilingual import (LANGUAGES as MULTILINGUAL_LANGUAGES, MODEL_ID as MULTILINGUAL_MODEL_ID,
                                         PROJECTION as MULTILINGUAL_PROJECTION, MultilingualEmbedder,
                                         get_multilingual_embedder, reads_across)

__all__ = ["DIM", "MULTILINGUAL_LANGUAGES", "MULTILINGUAL_MODEL_ID", "MULTILINGUAL_PROJECTION", "CachedEmbedder", "Embedder", "ModelMissing",
           "MultilingualEmbedder", "get_embedder", "get_multilingual_embedder", "locate_model_files", "reads_across"]
