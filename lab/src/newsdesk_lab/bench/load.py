"""`newsdesk bench load`: many concurrent readers on the home, story and search pages of a desk that is
ingesting at the same time, served the way `make run` serves it.

The server is `newsdesk run` in its own process (web desk and feed scheduler on one event loop, extraction in
its worker processes): what a self-hosted desk runs in production, and the harder case, since polling,
extraction, grouping and story pages compete with the readers for the same process. Its database is a desk
filled with generated articles and stories (`bench.web.fill_desk`) and subscribed to feeds of generated news
pages that a local server (`bench.ingest.BenchServer`) serves on 127.0.0.1, so a real ingest — fetch,
extract, dedupe, store, group, write story pages — writes to the database the readers read. The readers are
asyncio clients in a separate process, each with one keep-alive connection and a per-request timeout. The
resident memory of the server and its worker processes is sampled from /proc throughout.

Over 400 lines because it is one experiment read top to bottom: the readers, the /proc sampling, the desk
process and the run that ties them together."""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsdesk.storage import open_storage

# bench.ingest and bench.web are imported where used: the readers' process imports this module and should
# start quickly.
PAGE_MIX = {"home": 0.3, "story": 0.45, "search": 0.25}


# -- the load generator (runs in its own process) ----------------------------------------------------------------

@dataclass
class Readers:
    port: int
    clients: int
    duration: float
    warmup: float
    timeout: float
    story_ids: list[int]
    queries: list[str]
    seed: int = 1


class _Closed(Exception):
    """The server closed the connection before a whole response arrived."""


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, connection kept open) of one HTTP/1.1 response, its body read and dropped."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        raise _Closed("connection closed before the response") from exc
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection") != "close"


def _path(kind: str, plan: Readers, rng) -> str:
    if kind == "home":
        return "/" if rng.random() < 0.8 else f"/?page={rng.randint(2, 5)}"
    if kind == "story":
        return f"/stories/{rng.choice(plan.story_ids)}"
    return "/search?q=" + urllib.parse.quote_plus(rng.choice(plan.queries))


async def _read_load(plan: Readers) -> dict:
    import random

    kinds, weights = list(PAGE_MIX), list(PAGE_MIX.values())
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    counts = {k: {"requests": 0, "errors": 0, "timeouts": 0} for k in kinds}
    samples: list[str] = []
    start = time.perf_counter()
    measure_from, stop = start + plan.warmup, start + plan.warmup + plan.duration

    async def one(connection, path: str):
        if connection is None:
            connection = await asyncio.open_connection("127.0.0.1", plan.port)
        reader, writer = connection
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n".encode())
        status, keep = await _response(reader)
        return connection, status, keep

    async def client(number: int) -> None:
        rng = random.Random(plan.seed * 100_003 + number)
        connection = None
        while time.perf_counter() < stop:
            kind = rng.choices(kinds, weights)[0]
            path = _path(kind, plan, rng)
            began = time.perf_counter()
            failure, timed_out = None, False
            try:
                connection, status, keep = await asyncio.wait_for(one(connection, path), plan.timeout)
                if not keep:
                    connection[1].close()
                    connection = None
                # a story merged into another answers with a redirect to it: a right answer
                if not (status == 200 or (kind == "story" and status == 301)):
                    failure = f"HTTP {status} {path}"
            except asyncio.TimeoutError:
                timed_out, failure = True, f"timeout after {plan.timeout:g} s: {path}"
            except (OSError, _Closed, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                    IndexError) as exc:
                failure = f"{type(exc).__name__} {path}: {exc}"
            if failure is not None and connection is not None:
                connection[1].close()
                connection = None
            ended = time.perf_counter()
            counts[kind]["requests"] += 1
            if timed_out:
                counts[kind]["timeouts"] += 1
            elif failure:
                counts[kind]["errors"] += 1
            elif began >= measure_from and ended <= stop:
                latencies[kind].append((ended - began) * 1000)
            if failure and len(samples) < 10:
                samples.append(failure)
        if connection is not None:
            connection[1].close()

    began = time.time()
    await asyncio.gather(*(client(k) for k in range(plan.clients)))
    return {"latencies": latencies, "counts": counts, "samples": samples, "began": began,
            "measured_from": began + plan.warmup, "ended": time.time()}


def _readers_process(plan: Readers, out) -> None:
    out.put(asyncio.run(_read_load(plan)))


def read_load(plan: Readers) -> dict:
    """Run the readers in a separate process, so they do not share an interpreter with the server."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    process = ctx.Process(target=_readers_process, args=(plan, out), daemon=True)
    process.start()
    try:
        return out.get(timeout=plan.warmup + plan.duration + plan.timeout + 120)
    finally:
        process.join(10)
        if process.is_alive():
            process.terminate()


# -- watching the server --------------------------------------------------------------------------------------

def _kb(path: Path, field: str) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(c) for c in children.read_text().split())
            except (OSError, ValueError):
                pass
    return found


def tree_memory_kb(pid: int) -> tuple[int, int, int, int]:
    """(VmRSS of `pid`, VmRSS summed over it and its descendants, Pss summed likewise in KiB, processes). The
    RSS sum counts pages shared by forked workers once per process; the PSS sum divides them among sharers."""
    own, rss, pss, members = tree_memory_by_process_kb(pid)
    return own, rss, pss, len(members)


def tree_memory_by_process_kb(pid: int) -> tuple[int, int, int, dict[int, int]]:
    """As `tree_memory_kb`, with the VmRSS of each process of the tree instead of their count."""
    own = rss = pss = 0
    members: dict[int, int] = {}
    for member in process_tree(pid):
        value = _kb(Path(f"/proc/{member}/status"), "VmRSS") or 0
        members[member] = value
        rss += value
        if member == pid:
            own = value
        pss += _kb(Path(f"/proc/{member}/smaps_rollup"), "Pss") or 0
    return own, rss, pss, members


def process_role(pid: int) -> str:
    """A short name for a process of the desk's tree: its command line without the interpreter's path."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"pid {pid}"
    words = [w.decode("utf-8", "replace") for w in words if w]
    if words and "python" in Path(words[0]).name:
        words = words[1:]
    if words:
        words[0] = Path(words[0]).name
    return " ".join(words)[:80] or f"pid {pid}"


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU time used so far by `pid` and its living descendants."""
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


class Watcher:
    """Samples the memory and CPU time of the desk's processes (every `interval` s; the first one is the web
    server) and the desk's article count (every second)."""

    def __init__(self, pids: list[int], db: str, interval: float = 0.25):
        self.pids, self.db, self.interval = pids, db, interval
        self.samples: list[tuple[float, int, int, int, int, float]] = []  # time, server RSS, RSS, PSS, procs, CPU
        self.by_process: list[tuple[float, dict[int, int]]] = []            # time, VmRSS KiB of each process
        self.roles: dict[int, str] = {}
        self.articles: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Watcher":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)

    def article_count(self, at: float | None = None) -> int:
        """Articles held at time `at` (the last count taken by then), or now."""
        counts = [n for t, n in self.articles if at is None or t <= at]
        return counts[-1] if counts else (self.articles[0][1] if self.articles else 0)

    def _run(self) -> None:
        storage = open_storage(self.db)
        try:
            last_count = 0.0
            while not self._stop.is_set():
                now = time.time()
                trees = [tree_memory_by_process_kb(pid) for pid in self.pids if os.path.exists(f"/proc/{pid}")]
                if trees:
                    each = {member: kb for t in trees for member, kb in t[3].items()}
                    for member in each.keys() - self.roles.keys():
                        self.roles[member] = process_role(member)
                    self.by_process.append((now, each))
                    self.samples.append((now, trees[0][0], sum(t[1] for t in trees), sum(t[2] for t in trees),
                                         len(each), sum(tree_cpu_seconds(p) for p in self.pids)))
                if now - last_count >= 1.0:
                    try:
                        self.articles.append((now, storage.count_articles()))
                    except Exception:     # a busy database is the server's business; count again next second
                        pass
                    last_count = now
                self._stop.wait(self.interval)
        finally:
            storage.close()

    def memory(self, since: float, until: float) -> dict:
        window = [s for s in self.samples if since <= s[0] <= until] or self.samples
        if not window:
            return {}
        mb = lambda kb: round(kb / 1024, 1)  # noqa: E731
        first_tenth = window[:max(1, len(window) // 10)]
        last_tenth = window[-max(1, len(window) // 10):]
        return {"peak_rss_mb": mb(max(s[2] for s in window)), "peak_server_rss_mb": mb(max(s[1] for s in window)),
                "peak_pss_mb": mb(max(s[3] for s in window)),
                "rss_first_tenth_mb": mb(sum(s[2] for s in first_tenth) / len(first_tenth)),
                "rss_last_tenth_mb": mb(sum(s[2] for s in last_tenth) / len(last_tenth)),
                "processes_max": max(s[4] for s in window),
                "peak_rss_whole_run_mb": mb(max(s[2] for s in self.samples)),
                "cpu_seconds": round(window[-1][5] - window[0][5], 1),
                "samples": len(window),
                "rss_by_tenth_mb": [mb(sum(s[2] for s in part) / len(part)) for part in _tenths(window)],
                "rss_by_process_tenths_mb": self.process_tenths(since, until)}

    def process_tenths(self, since: float, until: float) -> dict[str, list[float | None]]:
        """Each process's mean VmRSS over each tenth of the window (None where it was not running), keyed by
        pid and role."""
        window = [s for s in self.by_process if since <= s[0] <= until] or self.by_process
        pids = sorted({pid for _, each in window for pid in each})
        out: dict[str, list[float | None]] = {}
        for pid in pids:
            row: list[float | None] = []
            for part in _tenths(window):
                values = [each[pid] for _, each in part if pid in each]
                row.append(round(sum(values) / len(values) / 1024, 1) if values else None)
            out[f"{pid} {self.roles.get(pid, '')}".strip()] = row
        return out


def _tenths(items: list) -> list[list]:
    """`items` cut into ten consecutive parts of near-equal size (fewer when there are fewer than ten)."""
    parts = min(10, len(items))
    return [items[len(items) * k // parts:len(items) * (k + 1) // parts] for k in range(parts)]


# -- the server ---------------------------------------------------------------------------------------------------

class DeskProcess:
    """`newsdesk COMMAND` over `db` in its own session, its output in `log`; `run` and `serve` listen on
    127.0.0.1 (any free port) and are ready once they answer."""

    def __init__(self, command: str, db: str, log: Path, env: dict[str, str]):
        self.command, self.db, self.log, self.env = command, db, log, env
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> "DeskProcess":
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newsdesk", self.command,
                 *(("--host", "127.0.0.1", "--port", "0") if self.command in ("run", "serve") else ())],
                env={**os.environ, **self.env, "NEWSDESK_DB": self.db}, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        if self.command not in ("run", "serve"):
            return self
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"`newsdesk {self.command}` exited with status {self.process.returncode}: "
                                   f"{self.output()[-2000:]}")
            found = re.search(r"open http://127\.0\.0\.1:(\d+)/", self.output())
            if found and self._answers(int(found.group(1))):
                self.port = int(found.group(1))
                return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"`newsdesk {self.command}` did not answer within 120 s: {self.output()[-2000:]}")

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    @staticmethod
    def _answers(port: int) -> bool:
        async def get() -> int:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                return (await _response(reader))[0]
            finally:
                writer.close()
        try:
            return asyncio.run(asyncio.wait_for(get(), 30)) == 200
        except (OSError, asyncio.TimeoutError, _Closed, ValueError, IndexError):
            return False

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(5)       # a poll under way is finished first; do not wait for long
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


# -- the whole benchmark ------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def summarize(raw: dict, duration: float) -> dict:
    pages = {}
    for kind, counts in raw["counts"].items():
        values = raw["latencies"][kind]
        pages[kind] = {**counts, "p50_ms": round(percentile(values, 50), 1),
                       "p95_ms": round(percentile(values, 95), 1), "p99_ms": round(percentile(values, 99), 1)}
    every = [v for values in raw["latencies"].values() for v in values]
    requests = sum(p["requests"] for p in pages.values())
    measured = len(every)
    return {"requests": requests, "errors": sum(p["errors"] for p in pages.values()),
            "timeouts": sum(p["timeouts"] for p in pages.values()),
            "requests_per_s": round(measured / duration, 1) if duration else 0.0,
            "p50_ms": round(percentile(every, 50), 1), "p95_ms": round(percentile(every, 95), 1),
            "p99_ms": round(percentile(every, 99), 1), "max_ms": round(max(every), 1) if every else float("nan"),
            "pages": pages, "first_errors": raw["samples"]}


def fill_cache_path(articles: int, stories: int) -> Path:
    return Path(tempfile.gettempdir()) / "newsdesk-bench-load" / f"fill-v3-{articles}-{stories}.db"   # v3: lead vectors as means of sentence vectors


def _fill_of(db: str) -> dict | None:
    import json

    from newsdesk_lab.bench.web import FILL_KEY
    storage = open_storage(db)
    try:
        raw = storage.get_setting(FILL_KEY)
        return json.loads(raw) if raw else None
    finally:
        storage.close()


def prepare_desk(target: Path, articles: int, stories: int, reuse: bool,
                 say: Callable[[str], None]) -> tuple[dict, bool]:
    """A filled desk at `target` (a copy of the cached fill with `reuse`). Returns (fill figures, reused)."""
    from newsdesk_lab.bench.web import fill_desk

    cache = fill_cache_path(articles, stories)
    if reuse and cache.exists():
        fill = _fill_of(str(cache))
        if fill and fill.get("articles") == articles and fill.get("stories") == stories:
            shutil.copy(cache, target)
            return fill, True
    say(f"Filling a desk with {articles} generated articles in {stories} stories …")
    storage = open_storage(str(target))
    try:
        fill = fill_desk(storage, articles, stories, article_vectors=True)
        # A running desk has its grouper's checkpoint: without one, the desk under test would first replay
        # every stored article, a one-off cost of minutes that is not what this bench measures.
        say("Building the story grouper's checkpoint for the filled desk …")
        from newsdesk.pipeline import StoryGrouper
        StoryGrouper(storage).checkpoint(force=True)
    finally:
        storage.close()            # the last connection closing folds the WAL into the file
    if reuse:
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(target, str(cache) + ".part")
        os.replace(str(cache) + ".part", cache)
    return fill, False


def _subscribe(db: str, base_url: str, feed_paths: list[str]) -> tuple[list[int], int]:
    """Disable the fill's invented sources (they name hosts that do not exist), subscribe to the local feeds.
    Returns (a sample of story ids, articles held)."""
    storage = open_storage(db)
    try:
        for source in storage.list_sources():
            storage.update_source(source.id, enabled=False, disabled_reason="bench: generated articles only")
        for path in feed_paths:
            storage.add_source(base_url + path)
        story_ids = [s.id for s in storage.top_stories(limit=2000)]
        return story_ids, storage.count_articles()
    finally:
        storage.close()


def run_load_bench(*, clients: int = 200, duration: float = 60.0, articles: int = 20_000, stories: int = 4_000,
                   pages: int = 3_000, feeds: int = 20, timeout: float = 10.0, warmup: float = 3.0,
                   mode: str = "run", reuse: bool = False, say: Callable[[str], None] = lambda _: None) -> dict:
    from newsdesk_lab.bench.ingest import BenchServer
    from newsdesk_lab.bench.web import query_mix

    if clients < 1 or duration <= 0 or timeout <= 0 or pages < 1 or feeds < 1:
        raise ValueError("--clients, --duration, --timeout, --pages and --feeds must be positive")
    if mode not in ("run", "split"):
        raise ValueError(f"--mode is `run` or `split`, not {mode!r}")
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-bench-load-"))
    try:
        db = str(tmp / "desk.db")
        fill, reused = prepare_desk(Path(db), articles, stories, reuse, say)
        say(f"Serving {pages} generated news pages in {feeds} feeds on 127.0.0.1 …")
        with BenchServer(pages, feeds) as feed_server:
            story_ids, held = _subscribe(db, feed_server.base_url, feed_server.feed_paths)
            # The feed server is one host standing in for the many a desk polls: per-host pacing is relaxed so
            # that the ingest runs as fast as the desk can take it (heavier than production, never lighter).
            env = {"NEWSDESK_FETCH_ALLOW": "127.0.0.1/32", "NEWSDESK_PER_HOST_DELAY": "0",
                   "NEWSDESK_PER_HOST_CONCURRENCY": "8", "NEWSDESK_RESPECT_ROBOTS": "true"}
            say("Starting `newsdesk run` (web desk and scheduler in one process) …" if mode == "run" else
                "Starting `newsdesk serve` and, beside it, `newsdesk fetch` on the same database …")
            started = time.time()
            with contextlib.ExitStack() as stack:
                desk = stack.enter_context(DeskProcess("run" if mode == "run" else "serve", db, tmp / "web.log", env))
                pids = [desk.process.pid]
                if mode == "split":
                    pids.append(stack.enter_context(DeskProcess("fetch", db, tmp / "fetch.log", env)).process.pid)
                watcher = stack.enter_context(Watcher(pids, db))
                deadline = time.monotonic() + 120
                while watcher.article_count() <= held and time.monotonic() < deadline:
                    time.sleep(0.2)          # the readers start once the ingest is storing articles
                if watcher.article_count() <= held:
                    raise RuntimeError(f"the desk stored nothing within 120 s: {desk.output()[-2000:]}")
                say(f"Ingest under way; {clients} readers for {duration:g} s (+{warmup:g} s warm-up), "
                    f"timeout {timeout:g} s …")
                raw = read_load(Readers(port=desk.port, clients=clients, duration=duration, warmup=warmup,
                                        timeout=timeout, story_ids=story_ids, queries=query_mix()))
                load_began, load_ended = raw["began"], raw["ended"]
                say("Readers done; stopping the desk …")
                time.sleep(1.1)
                at_load_start, at_load_end = watcher.article_count(load_began), watcher.article_count()
                growth = [t for (t, n), (_, before) in zip(watcher.articles[1:], watcher.articles) if n > before]
                memory = watcher.memory(load_began, load_ended)
                server_output = "".join(Path(p).read_text(errors="replace") for p in tmp.glob("*.log"))
        result = summarize(raw, duration)
        result.update(memory)
        ingesting = [t for t in growth if load_began <= t <= load_ended + 1.1]
        result.update({
            "ok": result["errors"] == 0 and result["timeouts"] == 0,
            "articles_ingested_during_load": at_load_end - at_load_start,
            "articles_ingested_total": at_load_end - held,
            "ingest_seconds_during_load": round(max(ingesting) - load_began, 1) if ingesting else 0.0,
            "server_start_s": round(load_began - started, 1), "load_window_s": round(load_ended - load_began, 1),
            "poll_errors": len(re.findall(r"poll failed", server_output)), "mode": mode,
            "server_cpu_share": round(result.get("cpu_seconds", 0.0) / max(1e-9, load_ended - load_began), 2),
            "clients": clients, "duration_s": duration, "warmup_s": warmup, "timeout_s": timeout,
            "articles": fill["articles"], "stories": fill["stories"], "reused_fill": reused,
            "feed_pages": pages, "feeds": feeds, "load_average": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count()})
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
