"""Upkeep of the kept pages: drop the HTML past the retention (the text stays), train the page dictionary once
enough pages are kept and a new one every DICTIONARY_DAYS on the newest pages (so it follows the sources'
templates), pack the pages kept before the first with it. The daemon runs one bounded round an hour (each
poll cycle while it has work); `newsdesk pages prune` runs rounds until nothing is left to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdesk.config import Settings
from newsdesk.storage import DICTIONARY_MIN_PAGES, Storage
from newsdesk.timeutil import utcnow

ROUND_PRUNES = 5000
ROUND_REPACKS = 500
DICTIONARY_DAYS = 30


@dataclass
class UpkeepReport:
    pruned: int = 0
    repacked: int = 0
    trained: int | None = None     # the id of a dictionary trained in this round

    @property
    def busy(self) -> bool:
        return bool(self.pruned or self.repacked or self.trained)


def retention_cutoff(settings: Settings, now: datetime | None = None, days: float | None = None) -> datetime | None:
    """Pages fetched before this lose their HTML; None when they are kept forever."""
    days = settings.html_retention_days if days is None else days
    return (now or utcnow()) - timedelta(days=days) if days > 0 else None


def page_upkeep_round(storage: Storage, settings: Settings, *, days: float | None = None,
                      now: datetime | None = None) -> UpkeepReport:
    report = UpkeepReport()
    cutoff = retention_cutoff(settings, now, days)
    if cutoff is not None:
        report.pruned = storage.prune_pages(cutoff, limit=ROUND_PRUNES)
    stats = storage.page_stats()
    trained = stats.dictionary_trained_at
    if stats.pages >= DICTIONARY_MIN_PAGES and (
            trained is None or (now or utcnow()) - trained >= timedelta(days=DICTIONARY_DAYS)):
        report.trained = storage.train_page_dictionary()
    report.repacked = storage.repack_pages(limit=ROUND_REPACKS)
    return report


def page_upkeep(storage: Storage, settings: Settings, *, days: float | None = None) -> UpkeepReport:
    """Rounds until the pages are pruned and packed with the current dictionary."""
    total = UpkeepReport()
    while (step := page_upkeep_round(storage, settings, days=days)).busy:
        total.pruned += step.pruned
        total.repacked += step.repacked
        total.trained = step.trained or total.trained
    return total
