"""`newsdesk bench web`: a desk filled with generated articles and stories, served by the web app in its own
process, and driven by concurrent clients from a load generator in another process; latency per page kind.

Over 400 lines because filling the desk, serving it and driving the load are one experiment; `bench load`
reuses its filling and its query mix."""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import multiprocessing
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from newsdesk.model import Attributed, NewArticle, StoryPage
from newsdesk.storage import Storage, open_storage
from newsdesk.timeutil import utcnow

FILL_KEY = "bench.web.fill"       # desk setting recording what a bench fill put in the database
PAGE_KINDS = ("home", "story", "article", "search")
TARGETS_MS = {"home": 50.0, "story": 50.0, "search": 100.0}   # p95 targets from the issue

# -- vocabulary (written for this benchmark) ------------------------------------------------------------------

_ONSETS = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "st",
           "t", "tr", "v", "w", "z", "sk", "th", "fl", "gl"]
_NUCLEI = ["a", "e", "i", "o", "u", "ae", "ei", "ou", "ia", "y"]
_CODAS = ["", "n", "r", "l", "s", "th", "nd", "rk", "m", "ck", "ss", "ld"]
_PLACE_ENDS = ["ford", "holm", "wick", "by", "mouth", "stead", "field", "haven", "burg", "dale", "port", "mere"]
_FIRST_NAMES = ["Ines", "Tomasz", "Adaeze", "Piet", "Mira", "Lucan", "Sofia", "Rafe", "Nadia", "Oskar", "Yara",
                "Callum", "Elif", "Jonas", "Amara", "Bruno", "Chiara", "Dmitri", "Esme", "Farid", "Greta", "Hugo",
                "Ilse", "Joaquin", "Kira", "Leandro", "Maren", "Nikolai", "Odette", "Pavel", "Quinn", "Rosa",
                "Soren", "Talia", "Umar", "Vera", "Wendell", "Ximena", "Yusuf", "Zofia", "Anneke", "Bastian",
                "Celeste", "Dorian", "Eamon", "Frida", "Gideon", "Hana", "Ivo", "Juno", "Kasimir", "Lotte"]
_ROLES = ["the transport minister", "a spokesperson for the harbour authority", "the mayor",
          "an economist at the institute for coastal trade", "the head of the emergency services",
          "a local shop owner", "the chair of the finance committee", "a union representative",
          "the chief executive of the water company", "a professor of public health", "the police commissioner",
          "the opposition leader", "a senior engineer on the project", "the education secretary",
          "a lawyer for the residents", "the director of the regional hospital", "a climate scientist",
          "the governor of the central bank", "a spokesperson for the fire brigade", "the energy regulator"]
_ORGS = ["council", "harbour authority", "water company", "rail operator", "regional parliament", "supreme court",
         "health board", "port workers' union", "chamber of commerce", "energy regulator", "central bank",
         "university", "fire brigade", "environment agency", "housing association", "teachers' union"]
_TOPICS = ["tram line", "flood defences", "fishing quota", "hospital extension", "wind farm tender",
           "school budget", "bridge repairs", "port expansion", "water tariff", "housing plan", "rail strike",
           "festival funding", "bus network", "airport runway", "pension reform", "tax rebate", "coal mine closure",
           "heat wave", "forest fire", "river pollution", "election recount", "data breach", "bank merger",
           "vaccine rollout", "teacher shortage", "ferry contract", "power outage", "steel plant", "grain harvest",
           "museum theft", "stadium project", "minimum wage", "road tolls", "landslide", "drought emergency",
           "cycle lanes", "nuclear plant inspection", "trade agreement", "border crossing", "court ruling"]
_VERBS = ["approved", "delayed", "criticised", "defended", "cancelled", "expanded", "reviewed", "questioned",
          "announced", "rejected", "suspended", "postponed", "funded", "blocked", "extended", "investigated",
          "welcomed", "challenged", "confirmed", "revised", "halted", "resumed", "endorsed", "scrapped"]
_CLAUSES = ["after a long debate that ran past midnight", "despite objections from residents",
            "following a report by independent auditors", "as costs rose for the third year in a row",
            "in a vote that split the governing coalition", "weeks before the regional election",
            "citing safety concerns raised by inspectors", "after talks with neighbouring districts broke down",
            "under pressure from business groups", "while protesters gathered outside the building",
            "amid questions about how the contract was awarded", "before the summer holidays begin"]
_NOUNS = ["budget", "contract", "report", "inquiry", "vote", "plan", "deal", "study", "survey", "proposal",
          "warning", "decision", "meeting", "statement", "estimate", "figure", "price", "cost", "deadline", "law",
          "rule", "permit", "licence", "fine", "subsidy", "grant", "loan", "strike", "protest", "agreement",
          "project", "programme", "scheme", "service", "network", "station", "district", "village", "valley",
          "coast", "river", "bridge", "harbour", "hospital", "school", "factory", "market", "farm", "forest",
          "tunnel", "road", "railway", "airport", "reservoir", "island", "border", "court", "committee", "panel",
          "minister", "official", "resident", "worker", "driver", "nurse", "teacher", "farmer", "fisher",
          "engineer", "inspector", "auditor", "investor", "tenant", "voter", "student", "passenger", "patient"]
_ADJECTIVES = ["new", "old", "regional", "national", "local", "public", "private", "independent", "final",
               "early", "late", "higher", "lower", "annual", "monthly", "temporary", "permanent", "urgent",
               "major", "minor", "northern", "southern", "eastern", "western", "coastal", "rural", "urban",
               "former", "current", "official", "unexpected", "detailed", "preliminary", "revised", "costly"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MORE_WORDS = ["tide", "storm", "harvest", "ferry", "tram", "bus", "train", "grain", "timber", "salt", "wool",
               "copper", "steel", "coal", "gas", "power", "water", "housing", "rent", "wage", "pension", "tax",
               "tariff", "quota", "levy", "toll", "audit", "ballot", "mandate", "coalition", "opposition",
               "majority", "minority", "verdict", "appeal", "trial", "witness", "evidence", "charge", "arrest",
               "fire", "flood", "drought", "frost", "heat", "wind", "rain", "snow", "landslide", "outbreak", "virus",
               "vaccine", "clinic", "ward", "surgery", "doctor", "pupil", "exam", "campus", "library", "museum",
               "theatre", "festival", "concert", "stadium", "league", "match", "season", "club", "coach", "player",
               "shipyard", "dock", "quay", "lighthouse", "canal", "lock", "dam", "pipeline", "turbine", "reactor",
               "mine", "quarry", "mill", "bakery", "brewery", "orchard", "vineyard", "dairy", "fishery", "trawler",
               "software", "outage", "breach", "server", "startup", "merger", "shares", "bond", "inflation",
               "interest", "deficit", "surplus", "export", "import", "customs", "tourism", "hotel", "restaurant"]


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_NUCLEI) + rng.choice(_CODAS)
                   for _ in range(syllables)).capitalize()


@dataclass
class Vocabulary:
    """Written words at the head of a Zipf distribution, generated words (rare terms) in its long tail."""
    places: list[str]
    surnames: list[str]
    words: list[str]              # most frequent first
    cdf: np.ndarray               # cumulative Zipf-Mandelbrot probabilities over `words`

    @classmethod
    def build(cls, seed: int = 5, tail: int = 25_000) -> "Vocabulary":
        rng = random.Random(seed)
        places = list(dict.fromkeys(_name(rng, rng.randint(1, 2)) + rng.choice(_PLACE_ENDS) for _ in range(2500)))
        surnames = list(dict.fromkeys(_name(rng, rng.randint(2, 3)) for _ in range(3000)))
        written = list(dict.fromkeys(_NOUNS + _ADJECTIVES + _MORE_WORDS + [w for t in _TOPICS for w in t.split()]))
        rng.shuffle(written)
        known = set(written)
        generated = [w for w in dict.fromkeys(_name(rng, rng.randint(2, 3)).lower() for _ in range(tail))
                     if w not in known]
        words = written + generated
        weights = 1.0 / (np.arange(len(words)) + 2.7)
        return cls(places, surnames, words, np.cumsum(weights) / weights.sum())


@dataclass
class StoryPlan:
    index: int
    topic: str
    place: str
    org: str
    verb: str
    people: list[tuple[str, str]]          # (name, role)
    number: int
    start: datetime
    centroid: np.ndarray
    articles: list[dict] = field(default_factory=list)   # id, outlet, title, time, reprint_of, lead sentences
    sentences: list[str] = field(default_factory=list)   # what its reports say about the event


class TextMaker:
    """News-shaped text: sentences about a story's event mixed with background sentences."""

    def __init__(self, vocab: Vocabulary, seed: int = 0):
        self.v = vocab
        self.words = np.array(vocab.words, dtype=object)
        self.np = np.random.default_rng(seed)
        self.frames: list[tuple[str, int]] = []

    def draw(self, n: int) -> list[str]:
        """`n` background words, Zipf-distributed."""
        return self.words[np.searchsorted(self.v.cdf, self.np.random(n))].tolist()

    def person(self, rng: random.Random) -> tuple[str, str]:
        return f"{rng.choice(_FIRST_NAMES)} {rng.choice(self.v.surnames)}", rng.choice(_ROLES)

    def story_sentence(self, plan: StoryPlan, rng: random.Random) -> str:
        name, role = rng.choice(plan.people)
        kind = rng.randrange(7)
        if kind == 0:
            return f"The {plan.org} in {plan.place} {plan.verb} the {plan.topic} {rng.choice(_CLAUSES)}."
        if kind == 1:
            return (f"\"We cannot wait another {rng.randint(2, 30)} months for the {plan.topic},\" said {name}, "
                    f"{role}.")
        if kind == 2:
            return (f"Officials put the cost of the {plan.topic} at {plan.number} million crowns, up "
                    f"{rng.randint(3, 60)} per cent on the estimate published in {rng.choice(_MONTHS)}.")
        if kind == 3:
            return (f"{name}, {role}, said the {plan.topic} in {plan.place} would be {rng.choice(_VERBS)} again "
                    f"{rng.choice(_CLAUSES)}.")
        if kind == 4:
            return (f"Residents of {plan.place} and {rng.choice(self.v.places)} said they had not been told how the "
                    f"{plan.topic} would affect the {rng.choice(_NOUNS)} or the {rng.choice(_NOUNS)}.")
        if kind == 5:
            return (f"According to {name}, the {plan.org} had {rng.choice(_VERBS)} a {rng.choice(_ADJECTIVES)} "
                    f"{rng.choice(_NOUNS)} on the {plan.topic} {rng.choice(_CLAUSES)}.")
        return (f"The decision in {plan.place} comes {rng.randint(2, 11)} weeks after the {plan.org} "
                f"{rng.choice(_VERBS)} a {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}.")

    def background_frame(self, rng: random.Random) -> str:
        """A sentence with `{}` where background words go."""
        kind = rng.randrange(5)
        if kind == 0:
            return (f"In {rng.choice(self.v.places)}, the {{}} {{}} and the {{}} {{}} were "
                    f"{rng.choice(_VERBS)} last {rng.choice(_MONTHS)}, {rng.choice(self.v.surnames)} said.")
        if kind == 1:
            return (f"The {{}} of the {{}} {{}} {rng.choice(_VERBS)} the {{}} {{}} on "
                    f"{rng.choice(_WEEKDAYS)}, according to the {{}} {{}}.")
        if kind == 2:
            return (f"{rng.choice(self.v.surnames)} said the {{}} {{}} had been {rng.choice(_VERBS)} "
                    f"since {rng.choice(_MONTHS)}, while the {{}} {{}} {rng.choice(_VERBS)} the {{}}.")
        if kind == 3:
            return (f"A {{}} {{}} near {rng.choice(self.v.places)} {rng.choice(_VERBS)} "
                    f"{rng.randint(2, 400)} {{}} and {rng.randint(2, 90)} {{}} {{}} this year.")
        return (f"Critics of the {{}} say the {{}} and the {{}} {{}} will have to be "
                f"{rng.choice(_VERBS)} before the {{}} {{}} can go ahead.")

    def article(self, plan: StoryPlan, rng: random.Random) -> tuple[str, str, list[str]]:
        """(title, text, lead sentences). Articles of one story share a pool of sentences about its event, as
        reports of one event share facts and quotes; around them go background sentences."""
        if not plan.sentences:
            plan.sentences = [self.story_sentence(plan, rng) for _ in range(24)]
        if not self.frames:
            self.frames = [(f, f.count("{}")) for f in (self.background_frame(rng) for _ in range(5000))]
        title = (f"{plan.place} {plan.org} {rng.choice(_VERBS)} {plan.topic}"
                 if rng.random() < 0.5 else
                 f"{rng.choice(_ADJECTIVES).capitalize()} {rng.choice(_NOUNS)} as {plan.place} "
                 f"{plan.verb} {plan.topic}")
        target = rng.randint(300, 600)
        pool = self.draw(target)
        used = 0
        paragraphs, words, lead = [], 0, []
        story, frames = plan.sentences, self.frames
        while words < target:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                if not paragraphs or rng.random() < 0.35:
                    sentence = story[int(rng.random() * len(story))]
                else:
                    frame, n = frames[int(rng.random() * len(frames))]
                    if used + n > len(pool):
                        used = 0
                    sentence = frame.format(*pool[used:used + n])
                    used += n
                sentences.append(sentence)
                words += sentence.count(" ") + 1
            if not paragraphs:
                lead = sentences[:3]
            paragraphs.append(" ".join(sentences))
        return title, "\n\n".join(paragraphs), lead


# -- filling the desk -------------------------------------------------------------------------------------------

def _plan_stories(n_articles: int, n_stories: int, vocab: Vocabulary, now: datetime, seed: int
                  ) -> tuple[list[StoryPlan], list[tuple[datetime, int, int]]]:
    """Stories over 30 days before `now`, and (time, story index, number within story) for every article."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    maker = TextMaker(vocab, seed)
    themes = nprng.normal(size=(len(_TOPICS), 384)).astype(np.float32)
    plans = []
    for i in range(n_stories):
        topic = rng.randrange(len(_TOPICS))
        vector = themes[topic] + nprng.normal(scale=0.8, size=384).astype(np.float32)
        plans.append(StoryPlan(
            index=i, topic=_TOPICS[topic], place=rng.choice(vocab.places), org=rng.choice(_ORGS),
            verb=rng.choice(_VERBS), people=[maker.person(rng) for _ in range(rng.randint(2, 3))],
            number=rng.randint(2, 900), start=now - timedelta(days=30) * rng.random() ** 0.7,
            centroid=vector / np.linalg.norm(vector)))
    sizes = [1] * n_stories
    weights = [rng.paretovariate(1.3) for _ in range(n_stories)]
    for story in rng.choices(range(n_stories), weights=weights, k=max(0, n_articles - n_stories)):
        sizes[story] += 1
    slots = []
    for plan, size in zip(plans, sizes):
        span = timedelta(hours=rng.uniform(1, 60))
        times = sorted(min(now, plan.start + span * rng.random()) for _ in range(size))
        slots.extend((t, plan.index, k) for k, t in enumerate(times))
    slots.sort()
    return plans, slots


def _page_json(plan: StoryPlan, rng: random.Random) -> tuple[str, StoryPage]:
    """The story page in the shape the pipeline writes (a StoryPage as JSON)."""
    arts = plan.articles
    originals = [a for a in arts if a["reprint_of"] is None]
    by_outlet: dict[str, dict] = {}
    for a in originals:
        by_outlet.setdefault(a["outlet"], a)

    def attributed(a: dict, text: str) -> Attributed:
        also = [(o["id"], o["outlet"]) for o in rng.sample(originals, min(len(originals), 3)) if o is not a]
        return Attributed(text=text, article_id=a["id"], outlet=a["outlet"], also=also[:2])

    lead = originals[0]
    summary = [attributed(lead, s) for s in lead["lead"][:2]]
    takeaways = [attributed(a, a["lead"][-1]) for a in originals[:rng.randint(3, 6)]]
    unique = {outlet: [attributed(a, a["lead"][0])] for outlet, a in list(by_outlet.items())[1:4]}
    reprints = [(a["outlet"], next((o["outlet"] for o in arts if o["id"] == a["reprint_of"]), None))
                for a in arts if a["reprint_of"] is not None]
    page = StoryPage(headline=lead["title"], headline_article_id=lead["id"], summary=summary, takeaways=takeaways,
                     unique=unique, first_published=arts[0]["time"], last_updated=arts[-1]["time"],
                     timeline=[(a["time"], a["id"], a["outlet"], a["title"], "published") for a in arts],
                     independent=list(by_outlet), reprints=reprints)
    return json.dumps(asdict(page), default=lambda v: v.isoformat()), page


def fill_desk(storage: Storage, articles: int = 100_000, stories: int = 20_000, *, seed: int = 11,
              batch: int = 2000, progress: Callable[[str, int, int], None] | None = None,
              article_vectors: bool = False, dated: bool = False) -> dict:
    """Generate and store `articles` articles in `stories` stories, with their story pages. Returns figures.
    With `article_vectors`, each original also gets a stored title+lead vector (its story's centroid plus
    noise), as a desk that grouped them would hold, so a story grouper can be built without the model. With
    `dated`, each article was first seen when it was published (as a desk polling all month would have seen
    it), not during the fill."""
    if stories < 1 or articles < stories:
        raise ValueError("need at least one story and at least as many articles as stories")
    started = time.perf_counter()
    vocab = Vocabulary.build()
    maker = TextMaker(vocab, seed)
    now = utcnow().replace(microsecond=0)
    plans, slots = _plan_stories(articles, stories, vocab, now, seed)
    outlets = [f"{p} {kind}" for p, kind in zip(vocab.places[:30], ["Gazette", "Courier", "Herald", "Post",
                                                                    "Tribune", "Observer"] * 5)]
    source_ids = [storage.add_source(f"https://bench-{k}.example/feed.xml", title=o).id
                  for k, o in enumerate(outlets)]
    story_ids: list[int] = []
    with storage.transaction():
        for plan in plans:
            story_ids.append(storage.create_story(f"bench-story-{plan.index}"))
    from newsdesk.pipeline import VECTOR_MODEL

    rng = random.Random(seed + 1)
    np_rng = np.random.default_rng(seed + 3)
    words = 0
    for first in range(0, len(slots), batch):
        with storage.transaction():
            for when, story_index, number in slots[first:first + batch]:
                plan = plans[story_index]
                source = rng.randrange(len(outlets))
                original = plan.articles[0] if number and rng.random() < 0.1 else None
                if original is None:
                    title, text, lead = maker.article(plan, rng)
                else:
                    title, text, lead = original["title"], original["text"], original["lead"]
                    text = text.rsplit("\n\n", 1)[0] + "\n\n(With agency reporting.)"
                words += text.count(" ") + 1
                article_id = storage.insert_article(NewArticle(
                    url=f"https://bench-{source}.example/{story_index}/{number}", text=text,
                    text_hash=hashlib.sha1(text.encode()).hexdigest(), source_id=source_ids[source],
                    outlet=outlets[source], title=title, author=f"{rng.choice(_FIRST_NAMES)} "
                    f"{rng.choice(vocab.surnames)}", published_at=when, language="en", summary=lead[0],
                    first_seen_at=when if dated else None))
                if original is not None:
                    storage.mark_copy(article_id, original["id"], 0.93, "minhash")
                elif article_vectors:
                    noise = np_rng.standard_normal(plan.centroid.shape[0]) * 0.35 / plan.centroid.shape[0] ** 0.5
                    vector = plan.centroid + noise
                    storage.save_vectors(VECTOR_MODEL, {article_id: (vector / np.linalg.norm(vector))
                                                        .astype(np.float32).tobytes()})
                storage.assign_story(article_id, story_ids[story_index], 0.8)
                plan.articles.append({"id": article_id, "outlet": outlets[source], "title": title, "time": when,
                                      "reprint_of": original["id"] if original else None, "lead": lead,
                                      "text": text if number == 0 else ""})
        if progress:
            progress("articles", min(first + batch, len(slots)), len(slots))
    articles_done = time.perf_counter()
    prng = random.Random(seed + 2)
    for first in range(0, len(plans), batch):
        with storage.transaction():
            for plan in plans[first:first + batch]:
                page_json, page = _page_json(plan, prng)
                storage.save_story_page(
                    story_ids[plan.index], headline=page.headline, page_json=page_json,
                    first_published=page.first_published, last_updated=page.last_updated,
                    article_count=len(plan.articles), independent_count=len(page.independent),
                    reprint_count=len(page.reprints), centroid=plan.centroid.astype(np.float32).tobytes())
                plan.articles[0]["text"] = ""
        if progress:
            progress("stories", min(first + batch, len(plans)), len(plans))
    storage.optimize_search()
    seconds = time.perf_counter() - started
    figures = {"articles": len(slots), "stories": len(plans), "words_per_article": round(words / len(slots)),
               "fill_seconds": round(seconds, 1), "article_seconds": round(articles_done - started, 1),
               "seed": seed, "story_ids": [story_ids[0], story_ids[-1]], "dated": dated}
    storage.set_setting(FILL_KEY, json.dumps(figures))
    return figures


def query_mix(seed: int = 3, n: int = 400) -> list[str]:
    """Search queries like readers type them: one word, two words, a place or a name, a quoted phrase."""
    rng = random.Random(seed)
    vocab = Vocabulary.build()
    queries = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.3:
            queries.append(rng.choice(vocab.words[:150]))
        elif kind < 0.5:
            queries.append(rng.choice(_TOPICS))
        elif kind < 0.65:
            queries.append(rng.choice(vocab.places[:2000]))
        elif kind < 0.75:
            queries.append(f"{rng.choice(vocab.places[:2000])} {rng.choice(_TOPICS).split()[-1]}")
        elif kind < 0.85:
            queries.append(f'"{rng.choice(_TOPICS)}" {rng.choice(_VERBS)}')
        elif kind < 0.92:
            queries.append(f"{rng.choice(_ORGS).split()[0]} {rng.choice(vocab.words[:300])}")
        else:
            queries.append(rng.choice(vocab.surnames[:2500]))
    return queries


# -- the server and the load generator ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebServer:
    """`newsdesk serve` (the command readers run, with its worker processes) on 127.0.0.1 in a new session."""

    def __init__(self, db_url: str, workers: int = 0):
        from newsdesk.cli import default_workers

        self.port = _free_port()
        self.db_url = db_url
        self.workers = workers or default_workers()
        self.process: subprocess.Popen | None = None
        self._home = tempfile.mkdtemp(prefix="newsdesk-bench-serve-")

    def __enter__(self) -> "WebServer":
        # No configuration file: the desk's defaults (public reading), whatever the user's config says.
        env = dict(os.environ, NEWSDESK_DB=self.db_url, NEWSDESK_CONFIG=os.path.join(self._home, "none.toml"))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers)], env=env, stdout=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the web server exited with status {self.process.returncode}")
            try:
                status, _ = asyncio.run(_get_once(self.port, "/"))
                if status == 200:
                    return self
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the web server did not answer within 90 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        shutil.rmtree(self._home, ignore_errors=True)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body bytes, connection kept open) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip().lower()
    size = 0
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    return status, size, headers.get("connection") != "close"


async def _get_once(port: int, path: str) -> tuple[int, int]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        status, size, _ = await asyncio.wait_for(_read_response(reader), 30)
        return status, size
    finally:
        writer.close()


@dataclass
class LoadPlan:
    port: int
    clients: int
    duration: float
    warmup: float
    story_ids: tuple[int, int]
    article_count: int
    queries: list[str]
    mix: dict[str, float]
    seed: int = 1


def _path(kind: str, plan: LoadPlan, rng: random.Random) -> str:
    if kind == "home":
        return "/" if rng.random() < 0.8 else f"/?page={rng.randint(2, 5)}"
    if kind == "story":
        return f"/stories/{rng.randint(*plan.story_ids)}"
    if kind == "article":
        return f"/articles/{rng.randint(1, plan.article_count)}"
    return "/search?q=" + urllib.parse.quote_plus(rng.choice(plan.queries))


async def _drive(plan: LoadPlan) -> dict:
    kinds, weights = list(plan.mix), list(plan.mix.values())
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    errors: dict[str, int] = {k: 0 for k in kinds}
    samples: list[str] = []
    start = time.perf_counter()
    measure_from, stop = start + plan.warmup, start + plan.warmup + plan.duration

    async def client(number: int) -> None:
        rng = random.Random(plan.seed * 1000 + number)
        connection = None
        while time.perf_counter() < stop:
            kind = rng.choices(kinds, weights)[0]
            path = _path(kind, plan, rng)
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", plan.port), 10)
                reader, writer = connection
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n".encode())
                status, _, keep = await asyncio.wait_for(_read_response(reader), 30)
                if not keep:
                    writer.close()
                    connection = None
                failed = status != 200 and f"HTTP {status} {path}"
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                failed = f"{type(exc).__name__} {path}: {exc}"
                if connection is not None:
                    connection[1].close()
                connection = None
            ended = time.perf_counter()
            if began < measure_from or ended > stop:
                continue
            latencies[kind].append((ended - began) * 1000)
            if failed:
                errors[kind] += 1
                if len(samples) < 10:
                    samples.append(failed)
        if connection is not None:
            connection[1].close()

    await asyncio.gather(*(client(k) for k in range(plan.clients)))
    return {"latencies": latencies, "errors": errors, "samples": samples}


def _load_process(plan: LoadPlan, out) -> None:
    started = time.process_time()
    raw = asyncio.run(_drive(plan))
    raw["client_cpu_s"] = time.process_time() - started
    out.put(raw)


def drive_load(plan: LoadPlan) -> dict:
    """Run the clients in a separate process (so they do not share an interpreter with the server)."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    process = ctx.Process(target=_load_process, args=(plan, out), daemon=True)
    process.start()
    try:
        return out.get(timeout=plan.warmup + plan.duration + 120)
    finally:
        process.join(10)
        if process.is_alive():
            process.terminate()


def group_cpu_seconds(pgid: int) -> float | None:
    """CPU time used so far by every process in a process group (Linux /proc), None where unknown."""
    total, found = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:          # fields after the command: state, ppid, pgrp, …
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            found = True
    return total if found else None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def summarize(raw: dict, duration: float) -> dict:
    pages = {}
    for kind, values in raw["latencies"].items():
        pages[kind] = {"requests": len(values), "errors": raw["errors"][kind],
                       "p50_ms": round(_percentile(values, 50), 1), "p95_ms": round(_percentile(values, 95), 1),
                       "p99_ms": round(_percentile(values, 99), 1)}
    total = sum(p["requests"] for p in pages.values())
    return {"pages": pages, "requests": total, "requests_per_s": round(total / duration, 1),
            "errors": sum(p["errors"] for p in pages.values()), "first_errors": raw["samples"],
            "targets_met": {k: pages[k]["p95_ms"] < limit for k, limit in TARGETS_MS.items() if k in pages}}


# -- the whole benchmark ------------------------------------------------------------------------------------------

def _filled(storage: Storage, articles: int, stories: int) -> dict | None:
    raw = storage.get_setting(FILL_KEY)
    if not raw:
        return None
    figures = json.loads(raw)
    if figures.get("articles") != articles or figures.get("stories") != stories:
        return None
    return figures


def _reusable(db: str, articles: int, stories: int) -> bool:
    storage = open_storage(db)
    try:
        return _filled(storage, articles, stories) is not None
    finally:
        storage.close()


def reuse_path(articles: int, stories: int) -> Path:
    return Path(tempfile.gettempdir()) / "newsdesk-bench-web" / f"desk-{articles}-{stories}.db"


def run_web_bench(*, articles: int = 100_000, stories: int = 20_000, duration: float = 30.0, clients: int = 20,
                  db: str | None = None, reuse: bool = False, workers: int = 0, warmup: float = 2.0,
                  progress: Callable[[str, int, int], None] | None = None,
                  say: Callable[[str], None] = lambda _: None) -> dict:
    tmp = None
    if db is None:
        if reuse:
            path = reuse_path(articles, stories)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and not _reusable(str(path), articles, stories):
                for stale in path.parent.glob(path.name + "*"):     # an interrupted fill: start again
                    stale.unlink()
        else:
            tmp = tempfile.mkdtemp(prefix="newsdesk-bench-web-")
            path = Path(tmp) / "desk.db"
        db = str(path)
    try:
        storage = open_storage(db)
        try:
            fill = _filled(storage, articles, stories) if reuse else None
            reused = fill is not None
            if fill is None:
                if storage.count_articles():
                    raise ValueError(f"{db} already holds articles that are not this benchmark's fill: use an empty "
                                     "database, or --reuse with the same --articles and --stories")
                say(f"Filling the desk with {articles} generated articles in {stories} stories …")
                fill = fill_desk(storage, articles, stories, progress=progress)
            article_count = storage.count_articles()
        finally:
            storage.close()
        size_mb = round(os.path.getsize(db) / 1e6) if os.path.exists(db) else None
        if not workers:
            from newsdesk.cli import default_workers
            workers = default_workers()
        say(f"Serving the desk on 127.0.0.1 ({workers} worker{'s' if workers > 1 else ''}); {clients} clients "
            f"for {duration:g} s …")
        with WebServer(db, workers) as server:
            plan = LoadPlan(port=server.port, clients=clients, duration=duration, warmup=warmup,
                            story_ids=tuple(fill["story_ids"]), article_count=article_count, queries=query_mix(),
                            mix={"home": 0.25, "story": 0.3, "article": 0.25, "search": 0.2})
            cpu_before = group_cpu_seconds(server.process.pid)
            raw = drive_load(plan)
            cpu_after = group_cpu_seconds(server.process.pid)
        result = summarize(raw, duration)
        if cpu_before is not None and cpu_after is not None and result["requests"]:
            # CPU the server spent per request (warm-up included): comparable between a busy and an idle machine.
            result["server_cpu_ms_per_request"] = round((cpu_after - cpu_before) * 1000 / result["requests"], 2)
            result["server_cpu_share"] = round((cpu_after - cpu_before) / (duration + warmup), 2)
        if "client_cpu_s" in raw:
            result["client_cpu_share"] = round(raw["client_cpu_s"] / (duration + warmup), 2)
        result["load_average"] = round(os.getloadavg()[0], 2)
        result.update({"articles": fill["articles"], "stories": fill["stories"], "fill_seconds": fill["fill_seconds"],
                       "reused_fill": reused, "words_per_article": fill["words_per_article"], "db_mb": size_mb,
                       "clients": clients, "duration_s": duration, "workers": workers, "cpus": os.cpu_count()})
        return result
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
