"""`newsdesk bench alerts`: the matcher's cost per article as the watchlists grow, and how long an alert takes
from its article stored to its webhook received.

Generated news (bench/corpus.py) is streamed into a SQLite desk the way the pipeline hands it to the matcher: a
batch of articles stored, each put into its event's story, the touched stories' pages written, then
`Matcher.match` on the batch, which alone is timed. The watchlists are spread over 500 users: entities (the
capitalised words of the titles stand in for named entities, through an in-memory lookup, since the desk's
entities are not wired in yet), search queries of one to three words from the corpus (some quoted phrases) and
stories already on the desk. The same stream is matched with each number of watchlists.

The delay run then streams articles at a steady rate with the daemon's `DeliveryWorker` running (its own thread
and database connection) and a share of the watchlists posting to a webhook receiver on 127.0.0.1; the delay is
the time from an article's storing to the receipt of the webhook its alert sent."""

from __future__ import annotations

import hashlib
import json
import random
import re
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newsdesk_lab.bench.corpus import GeneratedArticle, generate_articles
from newsdesk.alerts import DeliveryWorker, EntityMap, Matcher, query_index
from newsdesk.config import Settings
from newsdesk.model import AlertEvent, NewArticle, Role, WatchKind
from newsdesk.storage import Storage, open_storage

Say = Callable[[str], None]
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")
_WORD = re.compile(r"\b[a-z]{5,}\b")
USERS = 500


def _entity_id(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF or 1


class StreamDesk:
    """Articles into storage, each in its event's story, pages written with what the matcher reads."""

    def __init__(self, storage: Storage, entities: EntityMap):
        self.storage = storage
        self.entities = entities
        self.stories: dict[str, int] = {}
        self.members: dict[int, list[tuple[int, GeneratedArticle]]] = {}
        self.sources: dict[str, int] = {}
        self.stored_at: dict[int, float] = {}

    def source(self, outlet: str) -> int:
        if outlet not in self.sources:
            self.sources[outlet] = self.storage.add_source(f"http://127.0.0.1:9/{zlib.crc32(outlet.encode())}.xml",
                                                           title=outlet).id
        return self.sources[outlet]

    def add(self, batch: list[GeneratedArticle]) -> list[int]:
        ids, touched = [], set()
        with self.storage.transaction():
            for a in batch:
                article_id = self.storage.insert_article(NewArticle(
                    url=f"urn:bench-alerts:{a.id}", text=a.text, text_hash=hashlib.sha1(a.text.encode()).hexdigest(),
                    source_id=self.source(a.source), outlet=a.source, title=a.title, published_at=a.published))
                story_id = self.stories.get(a.event)
                if story_id is None:
                    story_id = self.stories[a.event] = self.storage.create_story(f"bench-{a.event}")
                self.storage.assign_story(article_id, story_id, 1.0)
                self.members.setdefault(story_id, []).append((article_id, a))
                names = {_entity_id(n) for n in _CAPITALISED.findall(a.title)}
                self.entities.stories.setdefault(story_id, set()).update(names)
                ids.append(article_id)
                touched.add(story_id)
            for story_id in touched:
                self._write(story_id)
        now = time.time()
        self.stored_at.update((i, now) for i in ids)
        return ids

    def _write(self, story_id: int) -> None:
        members = self.members[story_id]
        outlets = list(dict.fromkeys(a.source for _, a in members if a.reprint_of is None)) or [members[0][1].source]
        first = members[0][1]
        page = {"version": 2, "headline": first.title,
                "summary": [{"text": first.text.split(". ")[0], "article_id": members[0][0], "outlet": first.source,
                             "also": []}],
                "timeline": [[a.published.isoformat(), i, a.source, a.title, "published"] for i, a in members],
                "independent": outlets, "reprints": []}
        self.storage.save_story_page(story_id, headline=first.title, page_json=json.dumps(page),
                                     first_published=first.published, last_updated=members[-1][1].published,
                                     article_count=len(members), independent_count=len(outlets), reprint_count=0)


def _made_up(rng: random.Random, n: int) -> list[str]:
    return sorted({"".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))
                   for _ in range(n)})


def _watchlists(storage: Storage, desk: StreamDesk, count: int, pool: list[GeneratedArticle], rng: random.Random,
                hook: str | None = None, hooks: int = 0, silent: bool = False) -> None:
    """`count` watchlists: 40% entities, 40% queries, 20% stories on the desk; the first `hooks` post to `hook`.
    `silent`: watchlists of the same kinds that match nothing in the stream (made-up words and names, stories
    that get no new article), to time the looking alone. Written straight through storage, as `follow` would (its
    index terms included), to fill 10,000 quickly."""
    users = [u.id for u in storage.list_users()]
    names = sorted({n for a in pool for n in _CAPITALISED.findall(a.title)})
    words = sorted({w for a in pool for w in _WORD.findall(a.text.lower())})
    stories = sorted(desk.members)
    if silent:
        names, words = [w.capitalize() for w in _made_up(rng, 3000)], _made_up(rng, 3000)
        stories = [10 ** 9 + k for k in range(1000)]
    new, both = frozenset({AlertEvent.NEW}), frozenset({AlertEvent.GROWS, AlertEvent.UPDATE})
    with storage.transaction():
        for k in range(count):
            user = users[k % len(users)]
            kind = (WatchKind.ENTITY, WatchKind.QUERY, WatchKind.ENTITY, WatchKind.QUERY, WatchKind.STORY)[k % 5]
            extra: dict = {}
            if hooks and k < hooks:
                extra = {"webhook_url": hook, "webhook_secret": "bench-secret"}
            if kind == WatchKind.ENTITY:
                name = rng.choice(names)
                desk.entities.names[_entity_id(name)] = name
                storage.add_watchlist(user, kind, str(_entity_id(name)), name, new, **extra)
            elif kind == WatchKind.QUERY:
                picked = rng.sample(words, rng.choice((1, 2, 2, 3)))
                query = f'"{picked[0]} {picked[1]}"' if len(picked) == 2 and rng.random() < 0.2 else " ".join(picked)
                parsed, keys = query_index(storage, query)
                storage.add_watchlist(user, kind, query, query, new, terms=keys, query_terms=parsed, **extra)
            else:
                story_id = rng.choice(stories)
                storage.add_watchlist(user, kind, str(story_id), f"story {story_id}", both,
                                      story_sources=len(desk.members.get(story_id, [])), **extra)


def _fresh_desk(tmp: Path, name: str, history: list[GeneratedArticle], batch: int) -> tuple[Storage, StreamDesk]:
    storage = open_storage(str(tmp / f"{name}.db"))
    for u in range(USERS):
        storage.add_user(f"reader{u}", "!", Role.READER, fever_key=None, session_generation="g",
                         read_before=history[0].published)
    desk = StreamDesk(storage, EntityMap())
    for start in range(0, len(history), 256):
        desk.add(history[start:start + 256])
    return storage, desk


def run_matching(stream: list[GeneratedArticle], history: list[GeneratedArticle], count: int, tmp: Path,
                 batch: int, seed: int, silent: bool = False) -> dict:
    storage, desk = _fresh_desk(tmp, f"match-{count}-{silent}", history, batch)
    try:
        _watchlists(storage, desk, count, history + stream, random.Random(seed), silent=silent)
        matcher = Matcher(storage, Settings(), entities=desk.entities)
        matcher.match([])                                  # the first call's recovery check, outside the clock
        seconds, writing, decided, candidates, verified = 0.0, 0.0, 0, 0, 0
        for start in range(0, len(stream), batch):
            ids = desk.add(stream[start:start + batch])
            began = time.perf_counter()
            report = matcher.match(ids)
            seconds += time.perf_counter() - began
            writing += report.write_seconds
            decided += len(report.decided)
            candidates += report.candidates
            verified += report.verified
        n = max(1, len(stream))
        return {"watchlists": count, "silent": silent, "articles": len(stream), "ms_per_article": round(1000 * seconds / n, 3),
                "finding_ms_per_article": round(1000 * (seconds - writing) / n, 3),
                "storing_ms_per_alert": round(1000 * writing / decided, 3) if decided else None, "alerts": decided, "candidates_per_article": round(candidates / n, 2),
                "verified_per_article": round(verified / n, 2)}
    finally:
        storage.close()


class Receiver:
    """Webhooks on 127.0.0.1: when each arrived, and for which article."""

    def __init__(self):
        self.received: list[tuple[float, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((time.time(), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_delay(stream: list[GeneratedArticle], history: list[GeneratedArticle], count: int, hooks: int, rate: float,
              tmp: Path, seed: int) -> dict:
    receiver = Receiver()
    storage, desk = _fresh_desk(tmp, "delay", history, 64)
    settings = Settings(db=str(tmp / "delay.db"), fetch_allow="127.0.0.1/32", alert_poll_seconds=1.0)
    worker = DeliveryWorker(settings).start()
    try:
        _watchlists(storage, desk, count, history + stream, random.Random(seed), hook=receiver.url, hooks=hooks)
        matcher = Matcher(storage, settings, entities=desk.entities, on_decided=worker.wake)
        matcher.match([])
        tick = 0.2
        per_tick = max(1, round(rate * tick))
        began = time.perf_counter()
        for k, start in enumerate(range(0, len(stream), per_tick)):
            time.sleep(max(0.0, began + k * tick - time.perf_counter()))
            matcher.match(desk.add(stream[start:start + per_tick]))
        feed_seconds = time.perf_counter() - began
        expected = storage.db.query("SELECT COUNT(*) AS n FROM alert_deliveries")[0]["n"]
        deadline = time.monotonic() + 60
        while len(receiver.received) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        delays = sorted(1000 * (at - desk.stored_at[p["article"]["id"]]) for at, p in receiver.received
                        if p.get("article") and p["article"]["id"] in desk.stored_at)
    finally:
        worker.stop()
        storage.close()
        receiver.close()

    def pct(q: float) -> float:
        return round(delays[min(len(delays) - 1, int(q * len(delays)))], 1) if delays else 0.0
    return {"watchlists": count, "hooks": hooks, "articles": len(stream), "rate": rate,
            "feed_seconds": round(feed_seconds, 1), "webhooks_expected": expected, "webhooks_received": len(delays),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "max_ms": round(delays[-1], 1) if delays else 0.0}


def run_alerts_bench(articles: int = 5000, history: int = 1000, sizes: tuple[int, ...] = (100, 1000, 10_000),
                     batch: int = 64, delay_articles: int = 1000, rate: float = 20.0, hooks: int = 500,
                     seed: int = 7, say: Say | None = None) -> dict:
    say = say or (lambda _: None)
    generated = generate_articles(history + articles, seed=seed)
    past, stream = generated[:history], generated[history:]
    result: dict = {"matching": []}
    with tempfile.TemporaryDirectory() as tmp:
        for count in sizes:
            say(f"  matching {len(stream)} articles against {count} watchlists …")
            row = run_matching(stream, past, count, Path(tmp), batch, seed)
            result["matching"].append(row)
            say(f"  {count} watchlists: {row['ms_per_article']} ms/article, {row['alerts']} alerts")
        if sizes:
            count = max(sizes)
            say(f"  matching {len(stream)} articles against {count} watchlists that match none of them …")
            row = run_matching(stream, past, count, Path(tmp), batch, seed, silent=True)
            result["silent"] = row
            say(f"  {count} silent watchlists: {row['ms_per_article']} ms/article, {row['alerts']} alerts")
        if delay_articles and sizes:
            count = max(sizes)
            say(f"  delay: {delay_articles} articles at {rate:g}/s, {count} watchlists, {min(hooks, count)} webhooks …")
            result["delay"] = run_delay(stream[:delay_articles], past, count, min(hooks, count), rate, Path(tmp), seed)
    rows = result["matching"]
    if len(rows) > 1 and rows[0]["ms_per_article"] > 0:
        result["growth"] = round(rows[-1]["ms_per_article"] / rows[0]["ms_per_article"], 2)
    return result
