"""`newsdesk bench backfill`: a generated WARC through `newsdesk backfill` on 1, 2, … workers: articles/s per
stage and overall, the ratio of each worker count's rate to one worker's, CPU ms per article (driver and workers:
steady where a loaded machine's wall time is not), peak resident memory per worker and of the driver, and the time
the grouping's stitch takes."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from contextlib import closing
from pathlib import Path

from newsdesk.backfill import make_engine, run_backfill
from newsdesk.config import Settings
from newsdesk.storage import open_storage
from newsdesk_lab.backfill.warcgen import generated_warc

PER_RECORD_STAGES = ("read", "extract", "language", "fingerprint", "embed", "store", "dedupe")


def _peak_kb(pid: int) -> int:
    """A process's peak resident set (VmHWM) in KB; 0 when it has gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """A process's user and system CPU seconds so far (utime + stime); 0 when it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker_pids(engine) -> list[int]:
    """The processes doing the engine's work: the local engine's pool, or Ray's worker processes here."""
    if engine.name == "local":
        return engine.worker_pids()
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if handle.read().startswith(b"ray::"):
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def run_backfill_bench(engine: str = "local", workers: list[int] | None = None, articles: int = 2000,
                       address: str | None = None, pages: bool = True, entities: bool = False) -> dict:
    """Each worker count backfills the same generated WARC (a bad record every 500) into a fresh SQLite
    database in a temporary folder."""
    workers = workers or [1, 2]
    out: dict = {"engine": engine, "articles": articles, "runs": []}
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        warc = Path(tmp, "generated.warc.gz")
        generated_warc(warc, articles, seed=17, bad_every=500)
        out["warc_mb"] = round(warc.stat().st_size / 1e6, 1)
        for count in workers:
            url = str(Path(tmp, f"w{count}.db"))
            runner = make_engine(engine, count, address if engine == "ray" else None)
            started, driver_cpu = time.perf_counter(), time.process_time()
            try:
                with closing(open_storage(url)) as storage:
                    settings = Settings(db=url, entities=entities, story_pages=pages)
                    report = run_backfill(storage, settings, [str(warc)], runner, segments=count)
                    pids = [pid for pid in _worker_pids(runner) if pid != os.getpid()]
                    peaks = [_peak_kb(pid) for pid in _worker_pids(runner)]
                    worker_cpu = sum(_cpu_seconds(pid) for pid in pids)
                    driver_cpu = time.process_time() - driver_cpu
            finally:
                runner.close()
            wall = time.perf_counter() - started
            seconds = report.seconds
            ingest_wall = wall - sum(seconds.get(s, 0.0) for s in ("group", "stitch", "write stories", "pages",
                                                                   "search"))
            out["runs"].append({
                "workers": count, "records": report.records, "stored": report.articles, "copies": report.copies,
                "errors": report.errors, "stories": report.stories, "seconds": round(wall, 1),
                "articles_per_s": round(report.records / wall, 1),
                "ingest_articles_per_s": round(report.records / ingest_wall, 1) if ingest_wall > 0 else None,
                "stage_seconds": {k: round(v, 2) for k, v in seconds.items()},
                "stage_articles_per_s": {k: round(report.records / v, 1) for k, v in seconds.items()
                                         if k in PER_RECORD_STAGES and v > 0},
                "group_articles_per_s": round(report.articles / seconds["group"], 1) if seconds.get("group") else None,
                "stitch_s": round(seconds.get("stitch", 0.0), 4),
                "cpu_ms_per_article": round((driver_cpu + worker_cpu) * 1000 / max(1, report.records), 1),
                "driver_cpu_ms_per_article": round(driver_cpu * 1000 / max(1, report.records), 1),
                "peak_rss_mb_per_worker": round(max(peaks) / 1024, 1) if peaks else None,
                "driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})
    base = out["runs"][0]
    for run in out["runs"]:
        run["ratio_to_first"] = round(run["articles_per_s"] / base["articles_per_s"], 2)
        if run.get("ingest_articles_per_s") and base.get("ingest_articles_per_s"):
            run["ingest_ratio_to_first"] = round(run["ingest_articles_per_s"] / base["ingest_articles_per_s"], 2)
    return out
