"""Stories from the terminal: the ranked list, one story page, regrouping, embedding again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Optional

import typer
from rich.table import Table

from newsdesk.cli.common import console, demo_database, fail, open_store, state
from newsdesk.cli.terminal import escaped, json_for_terminal, printable
from newsdesk.model import Story
from newsdesk.storage import Storage
from newsdesk.timeutil import relative, to_utc, utcnow


def register(app: typer.Typer) -> None:
    app.command("stories")(list_stories)
    app.command("recluster")(recluster)
    app.command("reembed")(reembed)
    app.command("ask")(ask)


def list_stories(ctx: typer.Context, limit: int = typer.Option(20, "--limit", "-n"),
                 page: int = typer.Option(1, "--page", min=1),
                 as_json: bool = typer.Option(False, "--json", help="The listing as a JSON list.")) -> None:
    """Top stories: ranked by independent sources and recency (pinned ones first, hidden ones left out)."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        stories = storage.top_stories(limit=limit, offset=(page - 1) * limit)
        pinned = {i for i, o in storage.story_overrides([s.id for s in stories]).items() if o.pinned}
    if as_json:
        print(json_for_terminal([
            {"id": s.id, "slug": s.slug, "headline": s.headline, "independent_count": s.independent_count,
             "reprint_count": s.reprint_count, "article_count": s.article_count, "pinned": s.id in pinned,
             "first_published": s.first_published.isoformat() if s.first_published else None,
             "last_updated": s.last_updated.isoformat() if s.last_updated else None,
             "outlets": json.loads(s.page_json).get("independent", [])} for s in stories]))
        return
    if not stories:
        demo = demo_database()
        elsewhere = (f" The demo desk is in its own database: `newsdesk --db {demo} stories`."
                     if demo.exists() and str(demo) != settings.database_url() else "")
        console.print(escaped(f"No stories yet: `newsdesk fetch` fetches the sources, `newsdesk demo` loads a sample "
                              f"desk.{elsewhere}"), soft_wrap=True)
        return
    now = utcnow()
    table = Table()
    for column in ("#", "id", "story", "sources", "updated"):
        table.add_column(column, overflow="fold", justify="right" if column in ("#", "id") else "left")
    for rank, story in enumerate(stories, start=(page - 1) * limit + 1):
        outlets = json.loads(story.page_json).get("independent", [])
        sources = f"{story.independent_count} independent" + (
            f" + {story.reprint_count} reprint{'s' if story.reprint_count != 1 else ''}" if story.reprint_count else "")
        table.add_row(str(rank), str(story.id), f"[bold]{escaped(story.headline)}[/]\n[dim]{escaped(story.slug)}[/]",
                      f"{sources}\n[dim]{escaped(', '.join(outlets[:4]))}"
                      f"{' …' if len(outlets) > 4 else ''}[/]",
                      relative(story.last_updated, now))
    console.print(table)


def _story_or_fail(storage: Storage, key: str) -> Story:
    story = storage.get_story(key)
    if story is None or not story.page_json:
        fail(f"no story {key!r}; `newsdesk stories` lists them")
    return story


def _time(value: str | None) -> datetime | None:
    return to_utc(datetime.fromisoformat(value)) if value else None


def story_document(storage: Storage, story: Story) -> dict:
    """The story page as data: what `--json` prints (without "version", the version of the page's JSON, which
    says how its timeline is read) and the Markdown and terminal views render."""
    from newsdesk.coverage import coverage_json
    from newsdesk.language import base_language
    from newsdesk.pipeline import related_stories, stories_coverage
    from newsdesk.synthesize import page_version

    page = json.loads(story.page_json)
    articles = {a.id: a for a in storage.story_articles(story.id)}
    copies = storage.copy_outlets(list(articles))
    related = []
    for r in related_stories(storage, story):
        other = json.loads(r.story.page_json)
        lead = storage.get_article(other["headline_article_id"]) if other.get("headline_article_id") else None
        related.append({"id": r.story.id, "slug": r.story.slug, "headline": r.story.headline,
                        "outlet": lead.outlet if lead else None, "last_updated": r.story.last_updated.isoformat(),
                        "similarity": r.similarity})
    sources = [{"article_id": a.id, "outlet": a.outlet, "title": a.title, "url": a.url,
                "published": a.time.isoformat(), "reprint_of": a.original_id,
                "also_published_by": copies.get(a.id, []), "lang": base_language(a.language)}
               for a in articles.values()]
    from newsdesk.web import story_entities_json, story_languages_json, story_why_json, storyline_brief

    storyline = storyline_brief(storage, story.id)
    if storyline:                   # the related list leaves out what the storyline shows
        related = [r for r in related if r["id"] not in {e["id"] for e in storyline["events"]}]
    return {"id": story.id, "slug": story.slug, **page, "sources": sources, **story_languages_json(articles.values()),
            "related": related, "storyline": storyline,
            "article_count": story.article_count, "independent_count": story.independent_count,
            "reprint_count": story.reprint_count, "entities": story_entities_json(storage, story.id),
            "why": story_why_json(storage, story.id, list(articles.values())),
            **coverage_json(stories_coverage(storage, [story.id])[story.id]), "version": page_version(page)}


def _markdown(doc: dict) -> str:
    def cite_outlets(item: dict) -> str:
        also = ", ".join(outlet for _, outlet in item.get("also", []))
        return f"*{item['outlet']}*" + (f"; also {also}" if also else "")

    def cite(item: dict) -> str:
        return f"{item['text']} ({cite_outlets(item)})"

    lines = [f"# {doc['headline']}", ""]
    first, last = _time(doc.get("first_published")), _time(doc.get("last_updated"))
    lines += [f"First published {first:%Y-%m-%d %H:%M} UTC · last updated {last:%Y-%m-%d %H:%M} UTC" if first and last
              else "", ""]
    from newsdesk.synthesize import is_update

    updates = [t for t in doc["timeline"] if is_update(t, doc["version"])]
    if updates:
        when, _, outlet, title = updates[-1][:4]
        lines += [f"**Update** {_time(when):%Y-%m-%d %H:%M} UTC — {outlet} updated its report: {title}", ""]
    # The dek reads as one paragraph, each sentence followed by the outlet it is quoted from.
    lines += [" ".join(f"{s['text']} ({cite_outlets(s)})" for s in doc["summary"]), ""]
    for d in doc.get("differ", []):
        others = " or ".join(v["value"] for v in d["versions"][1:])
        lines += [f"**Sources differ** on {d['label']}: {d['latest']} in the latest report, {others} in others; "
                  "this page gives the latest.", ""]
    lines += ["## Key takeaways", ""]
    lines += [f"- {cite(t)}" for t in doc["takeaways"]]
    if doc.get("entities"):
        lines += ["", "## Who and where", ""]
        lines += [f"- {e['name']} ({e['type']}, named by {e['sources']} source{'s' * (e['sources'] != 1)})"
                  for e in doc["entities"]]
    covered = {group: counts for group, counts in doc.get("coverage", {}).items() if sum(counts.values())}
    if covered:
        from newsdesk.coverage import coverage_line

        lines += ["", "## Coverage", ""]
        lines += [f"- {group}: {coverage_line(counts)}"
                  + "".join(f" — **blindspot: {label}**" for label in doc.get("blindspots", {}).get(group, []))
                  for group, counts in covered.items()]
    if any(doc["unique"].values()):
        lines += ["", "## What each source adds", ""]
        for outlet, items in doc["unique"].items():
            if items:  # each its own line: a pronoun must not read as the outlet quoted before it
                lines += [f"**{outlet}**", ""] + [f"- {i['text']}" for i in items] + [""]
    if doc.get("differ"):
        lines += ["", "## Sources differ", ""]
        for d in doc["differ"]:
            lines += [f"**{d['label'][:1].upper()}{d['label'][1:]}**", ""]
            for v in d["versions"]:
                said = "; ".join((f"{st['outlet']}, {_time(st['at']):%Y-%m-%d %H:%M} UTC" if st["at"] else st["outlet"])
                                 + (f" (superseded by its later report: {st['superseded_by']})"
                                    if st["superseded_by"] else "") for st in v["statements"])
                lines.append(f"- {v['value']}{' (latest)' * (v['value'] == d['latest'])}: {said}")
            lines.append("")
    why = {w["article"]: w for w in doc.get("why", [])}
    lines += ["", "## Sources", ""]
    for s in doc["sources"]:
        mark = " (reprint)" if s["reprint_of"] else ""
        also = f" — also published by {', '.join(s['also_published_by'])}" if s["also_published_by"] else ""
        lines.append(f"- [{s['title']}]({s['url']}) — {s['outlet']}{mark}{also}")
        if s["article_id"] in why:
            w = why[s["article_id"]]
            joined = f"joined at {w['probability']:.2f}: " if w["probability"] is not None else ""
            runner = (f"; runner-up: {w['runner_up']['headline']} ({w['runner_up']['probability']:.2f})"
                      if w["runner_up"] and w["runner_up"]["probability"] is not None else "")
            lines.append(f"  - why: {joined}{'; '.join(w['reasons'])}{runner}")
    lines += ["", "## Timeline", ""]
    lines += [f"- {_time(t[0]):%Y-%m-%d %H:%M} — {t[2]}{' updated its report' * is_update(t, doc['version'])}: {t[3]}"
              for t in doc["timeline"]]
    if doc.get("storyline"):
        line = doc["storyline"]
        lines += ["", f"## Part of: {line['title']} ({line['event_count']} events)", ""]
        lines += [f"- {e['headline']}{' (this story)' * (e['id'] == doc['id'])}" for e in line["events"]]
    if doc["related"]:
        lines += ["", "## Related stories", ""]
        lines += [f"- {r['headline']} — {r['outlet']}, {relative(_time(r['last_updated']))}" for r in doc["related"]]
    return "\n".join(lines) + "\n"


def show_story(ctx: typer.Context, key: str = typer.Argument(..., help="Story id or slug."),
               as_json: bool = typer.Option(False, "--json"), as_markdown: bool = typer.Option(False, "--markdown")
               ) -> None:
    """One story page: headline, summary and takeaways with their sources, what each source adds, sources
    (reprints marked), timeline, related stories."""
    settings = state(ctx).settings()
    with open_store(settings) as storage:
        doc = story_document(storage, _story_or_fail(storage, key))
    if as_json:
        print(json_for_terminal({k: v for k, v in doc.items() if k != "version"}))
    elif as_markdown:
        print(printable(_markdown(doc)), end="")
    else:
        from rich.markdown import Markdown
        # hyperlinks off: the sources' links are shown as text (an OSC 8 link may hide where it points)
        console.print(Markdown(printable(_markdown(doc)), hyperlinks=False))


def recluster(ctx: typer.Context, since: Optional[datetime] = typer.Option(
        None, help="Regroup articles published since this date (default: all).")) -> None:
    """Regroup stored articles into stories (after a model or threshold change). Old story ids keep resolving
    to the new story holding most of their articles."""
    from newsdesk.pipeline import desk_embedder, desk_multilingual_embedder, needs_reembedding, regroup, story_writer

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        embedder, multilingual = desk_embedder(storage), desk_multilingual_embedder(storage)
        if needs_reembedding(storage, embedder.model_id):     # every text through the model once, in batches
            _reembed(storage, embedder)
        stories, articles = regroup(storage, to_utc(since) if since else None,
                                    progress=lambda n: console.print(f"  {n} articles regrouped", end="\r"),
                                    window=timedelta(hours=settings.story_window_hours),
                                    writer=story_writer(settings, embedder, multilingual),
                                    entities=settings.entities, entity_chars=settings.entity_chars,
                                    embedder=embedder, multilingual=multilingual)
    console.print(f"Regrouped {articles} articles into {stories} stories.")


def reembed(ctx: typer.Context) -> None:
    """Embed the stored articles' titles and sentences that the desk holds no vectors of for the current
    model (after a model change, or once on a desk older than stored vectors), in batches; a stopped run
    goes on where it stood. Vectors of older models are deleted when it is done."""
    from newsdesk.pipeline import desk_embedder

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        done = _reembed(storage, desk_embedder(storage))
    console.print(f"{done.articles} articles looked at: {done.texts} texts embedded, {done.article_vectors} "
                  f"article vectors made, {done.forgotten} vectors of older models deleted.")


def _reembed(storage: Storage, embedder):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsdesk.pipeline import reembed as reembed_articles

    with Progress(TextColumn("[bold]embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("", total=None)
        return reembed_articles(storage, embedder,
                                progress=lambda done, total: progress.update(task, completed=done, total=total))


def ask(ctx: typer.Context, key: str = typer.Argument(..., help="Story id or slug."),
        question: str = typer.Argument(..., help="A question about the story."),
        as_json: bool = typer.Option(False, "--json", help="The answer as the API gives it.")) -> None:
    """Ask a story a question: the answer comes only from its articles, each sentence with its sources
    (through the LLM endpoint when one is configured); "The sources don't say" when nothing supports one."""
    from newsdesk.ask import NOT_SAID, AskError, answer_json
    from newsdesk.pipeline import ask_story, desk_embedder, story_asker

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        story = _story_or_fail(storage, key)
        asker = story_asker(settings, desk_embedder(storage))
        try:
            answer = ask_story(storage, asker, story.id, question)
        except AskError as exc:
            fail(str(exc))
        finally:
            asker.close()
    if as_json:
        print(json_for_terminal(answer_json(answer, story.id)))
        return
    if not answer.answered:
        console.print(f"[bold]{NOT_SAID}[/]" + (f" [dim]({answer.dropped} unsupported sentences the model wrote "
                                                f"left out)[/]" if answer.dropped else ""))
        return
    for sentence in answer.sentences:
        also = ", ".join(outlet for _, outlet in sentence.also)
        console.print(f"{escaped(sentence.text)} [dim]— {escaped(sentence.outlet)}"
                      f"{escaped('; also ' + also) if also else ''} (article {sentence.article_id})[/]",
                      soft_wrap=True)
    if answer.method == "llm":
        console.print(f"[dim]by the LLM endpoint, checked: {answer.generated} sentences written, "
                      f"{answer.dropped} unsupported left out[/]")
    elif answer.error:
        console.print(f"[dim]extractive (the LLM endpoint was not used: {escaped(answer.error)})[/]")
