"""Kill -9 the running desk at random moments, restart it, and check that nothing was lost or half-written,
and that nothing of the killed desk is left running.

    .venv/bin/python tests/crash/harness.py --kills 50 --articles 1500 --feeds 20 [--db postgresql://…]

runs an uninterrupted reference ingest, then the kill series against `newsdesk run --workers 2` (the daemon:
poller here, web pages in two worker processes) on one fixed port, then one uninterrupted `newsdesk fetch
--all` to finish, and compares. After each kill: no process of the killed desk's session may survive,
nothing may listen on the port, and on PostgreSQL no session of the killed desk may remain. Prints the figures
and every problem found; exit code 1 when there is one. tests/crash/test_crash_safety.py runs the same at CI
size."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
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


def subscribe(db: Path | str, feed_urls: list[str]) -> None:
    storage = open_storage(str(db))
    try:
        for url in feed_urls:
            storage.add_source(url)
    finally:
        storage.close()


def is_postgres(db: Path | str) -> bool:
    return str(db).startswith(("postgresql://", "postgres://"))


@contextmanager
def _read(db: Path | str) -> Iterator[sqlite3.Connection]:
    """A connection straight to the database, past newsdesk: sqlite3 (read-only) or psycopg (autocommit);
    both answer `conn.execute(sql).fetchall()` with tuples."""
    if is_postgres(db):
        import psycopg
        with psycopg.connect(str(db), autocommit=True) as conn:
            yield conn
        return
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        yield conn
    finally:
        conn.close()


def articles(db: Path | str) -> set[tuple[str, str]]:
    """(url, text hash) of every stored article."""
    with _read(db) as conn:
        return set(conn.execute("SELECT url, text_hash FROM articles").fetchall())


def _progress(conn: sqlite3.Connection) -> tuple:
    return conn.execute("SELECT (SELECT COALESCE(MAX(id), 0) FROM fetch_log), (SELECT COUNT(*) FROM story_articles), "
                        "(SELECT MAX(page_written_at) FROM stories), (SELECT COUNT(*) FROM articles)").fetchone()


ORPHAN_GRACE = 10.0   # seconds a killed desk's children and database sessions get to notice and end


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_application_name(db: Path | str, name: str) -> str:
    """The database URL whose PostgreSQL sessions carry `name` (so a dead desk's sessions can be found);
    a SQLite path as it is."""
    if not is_postgres(db):
        return str(db)
    return f"{db}{'&' if '?' in str(db) else '?'}application_name={name}"


def session_processes(session: int) -> list[str]:
    """'PID command line' of every live process in `session`: a desk started with start_new_session=True
    leads its own session, and every process it starts, and theirs, stays in it."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except (OSError, IndexError):
            continue                            # ended meanwhile
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(f"{entry.name} {command[:160]}")
    return found


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def desk_sessions(db: Path | str, application_name: str) -> list[str]:
    """'pid state' of the PostgreSQL sessions a desk opened under `application_name`; [] on SQLite."""
    if not is_postgres(db):
        return []
    with _read(db) as conn:
        rows = conn.execute("SELECT pid, state FROM pg_stat_activity WHERE application_name = %s",
                            (application_name,)).fetchall()
    return [f"{pid} {state}" for pid, state in rows]


def leftovers(session: int, db: Path | str, application_name: str = "", port: int | None = None,
              grace: float = ORPHAN_GRACE) -> list[str]:
    """What a killed desk left behind once `grace` seconds have passed: its processes, a listener on its port,
    its database sessions; [] when nothing (checked every 0.1 s, so a clean kill costs no waiting)."""
    deadline = time.monotonic() + grace
    while True:
        left = [f"process {p}" for p in session_processes(session)]
        if port is not None and listening(port):
            left.append(f"something still listens on port {port}")
        if application_name:
            left += [f"database session {s}" for s in desk_sessions(db, application_name)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


@dataclass
class KillLog:
    kills: int = 0
    seconds: float = 0.0
    delays: list[float] = field(default_factory=list)
    articles_at_kill: list[int] = field(default_factory=list)
    exited_early: int = 0
    output_tail: str = ""
    left_behind: list[str] = field(default_factory=list)   # what a kill left running, "kill N: what"


def kill_series(db: Path | str, env: dict[str, str], kills: int, rng: random.Random, max_delay: float = 2.0,
                log: KillLog | None = None, articles_expected: int = 0) -> KillLog:
    """Start the daemon, wait until it writes (an article, while fewer than `articles_expected` are stored),
    let it run a random while, SIGKILL it, check that it left nothing running; `kills` times, always on the
    same port (a start fails if a killed desk still holds it)."""
    log = log or KillLog()
    port = free_port()
    started = time.monotonic()
    for _ in range(kills):
        application_name = f"crash-desk-{uuid.uuid4().hex[:8]}"
        run_env = dict(env, NEWSDESK_DB=with_application_name(db, application_name))
        with _read(db) as conn:
            before = _progress(conn)
            command = newsdesk("run", "--host", "127.0.0.1", "--port", str(port), "--workers", "2")
            proc = subprocess.Popen(command, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None and _progress(conn) == before:
                time.sleep(0.02)
            # The feeds' fetch log comes long before the first article on a busy machine (the extraction workers
            # start in fresh interpreters): kills that all fell in between would never let an article in.
            while (time.monotonic() < deadline and proc.poll() is None and before[3] < articles_expected
                   and _progress(conn)[3] == before[3]):
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
            log.left_behind += [f"kill {log.kills + 1}: {what}"
                                for what in leftovers(proc.pid, db, application_name, port)]
            try:   # whatever was left is ended here, so that one failure does not spill into the next start
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            log.kills += 1
            log.delays.append(round(delay, 3))
            log.articles_at_kill.append(_progress(conn)[3])
    log.seconds = round(time.monotonic() - started, 1)
    return log


def check(db: Path | str, stories: bool = True) -> list[str]:
    """Every way the database could be broken, damaged or half-written after crashes; [] when none
    (`stories=False`: the articles only, for a desk that does not group). PostgreSQL checks its own pages
    and enforces the foreign keys; SQLite is asked."""
    problems: list[str] = []
    with _read(db) as conn:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        if not is_postgres(db):
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
        if q("SELECT COUNT(*) FROM articles")[0][0] and not q("SELECT 1 FROM grouper_meta"):
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
              max_delay: float = 2.0, db: str | None = None, **env_extra: str) -> CrashRun:
    """The kill series against `db` (a SQLite file in `workdir` unless given); the reference run is always a
    SQLite file: which articles an uninterrupted ingest stores does not depend on the database."""
    rng = random.Random(seed)
    with CrashSite(articles_n, feeds) as site:
        ref_db, db = workdir / "reference.db", db or str(workdir / "crashed.db")
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
        log = kill_series(db, env, kills, rng, max_delay, articles_expected=len(articles(ref_db)))
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
    parser.add_argument("--db", default=None, help="the database to crash (a fresh one: a PostgreSQL URL); "
                        "default a SQLite file in a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run = crash_run(Path(tmp), kills=args.kills, articles_n=args.articles, feeds=args.feeds, seed=args.seed,
                        max_delay=args.max_delay, db=args.db, NEWSDESK_EXTRACT_WORKERS=str(args.workers))
    log = run.log
    print(f"reference: {len(run.reference)} articles in {run.reference_seconds} s (uninterrupted)")
    print(f"kill series: {log.kills} kills in {log.seconds} s; {log.exited_early} exited on their own; "
          f"articles stored at each kill: {log.articles_at_kill}")
    print(f"finishing run: {run.finish_seconds} s; {len(run.result)} articles; "
          f"{len(run.missing)} missing, {len(run.extra)} extra")
    print(f"left running after the kills: {len(log.left_behind)}")
    for problem in run.problems + log.left_behind:
        print("PROBLEM:", problem)
    ok = not (run.problems or log.left_behind or run.missing or run.extra or log.exited_early)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
