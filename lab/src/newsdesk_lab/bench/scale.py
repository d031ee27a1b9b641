"""The scale phase of `newsdesk bench pipeline`: the grouping cost per article as the desk holds more stories.

One desk is filled to each size in turn with stories of realistic sizes (the generator's events: one to eight
reports each), all inside the grouping window (the hardest case: the grouper holds every one). At each size:
the checkpoint of the fill, a restart from the saved state (timed, no article text read), then the same kind of
probe — half new reports of stories already held, half reports of new events — grouped in batches as the desk
does, its grouping CPU per article timed; then the checkpoint of what the probe changed.

Vectors are made, not embedded: each event's a pool article's real vector moved by noise, each report's the
event's moved a little, so that reports of one event lie together among realistic neighbours and no model
runs (embedding costs the same at any size; `run_throughput` measures it).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from newsdesk_lab.bench.corpus import GeneratedArticle, generate_articles
from newsdesk.cluster import Analysed, ClusterInput, analyse, lead_vectors, stem
from newsdesk.config import Settings
from newsdesk.embed import pack_rows
from newsdesk.model import NewArticle
from newsdesk.pipeline import VECTOR_MODEL, Desk, PageWriter, StoryGrouper, slugify
from newsdesk.storage import Storage, open_storage

# Grouping is flat when the dearest size costs at most this many times the cheapest per article.
FLAT_RATIO = 1.15
EVENT_NOISE = 0.6      # how far an event's vector lies from its pool article's
REPORT_NOISE = 0.5     # how far a report's vector lies from its event's
KEPT_BACK = 8          # reports kept back per probe follow-up wanted, to draw them from across the desk
TEMPLATES = 400        # generated events the stories are made from

Progress = Callable[[str], None]


@dataclass
class FollowUp:
    """A report of a story the desk holds, kept out of the fill for a probe to bring."""
    title: str
    text: str
    source: str
    event_vector: np.ndarray


@dataclass
class _Probe:
    title: str
    text: str
    source: str
    published: datetime
    vector: np.ndarray


class _Vectors:
    def __init__(self, pool: np.ndarray, seed: int) -> None:
        self.pool = pool
        self.rng = np.random.default_rng(seed)

    def _moved(self, vector: np.ndarray, distance: float) -> np.ndarray:
        noise = self.rng.standard_normal(vector.shape[0]).astype(np.float32)
        moved = vector + distance * noise / np.linalg.norm(noise)
        return (moved / np.linalg.norm(moved)).astype(np.float32)

    def event(self) -> np.ndarray:
        return self._moved(self.pool[int(self.rng.integers(len(self.pool)))], EVENT_NOISE)

    def report(self, event: np.ndarray) -> np.ndarray:
        return self._moved(event, REPORT_NOISE)


def _events(articles: list[GeneratedArticle]) -> list[list[GeneratedArticle]]:
    """The generated articles by event, reprints left out (the desk folds them into their original)."""
    by_event: dict[str, list[GeneratedArticle]] = defaultdict(list)
    for a in articles:
        if a.reprint_of is None:
            by_event[a.event].append(a)
    return list(by_event.values())


def story_size(rng: random.Random) -> int:
    """Reports of one story: P(s) ∝ 1/s² up to MAX_STORY (62% one report, mean 2.6, a few dozen at most), the
    long tail of news coverage."""
    return rng.choices(range(1, MAX_STORY + 1), weights=_SIZE_WEIGHTS)[0]


class _Template:
    """A generated event's reports, analysed once; each story made from it renames its names and numbers, in the
    analysis and in the text alike, so that it is an event of its own that reads like the template."""

    def __init__(self, reports: list[GeneratedArticle]) -> None:
        self.reports = [(a.title, a.text, a.source, analyse(a.title, a.text)) for a in reports]
        names: set[str] = set()
        numbers: set[str] = set()
        for _, _, _, analysed in self.reports:
            names |= analysed.entities
            numbers |= analysed.numbers
        self.names = sorted(names)
        self.numbers = sorted(n for n in numbers if n.isdigit())
        words = sorted([w.capitalize() for w in self.names] + self.numbers, key=len, reverse=True)
        self.pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b") if words else None

    def renaming(self, rng: random.Random) -> dict[str, str]:
        out = {name: _name(rng) for name in self.names}
        out.update({n: str(rng.randint(2, 99_999)) for n in self.numbers})
        return out

    def text(self, text: str, renaming: dict[str, str]) -> str:
        """The text with the names (as written: capitalised) and numbers renamed."""
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: renaming[m.group(0)] if m.group(0)[0].isdigit()
                                else renaming.get(m.group(0).lower(), m.group(0)).capitalize(), text)

    def analysed(self, k: int, renaming: dict[str, str]) -> Analysed:
        a = self.reports[k % len(self.reports)][3]
        stems = {stem(n): stem(renaming[n]) for n in self.names}
        terms = Counter()
        for t, c in a.terms.items():
            terms[stems.get(t, t)] += c
        title_terms = Counter()
        for t, c in a.title_terms.items():
            title_terms[stems.get(t, t)] += c
        return Analysed(terms=terms, title_terms=title_terms, entities={renaming.get(e, e) for e in a.entities},
                        numbers={renaming.get(n, n) for n in a.numbers}, words=a.words)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


OUTLETS = ["Lantern Wire", "The Pellham Post", "Ostvale Evening News", "The Corrin Ledger", "Radio Tessaly",
           "The Marrow Courier", "Brightwater Daily", "The Northgate Observer", "Quillon Bay Times", "The Sable Herald",
           "Dunmore Gazette", "The Varrow Journal", "Harlan News Service", "The Eastmarch Record"]
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "en", "ol")]
MAX_STORY = 40
_SIZE_WEIGHTS = [1 / s ** 2 for s in range(1, MAX_STORY + 1)]


class _Filler:
    """Fills the desk: stories of `story_size` reports made from templates, put straight into storage and the
    clusterer (no model call); now and then a story's last report is kept back for a probe."""

    def __init__(self, storage: Storage | None, vectors: _Vectors, start: datetime, span: timedelta, seed: int,
                 follow_ups_wanted: int) -> None:
        self.storage, self.vectors = storage, vectors
        self.start, self.span = start, span
        self.rng = random.Random(seed)
        self.templates = [_Template(reports) for reports in
                          _events(generate_articles(TEMPLATES * 4, seed=seed, start=start)) if len(reports) > 1]
        self.kept_back: list[FollowUp] = []
        self.keep_limit = follow_ups_wanted * KEPT_BACK
        self.seen = 0
        self.articles = 0

    def fill(self, grouper: StoryGrouper, stories: int, serial: int) -> None:
        chunk = 200
        for begin in range(0, stories, chunk):
            with self.storage.transaction():
                for n in range(begin, min(stories, begin + chunk)):
                    self._story(grouper.clusterer, f"{serial}-{n}", grouper)

    def fill_clusterer(self, clusterer, stories: int, serial: int) -> None:
        """The same stories put into the clusterer alone: nothing stored (bench/flatness.py)."""
        for n in range(stories):
            self._story(clusterer, f"{serial}-{n}")

    def _story(self, clusterer, name: str, grouper: StoryGrouper | None = None) -> None:
        template = self.rng.choice(self.templates)
        renaming = template.renaming(self.rng)
        event_vector = self.vectors.event()
        size = story_size(self.rng)
        first = self.start + (self.span - timedelta(hours=20)) * self.rng.random()
        outlets = self.rng.sample(OUTLETS, len(OUTLETS))
        if size > 1 and self._keep_back(template, renaming, event_vector, size - 1, outlets[(size - 1) % len(outlets)]):
            size -= 1
        story, story_id = None, None
        for k in range(size):
            title, text, _, _ = template.reports[k % len(template.reports)]
            title, text = template.text(title, renaming), template.text(text, renaming)
            published = first + timedelta(hours=20 * self.rng.random() * (k > 0))
            outlet = outlets[k % len(outlets)]
            vector = self.vectors.report(event_vector)
            article_id = self.articles
            if grouper is not None:
                article_id = self.storage.insert_article(NewArticle(
                    url=f"urn:newsdesk:bench-fill:{name}:{k}", text=text, text_hash=f"fill-{name}-{k}",
                    outlet=outlet, title=title, published_at=published))
                if story_id is None:
                    story_id = self.storage.create_story(slugify(title))
                self.storage.assign_story(article_id, story_id, None)
                self.storage.save_vectors(VECTOR_MODEL, {article_id: pack_rows(vector[None, :])[0]})
            item = ClusterInput(id=article_id, title=title, text=text, published=published, source=outlet,
                                embedding=vector)
            story = clusterer.commit(clusterer.represent(item, template.analysed(k, renaming)), story)
            if grouper is not None:
                grouper.story_ids[story.id] = story_id
            self.articles += 1

    def _keep_back(self, template: _Template, renaming: dict[str, str], event_vector: np.ndarray, k: int,
                   outlet: str) -> bool:
        """Reservoir sampling over the stories of more than one report: whether this one's last is kept back."""
        self.seen += 1
        slot = len(self.kept_back) if len(self.kept_back) < self.keep_limit else self.rng.randrange(self.seen)
        if slot >= self.keep_limit:
            return False
        title, text, _, _ = template.reports[k % len(template.reports)]
        follow = FollowUp(template.text(title, renaming), template.text(text, renaming), outlet, event_vector)
        if slot == len(self.kept_back):
            self.kept_back.append(follow)
        else:
            self.kept_back[slot] = follow       # the report it replaces stays out of the desk: one report fewer
        return True

    def follow_ups(self, count: int) -> list[FollowUp]:
        self.rng.shuffle(self.kept_back)
        taken, self.kept_back = self.kept_back[:count], self.kept_back[count:]
        return taken


def _probe_articles(filler: _Filler, vectors: _Vectors, count: int, start: datetime, seed: int) -> list[_Probe]:
    """Half new reports of held stories, half reports of new events, all published within the hour."""
    rng = random.Random(seed)
    out = [_Probe(f.title, f.text, f.source, start + timedelta(hours=rng.random()), vectors.report(f.event_vector))
           for f in filler.follow_ups(count // 2)]
    event_vectors: dict[str, np.ndarray] = {}
    for a in generate_articles(count - len(out), seed=seed, start=start, days=0.04):
        if a.reprint_of is None:
            event_vector = event_vectors.setdefault(a.event, vectors.event())
            out.append(_Probe(a.title, a.text, a.source, a.published, vectors.report(event_vector)))
    out.sort(key=lambda p: p.published)
    return out


def _ingest(storage: Storage, settings: Settings, probes: list[_Probe], feed: Path) -> list[int]:
    """The probe's articles stored through the desk's ingest (stories off), with their made vectors."""
    with open(feed, "w", encoding="utf-8") as out:
        for p in probes:
            out.write(json.dumps({"title": p.title, "text": p.text, "source": p.source,
                                  "published": p.published.isoformat()}) + "\n")

    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(feed)

    ids, vectors = [], {}
    for outcome in asyncio.run(run()):
        if outcome.article_id is not None and outcome.status == "new":
            line = int(outcome.url.rsplit(":", 1)[1])
            ids.append(outcome.article_id)
            vectors[outcome.article_id] = pack_rows(probes[line - 1].vector[None, :])[0]
    storage.save_vectors(VECTOR_MODEL, vectors)
    return ids


def _pool_vectors(seed: int, start: datetime) -> np.ndarray:
    from newsdesk.embed import get_embedder

    pool = generate_articles(300, seed=seed, start=start)
    return lead_vectors(get_embedder(), [(d.title, d.text) for d in pool])


def run_scale(sizes: tuple[int, ...] = (1000, 5000, 20000), probe: int = 200, batch: int = 64, seed: int = 11,
              progress: Progress | None = None, restart: bool = True, pages: bool = False) -> dict:
    """Grouping CPU per article at each number of stories held (see the module's doc), with the checkpoint
    seconds, the state's size and (with `restart`) the seconds a restart takes to load it; with `pages`, the
    story pages the probe touched are written too (the throughput run times them at length)."""
    base = datetime(2026, 11, 1, tzinfo=timezone.utc)
    fill_span = timedelta(hours=40)
    vectors = _Vectors(_pool_vectors(seed, base), seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "scale.db"), extract_workers=1, stories=False)
        storage = open_storage(settings.database_url())
        grouper = StoryGrouper(storage)
        writer = PageWriter(storage) if pages else None
        filler = _Filler(storage, vectors, base, fill_span, seed, follow_ups_wanted=probe // 2 * len(sizes))
        held = 0
        for n, size in enumerate(sorted(sizes)):
            started = time.perf_counter()
            filler.fill(grouper, size - held, n)
            held = size
            fill_seconds = time.perf_counter() - started
            started = time.perf_counter()
            grouper.save()
            fill_checkpoint = time.perf_counter() - started
            restart_seconds = restart_cpu = None
            if restart:
                started, cpu_started = time.perf_counter(), time.process_time()
                grouper = StoryGrouper(storage)
                restart_seconds, restart_cpu = time.perf_counter() - started, time.process_time() - cpu_started
            if progress:
                progress(f"  {held} stories held ({filler.articles} articles; filled in {fill_seconds:.0f} s, "
                         f"saved in {fill_checkpoint:.1f} s"
                         + (f", restarted in {restart_seconds:.1f} s)" if restart else ")"))
            probe_start = base + fill_span + timedelta(hours=2 * n)
            probes = _probe_articles(filler, vectors, probe, probe_start, seed * 1000 + 500 + n)
            ids = _ingest(storage, settings, probes, Path(tmp) / f"probe-{n}.jsonl")
            seconds_before, cpu_before = dict(grouper.seconds), dict(grouper.cpu)
            last_held_story = max(grouper.story_ids.values(), default=0)
            pages_seconds = 0.0
            for begin in range(0, len(ids), batch):
                touched = grouper.group(ids[begin:begin + batch])
                if writer is not None:
                    started = time.perf_counter()
                    writer.write(touched)
                    pages_seconds += time.perf_counter() - started
            started, cpu_started = time.perf_counter(), time.process_time()
            grouper.save()
            checkpoint_seconds, checkpoint_cpu = time.perf_counter() - started, time.process_time() - cpu_started
            count = max(1, len(ids))
            joined = sum(story <= last_held_story for story in storage.stories_of(ids).values())
            rows.append({
                "stories": held, "articles": filler.articles, "probe_articles": len(ids),
                "probe_joined_held": round(joined / count, 3),
                "group_ms": round(1000 * (grouper.seconds["group"] - seconds_before.get("group", 0.0)) / count, 2),
                "group_cpu_ms": round(1000 * (grouper.cpu["group"] - cpu_before.get("group", 0.0)) / count, 2),
                "embed_ms": round(1000 * (grouper.seconds["embed"] - seconds_before.get("embed", 0.0)) / count, 2),
                "pages_ms": round(1000 * pages_seconds / count, 2) if writer is not None else None,
                "active_stories": len(grouper.clusterer.stories),
                "checkpoint_s": round(checkpoint_seconds, 3), "checkpoint_cpu_s": round(checkpoint_cpu, 3),
                "fill_checkpoint_s": round(fill_checkpoint, 2),
                "restart_s": round(restart_seconds, 2) if restart_seconds is not None else None,
                "restart_cpu_s": round(restart_cpu, 2) if restart_cpu is not None else None,
                "state_mb": round(storage.grouper_state_bytes() / 1e6, 2), "fill_s": round(fill_seconds, 1)})
            if progress:
                r = rows[-1]
                progress(f"  {held} stories: grouping {r['group_ms']} ms/article ({r['group_cpu_ms']} ms CPU), "
                         f"{100 * r['probe_joined_held']:.0f}% joined a held story; checkpoint {r['checkpoint_s']} s, "
                         f"state {r['state_mb']} MB")
        storage.close()
    return {"sizes": rows, **flatness([r["group_cpu_ms"] for r in sorted(rows, key=lambda r: r["stories"])])}


def flatness(costs: list[float]) -> dict:
    """`ratio`: the cost at the largest size over the cost at the smallest; `max_ratio`: the dearest size over
    the cheapest; flat when the dearest is within FLAT_RATIO of the cheapest."""
    if not costs or min(costs) <= 0:
        return {"ratio": None, "max_ratio": None, "spread": None, "flat": False}
    mean = sum(costs) / len(costs)
    return {"ratio": round(costs[-1] / costs[0], 3), "max_ratio": round(max(costs) / min(costs), 3),
            "spread": round(max(abs(c - mean) / mean for c in costs), 3),
            "flat": max(costs) / min(costs) <= FLAT_RATIO}
