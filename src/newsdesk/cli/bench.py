"""`newsdesk bench …`: performance and quality figures, printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from newsdesk.cli.common import console, fail
from newsdesk.cli.lab import lab_module
from newsdesk.cli.terminal import escaped

app = typer.Typer(help="Benchmarks that print their figures.", no_args_is_help=True, rich_markup_mode=None)


def _cpu_table(figures: dict, title: str) -> Table:
    table = Table(title=title)
    for column in ("stage", "CPU ms/article", "share"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    total = max(figures["cpu_ms_per_article_total"], 1e-9)
    for stage, ms in figures["cpu_ms_per_article"].items():
        table.add_row(stage, f"{ms:.1f}", f"{100 * ms / total:.0f}%")
    table.add_row("end to end", f"{figures['cpu_ms_per_article_total']:.1f}", "100%", style="bold")
    return table


@app.command("ingest")
def ingest(ctx: typer.Context,
           pages: int = typer.Option(1000, help="How many pages to serve and ingest."),
           workers: int = typer.Option(0, help="Extraction processes (0 = one per core)."),
           stories: bool = typer.Option(True, "--stories/--no-stories",
                                        help="Group the articles into stories and write their pages, as the desk "
                                             "does (with entities, unless the setting `entities` is off)."),
           as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Serve generated news pages on 127.0.0.1 and ingest them end to end: fetch, extract, dedupe, store, and
    stories (embeddings, grouping, pages, entities)."""
    from newsdesk.cli.common import state

    entities = state(ctx).settings().entities
    run_ingest_bench = lab_module("bench.ingest").run_ingest_bench
    console.print(f"Serving {pages} generated pages on 127.0.0.1 and ingesting them …")
    result = run_ingest_bench(pages=pages, workers=workers, stories=stories, entities=entities)
    console.print(f"{result['stored']} articles stored ({result['originals']} originals, {result['copies']} copies, "
                  f"{result['errors']} errors{', ' + str(result['stories']) + ' stories' if stories else ''}) in "
                  f"{result['seconds']} s: [bold]{result['articles_per_s']} articles/s[/] (pages average "
                  f"{result['avg_page_kb']} KB; {result['cpu_seconds']} s CPU)")
    table = Table(title="time per article by stage (summed over concurrent work)")
    table.add_column("stage")
    table.add_column("ms/article", justify="right")
    for stage, ms in result["ms_per_article"].items():
        table.add_row(stage, f"{ms:.2f}")
    console.print(table)
    console.print(_cpu_table(result, "CPU per article by stage (sampled in the desk's process; the extraction "
                                     "workers' and the NER worker's processes measured whole)"))
    console.print(f"load average before the run: {', '.join(f'{x:g}' for x in result['load_average_before'])} "
                  f"(1, 5, 15 min)")
    for error in result["first_errors"]:
        console.print(f"[red]error:[/] {escaped(error)}")
    if as_json:
        print(json.dumps(result))


@app.command("dedupe")
def dedupe(testset: Optional[Path] = typer.Argument(None, help="Labelled pairs (default: the project's own set)."),
           threshold: Optional[float] = typer.Option(None, help="Containment threshold (default: the setting)."),
           as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Precision and recall of copy detection on labelled pairs: reprints vs different reports of one event."""
    from newsdesk.config import Settings
    evaluate_dedupe = lab_module("dedupe.evaluate").evaluate_dedupe
    result = evaluate_dedupe(testset, threshold if threshold is not None else Settings().duplicate_threshold)
    console.print(f"pairs {result['pairs']}  precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
                  f"F1 {result['f1']:.4f}  (threshold {result['threshold']}, {result['seconds']} s)")
    for kind, counts in sorted(result["by_kind"].items()):
        console.print(f"  {kind:<28} {counts['correct']}/{counts['pairs']} right")
    for mistake in result["mistakes"][:10]:
        console.print(f"  [red]wrong:[/] {escaped(mistake['a'])} / {escaped(mistake['b'])} "
                      f"({escaped(mistake['kind'])}, "
                      f"expected {'copy' if mistake['expected'] else 'distinct'})")
    if as_json:
        print(json.dumps({k: result[k] for k in ("precision", "recall", "f1", "pairs", "threshold")}))


@app.command("web")
def web(articles: int = typer.Option(100_000, help="Generated articles in the desk."),
        stories: int = typer.Option(20_000, help="Stories they form."),
        duration: float = typer.Option(30.0, help="Seconds of load."),
        clients: int = typer.Option(20, help="Concurrent clients."),
        db: Optional[str] = typer.Option(None, "--db", help="Fill this database (an empty one, or with --reuse) "
                                                           "instead of a temporary SQLite file."),
        reuse: bool = typer.Option(False, help="Keep the filled desk and use it again when sizes match."),
        workers: int = typer.Option(0, help="Web server processes (0 = one per core, as `newsdesk serve`)."),
        as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Fill a desk with generated articles and stories, serve it, and measure page latency under load."""
    web_bench = lab_module("bench.web")
    TARGETS_MS, run_web_bench = web_bench.TARGETS_MS, web_bench.run_web_bench

    def progress(kind: str, done: int, total: int) -> None:
        if done == total or done % max(1, total // 5) < 2000:
            console.print(f"  {kind}: {done}/{total}")

    try:
        result = run_web_bench(articles=articles, stories=stories, duration=duration, clients=clients, db=db,
                               reuse=reuse, workers=workers, progress=progress, say=console.print)
    except (ValueError, RuntimeError) as exc:
        console.print(f"[red]error:[/] {escaped(exc)}")
        raise typer.Exit(1)
    console.print(f"{result['articles']} articles (~{result['words_per_article']} words each) in {result['stories']} "
                  f"stories, filled in {result['fill_seconds']} s{' (reused)' if result['reused_fill'] else ''}")
    table = Table(title=f"{clients} clients, {duration:g} s, {result['workers']} server worker(s), "
                        f"{result['cpus']} CPUs")
    for column in ("page", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "p95 target"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for kind, page in result["pages"].items():
        target = TARGETS_MS.get(kind)
        colour = "green" if target is not None and page["p95_ms"] < target else "red"
        mark = "" if target is None else f"[{colour}]< {target:g}[/]"
        table.add_row(kind, str(page["requests"]), str(page["errors"]), f"{page['p50_ms']:.1f}",
                      f"{page['p95_ms']:.1f}", f"{page['p99_ms']:.1f}", mark)
    console.print(table)
    console.print(f"[bold]{result['requests_per_s']} requests/s[/], {result['errors']} errors")
    if "server_cpu_ms_per_request" in result:
        console.print(f"server CPU {result['server_cpu_ms_per_request']} ms per request (it had "
                      f"{result['server_cpu_share']} of a core; load average {result['load_average']})")
    for error in result["first_errors"]:
        console.print(f"[red]error:[/] {escaped(error)}")
    if as_json:
        print(json.dumps(result))


@app.command("load")
def load(clients: int = typer.Option(200, help="Concurrent readers (one keep-alive connection each)."),
         duration: float = typer.Option(60.0, help="Seconds of load (after a short warm-up)."),
         articles: int = typer.Option(20_000, help="Generated articles in the desk before the ingest."),
         stories: int = typer.Option(4_000, help="Stories they form."),
         pages: int = typer.Option(3_000, help="Generated news pages the local feeds offer for the ingest."),
         feeds: int = typer.Option(20, help="Local feeds the desk polls."),
         timeout: float = typer.Option(10.0, help="Seconds a reader waits for one response."),
         mode: str = typer.Option("run", help="`run`: web desk and scheduler in one process (as `make run`); "
                                              "`split`: `newsdesk serve` with `newsdesk fetch` beside it."),
         reuse: bool = typer.Option(False, help="Keep the filled desk and copy it again when sizes match."),
         as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Readers on the home, story and search pages of `newsdesk run` while it ingests: requests, errors,
    timeouts, latency and the server's peak resident memory."""
    run_load_bench = lab_module("bench.load").run_load_bench
    try:
        result = run_load_bench(clients=clients, duration=duration, articles=articles, stories=stories, pages=pages,
                                feeds=feeds, timeout=timeout, mode=mode, reuse=reuse, say=console.print)
    except (ValueError, RuntimeError) as exc:
        console.print(f"[red]error:[/] {escaped(exc)}")
        raise typer.Exit(1)
    table = Table(title=f"{clients} readers, {duration:g} s, timeout {timeout:g} s, {result['cpus']} CPUs "
                        f"(load average {result['load_average']})")
    for column in ("page", "requests", "errors", "timeouts", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for kind, page in result["pages"].items():
        table.add_row(kind, str(page["requests"]), str(page["errors"]), str(page["timeouts"]),
                      f"{page['p50_ms']:.1f}", f"{page['p95_ms']:.1f}", f"{page['p99_ms']:.1f}")
    table.add_row("all", str(result["requests"]), str(result["errors"]), str(result["timeouts"]),
                  f"{result['p50_ms']:.1f}", f"{result['p95_ms']:.1f}", f"{result['p99_ms']:.1f}", style="bold")
    console.print(table)
    colour = "green" if result["ok"] else "red"
    console.print(f"[{colour}]{result['requests']} requests, {result['errors']} errors, {result['timeouts']} "
                  f"timeouts[/], {result['requests_per_s']} requests/s")
    if "peak_rss_mb" in result:
        console.print(f"server memory: peak RSS {result['peak_rss_mb']} MB over {result['processes_max']} "
                      f"processes (server process alone {result['peak_server_rss_mb']} MB; PSS {result['peak_pss_mb']}"
                      f" MB); first tenth {result['rss_first_tenth_mb']} MB, last tenth {result['rss_last_tenth_mb']} MB")
        console.print("RSS by tenth of the load, MB: " + " ".join(f"{v:g}" for v in result["rss_by_tenth_mb"]))
        for process, tenths in result["rss_by_process_tenths_mb"].items():
            console.print(f"  {process}: " + " ".join("-" if v is None else f"{v:g}" for v in tenths))
        console.print(f"server CPU: {result['cpu_seconds']} s in {result['load_window_s']} s "
                      f"({result['server_cpu_share']} of a core, {result['cpus']} cores shared with the machine)")
    console.print(f"ingest: {result['articles_ingested_during_load']} articles stored during the load "
                  f"({result['articles_ingested_total']} since the desk started; still storing at "
                  f"{result['ingest_seconds_during_load']} s of the load; {result['poll_errors']} failed polls)")
    for error in result["first_errors"]:
        console.print(f"[red]error:[/] {escaped(error)}")
    if as_json:
        print(json.dumps(result))


@app.command("storylines")
def storylines(sizes: str = typer.Option("1000,10000,50000", help="Storylines held, comma-separated."),
               probe: int = typer.Option(500, min=1, help="Events linked at each size."),
               as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """The storyline linker's CPU cost per event with 1k / 10k / 50k generated storylines held."""
    run_storylines_bench = lab_module("bench.storylines").run_storylines_bench
    try:
        wanted = tuple(sorted({int(s) for s in sizes.split(",") if s.strip()}))
    except ValueError:
        fail(f"--sizes must be numbers separated by commas, not {sizes!r}")
    if not wanted or min(wanted) < 1:
        fail("--sizes needs at least one size above 0")
    result = run_storylines_bench(wanted, probe=probe, progress=lambda text: console.print(text))
    table = Table(title=f"link cost per event ({result['probe']} events linked at each size)")
    for column in ("storylines held", "groups in the index", "candidates scored", "mean CPU ms", "p95 CPU ms",
                   "mean wall ms", "filling CPU s"):
        table.add_column(column, justify="right")
    for row in result["sizes"]:
        table.add_row(str(row["storylines"]), str(row["held"]), f"{row['candidates']:.1f}", f"{row['mean_ms']:.3f}",
                      f"{row['p95_ms']:.3f}", f"{row['wall_mean_ms']:.3f}", f"{row['fill_cpu_s']:.1f}")
    console.print(table)
    console.print(f"largest / smallest mean: {result['ratio']:.2f} ({'flat' if result['flat'] else 'NOT flat'})")
    if as_json:
        print(json.dumps(result))


@app.command("pipeline")
def pipeline(ctx: typer.Context,
             articles: int = typer.Option(5000, help="Articles to run (generated, or the first N of --jsonl; "
                                                      "0 = all of the file)."),
             jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="Articles from this JSONL (the `eval "
                                                                         "clustering` format) instead."),
             sizes: str = typer.Option("1000,5000,20000", help="Stories held when the grouping cost is timed "
                                                               "(comma-separated; empty to skip)."),
             probe: int = typer.Option(200, help="New articles timed at each size."),
             batch: int = typer.Option(256, help="Articles per ingest batch (pages are written once a batch)."),
             text: bool = typer.Option(False, "--text", help="The generated articles as plain text, not as "
                                                              "pages to extract."),
             as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Articles through fetch-free ingest (generated news pages of real length, read through the desk's
    extraction), embeddings, grouping and story pages (and entities and storylines, unless the desk's settings
    `entities` and `storylines` are off; the NER reads `entity_chars` of each article): articles/s, CPU ms per
    article end to end and per stage, then the per-article grouping cost with 1k, 5k and 20k stories held."""
    from newsdesk.cli.common import state

    settings = state(ctx).settings()
    run_pipeline_bench = lab_module("bench.pipeline").run_pipeline_bench
    try:
        held = tuple(int(s) for s in sizes.split(",") if s.strip())
    except ValueError:
        console.print("[red]error:[/] --sizes takes whole numbers separated by commas, "
                      f"not {escaped(repr(sizes))}")
        raise typer.Exit(2)
    if jsonl is not None and not jsonl.is_file():
        console.print(f"[red]error:[/] no such file: {escaped(jsonl)}")
        raise typer.Exit(2)
    if articles < 0 or probe < 1 or batch < 1 or any(s < 1 for s in held):
        console.print("[red]error:[/] --articles, --probe, --batch and --sizes must be positive")
        raise typer.Exit(2)
    try:
        result = run_pipeline_bench(articles=articles, jsonl=jsonl, sizes=held, probe=probe, batch=batch,
                                    progress=console.print, entities=settings.entities, text=text,
                                    entity_chars=settings.entity_chars, storylines=settings.storylines)
    except (ValueError, OSError) as exc:
        console.print(f"[red]error:[/] {escaped(exc)}")
        raise typer.Exit(1)
    t = result["throughput"]
    console.print(f"{t['articles']} articles ({t['stored']} stored, {t['copies']} copies, {t['updated']} updated, "
                  f"{t['errors']} errors) "
                  f"into {t['stories']} stories, {t['pages_written']} page writes, in {t['seconds']} s "
                  f"({t['cpu_seconds']} s CPU"
                  + (f", of it {t['ner_worker_cpu_seconds']} s in the NER worker" if t.get("ner_worker_cpu_seconds")
                     else "") + f"): [bold]{t['articles_per_s']} articles/s[/]"
                  + (f", B³ F1 {t['b3_f1']}" if "b3_f1" in t else ""))
    table = Table(title="stages")
    for column in ("stage", "seconds", "articles/s", "ms/article"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage, seconds in t["stage_seconds"].items():
        rate = t["stage_articles_per_s"][stage]
        table.add_row(stage, f"{seconds:.1f}", "-" if rate is None else f"{rate:.1f}",
                      f"{t['ms_per_article'][stage]:.1f}")
    console.print(table)
    console.print(_cpu_table(t, f"CPU per article by stage ({t['input']} input, {t['input_kb_per_article']} KB "
                                f"each; sampled; the model's work is embed wherever it is called from)"))
    console.print(f"load average before the run: {', '.join(f'{x:g}' for x in t['load_average_before'])} "
                  f"(1, 5, 15 min); the sampler used {t['sampler_cpu_seconds']} s CPU, left out")
    console.print(f"database: {t['db_bytes_per_article']} bytes per stored article (SQLite files after the run); "
                  f"peak resident memory {t['peak_rss_mb']} MB")
    if t["cpu_slope_ms_per_1k_articles"]:
        console.print(f"CPU ms per article more for each 1,000 articles held (slope over "
                      f"{len(t['cpu_ms_per_article_by_batch'])} batches): "
                      + ", ".join(f"{stage} {ms:+.2f}" for stage, ms in t["cpu_slope_ms_per_1k_articles"].items()))
    for error in t["first_errors"]:
        console.print(f"[red]error:[/] {escaped(error)}")
    if "scale" in result:
        s = result["scale"]
        table = Table(title=f"grouping cost per article as the desk grows (flat: {'yes' if s['flat'] else 'NO'}: "
                            f"largest size / smallest {s['ratio']:.2f}, dearest / cheapest {s['max_ratio']:.2f})")
        for column in ("stories held", "articles", "group ms", "group CPU ms", "joined held", "checkpoint s",
                       "restart s", "state MB"):
            table.add_column(column, justify="right")
        for r in s["sizes"]:
            table.add_row(str(r["stories"]), str(r["articles"]), f"{r['group_ms']:.1f}", f"{r['group_cpu_ms']:.1f}",
                          f"{100 * r['probe_joined_held']:.0f}%", f"{r['checkpoint_s']:.2f}",
                          "-" if r["restart_s"] is None else f"{r['restart_s']:.1f}", f"{r['state_mb']:.1f}")
        console.print(table)
    if as_json:
        print(json.dumps(result))


@app.command("readers")
def readers(articles: int = typer.Option(100_000, help="Generated articles in the desk."),
            stories: int = typer.Option(20_000, help="Stories they form."),
            users: int = typer.Option(1000, help="Readers, each with reading state."),
            requests: int = typer.Option(200, help="Requests of each kind (one after another)."),
            db: Optional[str] = typer.Option(None, "--db", help="Fill this database (an empty one, or with --reuse) "
                                                               "instead of a temporary SQLite file."),
            reuse: bool = typer.Option(False, help="Keep the filled desk and use it again when sizes match."),
            workers: int = typer.Option(0, help="Web server processes (0 = one per core, as `newsdesk serve`)."),
            rules: bool = typer.Option(False, help="Measure with every reader hiding a folder and a source, blocking "
                                                   "two words and keeping a source."),
            as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Readers with reading state over a generated desk: p95 of the home page, a Fever `items` call (50 items),
    a Google Reader `stream/contents` call (100 items, where the desk serves it), the unread-count query, and
    the storage per mark."""
    run_readers_bench = lab_module("bench.readers").run_readers_bench

    def progress(kind: str, done: int, total: int) -> None:
        if done == total or done % max(1, total // 5) < 2000:
            console.print(f"  {kind}: {done}/{total}")

    try:
        result = run_readers_bench(articles=articles, stories=stories, users=users, requests=requests, db=db,
                                   reuse=reuse, workers=workers, rules=rules, progress=progress,
                                   say=console.print)
    except (ValueError, RuntimeError) as exc:
        console.print(f"[red]error:[/] {escaped(exc)}")
        raise typer.Exit(1)
    console.print(f"{result['articles']} articles in {result['stories']} stories, {result['users']} readers "
                  f"(filled in {result['fill_seconds']} s + {result['readers_seconds']} s"
                  f"{', reused' if result['reused_fill'] else ''}; articles first seen "
                  f"{'as published, over the month' if result['dated_fill'] else 'during the fill'}); "
                  f"{result['cpus']} CPUs, load average {result['load_average']}"
                  + ("; every reader with hidden sources and block/keep rules" if result["rules"] else ""))
    table = Table(title=f"latency, {requests} requests of each kind")
    for column in ("call", "requests", "p50 ms", "p95 ms", "max ms"):
        table.add_column(column, justify="left" if column == "call" else "right")
    for call, figures in result["latency"].items():
        table.add_row(call, str(figures["requests"]), f"{figures['p50_ms']:.1f}", f"{figures['p95_ms']:.1f}",
                      f"{figures['max_ms']:.1f}")
    console.print(table)
    if not result["google_reader"]:
        console.print("Google Reader API: not served by this desk (no /reader/api/0/stream/contents)")
    if not result["home_logged_in"]:
        console.print("home page: measured anonymously (the desk's login takes no user name yet); the unread "
                      "counts it would show are the storage query above")
    console.print(f"reading state: {result['article_marks']} article marks + {result['story_reads']} story reads "
                  f"in {result['state_bytes']} bytes: [bold]{result['bytes_per_mark']} bytes per mark[/]")
    console.print(f"{result['errors']} errors")
    for error in result["first_errors"]:
        console.print(f"[red]error:[/] {escaped(error)}")
    if as_json:
        print(json.dumps(result))


@app.command("alerts")
def alerts(articles: int = typer.Option(5000, help="Articles streamed through the matcher."),
           history: int = typer.Option(1000, help="Articles on the desk before (the stories watchlists follow)."),
           sizes: str = typer.Option("100,1000,10000", help="Numbers of watchlists the stream is matched against."),
           batch: int = typer.Option(64, help="Articles per matcher call (as the desk hands them over)."),
           delay_articles: int = typer.Option(1000, "--delay-articles", help="Articles streamed for the delay "
                                                                             "measurement (0 skips it)."),
           rate: float = typer.Option(20.0, help="Articles per second in the delay run."),
           hooks: int = typer.Option(500, help="Watchlists with a webhook in the delay run."),
           as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Watchlist matching per article at 100, 1k and 10k watchlists (entities, queries, stories), and the delay
    from an article stored to its webhook received on 127.0.0.1."""
    run_alerts_bench = lab_module("bench.alerts").run_alerts_bench
    try:
        counts = tuple(int(s) for s in sizes.split(",") if s.strip())
    except ValueError:
        console.print(f"[red]error:[/] --sizes takes whole numbers separated by commas, not {escaped(repr(sizes))}")
        raise typer.Exit(2)
    if articles < 1 or history < 1 or batch < 1 or rate <= 0 or not counts or any(c < 1 for c in counts):
        console.print("[red]error:[/] --articles, --history, --batch, --rate and --sizes must be positive")
        raise typer.Exit(2)
    console.print(f"{articles} generated articles after {history} already on the desk, matched in batches of {batch} …")
    result = run_alerts_bench(articles=articles, history=history, sizes=counts, batch=batch,
                              delay_articles=delay_articles, rate=rate, hooks=hooks, say=console.print)
    table = Table(title="matching cost per article")
    for column in ("watchlists", "ms/article", "finding ms/article", "alerts", "storing ms/alert",
                   "query candidates/article", "checked by search/article"):
        table.add_column(column, justify="right")
    for row in result["matching"] + ([result["silent"]] if "silent" in result else []):
        table.add_row(f"{row['watchlists']}{' matching nothing' if row['silent'] else ''}", f"{row['ms_per_article']:.3f}", f"{row['finding_ms_per_article']:.3f}",
                      str(row["alerts"]), "-" if row["storing_ms_per_alert"] is None else f"{row['storing_ms_per_alert']:.3f}", f"{row['candidates_per_article']:g}",
                      f"{row['verified_per_article']:g}")
    console.print(table)
    if "growth" in result:
        console.print(f"cost at the most watchlists / at the fewest: {result['growth']:g}x "
                      f"({max(counts) // max(1, min(counts))}x the watchlists)")
    if "delay" in result:
        d = result["delay"]
        console.print(f"article stored → webhook received, {d['watchlists']} watchlists ({d['hooks']} with a webhook), "
                      f"{d['articles']} articles at {d['rate']:g}/s: [bold]p95 {d['p95_ms']} ms[/], p50 {d['p50_ms']} ms, "
                      f"max {d['max_ms']} ms ({d['webhooks_received']} of {d['webhooks_expected']} webhooks received)")
    if as_json:
        print(json.dumps(result))


@app.command("vectors")
def vectors(articles: int = typer.Option(5000, help="Generated articles in the desk."),
            repeats: int = typer.Option(5, help="Page rewrites timed (the median is shown)."),
            as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """What stored text vectors save: regrouping every article and rewriting the largest story's page from an
    empty memory, with the model alone and with the stored vectors; the bytes the vectors add per article."""
    if articles < 1 or repeats < 1:
        console.print("[red]error:[/] --articles and --repeats must be positive")
        raise typer.Exit(2)
    result = lab_module("bench.vectors").run_vectors_bench(articles=articles, repeats=repeats,
                                                           progress=console.print)
    v = result["stored_vectors"]
    console.print(f"{result['originals']} original articles ingested in {result['ingest']['seconds']} s "
                  f"({result['ingest']['cpu_seconds']} s CPU); {v['text_vectors']} text vectors stored "
                  f"({v['texts_per_article']} per article): [bold]{v['bytes_per_article']} bytes per article[/] "
                  f"with the article vectors")
    table = Table(title="from an empty memory of texts")
    for column in ("", "model alone", "stored vectors"):
        table.add_column(column, justify="left" if not column else "right")
    before, after = result["recluster"]["model_only"], result["recluster"]["stored"]
    table.add_row("recluster CPU s", f"{before['cpu_seconds']:.1f}", f"{after['cpu_seconds']:.1f}")
    table.add_row("recluster wall s", f"{before['seconds']:.1f}", f"{after['seconds']:.1f}")
    table.add_row("recluster texts embedded", str(before["texts_embedded"]), str(after["texts_embedded"]))
    rewrite = result["page_rewrite"]
    for memory, label in (("cold", f"page of {rewrite['story_articles']} articles"),
                          ("warm", "same page again (in memory)")):
        for unit, key in (("s", f"{memory}_s"), ("CPU s", f"{memory}_cpu_s")):
            table.add_row(f"{label}, {unit}", f"{rewrite['model_only'][key]:.3f}", f"{rewrite['stored'][key]:.3f}")
    console.print(table)
    if as_json:
        print(json.dumps(result))


@app.command("backfill")
def backfill(engine: str = typer.Option("local", "--engine", help="local or ray."),
             workers: str = typer.Option("1,2", "--workers", help="Worker counts to compare, comma-separated."),
             articles: int = typer.Option(2000, help="Generated articles in the WARC file."),
             address: Optional[str] = typer.Option(None, "--address", help="Ray cluster (default: start one here)."),
             pages: bool = typer.Option(True, "--pages/--no-pages", help="Write the story pages too."),
             as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """A generated WARC backfilled on 1, 2, … workers: articles/s per stage and overall, the scaling ratio, peak
    memory per worker, the grouping's stitch time."""
    run_backfill_bench = lab_module("backfill.bench").run_backfill_bench
    try:
        counts = [int(w) for w in workers.split(",") if w.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        fail(f"--workers {workers}: worker counts such as 1,2")
    console.print(f"Backfilling {articles} generated articles on the {engine} engine with {workers} workers …")
    result = run_backfill_bench(engine=engine, workers=counts, articles=articles, address=address, pages=pages)
    table = Table(title=f"bench backfill ({engine}, {result['warc_mb']} MB WARC)")
    for column in ("workers", "articles/s", "×1 worker", "ingest art/s", "group art/s", "stitch s",
                   "peak MB/worker", "stories"):
        table.add_column(column, justify="right")
    for run in result["runs"]:
        table.add_row(str(run["workers"]), str(run["articles_per_s"]), str(run["ratio_to_first"]),
                      str(run["ingest_articles_per_s"]), str(run["group_articles_per_s"]), str(run["stitch_s"]),
                      str(run["peak_rss_mb_per_worker"]), str(run["stories"]))
    console.print(table)
    for run in result["runs"]:
        stages = ", ".join(f"{k} {v}" for k, v in run["stage_articles_per_s"].items())
        console.print(f"  {run['workers']} workers, articles per second of each stage's own time: {stages}")
    if as_json:
        print(json.dumps(result))
