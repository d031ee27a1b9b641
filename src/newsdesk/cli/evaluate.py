"""`newsdesk eval …`: quality measured against labelled data whose path is given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk.cli.common import console, fail, state
from newsdesk.cli.lab import lab_module
from newsdesk.cli.terminal import escaped

app = typer.Typer(help="Evaluate a stage against labelled data.", no_args_is_help=True, rich_markup_mode=None)


@app.command("extraction")
def extraction(directory: Path = typer.Argument(..., help="A folder with html/*.html.gz and ground-truth.json."),
               as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Shingle precision / recall / F1 of article extraction (the Scrapinghub benchmark's metric)."""
    evaluate_extraction = lab_module("extract.evaluate").evaluate_extraction
    if not (directory / "ground-truth.json").exists() or not (directory / "html").is_dir():
        fail(f"{directory} must hold html/*.html.gz and ground-truth.json")
    with Progress(TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("", total=None)
        result = evaluate_extraction(directory, progress=lambda done, total: progress.update(
            task, completed=done, total=total))
    console.print(f"pages {result['pages']}  precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
                  f"F1 {result['f1']:.4f}  {result['pages_per_s']:.1f} pages/s")
    if as_json:
        print(json.dumps({k: result[k] for k in ("precision", "recall", "f1", "pages_per_s")}))


def _progress_bar(label: str) -> Progress:
    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


@app.command("clustering")
def clustering(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                           help="JSONL: id, title, text, event; optional published, source, url."),
               errors: int = typer.Option(0, "--errors", min=0,
                                          help="Also list the N costliest stories that mix events and events "
                                               "split over stories."),
               level: str = typer.Option("event", "--level",
                                         help="event: score each article's story; storyline: its storyline "
                                              "(the story's own when in none)."),
               as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """B-cubed P/R/F1, ARI and V-measure of story grouping (or of the storylines above it): the articles stream
    through the production desk on a fresh temporary database. Reads the Google News storylines set as it
    comes (textCleaned, clusterNo)."""
    if level not in ("event", "storyline"):
        fail(f"--level must be event or storyline, not {level!r}")
    evaluate_grouping = lab_module("pipeline.evaluate").evaluate_grouping
    with _progress_bar("grouping") as progress:
        task = progress.add_task("", total=None)
        result = evaluate_grouping(file, progress=lambda done, total: progress.update(task, completed=done,
                                                                                      total=total), level=level)
    console.print(f"articles {result['articles']}  B³ precision {result['b3_precision']:.4f}  recall "
                  f"{result['b3_recall']:.4f}  F1 {result['b3_f1']:.4f}  ARI {result['ari']:.4f}  "
                  f"V-measure {result['v_measure']:.4f}  {result['articles_per_s']:.1f} articles/s")
    if result["skipped"]:
        console.print(f"[yellow]{result['skipped']} records with neither title nor text were left out[/yellow]")
    if errors:
        _print_grouping_errors(result["errors"], errors)
    if as_json:
        print(json.dumps({k: result[k] for k in ("b3_precision", "b3_recall", "b3_f1", "ari", "v_measure",
                                                  "articles_per_s")}))


def _print_grouping_errors(found: dict, limit: int) -> None:
    mixed = Table(title=f"stories that mix events ({len(found['mixed'])}; B³ precision lost)")
    for column in ("story", "precision lost", "events (articles)", "titles"):
        mixed.add_column(column)
    for e in found["mixed"][:limit]:
        events = ", ".join(f"{event} ({count})" for event, count in e["events"].items())
        titles = "\n".join(f"{event}: {t}" for event, ts in e["titles"].items() for t in ts)
        mixed.add_row(escaped(e["story"]), f"{e['cost']:.4f}", escaped(events), escaped(titles))
    console.print(mixed)
    split = Table(title=f"events split over stories ({len(found['split'])}; B³ recall lost)")
    for column in ("event", "recall lost", "articles per story"):
        split.add_column(column)
    for e in found["split"][:limit]:
        split.add_row(escaped(e["event"]), f"{e['cost']:.4f}", " + ".join(map(str, e["parts"])))
    console.print(split)


@app.command("summaries")
def summaries(ctx: typer.Context,
              prefix: Path = typer.Argument(..., help="PREFIX of PREFIX.source and PREFIX.target (NeuS format)."),
              writer: str = typer.Option("extractive", "--writer", help="extractive or llm."),
              llm_url: Optional[str] = typer.Option(None, "--llm-url",
                                                    help="OpenAI-compatible endpoint (default: llm_url setting)."),
              llm_model: Optional[str] = typer.Option(None, "--llm-model", help="Model name (default: llm_model)."),
              limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N stories."),
              as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """ROUGE-1/2/L F1 ×100 of the story writer's headline + summary against human neutral summaries."""
    evaluate_summaries = lab_module("synthesize.evaluate").evaluate_summaries
    for suffix in (".source", ".target"):
        if not Path(str(prefix) + suffix).exists():
            fail(f"{prefix}{suffix} not found")
    if writer not in ("extractive", "llm"):
        fail(f"--writer must be extractive or llm, not {writer!r}")
    write = None
    if writer == "llm":
        from newsdesk.synthesize import ChatClient, LLMError, LLMWriter, config_from_settings

        config = config_from_settings(state(ctx).settings(), llm_url, llm_model)
        if not config.url:
            fail("--writer llm needs --llm-url or the llm_url setting (NEWSDESK_LLM_URL)")
        try:
            client = ChatClient(config.url, config.model, config.api_key, config.timeout)
        except LLMError as exc:
            fail(str(exc))
        write = LLMWriter(config, client=client)
    with _progress_bar("writing") as progress:
        task = progress.add_task("", total=None)
        result = evaluate_summaries(prefix, progress=lambda done, total: progress.update(task, completed=done,
                                                                                         total=total),
                                    writer=write, limit=limit)
    console.print(f"stories {result['stories']}  ROUGE-1 {result['rouge1']:.2f}  ROUGE-2 {result['rouge2']:.2f}  "
                  f"ROUGE-L {result['rougeL']:.2f}  {result['seconds']:.1f} s")
    keys = ["rouge1", "rouge2", "rougeL", "stories"]
    if writer == "llm":
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(result.get("dropped_reasons", {}).items())) or "none"
        fallback = ", ".join(f"{k} {v}" for k, v in sorted(result.get("fallback", {}).items())) or "none"
        console.print(f"LLM sentences generated {result.get('generated', 0)}  kept {result.get('kept', 0)}  "
                      f"dropped {result.get('dropped', 0)} ({reasons})  extractive fallback: {fallback}  "
                      f"padded {result.get('padded', 0)}  errors {result.get('errors', 0)}")
        keys += ["generated", "kept", "dropped", "dropped_reasons", "fallback", "padded", "errors", "seconds"]
    if as_json:
        print(json.dumps({k: result.get(k, 0) for k in keys}))


@app.command("pages")
def pages(source: str = typer.Argument(..., help="A desk's database (SQLite path or postgresql:// URL) or a "
                                                 ".jsonl file with one story page document per line."),
          examples: int = typer.Option(0, "--examples", min=0, help="Also show up to N examples of each check."),
          as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """The page linter: sentences needing context they lack, relative day words, near-repeats and superseded
    figures shown as current on story pages, per 100 pages."""
    lint = lab_module("synthesize.lint")
    try:
        docs = lint.read_pages(source)
    except lint.SourceError as exc:
        fail(str(exc))
    report = lint.lint_pages(docs, examples=examples)
    table = Table(title=f"{report.pages} pages, {report.sentences} shown sentences")
    for column in ("check", "found", "per 100 pages"):
        table.add_column(column)
    for check in lint.CHECKS:
        table.add_row(check, str(report.counts[check]), f"{report.per_100_pages[check]:.2f}")
    console.print(table)
    for check in lint.CHECKS:
        for example in report.examples[check]:
            console.print(f"{check}  page {escaped(str(example['page']))}: {escaped(example['sentence'])}",
                          soft_wrap=True)
    if as_json:
        print(json.dumps(report.figures()))


@app.command("differ")
def differ(prefix: Optional[Path] = typer.Argument(
               None, help="PREFIX of the NeuS split the labels name (val): also measure on its 50 labelled stories."),
           examples: bool = typer.Option(False, "--examples", help="Also list every wrong flag and every miss."),
           as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Precision and recall of "sources differ" on the project's hand labels: the demo corpus's events and,
    given the NeuS val PREFIX, 50 NeuS stories."""
    if prefix is not None and not Path(f"{prefix}.source").exists():
        fail(f"{prefix}.source not found")
    module = lab_module("synthesize.differ")
    try:
        tallies = module.evaluate_differ(prefix)
    except module.LabelsError as exc:
        fail(str(exc))
    table = Table(title='"sources differ": a flag is a (story, figure kind)')
    for column in ("labels", "stories", "flags right / wrong", "missed", "precision", "recall",
                   "recall, kinds it reads"):
        table.add_column(column)
    for t in tallies:
        table.add_row(t.name, str(t.stories), f"{t.true_positives} / {t.false_positives}", str(t.false_negatives),
                      f"{t.precision:.2f}", f"{t.recall:.2f}", f"{t.in_scope_recall:.2f}")
    console.print(table)
    if examples:
        for t in tallies:
            for mistake in t.mistakes:
                console.print(f"{t.name}  {escaped(mistake)}", soft_wrap=True)
    if as_json:
        print(json.dumps([t.figures() for t in tallies]))


@app.command("newfacts")
def newfacts(prefix: Optional[Path] = typer.Argument(
                 None, help="PREFIX of a NeuS split (PREFIX.source): the third report of each line arrives after the "
                            "reader read the first two, judged against silver labels computed from the text."),
             demo: bool = typer.Option(False, "--demo", help="The demo corpus's hand labels (the project's own)."),
             limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N NeuS lines."),
             examples: int = typer.Option(0, "--examples", min=0, help="Also list up to N mistakes of each set."),
             as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Precision, recall and F1 of "new fact" (what changed since you last read): "shown", the sentences listed as
    new facts; "judged", those judged new, shown or not."""
    if not demo and prefix is None:
        fail("give --demo, a NeuS PREFIX, or both")
    if prefix is not None and not Path(f"{prefix}.source").exists():
        fail(f"{prefix}.source not found")
    evaluate = lab_module("reading.evaluate")
    results = []
    try:
        if demo:
            with _progress_bar("demo") as progress:
                task = progress.add_task("", total=None)
                results.append(evaluate.evaluate_demo(examples=examples, progress=lambda done, total: progress.update(
                    task, completed=done, total=total)))
        if prefix is not None:
            with _progress_bar("NeuS") as progress:
                task = progress.add_task("", total=None)
                results.append(evaluate.evaluate_neus(prefix, limit=limit, examples=examples,
                                                      progress=lambda done, total: progress.update(
                                                          task, completed=done, total=total)))
    except evaluate.LabelsOutOfDate as exc:
        fail(str(exc))
    table = Table(title='"new fact": precision / recall / F1 (true positives, false positives, false negatives)')
    for column in ("labels", "cases", "sentences", "new (share)", "shown P / R / F1", "judged P / R / F1", "seconds"):
        table.add_column(column, no_wrap=column == "labels")
    for result in results:
        table.add_row("demo (hand)" if result.name == "demo" else "NeuS (silver)", str(result.cases),
                      str(result.sentences), f"{result.positives} ({result.positives / max(result.sentences, 1):.2f})",
                      _prf(result.shown), _prf(result.judged), f"{result.seconds:.1f}")
    console.print(table)
    for result in results:
        if result.name == "demo":
            listed = ", ".join(f"{label} {n}" for label, n in sorted(result.shown_by_label.items()))
            console.print(f"demo: sentences listed as new facts by label (N new fact, R repeat, X no fact): {listed}")
        for m in result.mistakes:
            verdict = "listed" if m["shown"] else "missed"
            console.print(escaped(f"{result.name} {m['case']} #{m['sentence']} [{m['label']}] {verdict} "
                                  f"({m['reason']}): {m['text']}"), soft_wrap=True)
    if as_json:
        print(json.dumps({r.name: r.figures() for r in results}))


def _prf(score) -> str:
    return (f"{score.precision:.3f} / {score.recall:.3f} / {score.f1:.3f} "
            f"({score.tp}, {score.fp}, {score.fn})")
@app.command("entities")
def entities(aliases: Optional[Path] = typer.Option(None, "--aliases", exists=True, dir_okay=False,
                                                    help="Labelled aliases of the demo corpus (default: the "
                                                         "project's own, newsdesk_lab/entities/demo_aliases.json)."),
             conll: Optional[Path] = typer.Option(None, "--conll", exists=True, dir_okay=False,
                                                  help="Also score the NER against this CoNLL-2003-format file "
                                                       "(word … tag per line), e.g. the CoNLL-2003 English test set."),
             limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N documents of --conll."),
             examples: int = typer.Option(0, "--examples", min=0, help="Also show up to N wrong and missed merges."),
             as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Pairwise precision / recall of the entity merges (which names the desk makes one thing) on the labelled
    demo aliases, through the shipped NER and resolution; with --conll, entity-level P/R/F1 of the NER."""
    evaluate = lab_module("entities.evaluate")
    result = {"merges": evaluate.evaluate_merges(aliases)}
    m = result["merges"]
    table = Table(title=f"merges over {m['names_found']} labelled names the NER found (of {m['names_labelled']}), "
                        f"{m['things']} things → {m['entities']} entities")
    for column in ("", "precision", "recall", "F1", "pairs merged", "right", "pairs labelled one thing"):
        table.add_column(column, justify="left" if not column else "right")
    for label, key in (("entities", "merges"), ("entities or linked forms", "merges_with_links"),
                       ("baseline: same text", "baseline_same_text")):
        s = m[key]
        table.add_row(label, f"{s['precision']:.4f}", f"{s['recall']:.4f}", f"{s['f1']:.4f}", str(s["predicted"]),
                      str(s["right"]), str(s["gold"]))
    console.print(table)
    t = m["types"]
    console.print(f"types: {t['right']} of the {t['of']} labelled names the desk made an entity of have the "
                  f"labelled type ({t['accuracy']:.4f})")
    for line in m["wrong_types"][:examples]:
        console.print(f"[red]wrong type:[/] {escaped(line)}", soft_wrap=True)
    if m["things_split"]:
        console.print(f"things split over entities: {escaped(', '.join(m['things_split']))}", soft_wrap=True)
    for line in m["wrong_merges"][:examples]:
        console.print(f"[red]wrongly merged:[/] {escaped(line)}", soft_wrap=True)
    for line in m["missed_merges"][:examples]:
        console.print(f"[yellow]not merged:[/] {escaped(line)}", soft_wrap=True)
    if conll is not None:
        result["ner"] = n = evaluate.evaluate_ner(conll, limit=limit)
        table = Table(title=f"NER on {conll.name}: {n['documents']} documents, {n['tokens']} tokens "
                            f"({n['tokens_per_s']} tokens/s)")
        for column in ("type", "precision", "recall", "F1", "found", "right", "labelled"):
            table.add_column(column, justify="left" if column == "type" else "right")
        for label, s in (*n["by_type"].items(), ("PER+ORG+LOC", n["per_org_loc"])):
            table.add_row(label, f"{s['precision']:.4f}", f"{s['recall']:.4f}", f"{s['f1']:.4f}", str(s["predicted"]),
                          str(s["right"]), str(s["gold"]))
        console.print(table)
    if as_json:
        print(json.dumps({"merges": {k: m[k] for k in ("merges", "merges_with_links", "baseline_same_text",
                                                       "types", "names_found", "things", "entities")},
                          **({"ner": {k: result["ner"][k] for k in ("per_org_loc", "by_type", "documents", "tokens")}}
                             if "ner" in result else {})}))


@app.command("entity-lead")
def entity_lead(caps: str = typer.Option("1000,1500,2000,3000,4000,6000", "--caps",
                                         help="Characters of each article's text read after its title "
                                              "(comma-separated)."),
                wikinews: Optional[Path] = typer.Option(None, "--wikinews", exists=True, dir_okay=False,
                                                        help="Also real stories: a WikinewsSum-format JSONL (the "
                                                             "English sources of one Wikinews article are a story)."),
                pages: Optional[Path] = typer.Option(None, "--pages", exists=True, file_okay=False,
                                                     help="Also real pages: a folder of *.html / *.html.gz, each a "
                                                          "story of its own."),
                bench_pages: int = typer.Option(400, "--bench-pages", min=0,
                                                help="Generated bench pages to read (0: none)."),
                rounds: int = typer.Option(1, "--rounds", min=1, help="Read each corpus this often; best CPU kept."),
                as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """What reading only the lead of each article costs a story page's entities (recall of the names, of the
    entities two or more sources name, of each story's first five, against the uncapped reading; then with the
    story's names counted again in the unread tails) and what it saves of the NER's CPU, on the demo corpus,
    the bench's pages and the real pages given."""
    try:
        chosen = sorted({int(c) for c in caps.split(",") if c.strip()})
    except ValueError:
        fail(f"--caps: {caps!r} is no comma-separated list of character counts")
    if not chosen or min(chosen) < 1:
        fail("--caps: give one or more positive character counts")
    lead = lab_module("entities.lead")
    result = lead.evaluate_caps(chosen, bench_pages=bench_pages, wikinews=wikinews, pages=pages, rounds=rounds,
                                progress=lambda line: console.print(escaped(line)))
    for corpus, figures in result.items():
        table = Table(title=f"{corpus}: {figures['stories']} stories, {figures['articles']} articles "
                            f"(recall against {lead.UNCAPPED:,} characters)")
        for column in ("cap", "chars read", "NER CPU ms", "names", "2+ sources", "top 5", "2+, again",
                       "top 5, again", "again CPU ms"):
            table.add_column(column, justify="right")
        for cap, row in figures["caps"].items():
            recalls = [row[k]["recall"]
                       for k in ("names", "multi_source", "top5", "multi_source_again", "top5_again")]
            table.add_row(f"{cap:,}", str(row["chars_per_article"]), f"{row['ner_cpu_ms_per_article']:.1f}",
                          *("—" if r is None else f"{r:.3f}" for r in recalls),
                          f"{row['again_cpu_ms_per_article']:.2f}")
        console.print(table)
    if as_json:
        print(json.dumps(result))


@app.command("ask")
def ask(ctx: typer.Context,
        neus: Optional[Path] = typer.Option(None, "--neus", help="The NeuS split the NeuS questions are about "
                                                                  "(val.source); without it they are skipped."),
        llm: bool = typer.Option(False, "--llm", help="Through the LLM endpoint (--llm-url or the llm_url setting)."),
        llm_url: Optional[str] = typer.Option(None, "--llm-url", help="OpenAI-compatible endpoint."),
        llm_model: Optional[str] = typer.Option(None, "--llm-model", help="Model name (default: llm_model)."),
        examples: int = typer.Option(0, "--examples", min=0, help="Also list up to N wrong answers."),
        limit: Optional[int] = typer.Option(None, "--limit", min=1,
                                            help="Only the first N questions of each set (demo, NeuS)."),
        timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="Seconds for one LLM answer."),
        as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures.")) -> None:
    """Ask the story on the project's 50 questions (half answerable): the share answered correctly and the
    share of unanswerable ones refused."""
    evaluate = lab_module("ask.evaluate")
    if neus is not None and not neus.exists():
        fail(f"{neus} not found")
    from newsdesk.ask import StoryAsker

    config = None
    if llm or llm_url:
        from newsdesk.synthesize import config_from_settings

        config = config_from_settings(state(ctx).settings(), llm_url, llm_model)
        if not config.url:
            fail("--llm needs --llm-url or the llm_url setting (NEWSDESK_LLM_URL)")
        if timeout:
            config.timeout = timeout
    asker = StoryAsker(llm=config)
    with _progress_bar("asking") as progress:
        task = progress.add_task("", total=None)
        result = evaluate.evaluate_ask(neus, asker, examples=examples, limit=limit, progress=lambda done, total: progress.update(
            task, completed=done, total=total))
    figures = result.figures()
    console.print(f"{'llm' if config else 'extractive'}: questions {figures['questions']}  "
                  f"answered correctly {figures['answered_correctly']:.2f} ({result.answered_right}/{result.answerable}; "
                  f"{result.answered_wrong} answered without the fact, {result.missed} refused)  "
                  f"unanswerable refused {figures['refused_unanswerable']:.2f} ({result.refused}/{result.unanswerable})  "
                  f"accuracy {figures['accuracy']:.2f}  {figures['seconds']:.1f} s", soft_wrap=True)
    if result.skipped:
        console.print(f"{result.skipped} NeuS questions skipped: give --neus PATH/val.source")
    if config:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(result.llm_reasons.items())) or "none"
        console.print(f"LLM sentences generated {result.llm_generated}, dropped {result.llm_dropped} ({reasons}); "
                      f"answers given extractively instead (endpoint failed, or all it wrote was unsupported) "
                      f"{result.llm_fallbacks}")
    for mistake in result.mistakes:
        console.print(escaped(f"- {mistake['story']} {mistake['question']!r} "
                              f"({'answerable' if mistake['answerable'] else 'unanswerable'}): "
                              f"{mistake['answer'] or 'refused'}"), soft_wrap=True)
    if as_json:
        print(json.dumps(figures))
