"""Long fuzz campaigns: `python fuzz/run.py --target feeds --inputs 1000000`.

Engines: `grammar` (default) draws structure-aware inputs from fuzz/grammar.py with `random`, and mutates
inputs from the kept corpus (fuzz/corpus/<target>/); an input whose outcome signature is new joins the corpus
(up to --corpus-max files). `atheris` runs the same grammar under libFuzzer's coverage guidance (the fuzzer's
bytes steer the grammar's choices). A watchdog thread measures the CPU time of each input; one that exceeds
the target's limit is saved to fuzz/crashes/<target>/ as a hang and the run stops with exit code 3. An input
that raises an undocumented exception or breaks an invariant is saved there too (exit code 1).
Progress and the final totals (inputs, seconds, inputs/s, crashes) are printed, the totals also as JSON."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT.parent / "src"))

from fuzz import grammar  # noqa: E402
from fuzz.targets import TARGETS, Target  # noqa: E402

CORPUS = ROOT / "corpus"
CRASHES = ROOT / "crashes"


class Watchdog:
    """Stops the process when the main thread spends more than `limit` CPU seconds on one input."""

    def __init__(self, target: Target, limit: float):
        self.target, self.limit = target, limit
        self.clock = time.pthread_getcpuclockid(threading.main_thread().ident)
        self.current: object = None
        self.started = 0.0
        self.slowest = 0.0
        self.calls = 0
        threading.Thread(target=self._watch, daemon=True).start()

    def begin(self, item: object) -> None:
        self.started = time.clock_gettime(self.clock)
        self.current = item

    def end(self) -> None:
        spent = time.clock_gettime(self.clock) - self.started
        self.calls += 1
        if spent > self.limit / 4 and self.current is not None and self.calls > 1:   # the first one imports
            print(f"slow input ({spent:.2f} s CPU) saved to {save_crash(self.target, self.current, 'slow')}", flush=True)
        self.slowest = max(self.slowest, spent)
        self.current = None

    def _watch(self) -> None:
        while True:
            time.sleep(0.25)
            item = self.current
            if item is not None and time.clock_gettime(self.clock) - self.started > self.limit:
                path = save_crash(self.target, item, "hang")
                print(f"\nHANG: one input took more than {self.limit} CPU seconds; saved to {path}", flush=True)
                os._exit(3)


def save_crash(target: Target, item: object, kind: str) -> Path:
    data = target.to_bytes(item)
    folder = CRASHES / target.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{hashlib.sha1(data).hexdigest()[:16]}"
    path.write_bytes(data)
    return path


def load_corpus(target: Target) -> list[bytes]:
    folder = CORPUS / target.name
    return [p.read_bytes() for p in sorted(folder.glob("*")) if p.is_file()] if folder.exists() else []


def keep(target: Target, item: object, corpus: list[bytes], limit: int, max_bytes: int) -> None:
    data = target.to_bytes(item)
    if len(corpus) >= limit or len(data) > max_bytes:
        return
    folder = CORPUS / target.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
    corpus.append(data)


def run_one(target: Target, item: object, dog: Watchdog) -> str:
    dog.begin(item)
    try:
        return target.check(item)
    except Exception as exc:
        path = save_crash(target, item, "crash")
        print(f"\nCRASH ({type(exc).__name__}: {str(exc)[:300]}); input saved to {path}", flush=True)
        traceback.print_exc()
        raise SystemExit(1) from None
    finally:
        dog.end()


def grammar_campaign(target: Target, inputs: int, seconds: float, seed: int, corpus_max: int,
                     corpus_bytes: int) -> dict:
    rng = random.Random(seed)
    draw = grammar.RandomDraw(rng)
    dog = Watchdog(target, target.cpu_limit)
    corpus = load_corpus(target)
    seen: set[str] = set()
    for data in list(corpus):
        seen.add(run_one(target, target.from_bytes(data), dog))
    started = last_report = time.monotonic()
    done = 0
    while done < inputs and time.monotonic() - started < seconds:
        if corpus and rng.random() < 0.25:
            item = target.from_bytes(grammar.mutate(draw, rng.choice(corpus), rounds=6))
        else:
            item = target.generate(draw)
        signature = run_one(target, item, dog)
        if signature not in seen:
            seen.add(signature)
            keep(target, item, corpus, corpus_max, corpus_bytes)
        done += 1
        now = time.monotonic()
        if now - last_report >= 30:
            last_report = now
            print(f"{target.name}: {done} inputs, {done / (now - started):.0f}/s, {len(seen)} outcomes, "
                  f"slowest {dog.slowest:.2f} s CPU", flush=True)
    elapsed = time.monotonic() - started
    return {"target": target.name, "engine": "grammar", "seed": seed, "inputs": done, "seconds": round(elapsed, 1),
            "inputs_per_s": round(done / elapsed, 1) if elapsed else 0.0, "outcomes": len(seen),
            "corpus": len(corpus), "slowest_cpu_s": round(dog.slowest, 3), "crashes": 0}


def atheris_campaign(target: Target, inputs: int, seconds: float) -> None:
    import atheris

    dog = Watchdog(target, target.cpu_limit)
    started = time.monotonic()
    count = [0]

    def one(data: bytes) -> None:
        item = target.generate(grammar.ProviderDraw(atheris.FuzzedDataProvider(data)))
        run_one(target, item, dog)
        count[0] += 1

    def report() -> None:
        elapsed = time.monotonic() - started
        print(json.dumps({"target": target.name, "engine": "atheris", "inputs": count[0],
                          "seconds": round(elapsed, 1), "inputs_per_s": round(count[0] / max(elapsed, 1e-9), 1),
                          "crashes": 0}), flush=True)

    import atexit
    atexit.register(report)
    work = CORPUS / target.name / "atheris"
    work.mkdir(parents=True, exist_ok=True)
    with atheris.instrument_imports():
        import newsdesk.dedupe.urls, newsdesk.sources.feeds, newsdesk.extract.article  # noqa: E401,F401
    atheris.Setup([sys.argv[0], str(work), f"-runs={inputs}", f"-max_total_time={int(seconds)}",
                   "-max_len=65536", "-print_final_stats=1"], one)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, choices=sorted(TARGETS))
    parser.add_argument("--inputs", type=int, default=100_000, help="stop after this many inputs")
    parser.add_argument("--seconds", type=float, default=float("inf"), help="or after this long")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--engine", choices=["grammar", "atheris"], default="grammar")
    parser.add_argument("--corpus-max", type=int, default=60, help="most files kept per target")
    parser.add_argument("--corpus-bytes", type=int, default=8192, help="largest input kept in the corpus")
    parser.add_argument("--results", type=Path, help="append the totals as one JSON line to this file")
    args = parser.parse_args(argv)
    target = TARGETS[args.target]
    if args.engine == "atheris":
        atheris_campaign(target, args.inputs, args.seconds if args.seconds != float("inf") else 10 ** 9)
        return 0
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 32)
    totals = grammar_campaign(target, args.inputs, args.seconds, seed, args.corpus_max, args.corpus_bytes)
    line = json.dumps(totals)
    print(line, flush=True)
    if args.results:
        with args.results.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
