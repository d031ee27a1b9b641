"""Correcting stories from the terminal: `newsdesk story merge|move|split|rename|hide|pin|undo …` (a bare
`newsdesk story ID` still shows the story) and `newsdesk corrections [--json] | export`."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Optional

import typer
from newsdesk.cli.common import ShowByDefault, console, fail, open_store, state
from newsdesk.cli.stories import show_story
from newsdesk.cli.terminal import escaped, json_for_terminal

SHOW = "show"
story_app = typer.Typer(cls=ShowByDefault, no_args_is_help=True, rich_markup_mode=None,
                        help="One story page (`newsdesk story ID|SLUG [--json|--markdown]`), or a correction of "
                             "it: merge, move, split, rename, hide, pin, undo.")
corrections_app = typer.Typer(invoke_without_command=True, rich_markup_mode=None,
                              help="The log of corrections (who, when, what, undone), or `export`.")


def register(app: typer.Typer) -> None:
    story_app.command(SHOW, hidden=True)(show_story)
    app.add_typer(story_app, name="story")
    app.add_typer(corrections_app, name="corrections")


def _actor() -> str:
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


def _correct(ctx: typer.Context, action) -> None:
    """Run `action(storage, actor)`, write the pages it changed and say what was done and how to undo it."""
    from newsdesk.corrections import CorrectionError, describe
    from newsdesk.pipeline import rewrite_pages

    settings = state(ctx).settings()
    with open_store(settings) as storage:
        try:
            corrected = action(storage, _actor())
        except CorrectionError as exc:
            fail(str(exc))
        rewrite_pages(storage, settings, corrected.stories)
    c = corrected.correction
    verb = "Undid correction" if c.undone_at else "Correction"
    console.print(escaped(f"{verb} {c.id}: {describe(c)}."), soft_wrap=True)
    if not c.undone_at:
        console.print(f"Undo it with: newsdesk story undo {c.id}", soft_wrap=True)


def _whole(value: str, what: str = "an article id") -> int:
    from newsdesk.storage import row_id

    found = row_id(value)
    if found is None:
        fail(f"{value!r} is not {what}: give a whole number")
    return found


@story_app.command("merge")
def merge(ctx: typer.Context, into: str = typer.Argument(..., help="The story that stays (id or slug)."),
          merged: str = typer.Argument(..., metavar="FROM", help="The story merged into it (id or slug).")) -> None:
    """Merge story FROM into story INTO; FROM's id and slug lead to INTO from now on."""
    from newsdesk.corrections import merge_stories

    _correct(ctx, lambda storage, actor: merge_stories(storage, into, merged, actor))


@story_app.command("move")
def move(ctx: typer.Context, article: str = typer.Argument(..., metavar="ARTICLE_ID"),
         to: str = typer.Option(..., "--to", metavar="STORY_ID|new", help="A story id or slug, or `new`.")) -> None:
    """Move an article (with its reprints) to another story, or to a new one."""
    from newsdesk.corrections import move_article

    article_id = _whole(article)
    _correct(ctx, lambda storage, actor: move_article(storage, article_id, to, actor))


@story_app.command("split")
def split(ctx: typer.Context, story: str = typer.Argument(..., metavar="STORY_ID"),
          articles: list[str] = typer.Argument(..., metavar="ARTICLE_ID…", help="The articles that leave.")) -> None:
    """Split a story: the articles named (with their reprints) leave it for a new story."""
    from newsdesk.corrections import split_story

    ids = [_whole(a) for a in articles]
    _correct(ctx, lambda storage, actor: split_story(storage, story, ids, actor))


@story_app.command("rename")
def rename(ctx: typer.Context, story: str = typer.Argument(..., metavar="STORY_ID"),
           headline: Optional[str] = typer.Argument(None, help="The headline to pin."),
           unpin: bool = typer.Option(False, "--unpin", help="Let the writer choose the headline again.")) -> None:
    """Pin a story's headline (kept whatever the writer picks) until `--unpin`."""
    from newsdesk.corrections import rename_story

    if unpin == bool(headline):
        fail("give a headline to pin, or --unpin")
    _correct(ctx, lambda storage, actor: rename_story(storage, story, None if unpin else headline, actor))


@story_app.command("hide")
def hide(ctx: typer.Context, story: str = typer.Argument(..., metavar="STORY_ID"),
         show: bool = typer.Option(False, "--show", help="List it again.")) -> None:
    """Hide a story from every listing (its page stays at its address)."""
    from newsdesk.corrections import hide_story

    _correct(ctx, lambda storage, actor: hide_story(storage, story, actor, hidden=not show))


@story_app.command("pin")
def pin(ctx: typer.Context, story: str = typer.Argument(..., metavar="STORY_ID"),
        unpin: bool = typer.Option(False, "--unpin", help="Back to its place by rank.")) -> None:
    """Pin a story to the top of the listing."""
    from newsdesk.corrections import pin_story

    _correct(ctx, lambda storage, actor: pin_story(storage, story, actor, pinned=not unpin))


@story_app.command("undo")
def undo(ctx: typer.Context, correction: str = typer.Argument(..., metavar="CORRECTION_ID")) -> None:
    """Undo a correction: what it changed is put back; it stays in the log, marked undone."""
    from newsdesk.corrections import undo as undo_correction

    correction_id = _whole(correction, "a correction id (`newsdesk corrections` lists them)")
    _correct(ctx, lambda storage, actor: undo_correction(storage, correction_id, actor))


@corrections_app.callback()
def list_corrections(ctx: typer.Context, as_json: bool = typer.Option(False, "--json"),
                     story: Optional[str] = typer.Option(None, "--story", help="Only those of this story."),
                     limit: int = typer.Option(200, "--limit", "-n", min=1)) -> None:
    """Every correction, newest first: who, when, what, and whether it was undone."""
    if ctx.invoked_subcommand:
        return
    from newsdesk.corrections import correction_json, describe

    with open_store(state(ctx).settings()) as storage:
        ids = None
        if story is not None:
            found = storage.get_story(story)
            if found is None:
                fail(f"no story {story!r}; `newsdesk stories` lists them")
            ids = [found.id, *storage.stories_merged_into(found.id)]
        found_corrections = storage.list_corrections(story_ids=ids, limit=limit)
    if as_json:
        print(json_for_terminal([correction_json(c) for c in found_corrections]))
        return
    if not found_corrections:
        console.print("No corrections yet.")
        return
    for c in found_corrections:
        undone = f"  [dim](undone {c.undone_at:%Y-%m-%d %H:%M} by {escaped(c.undone_by)})[/]" if c.undone_at else ""
        console.print(f"{c.id:>5}  {c.created_at:%Y-%m-%d %H:%M}  {escaped(c.actor)}: {escaped(describe(c))}{undone}",
                      soft_wrap=True)


@corrections_app.command("export")
def export(ctx: typer.Context, out: Optional[Path] = typer.Option(None, "-o", "--out",
                                                                    help="File to write (default: standard output)."),
           pairs: bool = typer.Option(False, "--pairs", help="One line per labelled pair instead of per article.")
           ) -> None:
    """The corrections as training data for the grouping's pair model: the corrected stories' articles as JSONL
    labelled by event (`python -m newsdesk_lab.cluster.train --desk FILE` trains on it), so that every pair a person
    joined is one event and every pair they separated two; `--pairs` writes the pairs themselves
    (`{"a": …, "b": …, "same": true|false}`)."""
    from newsdesk.corrections import labelled_articles, labelled_pairs

    with open_store(state(ctx).settings()) as storage:
        rows = labelled_pairs(storage) if pairs else labelled_articles(storage)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if out is None:
        print(text, end="")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    console.print(escaped(f"Wrote {len(rows)} {'pairs' if pairs else 'labelled articles'} to {out}."))
