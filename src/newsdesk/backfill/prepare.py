"""The per-record work a backfill fans out (to worker processes or a Ray cluster): the desk's extraction,
language detection and fingerprint, then the grouping vector, batched. Runs where no storage is open."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from newsdesk.dedupe import Fingerprint
from newsdesk.extract import ExtractionError
from newsdesk.language import language_of
from newsdesk.pipeline import Processed, process_page, process_text
from newsdesk.sources import LocalDocument


@dataclass
class Prepared:
    """One document ready to store: extracted (HTML) or fingerprinted (text), its language, its grouping
    vector."""
    text: str
    fingerprint: Fingerprint
    processed: Processed | None = None
    vector: bytes | None = None
    language: str | None = None


@dataclass
class Failed:
    message: str


@dataclass
class BatchResult:
    items: list[Prepared | Failed]
    seconds: dict[str, float] = field(default_factory=dict)   # extract, language, fingerprint, embed


def prepare_batch(documents: list[LocalDocument], embed: bool = True) -> BatchResult:
    """Each document extracted (or its text taken), its language detected and its text fingerprinted; then the
    vectors of all, in one call."""
    result = extract_batch(documents)
    if embed:
        embed_batch(documents, result)
    return result


def extract_batch(documents: list[LocalDocument]) -> BatchResult:
    """The extract, language and fingerprint stages of a batch; a document they cannot read is Failed."""
    seconds = {"extract": 0.0, "language": 0.0, "fingerprint": 0.0, "embed": 0.0}
    items: list[Prepared | Failed] = []
    for document in documents:
        try:
            prepared = _prepare(document, seconds)
        except ExtractionError as exc:
            items.append(Failed(str(exc)))
            continue
        except Exception as exc:     # the extractor's libraries raise anything on hostile pages: a bad record
            items.append(Failed(f"extraction failed: {type(exc).__name__}: {exc}"))
            continue
        started = time.perf_counter()
        meta = prepared.processed.extracted if prepared.processed else None
        prepared.language = language_of(title_of(document, prepared), prepared.text, meta.language if meta else None)
        seconds["language"] += time.perf_counter() - started
        items.append(prepared)
    return BatchResult(items, seconds)


def embed_batch(documents: list[LocalDocument], result: BatchResult) -> None:
    """The embed stage: the grouping vector of each prepared document, in one call."""
    ready = [(d, p) for d, p in zip(documents, result.items) if isinstance(p, Prepared)]
    started = time.perf_counter()
    for (document, prepared), vector in zip(ready, _vectors(ready)):
        prepared.vector = vector
    result.seconds["embed"] = result.seconds.get("embed", 0.0) + time.perf_counter() - started


def _prepare(document: LocalDocument, seconds: dict[str, float]) -> Prepared:
    if document.html:
        processed = process_page(document.html, document.url)
        seconds["extract"] += processed.extract_seconds
        seconds["fingerprint"] += processed.fingerprint_seconds
        return Prepared(processed.extracted.text, processed.fingerprint, processed)
    text = (document.text or "").strip()
    if not text:
        raise ExtractionError("the document has no text")
    started = time.perf_counter()
    fp = process_text(text)
    seconds["fingerprint"] += time.perf_counter() - started
    return Prepared(text, fp)


def title_of(document: LocalDocument, prepared: Prepared) -> str:
    meta = prepared.processed.extracted if prepared.processed else None
    return document.title or (meta.title if meta else None) or ""


def _vectors(ready: list[tuple[LocalDocument, Prepared]]) -> list[bytes]:
    if not ready:
        return []
    from newsdesk.cluster import lead_vectors
    from newsdesk.embed import get_embedder

    vectors = lead_vectors(get_embedder(), [(title_of(d, p), p.text) for d, p in ready])
    return [np.asarray(v, dtype=np.float32).tobytes() for v in vectors]
