"""One document into storage: its page fetched and extracted (or the feed's teaser kept), the copy it may be
of found, the article stored or revised."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from newsdesk.config import Settings
from newsdesk.dedupe import Fingerprint, canonical_url, find_original
from newsdesk.embed import text_key
from newsdesk.extract import HTML_TYPES, ExtractionError
from newsdesk.fetch import Fetcher, FetchError
from newsdesk.language import language_of
from newsdesk.model import Article, DocumentStatus, NewArticle
from newsdesk.pipeline.timing import StageTimer
from newsdesk.pipeline.work import Processed, html_to_text, process_page, process_page_embedded, process_text
from newsdesk.sources import FeedEntry
from newsdesk.storage import Storage
from newsdesk.timeutil import utcnow


@dataclass
class Outcome:
    """What happened to one document."""
    url: str
    status: DocumentStatus
    article_id: int | None = None
    original_id: int | None = None
    error: str | None = None    # an error, also when a teaser was stored instead of the full text

    def __post_init__(self) -> None:
        self.status = DocumentStatus(self.status)     # a status spelled as its string is checked here


@dataclass
class Incoming:
    """One article on its way into storage."""
    url: str
    source_id: int | None = None
    outlet: str | None = None
    entry: FeedEntry | None = None
    text: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None


class Ingest:
    def __init__(self, storage: Storage, settings: Settings, fetcher: Callable[[], Fetcher],
                 run: Callable[..., Awaitable], timer: StageTimer, embed_in_workers: bool = False) -> None:
        """`embed_in_workers`: the workers also embed each page's lead (`process_page_embedded`), and the
        vectors are kept for the grouper and the story writer to find (a cluster's workers: `newsdesk run
        --engine ray`)."""
        self.storage = storage
        self.settings = settings
        self._fetcher = fetcher
        self._run = run
        self.timer = timer
        self.embed_in_workers = embed_in_workers and settings.stories

    async def process(self, html: bytes | str, url: str | None) -> Processed:
        """A page extracted and fingerprinted in a worker (and its lead embedded, when the workers do that)."""
        processed = await self._run(process_page_embedded if self.embed_in_workers else process_page, html, url)
        self.timer.add("extract", processed.extract_seconds)   # measured in the worker
        self.timer.add("dedupe", processed.fingerprint_seconds)
        if processed.lead_vectors is not None:
            self.timer.add("embed", processed.embed_seconds)
            lead = processed.lead_vectors
            self.storage.save_text_vectors(lead.model_id, [(text_key(text), blob) for text, blob in lead.vectors.items()])
        return processed

    async def fetch_and_store(self, doc: Incoming, *, respect_robots: bool) -> Outcome:
        teaser = entry_text(doc.entry)
        error: str | None = None
        status: int | None = None
        processed: Processed | None = None
        started = time.perf_counter()
        if self.settings.fetch_full_text or doc.entry is None:
            try:
                with self.timer.stage("fetch", failures=False):
                    result = await self._fetcher().fetch(doc.url, respect_robots=respect_robots)
                status = result.status
                if result.content_type and result.content_type not in HTML_TYPES:
                    raise ExtractionError(f"not an HTML page: the server sent {result.content_type}")
                processed = await self.process(result.body, result.url)
            except (FetchError, ExtractionError) as exc:
                error = str(exc)
                status = getattr(exc, "status", status)
        if processed is None and not teaser:
            self.storage.log_fetch(source_id=doc.source_id, url=doc.url, kind="page", outcome="error",
                                   http_status=status, error=error or "the entry has no text",
                                   duration_ms=ms_since(started))
            return Outcome(doc.url, "error", error=error or "the entry has no text")
        if processed is None:
            fp = await self._run(process_text, teaser)
            outcome = self.store(doc, teaser, fp, full_text=False, error=error)
        else:
            outcome = self.store(doc, processed.extracted.text, processed.fingerprint, extracted=processed,
                                 html=result.body)
        self.storage.log_fetch(source_id=doc.source_id, url=doc.url, kind="page",
                               outcome="error" if error else outcome.status, http_status=status,
                               error=error, article_id=outcome.article_id, duration_ms=ms_since(started))
        return outcome

    def store(self, doc: Incoming, text: str, fp: Fingerprint, *, extracted: Processed | None = None,
              html: bytes | str | None = None, full_text: bool = True, error: str | None = None,
              find_copies: bool = True) -> Outcome:
        """Store or revise the article; a new one is matched against the stored copies unless `find_copies` is
        off (a backfill folds its reprints all at once, after storing)."""
        new = new_article(doc, text, fp, extracted=extracted, html=html, full_text=full_text, error=error)
        with self.timer.stage("store"), self.storage.transaction():
            return self._write(new.url, new, fp, full_text, error, find_copies)

    def _write(self, url: str, new: NewArticle, fp: Fingerprint, full_text: bool, error: str | None,
               find_copies: bool) -> Outcome:
        existing = self.storage.get_article_by_url(url)
        if existing is not None:
            if existing.text_hash == fp.text_hash and existing.full_text >= full_text:
                return Outcome(url, "unchanged", existing.id, existing.original_id, error)
            if not full_text and existing.full_text:
                return Outcome(url, "unchanged", existing.id, existing.original_id, error)
            self.storage.add_revision(existing.id, new)
            return Outcome(url, "updated", existing.id, existing.original_id, error)
        if not find_copies:
            return Outcome(url, "new", self.storage.insert_article(new), error=error)
        when = new.published_at or utcnow()
        with self.timer.stage("dedupe", within="store"):
            match = find_original(fp, when, self.storage.articles_with_hash(fp.text_hash),
                                  self.storage.lsh_candidates(fp.band_keys), self.settings.duplicate_threshold)
        article_id = self.storage.insert_article(new)
        if match is None:
            return Outcome(url, "new", article_id, error=error)
        if match.new_is_earlier:
            self.storage.mark_copy(match.original_id, article_id, match.similarity, match.method)
            return Outcome(url, "new", article_id, error=error)
        self.storage.mark_copy(article_id, match.original_id, match.similarity, match.method)
        return Outcome(url, "copy", article_id, match.original_id, error)


def new_article(doc: Incoming, text: str, fp: Fingerprint, *, extracted: Processed | None = None,
                html: bytes | str | None = None, full_text: bool = True, error: str | None = None,
                language: str | None = None, detected: bool = False) -> NewArticle:
    """The article as storage keeps it: the page's canonical URL on the same site, what the feed entry says
    before what the page says, its language detected (unless `detected` already: `language`)."""
    meta = extracted.extracted if extracted else None
    url = doc.url
    if meta and meta.canonical_url and same_site(meta.canonical_url, doc.url):
        try:
            url = canonical_url(meta.canonical_url)
        except ValueError:
            pass
    entry = doc.entry
    title = doc.title or (meta.title if meta else None)
    return NewArticle(
        url=url, text=text, text_hash=fp.text_hash, source_id=doc.source_id,
        outlet=doc.outlet or (meta.site_name if meta else None) or urlsplit(url).hostname,
        entry_id=entry.id if entry else None,
        title=title,
        author=doc.author or (meta.author if meta else None),
        published_at=doc.published or (meta.published if meta else None),
        updated_at=entry.updated if entry else None,
        language=language if detected else language_of(title, text, meta.language if meta else None),
        image_url=(entry.image_url if entry else None) or (meta.image_url if meta else None),
        summary=(html_to_text(entry.summary) if entry and entry.summary else None)
                or (meta.description if meta else None),
        shingle_count=fp.shingle_count, minhash=fp.minhash, band_keys=fp.band_keys,
        full_text=full_text, extraction_error=error,
        html=html.encode("utf-8") if isinstance(html, str) else html)


def same_site(a: str, b: str) -> bool:
    strip = lambda u: (urlsplit(u).hostname or "").removeprefix("www.")  # noqa: E731
    return strip(a) == strip(b)


def entry_text(entry: FeedEntry | None) -> str:
    if entry is None:
        return ""
    return html_to_text(entry.content_html or "") or html_to_text(entry.summary or "")


def entry_changed(entry: FeedEntry | None, existing: Article) -> bool:
    """The feed says the article changed since we stored it: a newer update time, or a new title or teaser
    (many RSS feeds carry no update time at all)."""
    if entry is None:
        return False
    if entry.updated is not None and entry.updated > (existing.updated_at or existing.first_seen_at):
        return True
    if entry.title and existing.title and entry.title.strip() != existing.title.strip():
        return True
    teaser = html_to_text(entry.summary or "")
    return bool(teaser and existing.summary and teaser != existing.summary)


def ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
