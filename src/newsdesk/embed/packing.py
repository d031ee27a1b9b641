"""Vectors as the bytes storage keeps: int8 with one float32 scale per vector (388 bytes for 384 dimensions,
a quarter of float32's 1,536), read back as unit float32 rows.

A vector is used only as it reads back from its bytes (`unpack(pack(v))`), even when it was just computed: a
text's vector is then the same whether the model or the store gave it, and nothing the desk writes depends
on what it happened to remember."""

from __future__ import annotations

import numpy as np

from newsdesk.embed.model import DIM

_SCALE = np.dtype("<f4")
INT8_BYTES = _SCALE.itemsize + DIM
FLOAT32_BYTES = DIM * 4


def pack_rows(vectors: np.ndarray) -> list[bytes]:
    """Each row as bytes: its largest magnitude over 127 as a little-endian float32, then each dimension in
    that unit as a signed byte."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not len(vectors):
        return []
    if vectors.ndim != 2:
        raise ValueError(f"pack_rows takes a matrix, not an array of {vectors.ndim} dimensions")
    largest = np.abs(vectors).max(axis=1)
    scales = np.where((largest > 0) & np.isfinite(largest), largest / 127.0, 1.0).astype(_SCALE)
    levels = np.clip(np.rint(np.nan_to_num(vectors / scales[:, None])), -127, 127).astype(np.int8)
    packed = np.concatenate([scales[:, None].view(np.uint8), levels.view(np.uint8)], axis=1)
    return [row.tobytes() for row in packed]


def unpack_rows(blobs: list[bytes]) -> np.ndarray:
    """Stored vectors as float32 rows: `pack_rows`' bytes at length one (a zero vector stays zero), and the
    plain float32 vectors of 384 dimensions stored before them as they were. All must have one dimension."""
    by_size: dict[int, list[int]] = {}
    for i, blob in enumerate(blobs):
        by_size.setdefault(len(blob), []).append(i)
    dims = {DIM if size == FLOAT32_BYTES else size - _SCALE.itemsize for size in by_size}
    if len(dims) > 1 or any(size <= _SCALE.itemsize for size in by_size):
        raise ValueError(f"stored vectors of {sorted(by_size)} bytes: not packed vectors of one dimension")
    out = np.zeros((len(blobs), dims.pop() if dims else DIM), dtype=np.float32)
    for size, rows in by_size.items():
        raw = np.frombuffer(b"".join(blobs[i] for i in rows), dtype=np.uint8).reshape(len(rows), size)
        if size == FLOAT32_BYTES:
            out[rows] = raw.copy().view(np.float32)
            continue
        scales = raw[:, :_SCALE.itemsize].copy().view(_SCALE)
        levels = raw[:, _SCALE.itemsize:].view(np.int8).astype(np.float32) * scales
        norms = np.linalg.norm(levels, axis=1, keepdims=True)
        out[rows] = np.divide(levels, norms, out=levels, where=norms > 0)
    return out


def pack(vector: np.ndarray) -> bytes:
    return pack_rows(np.asarray(vector, dtype=np.float32).reshape(1, -1))[0]


def unpack(blob: bytes) -> np.ndarray:
    return unpack_rows([blob])[0]


def rounded(vectors: np.ndarray) -> np.ndarray:
    """The rows as storage gives them back."""
    return unpack_rows(pack_rows(vectors))
