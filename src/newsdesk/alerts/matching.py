"""Matching: after the desk has written the pages of the stories that new and changed articles touched, which
watchlists those articles and stories concern, and what each watchlist counts as news (a new story, a story
that grows, a notable update). Each decision goes to the outbox under its idempotency key, so a story seen again
(a second poll, a restart that matches again) decides nothing twice.

The cost follows the articles, not the watchlists: candidates come from indexes (entity, source, folder and
story ids, and each query watchlist filed under one of its terms), and only a candidate whose every word the
article holds is checked with the search itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from newsdesk.alerts.entities import EntityLookup, default_entities
from newsdesk.alerts.rules import RuleBook
from newsdesk.config import Settings
from newsdesk.model import AlertEvent, Channel, WatchKind, Watchlist
from newsdesk.storage import UNKEYED, AlertDecision, Sighting, Storage
from newsdesk.synthesize import is_update, page_version
from newsdesk.timeutil import utcnow

log = logging.getLogger(__name__)
MARK_KEY = "alerts_matched_through"      # the highest article id matched (what a restart matches again from)
SEEN_AGAIN = timedelta(hours=12)         # a watchlist's sighting of an unchanged story is refreshed this often


@dataclass
class MatchReport:
    articles: int = 0
    candidates: int = 0          # query watchlists whose key term an article holds
    verified: int = 0            # of those, checked with the search (every word present)
    decided: list[int] = field(default_factory=list)     # ids of the alerts stored now
    seconds: float = 0.0
    write_seconds: float = 0.0   # of which storing the decisions (grows with the alerts, not the watchlists)


def quiet_until(watchlist: Watchlist, now: datetime, zone: tzinfo) -> datetime:
    """When a push decided `now` may go: now, or the end of the watchlist's quiet hours (the desk's zone)."""
    start, end = watchlist.quiet_start, watchlist.quiet_end
    if start is None or end is None:
        return now
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    quiet = start <= minute < end if start < end else (minute >= start or minute < end)
    if not quiet:
        return now
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(now.tzinfo)


def _pushes(watchlist: Watchlist) -> list[tuple[Channel, str]]:
    """Where the watchlist's alerts go (a disabled hook gets none)."""
    pushes = []
    if watchlist.webhook_url and not watchlist.webhook_disabled:
        pushes.append((Channel.WEBHOOK, watchlist.webhook_url))
    if watchlist.email:
        pushes.append((Channel.EMAIL, watchlist.email))
    return pushes


def _summary(page: dict) -> str:
    items = page.get("summary") or []
    first = items[0] if items else None
    return str(first.get("text", "")) if isinstance(first, dict) else str(first or "")


def _word_check(terms: list, held: set[str]) -> bool:
    """Whether an article holding the index terms `held` can match a query of these parsed terms."""
    for tokens, prefix in terms:
        if prefix:
            if tokens and not any(t.startswith(tokens[0]) for t in held):
                return False
        elif any(tok not in held for tok in tokens):
            return False
    return True


class Matcher:
    def __init__(self, storage: Storage, settings: Settings | None = None, entities: EntityLookup | None = None,
                 on_decided: Callable[[], None] | None = None) -> None:
        self.storage = storage
        self.settings = settings or Settings()
        self.entities = entities if entities is not None else default_entities(storage)
        self.on_decided = on_decided
        self.zone = self.settings.zone()
        self.recovered = False
        self.held: tuple[list[int], list[int]] = ([], [])     # (new, changed) articles of stories not yet named

    def match(self, arrived: Iterable[int], changed: Iterable[int] = (), *, now: datetime | None = None,
              unnamed: Collection[int] = ()) -> MatchReport:
        """Decide the alerts of these new and changed articles (their stories' pages written). The first call
        also matches what was grouped after the last match of an earlier desk (it may have been killed).
        `unnamed`: stories whose entities are not stored yet; their articles are held for a later call (entity
        watchlists see a story once its names are read)."""
        started = time.perf_counter()
        report = MatchReport()
        arrived, changed = self.held[0] + list(arrived), self.held[1] + list(changed)
        self.held = ([], [])
        if not self.recovered:
            self.recovered = True
            mark = int(self.storage.get_setting(MARK_KEY) or 0)
            if mark and self.storage.has_watchlists():
                arrived += self.storage.grouped_articles_after(mark)
        if not (arrived or changed) or not self.storage.has_watchlists():
            self._advance(arrived)
            return report
        now = now or utcnow()
        new = self.storage.alert_articles(arrived)
        updated = self.storage.alert_articles(changed)
        if unnamed:
            unnamed = set(unnamed)
            self.held = ([a["id"] for a in new if a["story_id"] in unnamed],
                         [a["id"] for a in updated if a["story_id"] in unnamed])
            new = [a for a in new if a["story_id"] not in unnamed]
            updated = [a for a in updated if a["story_id"] not in unnamed]
        stories = self.storage.alert_stories({a["story_id"] for a in new + updated})
        new = [a for a in new if a["story_id"] in stories]
        updated = [a for a in updated if a["story_id"] in stories]
        articles = {a["id"]: a for a in new + updated}
        report.articles = len(articles)
        matched: dict[tuple[int, int], int] = {}          # (watchlist, story) → an article that matched it
        for watchlist_id, article_id in self._matches(list(articles.values()), report):
            matched.setdefault((watchlist_id, articles[article_id]["story_id"]), article_id)
        for (watchlist_id, story_id), entity_article in self._entity_matches(new + updated).items():
            matched.setdefault((watchlist_id, story_id), entity_article)
        known = self.storage.watched(stories)
        watchlists = self.storage.watchlists_by_ids({w for w, _ in matched} | {w for w, _ in known})
        rules = RuleBook.load(self.storage, {w.user_id for w in watchlists.values()})
        hidden = rules.hidden_stories(stories) if rules else {}
        changed_by_story: dict[int, list[dict]] = {}
        for a in updated:
            changed_by_story.setdefault(a["story_id"], []).append(a)
        first_new = {}
        for a in new:
            first_new.setdefault(a["story_id"], a)
        decisions: list[AlertDecision] = []
        sightings: list[Sighting] = []
        for (watchlist_id, story_id) in sorted(set(matched) | set(known)):
            watchlist, story = watchlists.get(watchlist_id), stories.get(story_id)
            if watchlist is None or story is None:
                continue
            seen = known.get((watchlist_id, story_id))
            made = self._decide(watchlist, story, seen, matched.get((watchlist_id, story_id)),
                                first_new.get(story_id), changed_by_story.get(story_id, []), articles, now)
            if story_id in hidden.get(watchlist.user_id, set()):
                made = []
            decisions += made
            alerted = any(not d.suppressed for d in made)
            if (seen is None or alerted or story["independent_count"] > seen["sources"]
                    or now - seen["seen_at"] > SEEN_AGAIN):     # else it knows the story as it is: nothing to write
                sightings.append(Sighting(watchlist_id, story_id, story["independent_count"], alerted=alerted))
        writing = time.perf_counter()
        with self.storage.transaction():
            report.decided = self.storage.record_alerts(decisions, sightings, now)
            self._advance(arrived)
        report.write_seconds = time.perf_counter() - writing
        report.seconds = time.perf_counter() - started
        if report.decided and self.on_decided is not None:
            self.on_decided()
        return report

    def storyline_events(self, added: dict[int, list[int]], *, now: datetime | None = None) -> int:
        """Decide the alerts of events that joined storylines (`added`: storyline id → its new events): one
        "new" alert per event for each watchlist following its storyline. Returns how many were stored."""
        if not added or not self.storage.has_watchlists():
            return 0
        following = self.storage.storyline_watchlists(list(added))
        if not following:
            return 0
        now = now or utcnow()
        stories = self.storage.alert_stories({s for ids in added.values() for s in ids})
        rules = RuleBook.load(self.storage, {w.user_id for w in following})
        hidden = rules.hidden_stories(stories) if rules else {}
        decisions = []
        for watchlist in following:
            for story_id in added.get(int(watchlist.value), []):
                story = stories.get(story_id)
                if story is None or story_id in hidden.get(watchlist.user_id, set()):
                    continue
                sources = story["independent_count"]
                decisions.append(AlertDecision(
                    user_id=watchlist.user_id, watchlist_id=watchlist.id, story_id=story_id, event=AlertEvent.NEW,
                    version=f"storyline {watchlist.value}", due_at=quiet_until(watchlist, now, self.zone),
                    headline=story["headline"] or story["slug"],
                    detail=f"New in {watchlist.label}: {sources} independent source{'s' * (sources != 1)}",
                    sources=sources, article_id=story["page"].get("headline_article_id"), pushes=_pushes(watchlist)))
        if not decisions:
            return 0
        stored = self.storage.record_alerts(decisions, [], now)
        if stored and self.on_decided is not None:
            self.on_decided()
        return len(stored)

    @property
    def holding(self) -> bool:
        return bool(self.held[0] or self.held[1])

    def _advance(self, arrived: list[int]) -> None:
        """The mark moves past what was matched, never past an article held (a restart matches it again)."""
        if arrived:
            top = max(arrived)
            if self.held[0]:
                top = min(top, min(self.held[0]) - 1)
            mark = int(self.storage.get_setting(MARK_KEY) or 0)
            if top > mark:
                self.storage.set_setting(MARK_KEY, str(top))

    # -- which watchlists the articles concern -------------------------------------------------------------

    def _matches(self, articles: list[dict], report: MatchReport) -> list[tuple[int, int]]:
        """(watchlist id, article id) of source, folder, story and query watchlists."""
        found: list[tuple[int, int]] = []
        by_source: dict[int, list[int]] = {}
        by_folder: dict[str, list[int]] = {}
        for a in articles:
            if a["source_id"] is not None:
                by_source.setdefault(a["source_id"], []).append(a["id"])
            if a["folder"]:
                by_folder.setdefault(a["folder"], []).append(a["id"])
        following = self.storage.watchlists_following(source_ids=by_source, folders=by_folder)
        for w in self.storage.watchlists_by_ids(following).values():
            if w.kind == WatchKind.SOURCE:
                found += [(w.id, a) for a in by_source.get(w.source_id, [])]
            elif w.kind == WatchKind.FOLDER:
                found += [(w.id, a) for a in by_folder.get(w.value, [])]
        found += self._query_matches([a["id"] for a in articles], report)
        return found

    def _query_matches(self, article_ids: list[int], report: MatchReport) -> list[tuple[int, int]]:
        """Query watchlists whose key term an article holds; of those, the ones whose every word it holds. A
        query of plain words is decided there (the terms are the index's own); one with a phrase or a prefix is
        then checked with the search itself."""
        held = self.storage.article_terms(article_ids)
        holding: dict[str, list[int]] = {}
        for article_id, terms in held.items():
            for term in terms:
                holding.setdefault(term, []).append(article_id)
        keys = self.storage.watchlists_by_terms(holding)
        report.candidates += len(keys)
        if not keys:
            return []
        found = []
        for watchlist_id, (query, parsed) in self.storage.query_watchlists(keys).items():
            key = keys[watchlist_id]
            maybe = [a for a in (holding.get(key, ()) if key != UNKEYED else held) if _word_check(parsed, held[a])]
            if not maybe:
                continue
            if all(not prefix and len(tokens) <= 1 for tokens, prefix in parsed) and key != UNKEYED:
                found += [(watchlist_id, a) for a in maybe]
                continue
            report.verified += 1
            found += [(watchlist_id, a) for a in self.storage.articles_matching(query, maybe)]
        return found

    def _entity_matches(self, articles: list[dict]) -> dict[tuple[int, int], int]:
        first: dict[int, int] = {}
        for a in articles:
            first.setdefault(a["story_id"], a["id"])
        involved = self.entities.entities_of_stories(first)
        if not involved:
            return {}
        following = self.storage.watchlists_by_ids(self.storage.watchlists_following(
            entity_ids={e for ids in involved.values() for e in ids}))
        by_entity: dict[int, list[Watchlist]] = {}
        for w in following.values():
            if w.kind == WatchKind.ENTITY:
                by_entity.setdefault(w.entity_id, []).append(w)
        return {(w.id, story_id): first[story_id] for story_id, ids in involved.items() for e in ids
                for w in by_entity.get(e, [])}

    # -- what counts --------------------------------------------------------------------------------------

    def _decide(self, watchlist: Watchlist, story: dict, seen: dict | None, matched_article: int | None,
                first_new: dict | None, changed: list[dict], articles: dict[int, dict],
                now: datetime) -> list[AlertDecision]:
        sources = story["independent_count"]
        page = story["page"]
        made: list[tuple[AlertEvent, str, str, int | None]] = []
        if seen is None:
            if watchlist.kind != WatchKind.STORY and AlertEvent.NEW in watchlist.events and matched_article:
                made.append((AlertEvent.NEW, "1", f"New story: {sources} independent source{'s' * (sources != 1)}",
                             matched_article))
        else:
            if AlertEvent.GROWS in watchlist.events and sources > seen["sources"] and first_new is not None:
                outlet = first_new["outlet"] or "another source"
                made.append((AlertEvent.GROWS, str(sources), f"{outlet} reports it too: {sources} independent "
                             f"sources (was {seen['sources']})", first_new["id"]))
            if AlertEvent.UPDATE in watchlist.events and changed:
                version = page_version(page)
                ids = {a["id"] for a in changed}
                for entry in page.get("timeline", []):
                    if len(entry) > 1 and entry[1] in ids and is_update(entry, version):
                        when, article_id, outlet, title = entry[:4]
                        made.append((AlertEvent.UPDATE, f"{article_id}@{when}",
                                     f"{outlet} updated its report: {title}", article_id))
        decisions = []
        last = seen["last_alert_at"] if seen else None
        for event, version, detail, article_id in made:
            suppressed = bool(watchlist.min_gap_hours and last is not None
                              and now - last < timedelta(hours=watchlist.min_gap_hours))
            pushes = _pushes(watchlist)
            decisions.append(AlertDecision(
                user_id=watchlist.user_id, watchlist_id=watchlist.id, story_id=story["id"], event=event,
                version=version, due_at=quiet_until(watchlist, now, self.zone),
                headline=story["headline"] or story["slug"], detail=detail, sources=sources, article_id=article_id,
                suppressed=suppressed, pushes=pushes))
            if not suppressed and watchlist.min_gap_hours:
                last = now
        return decisions

