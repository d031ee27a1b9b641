"""Text fingerprints: an exact hash of the normalised text, and a MinHash of its word shingles."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

NUM_PERM = 128
SHINGLE = 4
CANDIDATE_JACCARD = 0.3      # LSH recall point: reprints trimmed and padded still share ≥ 0.3 Jaccard
MIN_SHINGLES = 8             # below this a text is too short to call a near-copy; only exact hashes apply
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Fingerprint:
    text_hash: str
    shingle_count: int
    minhash: bytes | None          # NUM_PERM uint64 hash values, None when the text is too short
    band_keys: list[int]


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def text_hash(text: str) -> str:
    return hashlib.sha1(" ".join(words(text)).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _bands() -> tuple[int, int]:
    return _optimal_param(CANDIDATE_JACCARD, NUM_PERM, 0.5, 0.5)


def _band_keys(values: np.ndarray) -> list[int]:
    bands, rows = _bands()
    keys = []
    for band in range(bands):
        chunk = values[band * rows:(band + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "big") * 8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def fingerprint(text: str) -> Fingerprint:
    tokens = words(text)
    shingles = {" ".join(tokens[i:i + SHINGLE]).encode("utf-8") for i in range(max(0, len(tokens) - SHINGLE + 1))}
    digest = hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()
    if len(shingles) < MIN_SHINGLES:
        return Fingerprint(digest, len(shingles), None, [])
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch(list(shingles))
    values = mh.hashvalues.astype(np.uint64)
    return Fingerprint(digest, len(shingles), values.tobytes(), _band_keys(values))


def jaccard(a: bytes, b: bytes) -> float:
    va, vb = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    return float(np.count_nonzero(va == vb)) / len(va)


def containment(a: bytes, count_a: int, b: bytes, count_b: int) -> float:
    """Share of the shorter text's shingles found in the other, estimated from the Jaccard estimate."""
    j = jaccard(a, b)
    shared = j * (count_a + count_b) / (1 + j)
    return min(1.0, shared / max(1, min(count_a, count_b)))
