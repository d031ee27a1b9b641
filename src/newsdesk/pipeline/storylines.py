"""Storylines on the desk: after an update's story pages are written, each touched story (event) is linked by
the storyline linker, and what it decided is stored. The linker is built from the stored storylines (their
saved profiles) on first use, and again after a person's correction."""

from __future__ import annotations

import base64
import json
import logging
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

import numpy as np

from newsdesk.embed import get_embedder
from newsdesk.pipeline.grouping import slugify
from newsdesk.storage import Storage
from newsdesk.storylines import HORIZON, EventRep, GroupRep, LinkModel, StorylineLinker, subject_terms
from newsdesk.timeutil import utcnow

log = logging.getLogger(__name__)
LONE_RELOADED = timedelta(days=14)     # lone events this recent are put back in the linker when it is rebuilt
LONE_KEPT = 500                        # at most this many of them (the latest)
TITLES_READ = 24                       # an event's vector: the mean of its latest headlines' vectors


def _b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(vector, dtype=np.float32).tobytes()).decode("ascii")


def _unb64(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float32).copy()


def profile_json(group: GroupRep) -> str:
    """What the linker needs of a storyline to reload it: words, entities, articles, its latest events."""
    return json.dumps({"terms": dict(group.terms.most_common(200)), "entities": {str(k): v for k, v in
                                                                                group.entities.items()},
                       "articles": group.articles,
                       "recent": [[event_id, _b64(v), sorted(t), sorted(e), n]
                                  for event_id, (v, t, e, n) in group.recent.items()]})


def group_from_profile(storyline_id: int, events: list[int], total: bytes, profile: str, last_time) -> GroupRep:
    data = json.loads(profile)
    recent = {int(event_id): (_unb64(v), frozenset(t), frozenset(int(x) for x in e), int(n))
              for event_id, v, t, e, n in data.get("recent", [])}
    return GroupRep(group_id=storyline_id, events=list(events), total=np.frombuffer(total, dtype=np.float64).copy(),
                    terms=Counter(data.get("terms", {})), entities=Counter({int(k): v for k, v in
                                                                            data.get("entities", {}).items()}),
                    last_time=last_time, articles=int(data.get("articles", 0)), stored=True, recent=recent)


class StorylineUpdates:
    """The linker with its state in storage: `link(story_ids)` after each update of the desk."""

    def __init__(self, storage: Storage, model: LinkModel | None = None, embedder=None) -> None:
        """`embedder`: the desk's (with its stored vectors), else the process's."""
        self.storage = storage
        self.model = model or LinkModel.load()
        self.embedder = embedder
        self.linker: StorylineLinker | None = None
        self.corrections_seen: str | None = None
        self._slug_hint = "storyline"
        self.linked = 0
        self.joined: dict[int, list[int]] = {}     # storyline → the events the last `link` added to it

    def _allocate(self) -> int:
        return self.storage.create_storyline(slugify(self._slug_hint))

    def build(self) -> StorylineLinker:
        """The linker from the stored storylines active within the horizon, the pinned events and the recent
        lone stories."""
        linker = StorylineLinker(self.model, self._allocate)
        now = utcnow()
        found = self.storage.storyline_profiles(active_since=now - HORIZON)
        events = self.storage.storyline_events_by_line([s.id for s, _, _ in found])
        for storyline, total, profile in found:
            if total is None or profile is None or not events.get(storyline.id):
                continue
            group = group_from_profile(storyline.id, events[storyline.id], total, profile, storyline.last_activity)
            linker.load_storyline(group)
            for _ in group.events:
                linker.df.add(())
            linker.df.df.update(group.terms)
            linker.df.entity_df.update(group.entities)
        linker.pinned = set(self.storage.pinned_storyline_events())
        recent = self.storage.story_centroids(around=now, span=LONE_RELOADED, limit=4 * LONE_KEPT)
        lone = [c.story_id for c in recent if c.story_id not in linker.event_group][:LONE_KEPT]
        for story_id in sorted(lone):
            event = self.event(story_id)
            if event is not None:
                linker.place(event, None)
        self.corrections_seen = self.storage.corrections_version()
        return linker

    def event(self, story_id: int) -> EventRep | None:
        return event_rep(self.storage, story_id, self.embedder)

    def link(self, story_ids: Iterable[int]) -> set[int]:
        """Link each story in `story_ids` (oldest first); returns the storylines that changed."""
        if self.linker is None or self.storage.corrections_version() != self.corrections_seen:
            self.linker = self.build()
        changed: set[int] = set()
        self.joined = {}
        for story_id in sorted(set(story_ids)):
            event = self.event(story_id)
            if event is None:
                continue
            self._slug_hint = event.title
            decision = self.linker.link(event)
            self.linked += 1
            if decision.storyline is None:
                continue
            if decision.added:
                self.storage.add_storyline_events(decision.storyline, decision.added, decision.probability)
                if not decision.created:
                    self.joined.setdefault(decision.storyline, []).extend(decision.added)
            for old in decision.merged:
                self.storage.merge_storylines(old, decision.storyline)
            changed.add(decision.storyline)
        for storyline_id in changed:
            self.save(storyline_id)
        return changed

    def save(self, storyline_id: int) -> None:
        group = self.linker.group(storyline_id)
        if group is not None:
            save_profile(self.storage, group)


def event_rep(storage: Storage, story_id: int, embedder=None) -> EventRep | None:
    """A stored story as the linker reads it (None: merged away or empty). Its vector is the mean of its
    headlines' vectors (the latest TITLES_READ), never of their texts: the link model learned from headlines,
    and the vectors of full texts of different matters lie closer together than headlines' do."""
    story = storage.get_story(story_id)
    if story is None or story.id != story_id:
        return None
    articles = storage.story_article_briefs(story_id)
    originals = [a for a in articles if a.original_id is None] or articles
    titles = [a.title for a in originals if a.title and a.title.strip()][-TITLES_READ:]
    if not titles:
        return None
    vectors = np.asarray((embedder or get_embedder()).encode(titles), dtype=np.float32)
    mean = vectors.mean(axis=0)
    mean = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)
    entities = storage.story_entity_ids([story_id]).get(story_id, set())
    times = [a.time for a in articles if a.time is not None]
    title = story.headline or (originals[0].title or "")
    return EventRep(story_id, mean, subject_terms([a.title or "" for a in originals]),
                    frozenset(entities), max(times) if times else None, len(originals), title)


def save_profile(storage: Storage, group: GroupRep) -> None:
    storage.save_storyline_profile(group.group_id, title=storyline_title(storage, group),
                                   total=np.asarray(group.total, dtype=np.float64).tobytes(),
                                   profile=profile_json(group))


def storyline_title(storage: Storage, group: GroupRep) -> str | None:
    """The headline of its most representative event: of its recent events, the one nearest its centroid, with a
    lead for the more widely reported (a lone outlet's report in another language is rarely the one to name
    it by)."""
    centroid = group.centroid
    ranked = sorted(group.recent.items(),
                    key=lambda item: -(float(np.dot(item[1][0], centroid)) + 0.1 * np.log1p(item[1][3])))
    for event_id, _ in ranked:
        story = storage.get_story(event_id)
        if story is None:
            continue
        if story.headline:
            return story.headline
        briefs = storage.story_article_briefs(story.id)
        if briefs and briefs[0].title:
            return briefs[0].title
    return None


def refresh_storylines(storage: Storage, storyline_ids: Iterable[int]) -> None:
    """Each storyline's profile and title computed again from its events (after a person's correction)."""
    for storyline_id in dict.fromkeys(storyline_ids):
        line = storage.get_storyline(storyline_id)
        if line is None or line.id != storyline_id:
            continue
        group = None
        for story_id in storage.storyline_event_ids(storyline_id):
            event = event_rep(storage, story_id)
            if event is None:
                continue
            if group is None:
                group = GroupRep(group_id=storyline_id, events=[], total=np.zeros(event.vector.shape[0]),
                                 terms=Counter(), entities=Counter(), stored=True)
            StorylineLinker.contribute(group, event)
        if group is not None:
            save_profile(storage, group)
        else:
            storage.save_storyline_profile(storyline_id, title=line.title, total=None, profile=None)
