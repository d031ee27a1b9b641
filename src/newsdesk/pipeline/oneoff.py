"""One-off work: a URL or local files ingested outside any subscription, and every kept page extracted again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from newsdesk.dedupe import canonical_url
from newsdesk.extract import ExtractionError
from newsdesk.language import language_of
from newsdesk.model import NewArticle
from newsdesk.pipeline.ingest import Incoming, Ingest, Outcome
from newsdesk.pipeline.work import process_page, process_text
from newsdesk.sources import LocalDocument, LocalDocumentError, iter_documents
from newsdesk.storage import Storage


class OneOff:
    def __init__(self, storage: Storage, ingest: Ingest, run: Callable[..., Awaitable],
                 update: Callable[[list[Outcome]], Awaitable[set[int]]], respect_robots: bool) -> None:
        self.storage = storage
        self._ingest = ingest
        self._run = run
        self._update = update
        self._respect_robots = respect_robots

    async def ingest_url(self, url: str) -> Outcome:
        try:
            doc = Incoming(url=canonical_url(url))
        except ValueError as exc:
            return Outcome(url, "error", error=str(exc))
        outcome = await self._ingest.fetch_and_store(doc, respect_robots=self._respect_robots)
        await self._update([outcome])
        return outcome

    async def ingest_path(self, path: Path, on_done: Callable[[Outcome], None] | None = None,
                          batch: int = 64) -> list[Outcome]:
        """An HTML file, a directory of them, or JSONL; streamed in batches so memory stays flat."""
        outcomes: list[Outcome] = []
        pending: list[LocalDocument] = []

        async def flush() -> None:
            results = await asyncio.gather(*(self._ingest_local(d) for d in pending))
            pending.clear()
            await self._update(results)
            for outcome in results:
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)

        for item in iter_documents(path):
            if isinstance(item, LocalDocumentError):
                outcome = Outcome(item.origin, "error", error=item.message)
                self.storage.log_fetch(source_id=None, url=item.origin, kind="file", outcome="error",
                                       error=item.message)
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
                continue
            pending.append(item)
            if len(pending) >= batch:
                await flush()
        if pending:
            await flush()
        return outcomes

    async def _ingest_local(self, item: LocalDocument) -> Outcome:
        url = item.url or f"urn:newsdesk:{item.origin}"
        try:
            doc = local_incoming(item)
            url = doc.url
            if item.html:
                processed = await self._ingest.process(item.html, item.url)
                outcome = self._ingest.store(doc, processed.extracted.text, processed.fingerprint, extracted=processed,
                                             html=item.html)
            else:
                text = (item.text or "").strip()
                if not text:
                    raise ExtractionError("the document has no text")
                outcome = self._ingest.store(doc, text, await self._run(process_text, text))
        except (ValueError, ExtractionError) as exc:
            outcome = Outcome(url, "error", error=str(exc))
        self.storage.log_fetch(source_id=None, url=url, kind="file", outcome=outcome.status, error=outcome.error,
                               article_id=outcome.article_id)
        return outcome

    async def reextract(self, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Run the current extractor again over every kept page; articles whose text changes are updated."""
        outcomes: list[Outcome] = []
        after = 0
        while batch := self.storage.pages_for_reextraction(after):
            after = batch[-1][0]
            results = await asyncio.gather(*(self._run(process_page, html, url) for _, url, html in batch),
                                           return_exceptions=True)
            for (article_id, url, _), result in zip(batch, results):
                if isinstance(result, ExtractionError):
                    outcome = Outcome(url, "error", article_id, error=str(result))
                elif isinstance(result, BaseException):
                    raise result
                elif result.fingerprint.text_hash == self.storage.get_article(article_id).text_hash:
                    outcome = Outcome(url, "unchanged", article_id)
                else:
                    meta = result.extracted
                    self.storage.replace_extraction(article_id, NewArticle(
                        url=url, text=meta.text, text_hash=result.fingerprint.text_hash, title=meta.title,
                        author=meta.author, published_at=meta.published,
                        language=language_of(meta.title, meta.text, meta.language),
                        image_url=meta.image_url, shingle_count=result.fingerprint.shingle_count,
                        minhash=result.fingerprint.minhash, band_keys=result.fingerprint.band_keys))
                    outcome = Outcome(url, "updated", article_id)
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
        return outcomes


def local_incoming(item: LocalDocument) -> Incoming:
    """A local document on its way into storage; a document without a URL is named by where it came from.
    A bad URL raises ValueError."""
    url = canonical_url(item.url) if item.url else f"urn:newsdesk:{item.origin}"
    return Incoming(url=url, outlet=item.source, title=item.title, published=item.published)
