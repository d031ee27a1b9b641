"""Kill -9 the running desk at random moments, restart it, and check that nothing was lost or half-written.

    .venv/bin/python tests/crash/harness.py --kills 50 --articles 1500 --feeds 20

runs an uninterrupted reference ingest, then the kill series against `newsdesk run` (the daemon: web desk
and poller in one process), then one uninterrupted `newsdesk fetch --all` to finish, and compares. Prints
the figures and every problem found; exit code 1 when there is one. tests/crash/test_crash_safety.py runs
the same at CI size."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from newsdesk.storage import open_storage  # noqa: E402
from tests.crash.site import CrashSite  # noqa: E402


def desk_env(db: Path, home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, NEWSDESK_DB=str(db), NEWSDESK_CONFIG=str(home / "none.toml"), XDG_DATA_HOME=str(home),
               NEWSDESK_FETCH_ALLOW="127.0.0.1/32", NEWSDESK_PER_HOST_DELAY="0", NEWSDESK_PER_HOST_CONCURRENCY="8",
               NEWSDESK_MAX_PARALLEL_SOURCES="20", NEWSDESK_EXTRACT_WORKERS="1", NEWSDESK_POLL_INTERVAL="1",
               NEWSDESK_ADMIN_PASSWORD="crash-test-password", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def newsdesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk", *args]


def subscribe(db: Path, feed_urls: list[str]) -> None:
    storage = open_storage(str(db))
    try:
        for url in feed_urls:
            storage.add_source(url)
    finally:
        storage.close()


@contextmanager
def _read(db: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        yield conn
    finally:
        conn.close()


def articles(db: Path) -> set[tuple[str, str]]:
    """(url, text hash) of every stored article."""
    with _read(db) as conn:
        return set(conn.execute("SELECT url, text_hash FROM articles").fetchall())


def _progress(conn: sqlite3.Connection) -> tuple:
    return conn.execute("SELECT (SELECT COALESCE(MAX(id), 0) FROM fetch_log), (SELECT COUNT(*) FROM story_articles), "
                        "(SELECT MAX(page_written_at) FROM stories), (SELECT COUNT(*) FROM articles)").fetchone()


@dataclass
class KillLog:
    kills: int = 0
    seconds: float = 0.0
    delays: list[float] = field(default_factory=list)
    articles_at_kill: list[int] = field(default_factory=list)
    exited_early: int = 0
    output_tail: str = ""


def kill_series(db: Path, env: dict[str, str], kills: int, rng: random.Random, max_delay: float = 2.0,
                log: KillLog | None = None) -> KillLog:
    """Start the daemon, wait until it writes, let it run a random while, SIGKILL it; `kills` times."""
    log = log or KillLog()
    started = time.monotonic()
    for _ in range(kills):
        with _read(db) as conn:
            before = _progress(conn)
            proc = subprocess.Popen(newsdesk("run", "--host", "127.0.0.1", "--port", "0"), env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None and _progress(conn) == before:
                time.sleep(0.02)
            delay = rng.uniform(0.2, max_delay)
            time.sleep(delay)
            if proc.poll() is not None:
                log.exited_early += 1
                log.output_tail = proc.stdout.read().decode("utf-8", "replace")[-2000:]
            else:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
            try:   # worker processes the daemon may have started die with it, as under a service manager
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            log.kills += 1
            log.delays.append(round(delay, 3))
            log.articles_at_kill.append(_progress(conn)[3])
    log.seconds = round(time.monotonic() - started, 1)
    return log


def check(db: Path, stories: bool = True) -> list[str]:
    """Every way the database could be broken, damaged or half-written after crashes; [] when none
    (`stories=False`: the articles only, for a desk that does not group)."""
    problems: list[str] = []
    with _read(db) as conn:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        integrity = q("PRAGMA integrity_check")
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:5]}")
        if broken := q("PRAGMA foreign_key_check"):
            problems.append(f"foreign_key_check: {broken[:5]}")
        if rows := q("SELECT url, COUNT(*) FROM articles GROUP BY url HAVING COUNT(*) > 1"):
            problems.append(f"duplicate urls: {rows[:5]}")
        if rows := q("SELECT text_hash, COUNT(*) FROM articles a WHERE NOT EXISTS "
                     "(SELECT 1 FROM copies c WHERE c.copy_id = a.id) GROUP BY text_hash HAVING COUNT(*) > 1"):
            problems.append(f"the same text stored twice, not marked as a copy: {rows[:5]}")
        if rows := q("SELECT f.id, f.url, f.article_id FROM fetch_log f WHERE f.article_id IS NOT NULL AND "
                     "f.outcome IN ('new', 'copy', 'updated', 'unchanged') AND "
                     "(SELECT COUNT(*) FROM articles a WHERE a.id = f.article_id AND a.url = f.url) != 1"):
            problems.append(f"fetch log reports articles that are not stored exactly once: {rows[:5]}")
        if rows := q("SELECT a.id FROM articles a WHERE a.revision_count != "
                     "(SELECT COUNT(*) FROM revisions r WHERE r.article_id = a.id)"):
            problems.append(f"articles whose revisions are missing: {rows[:5]}")
        if rows := q("SELECT a.id FROM articles a WHERE a.shingle_count > 0 AND NOT EXISTS "
                     "(SELECT 1 FROM lsh_bands b WHERE b.article_id = a.id)"):
            problems.append(f"articles without their LSH bands: {rows[:5]}")
        if not stories:
            return problems
        if rows := q("SELECT sa.article_id, sa.story_id FROM story_articles sa LEFT JOIN stories s ON s.id = sa.story_id "
                     "WHERE s.id IS NULL OR s.merged_into IS NOT NULL"):
            problems.append(f"story_articles rows pointing at no live story: {rows[:5]}")
        if rows := q("SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM story_articles sa WHERE "
                     "sa.article_id = a.id) AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.copy_id = a.id)"):
            problems.append(f"{len(rows)} articles in no story, e.g. {rows[:5]}")
        if rows := q("SELECT s.id FROM stories s WHERE s.merged_into IS NULL AND NOT EXISTS "
                     "(SELECT 1 FROM story_articles sa WHERE sa.story_id = s.id)"):
            problems.append(f"{len(rows)} empty stories, e.g. {rows[:5]}")
        if rows := q("SELECT s.id, s.article_count, (SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = s.id) "
                     "AS n FROM stories s WHERE s.merged_into IS NULL AND (s.page_json IS NULL OR s.article_count != "
                     "(SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = s.id))"):
            problems.append(f"{len(rows)} story pages missing or not matching their articles: {rows[:5]}")
        for story_id, page in q("SELECT id, page_json FROM stories WHERE page_json IS NOT NULL"):
            try:
                json.loads(page)
            except ValueError:
                problems.append(f"story {story_id}: page_json is not valid JSON")
                break
        if q("SELECT COUNT(*) FROM articles")[0][0] and not q("SELECT 1 FROM grouper_state"):
            problems.append("no grouper state saved")
    return problems


@dataclass
class CrashRun:
    reference: set[tuple[str, str]]
    result: set[tuple[str, str]]
    problems: list[str]
    log: KillLog
    reference_seconds: float
    finish_seconds: float

    @property
    def missing(self) -> set[tuple[str, str]]:
        return self.reference - self.result

    @property
    def extra(self) -> set[tuple[str, str]]:
        return self.result - self.reference


def crash_run(workdir: Path, *, kills: int, articles_n: int, feeds: int, seed: int = 1,
              max_delay: float = 2.0, **env_extra: str) -> CrashRun:
    rng = random.Random(seed)
    with CrashSite(articles_n, feeds) as site:
        ref_db, db = workdir / "reference.db", workdir / "crashed.db"
        for path in (ref_db, db):
            subscribe(path, site.feed_urls)
        started = time.monotonic()
        done = subprocess.run(newsdesk("fetch", "--all"), env=desk_env(ref_db, workdir, NEWSDESK_STORIES="false",
                                                                       **env_extra),
                              capture_output=True, text=True, timeout=1800)
        if done.returncode:
            raise RuntimeError(f"reference run failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
        reference_seconds = time.monotonic() - started
        env = desk_env(db, workdir, **env_extra)
        log = kill_series(db, env, kills, rng, max_delay)
        started = time.monotonic()
        done = subprocess.run(newsdesk("fetch", "--all"), env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode:
            raise RuntimeError(f"finishing run failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
        finish_seconds = time.monotonic() - started
        return CrashRun(articles(ref_db), articles(db), check(db), log, round(reference_seconds, 1),
                        round(finish_seconds, 1))


def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description="kill -9 the desk N times during a large ingest")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=6.0, help="longest run before a kill, seconds")
    parser.add_argument("--workers", type=int, default=1, help="extraction processes (1 = a thread)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run = crash_run(Path(tmp), kills=args.kills, articles_n=args.articles, feeds=args.feeds, seed=args.seed,
                        max_delay=args.max_delay, NEWSDESK_EXTRACT_WORKERS=str(args.workers))
    log = run.log
    print(f"reference: {len(run.reference)} articles in {run.reference_seconds} s (uninterrupted)")
    print(f"kill series: {log.kills} kills in {log.seconds} s; {log.exited_early} exited on their own; "
          f"articles stored at each kill: {log.articles_at_kill}")
    print(f"finishing run: {run.finish_seconds} s; {len(run.result)} articles; "
          f"{len(run.missing)} missing, {len(run.extra)} extra")
    for problem in run.problems:
        print("PROBLEM:", problem)
    ok = not run.problems and not run.missing and not run.extra and not log.exited_early
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
