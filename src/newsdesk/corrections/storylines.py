"""A person's corrections of the storylines: move an event (a story) to another storyline, a new one or out of
any; merge two storylines; split events out into a new one. Each is logged and undoable like the corrections
of stories; an event a person placed is pinned there (the linker never moves it), and the placement follows
the story through a recluster and any merge of stories (`storage.merge_stories` carries it)."""

from __future__ import annotations

from newsdesk.corrections.errors import BadCorrection, NotFound
from newsdesk.corrections.operations import NEW, Corrected
from newsdesk.model import Correction, CorrectionKind, Story, Storyline
from newsdesk.storage import Storage

OUT = "none"


def _story(storage: Storage, key: int | str) -> Story:
    story = storage.get_story(key)
    if story is None:
        raise NotFound(f"no story {key!r}; `newsdesk stories` lists them")
    return story


def _storyline(storage: Storage, key: int | str) -> Storyline:
    found = storage.get_storyline(key)
    if found is None:
        raise NotFound(f"no storyline {key!r}; `newsdesk storylines` lists them")
    return found


def _new_storyline(storage: Storage, story: Story) -> int:
    from newsdesk.pipeline import slugify

    return storage.create_storyline(slugify(story.headline or "storyline"))


def _log(storage: Storage, kind: CorrectionKind, actor: str, story_id: int | None, target_id: int | None,
         detail: dict) -> Correction:
    return storage.get_correction(storage.add_correction(kind, actor, story_id, target_id, detail, []))


def _refresh(storage: Storage, storyline_ids) -> None:
    from newsdesk.pipeline import refresh_storylines

    refresh_storylines(storage, [s for s in storyline_ids if s is not None])


def move_event(storage: Storage, story_key: int | str, to: int | str, actor: str) -> Corrected:
    """The story into storyline `to`, into a new storyline (`new`), or out of any storyline (`none`)."""
    story = _story(storage, story_key)
    source = storage.storyline_of_story(story.id)
    target = None if str(to) in (NEW, OUT) else _storyline(storage, to)
    if target is not None and target.id == source:
        raise BadCorrection(f"story {story.id} is already in storyline {target.id}")
    if str(to) == OUT and source is None:
        raise BadCorrection(f"story {story.id} is in no storyline")
    with storage.transaction():
        if str(to) == OUT:
            storage.remove_storyline_event(story.id)
            target_id = None
        else:
            target_id = target.id if target is not None else _new_storyline(storage, story)
            storage.add_storyline_events(target_id, [story.id], None, pinned=True)
        correction = _log(storage, CorrectionKind.STORYLINE_MOVE, actor, story.id, target_id,
                          {"story": story.id, "from": source, "to": target_id, "new_storyline": str(to) == NEW,
                           "out": str(to) == OUT})
    _refresh(storage, [source, target_id])
    return Corrected(correction, set())


def merge_storylines(storage: Storage, into: int | str, merged: int | str, actor: str) -> Corrected:
    """Storyline `merged` into `into`: its events join, its id and slug lead to `into` from now on."""
    keep, gone = _storyline(storage, into), _storyline(storage, merged)
    if keep.id == gone.id:
        raise BadCorrection(f"storylines {into} and {merged} are already one storyline ({keep.id})")
    moved = storage.storyline_event_ids(gone.id)
    redirected = storage.storylines_merged_into(gone.id)
    with storage.transaction():
        storage.merge_storylines(gone.id, keep.id)
        storage.add_storyline_events(keep.id, moved, None, pinned=True)
        correction = _log(storage, CorrectionKind.STORYLINE_MERGE, actor, None, keep.id,
                          {"into": keep.id, "from": gone.id, "moved": moved, "redirected": redirected})
    _refresh(storage, [keep.id])
    return Corrected(correction, set())


def split_storyline(storage: Storage, storyline_key: int | str, story_ids: list[int], actor: str) -> Corrected:
    """The stories named leave the storyline for a new one."""
    line = _storyline(storage, storyline_key)
    if not story_ids:
        raise BadCorrection("name the events (story ids) that leave the storyline")
    members = storage.storyline_event_ids(line.id)
    leaving = list(dict.fromkeys(story_ids))
    strangers = [s for s in leaving if s not in members]
    if strangers:
        raise BadCorrection(f"not in storyline {line.id}: stor{'ies' if len(strangers) > 1 else 'y'} "
                            f"{', '.join(map(str, strangers))}")
    if len(leaving) == len(members):
        raise BadCorrection(f"every event of storyline {line.id} would leave it: leave at least one")
    with storage.transaction():
        new_id = _new_storyline(storage, _story(storage, leaving[0]))
        storage.add_storyline_events(new_id, leaving, None, pinned=True)
        correction = _log(storage, CorrectionKind.STORYLINE_SPLIT, actor, None, new_id,
                          {"storyline": line.id, "new": new_id, "moved": leaving})
    _refresh(storage, [line.id, new_id])
    return Corrected(correction, set())


def undo_storyline(storage: Storage, correction: Correction) -> None:
    """Put back what a storyline correction changed (called by `undo`, in its transaction)."""
    d = correction.detail
    if correction.kind == CorrectionKind.STORYLINE_MOVE:
        story = storage.get_story(d["story"])          # the story that holds its articles now (a recluster)
        story_id = story.id if story is not None else d["story"]
        if storage.storyline_of_story(story_id) != d["to"]:
            raise BadCorrection(f"story {d['story']} is no longer where correction {correction.id} put it: undo "
                                "the later correction first")
        if d["from"] is None:
            storage.remove_storyline_event(story_id)
        else:
            storage.add_storyline_events(d["from"], [story_id], None)
        if d.get("new_storyline") and d["to"] is not None and d["from"] is not None:
            storage.merge_storylines(d["to"], d["from"])     # the storyline it made now leads back
        touched = [d["from"], d["to"]]
    elif correction.kind == CorrectionKind.STORYLINE_MERGE:
        storage.redirect_storylines([d["from"]], None)
        storage.redirect_storylines(d.get("redirected", []), d["from"])
        storage.add_storyline_events(d["from"], d["moved"], None)
        touched = [d["from"], d["into"]]
    else:
        storage.add_storyline_events(d["storyline"], d["moved"], None)
        storage.merge_storylines(d["new"], d["storyline"])
        touched = [d["storyline"]]
    _refresh(storage, touched)
