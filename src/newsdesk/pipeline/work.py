"""CPU-bound steps, run in worker processes: parse a feed, extract a page, fingerprint a text."""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from lxml import html as lxml_html

from newsdesk.dedupe import Fingerprint, fingerprint
from newsdesk.extract import Extracted, extract_article
from newsdesk.lifeline import die_with_parent
from newsdesk.sources import ParsedFeed, parse_feed


@dataclass
class Processed:
    extracted: Extracted
    fingerprint: Fingerprint
    extract_seconds: float = 0.0
    fingerprint_seconds: float = 0.0
    lead_vectors: LeadVectors | None = None     # when the worker also embedded the page's lead
    embed_seconds: float = 0.0


@dataclass
class LeadVectors:
    """The vectors of a page's lead texts (its title and opening sentences, what the grouper and the story
    writer embed first), made where the page was extracted: the model's id and each text's packed vector."""
    model_id: str
    vectors: dict[str, bytes]


def process_page(html: bytes | str, url: str | None) -> Processed:
    started = time.perf_counter()
    extracted = extract_article(html, url)
    middle = time.perf_counter()
    fp = fingerprint(extracted.text)
    return Processed(extracted, fp, middle - started, time.perf_counter() - middle)


def process_page_embedded(html: bytes | str, url: str | None) -> Processed:
    """`process_page`, then the model on the page's lead texts, in the same worker: how a desk whose workers
    are a cluster's (`newsdesk run --engine ray`) fans the embedding out with the extraction."""
    from newsdesk.cluster import lead_texts
    from newsdesk.embed import get_embedder, pack_rows

    processed = process_page(html, url)
    started = time.perf_counter()
    texts = list(dict.fromkeys(lead_texts(processed.extracted.title or "", processed.extracted.text)))
    embedder = get_embedder()
    packed = pack_rows(embedder.encode(texts))
    processed.lead_vectors = LeadVectors(embedder.model_id, dict(zip(texts, packed)))
    processed.embed_seconds = time.perf_counter() - started
    return processed


def process_text(text: str) -> Fingerprint:
    return fingerprint(text)


def parse(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    return parse_feed(body, url, content_type)


def html_to_text(fragment: str) -> str:
    """Plain text of a feed's HTML teaser or content, paragraphs kept apart."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on garbage; a teaser is never worth a crash
        return ""
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for block in root.xpath("//p|//br|//div|//li|//h1|//h2|//h3|//h4|//blockquote"):
        block.tail = "\n\n" + (block.tail or "")
    lines = [" ".join(part.split()) for part in root.text_content().split("\n\n")]
    return "\n\n".join(line for line in lines if line)


def make_executor(workers: int) -> Executor:
    """Worker processes for extraction; one worker means in-process (threads), no start-up cost. The workers
    are spawned, not forked, so they hold none of the desk's database connections or listening sockets, and
    they end with the desk."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        return ThreadPoolExecutor(max_workers=1)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(),))
