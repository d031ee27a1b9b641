"""A backfill, engine-agnostic: read → prepare (extract, language, fingerprint, embed; on the engine) → store in
input order with the desk's own ingest (copies folded as the live desk folds them), each batch in one
transaction with the inputs' progress → group the time line in segments (on the engine), stitch, store the
stories in one transaction → write the pages → optimise the search index. Every phase can be cut off at any
point: a rerun of the same inputs goes on from what the database holds, with nothing stored twice."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import islice

from newsdesk.backfill.engines import Engine
from newsdesk.backfill.prepare import Failed, Prepared
from newsdesk.backfill.reprints import fold
from newsdesk.backfill.records import Record, count_records, expand_inputs, iter_records
from newsdesk.backfill.segments import SegmentItem, merge_at_boundaries, plan_segments, stitch
from newsdesk.backfill.vocabulary import attach_vocabularies
from newsdesk.config import Settings
from newsdesk.model import NewArticle
from newsdesk.pipeline import VECTOR_MODEL, Incoming, Ingest, Outcome, StageTimer, local_incoming, new_article
from newsdesk.sources import LocalDocumentError
from newsdesk.storage import Storage

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass
class BackfillReport:
    records: int = 0           # records read by this run (stored, skipped or bad)
    resumed_after: int = 0     # records an earlier, cut-off run had done
    total: int = 0             # records the inputs hold
    articles: int = 0          # new articles stored (originals and copies)
    copies: int = 0            # of which reprints of another article
    unchanged: int = 0         # already stored with this text
    updated: int = 0           # already stored, with another text: a new revision
    skipped: int = 0           # outside --since/--until
    errors: int = 0            # bad records, this run and the runs it resumes
    error_list: list[tuple[str, str]] = field(default_factory=list)
    stories: int = 0           # stories the grouping made
    segments: int = 0
    pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def articles_per_s(self) -> float:
        return round(self.records / self.elapsed, 1) if self.elapsed else 0.0

    def as_json(self) -> dict:
        return {"articles": self.articles, "copies": self.copies, "stories": self.stories, "errors": self.errors,
                "articles_per_s": self.articles_per_s, "records": self.records, "resumed_after": self.resumed_after,
                "unchanged": self.unchanged, "updated": self.updated, "skipped": self.skipped,
                "segments": self.segments, "pages": self.pages, "elapsed_s": round(self.elapsed, 2),
                "stage_seconds": {k: round(v, 2) for k, v in self.seconds.items()},
                "error_list": [{"origin": o, "error": m} for o, m in self.error_list]}


Progress = Callable[[BackfillReport, str], None]


class Backfill:
    def __init__(self, storage: Storage, settings: Settings, engine: Engine, *, since: datetime | None = None,
                 until: datetime | None = None, batch: int = 64, segments: int | None = None,
                 progress: Progress | None = None) -> None:
        self.storage = storage
        self.settings = settings
        self.engine = engine
        self.since, self.until = since, until
        self.batch = batch
        self.segments = segments or engine.workers
        self.progress = progress or (lambda report, phase: None)
        self.timer = StageTimer("read", "extract", "language", "fingerprint", "embed", "store", "dedupe", "group", "stitch",
                                "write stories", "pages", "search")
        self.report = BackfillReport(seconds=self.timer.seconds)
        self._ingest = Ingest(storage, settings, lambda: None, None, self.timer)
        self.window = timedelta(hours=settings.story_window_hours)

    def run(self, inputs: list[str]) -> BackfillReport:
        started = time.perf_counter()
        paths = expand_inputs(inputs)
        done = self.storage.backfill_progress()
        keys = {str(p) for p in paths}
        self.report.resumed_after = sum(n for k, n in done.items() if k in keys)
        self.report.total = count_records(paths)
        self.progress(self.report, "ingest")
        try:
            self._ingest_all(iter_records(paths, done))
            self._fold_reprints()
            if self.settings.stories:
                self._group()
                self._write_pages()
            with self.timer.stage("search"):
                self.storage.optimize_search()
        finally:
            self.report.elapsed = time.perf_counter() - started
            self.report.errors = self.storage.backfill_error_count()
            self.report.error_list = self.storage.backfill_errors(limit=50)
        self.progress(self.report, "done")
        return self.report

    # -- read, prepare, store ---------------------------------------------------------------------------

    def _batches(self, records: Iterator[Record]) -> Iterator[list[Record]]:
        while True:
            with self.timer.stage("read"):
                batch = list(islice(records, self.batch))
            if not batch:
                return
            yield batch

    def _ingest_all(self, records: Iterator[Record]) -> None:
        pending: list[list[Record]] = []

        def documents() -> Iterator[list]:
            for batch in self._batches(records):
                pending.append(batch)
                yield [r.document for r in batch if not isinstance(r.document, LocalDocumentError)]

        for result in self.engine.prepare(documents(), embed=self.settings.stories):
            batch = pending.pop(0)
            for stage, seconds in result.seconds.items():
                self.timer.add(stage, seconds)
            prepared = iter(result.items)
            pairs = [(r, None if isinstance(r.document, LocalDocumentError) else next(prepared)) for r in batch]
            self._store_batch(pairs)
            self.progress(self.report, "ingest")

    def _store_batch(self, pairs: list[tuple[Record, Prepared | Failed | None]]) -> None:
        progress = {}
        for record, _ in pairs:
            progress[record.input_key] = max(progress.get(record.input_key, 0), record.number)
        with self.timer.stage("store"):
            try:
                with self.storage.transaction():
                    outcomes, errors = self._store_each(pairs, isolated=False)
                    self.storage.record_backfill_progress(progress, errors)
            except Exception as exc:       # one record the database refuses: the batch again, one at a time
                log.warning("backfill: a batch failed to store (%s); storing its records one by one", exc)
                outcomes, errors = self._store_each(pairs, isolated=True)
                self.storage.record_backfill_progress(progress, errors)
        self._count(outcomes, len(pairs), len(errors))

    def _store_each(self, pairs, *, isolated: bool) -> tuple[list[Outcome], list[tuple[str, str]]]:
        outcomes: list[Outcome] = []
        errors: list[tuple[str, str]] = []
        ready: list[tuple[Incoming, Prepared]] = []
        for record, prepared in pairs:
            document = record.document
            if isinstance(document, LocalDocumentError):
                errors.append((document.origin, document.message))
                continue
            if isinstance(prepared, Failed):
                errors.append((document.origin, prepared.message))
                continue
            try:
                doc = local_incoming(document)
            except ValueError as exc:
                errors.append((document.origin, str(exc)))
                continue
            if not self._in_range(doc, prepared):
                outcomes.append(Outcome(doc.url, "unchanged"))
                self.report.skipped += 1
                continue
            if not isolated:
                ready.append((doc, prepared))
                continue
            try:
                with self.storage.transaction():
                    outcomes.append(self._store_one(doc, prepared))
            except Exception as exc:
                errors.append((document.origin, f"cannot store: {type(exc).__name__}: {exc}"))
        return outcomes + self._store_many(ready), errors

    def _store_many(self, ready: list[tuple[Incoming, Prepared]]) -> list[Outcome]:
        """New articles written together (COPY on PostgreSQL); one whose URL is stored (or comes twice) goes
        through the desk's ingest, as a revision or unchanged."""
        news = [new_article(doc, p.text, p.fingerprint, extracted=p.processed, language=p.language, detected=True)
                for doc, p in ready]
        stored = self.storage.stored_urls([n.url for n in news])
        outcomes: list[Outcome] = []
        bulk: list[tuple[NewArticle, Prepared]] = []

        def flush() -> None:
            ids = self.storage.insert_articles([n for n, _ in bulk])
            self.storage.mark_unfolded(ids)
            self.storage.save_vectors(VECTOR_MODEL, {i: p.vector for i, (_, p) in zip(ids, bulk)
                                                     if p.vector is not None})
            outcomes.extend(Outcome(n.url, "new", i) for i, (n, _) in zip(ids, bulk))
            bulk.clear()

        for (doc, prepared), new in zip(ready, news):
            if new.url in stored:
                flush()
                outcomes.append(self._store_one(doc, prepared))
            else:
                bulk.append((new, prepared))
                stored.add(new.url)
        flush()
        return outcomes

    def _store_one(self, doc: Incoming, prepared: Prepared) -> Outcome:
        outcome = self._ingest.store(doc, prepared.text, prepared.fingerprint, extracted=prepared.processed,
                                     find_copies=False)
        if outcome.status == "new":
            self.storage.mark_unfolded([outcome.article_id])
            if prepared.vector is not None:
                self.storage.save_vectors(VECTOR_MODEL, {outcome.article_id: prepared.vector})
        return outcome

    def _in_range(self, doc: Incoming, prepared: Prepared) -> bool:
        meta = prepared.processed.extracted if prepared.processed else None
        when = doc.published or (meta.published if meta else None)
        if when is None:
            return True
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)

    def _count(self, outcomes: list[Outcome], records: int, errors: int) -> None:
        report = self.report
        report.records += records
        for outcome in outcomes:
            if outcome.status == "new":
                report.articles += 1
            elif outcome.status == "copy":
                report.articles += 1
                report.copies += 1
            elif outcome.status == "updated":
                report.updated += 1
            elif outcome.status == "unchanged" and outcome.article_id is not None:
                report.unchanged += 1

    # -- reprints across the whole backfill --------------------------------------------------------------

    def _fold_reprints(self) -> None:
        """The articles stored unfolded (by this run or a cut-off one), with the stored articles they share a key
        with: pairs found by the band-key shuffle on the engine, folded in arrival order, stored at once."""
        pending = self.storage.unfolded_signatures()
        if not pending:
            return
        self.progress(self.report, "reprints")
        threshold = self.settings.duplicate_threshold
        with self.timer.stage("dedupe"):
            stored = self.storage.folded_signatures_sharing(
                [k for s in pending for k in s.band_keys], [s.text_hash for s in pending])
            signatures = [*stored, *pending]
            changed = fold(signatures, len(stored), self.engine.pairs(signatures, threshold), threshold)
        with self.timer.stage("store"):
            self.storage.fold_backfill_copies(changed, [s.id for s in pending])
        ids = {s.id for s in pending}
        self.report.copies += sum(1 for article, link in changed.items() if link is not None and article in ids)

    # -- group, stitch, store stories -------------------------------------------------------------------

    def _group(self) -> None:
        from newsdesk.pipeline import slugify

        articles = self.storage.ungrouped_articles()
        if not articles:
            return
        self.progress(self.report, "group")
        originals = [a for a in articles if a.original_id is None]
        vectors: dict[int, bytes] = {}
        ids = [a.id for a in originals]
        for start in range(0, len(ids), 500):
            vectors.update(self.storage.vectors(ids[start:start + 500], VECTOR_MODEL))
        items = [SegmentItem(a.id, a.title or "", a.text, a.time, a.outlet, a.language, vectors.get(a.id))
                 for a in originals]
        segments = plan_segments(items, self.segments, self.window)
        self.report.segments = len(segments)
        with self.timer.stage("group"):
            attach_vocabularies(segments, self.window, self.engine.count_terms)
            placed = self.engine.group(segments, self.window)
        with self.timer.stage("stitch"):
            stories = merge_at_boundaries(stitch(placed), segments, self.window)
        by_id = {a.id: a for a in articles}
        with self.timer.stage("write stories"), self.storage.transaction():
            story_of: dict[int, int] = {}
            rows: list[tuple[int, int, float | None]] = []
            for members in stories:
                first = by_id[members[0][0]]
                story_id = self.storage.create_story(slugify(first.title or "story"))
                for article_id, score in members:
                    story_of[article_id] = story_id
                    rows.append((article_id, story_id, score))
            for copy in (a for a in articles if a.original_id is not None):
                story_id = story_of.get(copy.original_id) or self.storage.story_of(copy.original_id)
                if story_id is not None:
                    rows.append((copy.id, story_id, 1.0))
            self.storage.assign_stories(rows)
        self.report.stories = len(stories)

    # -- pages ------------------------------------------------------------------------------------------

    def _write_pages(self) -> None:
        if not self.settings.story_pages:
            return
        due = self.storage.stories_touched_since(EPOCH)
        if not due:
            return
        from newsdesk.pipeline import PageWriter, story_writer

        self.progress(self.report, "pages")
        entities = None
        if self.settings.entities:
            from newsdesk.pipeline import StoryEntities

            entities = StoryEntities(self.storage, chars=self.settings.entity_chars)
        pages = PageWriter(self.storage, story_writer(self.settings), entities=entities)
        with self.timer.stage("pages"):
            for start in range(0, len(due), 64):
                self.report.pages += pages.write(due[start:start + 64])
                pages.flush()
                self.progress(self.report, "pages")


def run_backfill(storage: Storage, settings: Settings, inputs: list[str], engine: Engine, **options) -> BackfillReport:
    return Backfill(storage, settings, engine, **options).run(inputs)
