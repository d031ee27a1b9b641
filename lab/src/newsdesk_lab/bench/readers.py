"""`newsdesk bench readers`: many readers with reading state over a large desk; the latency of what they ask for
most (the home page with their unread counts, a Fever `items` call of 50 items, and a Google Reader
`stream/contents` call of 100 items where the desk serves that API) over HTTP against `newsdesk serve` on
127.0.0.1, the unread-count query alone, and the storage each mark takes.

The desk is the web benchmark's generated one (bench.web.fill_desk); the users and their state are written
straight through storage: one password hash shared by every user (hashing is not what is measured), each user's
"mark all as read" somewhere in the desk's history (most read daily, a few have weeks unread), articles marked
read after it, a few marked unread before it, a few starred, stories read with the articles they had. Articles
are first seen when published, over the desk's month (a fill made before that was dated is still used, and
said so). One more reader, added when measuring, has never marked anything read: the whole desk is unread.

With `rules`, every reader also has an own view to apply while measuring (and only then): a folder and a source
hidden, two words blocked, a source kept (alerts.own_view); the rules go again when the run ends."""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx

from newsdesk.accounts import fever_key, hash_password
from newsdesk.alerts import own_view
from newsdesk.model import Role, RuleAction, RuleKind, User
from newsdesk.storage import Storage, open_storage
from newsdesk_lab.bench.web import WebServer, fill_desk

FILL_KEY = "bench.readers.fill"
PASSWORD = "bench reader password"
READER_PREFIX = "reader"
BACKLOG_READER = "reader-backlog"
STREAM = "/reader/api/0/stream/contents/user/-/state/com.google/reading-list"


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def _figures(values: list[float]) -> dict:
    return {"requests": len(values), "p50_ms": round(_percentile(values, 50), 1),
            "p95_ms": round(_percentile(values, 95), 1), "max_ms": round(max(values), 1) if values else None}


# -- filling ---------------------------------------------------------------------------------------------------

def _window(rng: random.Random) -> float:
    """The share of the desk's history a reader has not marked all read: most read daily (a few per cent of a
    month), some fall a week or two behind, a few never mark anything."""
    kind = rng.random()
    if kind < 0.70:
        return rng.uniform(0.02, 0.10)
    if kind < 0.95:
        return rng.uniform(0.10, 0.40)
    return 1.0


def fill_readers(storage: Storage, users: int, *, seed: int = 17,
                 progress: Callable[[str, int, int], None] | None = None) -> dict:
    """`users` readers with reading state over the articles and stories the desk holds; returns what was
    written."""
    rng = random.Random(seed)
    first_id, last_id = storage.article_id_range()
    story_ids = storage.live_story_ids()
    if not story_ids or last_id < first_id:
        raise ValueError("the desk holds no articles or stories to read")
    members = storage.story_article_ids(story_ids)
    shared_hash = hash_password(PASSWORD)
    marks = story_reads = 0
    started = time.perf_counter()
    for n in range(users):
        name = f"{READER_PREFIX}{n}"
        boundary = first_id + int((last_id - first_id) * (1 - _window(rng)))
        seen_at = storage.get_article(boundary).first_seen_at
        with storage.transaction():
            user = storage.add_user(name, shared_hash, Role.READER, fever_key=fever_key(name, PASSWORD),
                                    session_generation=f"bench{n}", read_before=seen_at)
            span = last_id - boundary + 1
            read = rng.sample(range(boundary, last_id + 1), min(span, int(rng.paretovariate(1.2) * 25)))
            marks += storage.mark_articles(user.id, read, read=True)
            older = [rng.randint(first_id, boundary) for _ in range(rng.randint(0, 3))]
            marks += storage.mark_articles(user.id, older, read=False)
            starred = [rng.randint(first_id, last_id) for _ in range(rng.randint(0, 8))]
            marks += storage.mark_articles(user.id, starred, starred=True)
            for story_id in rng.sample(story_ids, min(len(story_ids), int(rng.paretovariate(1.3) * 8))):
                storage.mark_story_read(user.id, story_id, members.get(story_id, []))
                story_reads += 1
        if progress and (n + 1) % max(1, users // 5) == 0:
            progress("readers", n + 1, users)
    return {"users": users, "article_marks_written": marks, "story_reads_written": story_reads,
            "readers_seconds": round(time.perf_counter() - started, 1)}


def give_rules(storage: Storage, users: int) -> int:
    """Each reader hides a folder and a source, blocks two common words and keeps a source; the rules made."""
    sources = storage.list_sources(with_counts=False)
    folders = sorted({s.folder for s in sources if s.folder})
    titles = [a.title or "" for a in storage.list_articles(limit=200)]
    words = [w for w, _ in Counter(w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)).most_common(12)]
    made = 0
    for n in range(users):
        user = storage.user_named(f"{READER_PREFIX}{n}")
        with storage.transaction():
            if folders:
                storage.set_hidden(user.id, "folder", folders[n % len(folders)], True)
            storage.set_hidden(user.id, "source", str(sources[n % len(sources)].id), True)
            for word in (words[n % len(words)], words[(n + 5) % len(words)]):
                storage.add_rule(user.id, RuleAction.BLOCK, RuleKind.QUERY, word, word)
            kept = sources[(n + 1) % len(sources)]
            storage.add_rule(user.id, RuleAction.KEEP, RuleKind.SOURCE, str(kept.id), kept.name)
        made += 4
    return made


def drop_rules(storage: Storage, users: int) -> None:
    for n in range(users):
        user = storage.user_named(f"{READER_PREFIX}{n}")
        for rule in storage.rules(user.id):
            storage.delete_rule(user.id, rule.id)
        for kind, values in storage.hidden(user.id).items():
            for value in values:
                storage.set_hidden(user.id, kind, value, False)


def _filled(storage: Storage, articles: int, stories: int, users: int) -> dict | None:
    raw = storage.get_setting(FILL_KEY)
    figures = json.loads(raw) if raw else None
    if figures and (figures.get("articles"), figures.get("stories"), figures.get("users")) == (articles, stories, users):
        return figures
    return None


def reuse_path(articles: int, stories: int, users: int) -> Path:
    return Path(tempfile.gettempdir()) / "newsdesk-bench-readers" / f"desk-{articles}-{stories}-{users}.db"


# -- driving ---------------------------------------------------------------------------------------------------

def _timed(client: httpx.Client, count: int, request: Callable[[int], httpx.Request], warmup: int = 5
           ) -> tuple[list[float], list[str]]:
    latencies, errors = [], []
    for n in range(warmup + count):
        began = time.perf_counter()
        try:
            response = client.send(request(n))
            failed = None if response.status_code == 200 else f"HTTP {response.status_code} {response.url.path}"
        except httpx.HTTPError as exc:
            failed = f"{type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - began) * 1000
        if n >= warmup:
            latencies.append(elapsed)
            if failed:
                errors.append(failed)
    return latencies, errors


def _login(client: httpx.Client, name: str) -> bool:
    """Log in through the desk's login form when it takes a user name (the accounts web UI); False when the
    desk has only the single admin password."""
    form = client.get("/login")
    fields = set(re.findall(r'name="([^"]+)"', form.text))
    user_field = next((f for f in ("name", "username", "user", "login") if f in fields), None)
    if user_field is None:
        return False
    data = {user_field: name, "password": PASSWORD}
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if csrf:
        data["csrf"] = csrf.group(1)
    answer = client.post("/login", data=data, follow_redirects=False)
    return answer.status_code in (302, 303) and "/login" not in answer.headers.get("location", "/login")


def _greader_token(client: httpx.Client, name: str) -> str | None:
    answer = client.post("/accounts/ClientLogin", data={"Email": name, "Passwd": PASSWORD})
    found = re.search(r"^Auth=(\S+)", answer.text, re.M) if answer.status_code == 200 else None
    return found.group(1) if found else None


def measure(url: str, storage: Storage, users: int, requests: int, seed: int = 5,
            say: Callable[[str], None] = lambda _: None) -> dict:
    rng = random.Random(seed)
    first_id, last_id = storage.article_id_range()
    people = [storage.user_named(f"{READER_PREFIX}{n}") for n in range(users)]
    results: dict[str, dict] = {}
    errors: list[str] = []
    with httpx.Client(base_url=url, timeout=60) as client:
        def fever(kind: str):
            def request(_: int) -> httpx.Request:
                name = f"{READER_PREFIX}{rng.randrange(users)}"
                query = (f"since_id={rng.randint(first_id, max(first_id, last_id - 60))}" if kind == "articles"
                         else "max_id=0")
                return client.build_request("POST", f"/fever/?api&items&{query}",
                                            data={"api_key": fever_key(name, PASSWORD)})
            return request

        for kind in ("articles", "stories"):
            latencies, failed = _timed(client, requests, fever(kind))
            results[f"fever items ({kind}, 50)"] = _figures(latencies)
            errors += failed

        def unread_ids(_: int) -> httpx.Request:
            name = f"{READER_PREFIX}{rng.randrange(users)}"
            return client.build_request("POST", "/fever/?api&unread_item_ids",
                                        data={"api_key": fever_key(name, PASSWORD)})
        latencies, failed = _timed(client, requests, unread_ids)
        results["fever unread_item_ids"] = _figures(latencies)
        errors += failed

        logged_in = _login(client, people[0].name)
        latencies, failed = _timed(client, requests, lambda _: client.build_request("GET", "/"))
        results["home page" + (" (logged in)" if logged_in else " (anonymous)")] = _figures(latencies)
        errors += failed

        probe = client.get(STREAM)
        greader = probe.status_code != 404
        if greader:
            tokens = [t for t in (_greader_token(client, f"{READER_PREFIX}{n}") for n in range(min(users, 10))) if t]
            if tokens:
                latencies, failed = _timed(client, requests, lambda n: client.build_request(
                    "GET", f"{STREAM}?n=100", headers={"Authorization": f"GoogleLogin auth={tokens[n % len(tokens)]}"}))
                results["google reader stream/contents (100)"] = _figures(latencies)
                errors += failed
            else:
                errors.append("Google Reader API: ClientLogin gave no token")

    counts = []
    for user in rng.sample(people, min(len(people), requests)):
        began = time.perf_counter()
        storage.unread_counts(user.id, user.read_before, own_view(storage, user))
        counts.append((time.perf_counter() - began) * 1000)
    results["unread counts query (storage)"] = _figures(counts)
    backlog = backlog_reader(storage)
    counts = []
    for _ in range(requests):
        began = time.perf_counter()
        storage.unread_counts(backlog.id, backlog.read_before)
        counts.append((time.perf_counter() - began) * 1000)
    results["unread counts query (storage, whole desk unread)"] = _figures(counts)
    return {"latency": results, "errors": len(errors), "first_errors": errors[:10], "home_logged_in": logged_in,
            "google_reader": greader}


def backlog_reader(storage: Storage, seed: int = 23) -> User:
    """The reader who has never marked all read (their mark is before the desk's first article) and has read
    a few articles one by one: made on first use, so that a kept fill serves as it is."""
    user = storage.user_named(BACKLOG_READER)
    if user is not None:
        return user
    rng = random.Random(seed)
    first_id, last_id = storage.article_id_range()
    first_seen = storage.get_article(first_id).first_seen_at
    with storage.transaction():
        user = storage.add_user(BACKLOG_READER, hash_password(PASSWORD), Role.READER,
                                fever_key=fever_key(BACKLOG_READER, PASSWORD), session_generation="bench-backlog",
                                read_before=first_seen - timedelta(days=1))
        storage.mark_articles(user.id, rng.sample(range(first_id, last_id + 1), min(200, last_id - first_id + 1)),
                              read=True)
    return user


def storage_per_mark(storage: Storage) -> dict:
    marks_rows, marks_bytes = storage.table_size("article_marks")
    reads_rows, reads_bytes = storage.table_size("story_reads")
    rows = marks_rows + reads_rows
    return {"article_marks": marks_rows, "story_reads": reads_rows, "state_bytes": marks_bytes + reads_bytes,
            "bytes_per_mark": round((marks_bytes + reads_bytes) / rows, 1) if rows else None}


def run_readers_bench(*, articles: int = 100_000, stories: int = 20_000, users: int = 1000, requests: int = 200,
                      db: str | None = None, reuse: bool = False, workers: int = 0, rules: bool = False,
                      progress: Callable[[str, int, int], None] | None = None,
                      say: Callable[[str], None] = lambda _: None) -> dict:
    if users < 1 or requests < 1:
        raise ValueError("need at least one user and one request")
    tmp = None
    if db is None:
        if reuse:
            path = reuse_path(articles, stories, users)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                storage = open_storage(str(path))
                stale = _filled(storage, articles, stories, users) is None
                storage.close()
                if stale:
                    for old in path.parent.glob(path.name + "*"):
                        old.unlink()
        else:
            tmp = tempfile.mkdtemp(prefix="newsdesk-bench-readers-")
            path = Path(tmp) / "desk.db"
        db = str(path)
    try:
        storage = open_storage(db)
        try:
            fill = _filled(storage, articles, stories, users) if reuse else None
            reused = fill is not None
            if fill is None:
                if storage.count_articles():
                    raise ValueError(f"{db} already holds articles that are not this benchmark's fill: use an empty "
                                     "database, or --reuse with the same sizes")
                say(f"Filling the desk with {articles} generated articles in {stories} stories …")
                fill = fill_desk(storage, articles, stories, progress=progress, dated=True)
                say(f"Writing {users} readers and their reading state …")
                fill.update(fill_readers(storage, users, progress=progress))
                fill["users"] = users
                storage.set_setting(FILL_KEY, json.dumps(fill))
            if storage.db.dialect == "sqlite":
                storage.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            backlog_reader(storage)
            state = storage_per_mark(storage)
            if rules:
                say(f"Giving each of the {users} readers hidden sources and block and keep rules …")
                give_rules(storage, users)
            say(f"Serving the desk on 127.0.0.1; {requests} requests of each kind, one after another …")
            try:
                with WebServer(db, workers) as server:
                    measured = measure(f"http://127.0.0.1:{server.port}", storage, users, requests, say=say)
            finally:
                if rules:
                    drop_rules(storage, users)
        finally:
            storage.close()
        return {**measured, **state, "articles": fill["articles"], "stories": fill["stories"], "users": users,
                "fill_seconds": fill["fill_seconds"], "readers_seconds": fill.get("readers_seconds"),
                "reused_fill": reused, "dated_fill": bool(fill.get("dated")), "requests": requests, "rules": rules,
                "cpus": os.cpu_count(),
                "load_average": round(os.getloadavg()[0], 2)}
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
