"""Story updates on the desk: what came in is grouped into stories and the touched pages written again, one
update at a time and in bounded steps; the first update of a desk finishes what a crashed one began."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from newsdesk.config import Settings
from newsdesk.pipeline import arrivals
from newsdesk.pipeline.ingest import Outcome
from newsdesk.pipeline.timing import StageTimer
from newsdesk.storage import Storage

GROUPER_STAGES = ("embed", "group", "checkpoint")
log = logging.getLogger(__name__)


class StoryUpdates:
    def __init__(self, storage: Storage, settings: Settings, timer: StageTimer) -> None:
        self.storage = storage
        self.settings = settings
        self.timer = timer
        self.grouper = None
        self.pages = None
        self.embedder = None
        self.multilingual = None
        self.recovered = False
        self.matcher = None
        self.storylines = None
        self.on_alerts: Callable[[], None] | None = None     # told when alerts were decided (the delivery worker)
        self._lock = asyncio.Lock()

    async def update(self, outcomes: list[Outcome],
                     step: Callable[[list[int], list[int]], set[int]] | None = None) -> set[int]:
        """Group what came in and write the touched story pages again (in a thread: the loop stays free).
        `step(arrived, changed)` does one bounded step (`self.step` unless given)."""
        if not self.settings.stories:
            return set()
        step = step or self.step
        arrived = [o.article_id for o in outcomes if o.article_id and o.status in ("new", "copy")]
        changed = [o.article_id for o in outcomes if o.article_id and o.status == "updated"]
        if not arrived and not changed and self.recovered:
            return set()
        # A big update (a desk's first poll, or a day's backlog) is grouped and written GROUP_BATCH articles
        # at a time: memory stays that of one batch, and the first stories appear before the last are read.
        size = arrivals.GROUP_BATCH
        batches = [arrived[i:i + size] for i in range(0, len(arrived), size)] or [[]]
        touched: set[int] = set()
        async with self._lock:        # one grouper: updates run one at a time, in the order asked
            for number, batch in enumerate(batches):
                last = number == len(batches) - 1
                touched |= await asyncio.to_thread(step, batch, changed if last else [])
            if self.pages is not None and self.pages.entities is not None:
                await asyncio.to_thread(self._flush_entities)
                if self.matcher is not None and self.matcher.holding:     # their stories are named now
                    await asyncio.to_thread(self._alerts, [], [])
            if self.settings.storylines and touched:
                await asyncio.to_thread(self._link_storylines, touched)
        return touched

    def _link_storylines(self, touched: set[int]) -> None:
        """Link the touched stories into storylines, now that their pages and entities are stored."""
        from newsdesk.pipeline.storylines import StorylineUpdates

        if self.storylines is None:
            self.storylines = StorylineUpdates(self.storage, embedder=self.embedder)
        try:
            with self.timer.stage("storylines"):
                changed = self.storylines.link(touched)
            if self.matcher is not None and self.storylines.joined:     # followers of a storyline: its new events
                self.matcher.storyline_events(self.storylines.joined)
        except Exception as exc:       # the stories are stored and written: the links wait for the next update
            log.warning("storylines: linking %d stories failed: %s", len(touched), exc)
            self.storylines.linker = None
            return
        if changed and self.settings.llm_url and self.pages is not None:    # the story pages' LLM writer
            from newsdesk.pipeline.storyline_so_far import tell_so_far

            try:
                with self.timer.stage("storylines"):
                    tell_so_far(self.storage, self.pages.writer, changed, self.settings.zone())
            except Exception as exc:   # the pages show the extractive story so far meanwhile
                log.warning("storylines: the story so far of %d storylines failed: %s", len(changed), exc)

    def _flush_entities(self) -> None:
        """The entities the last step's pages left to the NER, stored before the update ends."""
        with self.timer.stage("entities"):
            self.pages.flush()

    def _recover(self) -> tuple[set[int], set[int]]:
        """After a crash: group the articles stored but never grouped, and name the stories whose page is
        older than their last change, so the first update of this desk finishes what the last one began.
        Returns (stories touched, articles grouped)."""
        waiting = self.storage.articles_without_story()
        touched: set[int] = set()
        alongside = self.pages.prepare if self.settings.story_pages else None
        for start in range(0, len(waiting), 256):   # one transaction each: a crash keeps what was done
            touched |= self.grouper.group(waiting[start:start + 256], alongside=alongside)
        touched |= set(self.storage.stories_touched_since(datetime(1970, 1, 1, tzinfo=timezone.utc)))
        self.recovered = True
        return touched, set(waiting)

    def _build(self) -> None:
        """The embedder and the story writer the settings ask for, built once; the grouper, again after a
        failed step."""
        from newsdesk.pipeline.grouping import StoryGrouper
        from newsdesk.pipeline.pages import PageWriter, story_writer

        if self.pages is None:
            from newsdesk.pipeline.vectors import desk_embedder, desk_multilingual_embedder

            self.embedder = desk_embedder(self.storage)
            self.multilingual = desk_multilingual_embedder(self.storage)
            entities = None
            if self.settings.entities:
                from newsdesk.pipeline.story_entities import StoryEntities

                entities = StoryEntities(self.storage, chars=self.settings.entity_chars)
            self.pages = PageWriter(self.storage, story_writer(self.settings, self.embedder, self.multilingual),
                                    entities=entities)
        if self.grouper is None:
            self.grouper = StoryGrouper(self.storage, window=timedelta(hours=self.settings.story_window_hours),
                                        embedder=self.embedder, multilingual=self.multilingual)

    def step(self, arrived: list[int], changed: list[int]) -> set[int]:
        self._build()
        grouper = self.grouper
        before = dict(grouper.seconds)
        recovered: set[int] = set()
        done: set[int] = set()
        try:
            if not self.recovered:
                recovered, done = self._recover()
                arrived = [i for i in arrived if i not in done]
            # the story writer's sentences are embedded while the grouper places the articles
            alongside = self.pages.prepare if self.settings.story_pages else None
            touched = (grouper.group(arrived, alongside=alongside) if arrived else set()) | recovered
        except BaseException:
            # the grouping was rolled back but the clusterer in memory went on: reload it, regroup the rest
            self.grouper, self.recovered = None, False
            raise
        touched |= {s for s in (self.storage.story_of(i) for i in changed) if s is not None}
        grouper.checkpoint()
        for stage in GROUPER_STAGES:     # the grouper times its own stages
            self.timer.add(stage, grouper.seconds[stage] - before.get(stage, 0.0))
        entities = self.pages.entities
        before = entities.seconds if entities is not None else 0.0
        with self.timer.stage("synthesize", failures=False):
            if self.settings.story_pages:
                self.pages.write(touched)
        if entities is not None:     # the entities' share of the page writing is timed on its own
            self.timer.add("entities", entities.seconds - before)
            self.timer.add("synthesize", before - entities.seconds)
        self.embedder.flush()      # the step's new text vectors, stored in one write
        self.multilingual.flush()
        if self.settings.story_pages:
            self._alerts(sorted(done) + arrived, changed)
        return touched

    def _alerts(self, arrived: list[int], changed: list[int]) -> None:
        """Decide the alerts of what came in, now that its stories' pages are written. Never fatal to the update
        (its stories are stored and written): a failure is logged, and the next desk matches again from the last
        article matched."""
        if self.matcher is None:
            from newsdesk.alerts import Matcher

            self.matcher = Matcher(self.storage, self.settings, on_decided=lambda: self.on_alerts and self.on_alerts())
        entities = self.pages.entities if self.pages is not None else None
        try:
            report = self.matcher.match(arrived, changed, unnamed=entities.deferred if entities is not None else ())
        except Exception as exc:
            log.warning("alerts: matching %d new and %d changed articles failed: %s", len(arrived), len(changed), exc)
            return
        if report.seconds:
            self.timer.add("alerts", report.seconds)

    def save(self) -> None:
        """Checkpoint the story grouper, and store the text vectors not yet stored, now (the desk does so on
        close)."""
        if self.grouper is not None:
            self.grouper.checkpoint(force=True)
        if self.embedder is not None:
            self.embedder.flush()
            self.multilingual.flush()
