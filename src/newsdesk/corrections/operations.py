"""The corrections a person makes to the grouping (move, merge, split) and to how a story shows (headline,
hidden, pinned), each logged with what undoing it needs, and their undoing.

A correction of the grouping also records links between articles: must-link for what the person put together,
cannot-link for what they separated; the grouper keeps to them (`newsdesk.cluster.LinkConstraints`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from newsdesk.corrections.errors import BadCorrection, NotFound
from newsdesk.model import Article, Correction, CorrectionKind, JoinReason, LinkKind, Story
from newsdesk.storage import Storage

NEW = "new"


@dataclass
class Corrected:
    correction: Correction
    stories: set[int] = field(default_factory=set)     # the live stories whose pages are to be written again


def _story(storage: Storage, key: int | str) -> Story:
    story = storage.get_story(key)
    if story is None:
        raise NotFound(f"no story {key!r}; `newsdesk stories` lists them")
    return story


def _article(storage: Storage, article_id: int) -> Article:
    article = storage.get_article(article_id)
    if article is None:
        raise NotFound(f"no article {article_id}")
    if article.original_id is not None:
        raise BadCorrection(f"article {article_id} is a reprint of article {article.original_id}: correct the "
                            f"original, its reprints follow it")
    return article


def _originals(articles: list[Article]) -> list[int]:
    return [a.id for a in articles if a.original_id is None]


def _with_copies(storage: Storage, article_ids: list[int], story_id: int) -> list[int]:
    """The articles and those of their reprints that are in the story."""
    members = {a.id: a for a in storage.story_article_briefs(story_id)}
    return [a for a in members if a in article_ids or members[a].original_id in article_ids]


def _assign(storage: Storage, article_ids: list[int], story_id: int) -> None:
    with storage.transaction():
        for article_id in article_ids:
            storage.assign_story(article_id, story_id, None)


def _log(storage: Storage, kind: CorrectionKind, actor: str, story_id: int | None, target_id: int | None,
         detail: dict, links: list[tuple[LinkKind, int, int]] = ()) -> Correction:
    correction_id = storage.add_correction(kind, actor, story_id, target_id, detail, links)
    _record_placed(storage, detail.get("moved", []), correction_id)
    return storage.get_correction(correction_id)


def _record_placed(storage: Storage, article_ids: list[int], correction_id: int) -> None:
    """Why the moved articles are where they are now: a person's correction (a reprint still follows its original)."""
    before = storage.join_reasons(article_ids)
    storage.save_join_reasons([JoinReason(a, None, {"c": correction_id},
                                          copy_of=before[a].copy_of if a in before else None)
                               for a in article_ids])


def move_article(storage: Storage, article_id: int, to: int | str, actor: str) -> Corrected:
    """The article (with its reprints) into story `to`, or into a new story when `to` is "new"."""
    from newsdesk.pipeline import slugify

    article = _article(storage, article_id)
    source = storage.story_of(article.id)
    if source is None:
        raise BadCorrection(f"article {article_id} is in no story yet: it is grouped on the next fetch")
    if str(to) == NEW:
        target, new_story = None, True
    else:
        target, new_story = _story(storage, to), False
        if target.id == source:
            raise BadCorrection(f"article {article_id} is already in story {target.id}")
    moving = _with_copies(storage, [article.id], source)
    staying = [a for a in _originals(storage.story_article_briefs(source)) if a != article.id]
    joining = _originals(storage.story_article_briefs(target.id)) if target else []
    redirected = storage.stories_merged_into(source)
    with storage.transaction():
        target_id = target.id if target else storage.create_story(slugify(article.title or "story"))
        _assign(storage, moving, target_id)
        emptied = not storage.story_article_briefs(source)
        if emptied:                  # the old story's id and slug now lead to where its article went
            storage.merge_stories(source, target_id)
        links = [(LinkKind.CANNOT, article.id, other) for other in staying]
        links += [(LinkKind.MUST, article.id, other) for other in joining]
        correction = _log(storage, CorrectionKind.MOVE, actor, source, target_id,
                          {"article": article.id, "moved": moving, "from": source, "to": target_id,
                           "new_story": new_story, "emptied": emptied, "redirected": redirected}, links)
    return Corrected(correction, {target_id} | (set() if emptied else {source}))


def merge_stories(storage: Storage, into: int | str, merged: int | str, actor: str) -> Corrected:
    """Story `merged` into story `into`: its articles join, its id and slug lead to `into` from now on."""
    keep, gone = _story(storage, into), _story(storage, merged)
    if keep.id == gone.id:
        raise BadCorrection(f"stories {into} and {merged} are already one story ({keep.id})")
    kept, moved = _originals(storage.story_article_briefs(keep.id)), storage.story_article_briefs(gone.id)
    together = kept + _originals(moved)
    links = [(LinkKind.MUST, together[0], other) for other in together[1:]] if together else []
    redirected = storage.stories_merged_into(gone.id)
    with storage.transaction():
        storage.merge_stories(gone.id, keep.id)
        correction = _log(storage, CorrectionKind.MERGE, actor, keep.id, gone.id,
                          {"into": keep.id, "from": gone.id, "moved": [a.id for a in moved],
                           "redirected": redirected}, links)
    return Corrected(correction, {keep.id})


def split_story(storage: Storage, story_key: int | str, article_ids: list[int], actor: str) -> Corrected:
    """The chosen articles (with their reprints) leave the story for a new one."""
    from newsdesk.pipeline import slugify

    story = _story(storage, story_key)
    if not article_ids:
        raise BadCorrection("name the articles that leave the story")
    leaving = [_article(storage, a) for a in dict.fromkeys(article_ids)]
    where = storage.stories_of([a.id for a in leaving])
    strangers = [a.id for a in leaving if where.get(a.id) != story.id]
    if strangers:
        raise BadCorrection(f"not in story {story.id}: article{'s' * (len(strangers) > 1)} "
                            f"{', '.join(map(str, strangers))}")
    leaving_ids = [a.id for a in leaving]
    staying = [a for a in _originals(storage.story_article_briefs(story.id)) if a not in leaving_ids]
    if not staying:
        raise BadCorrection(f"every article of story {story.id} would leave it: leave at least one")
    moving = _with_copies(storage, leaving_ids, story.id)
    links = [(LinkKind.CANNOT, a, b) for a in leaving_ids for b in staying]
    links += [(LinkKind.MUST, leaving_ids[0], other) for other in leaving_ids[1:]]
    with storage.transaction():
        new_id = storage.create_story(slugify(leaving[0].title or "story"))
        _assign(storage, moving, new_id)
        correction = _log(storage, CorrectionKind.SPLIT, actor, story.id, new_id,
                          {"story": story.id, "new": new_id, "moved": moving}, links)
    return Corrected(correction, {story.id, new_id})


def rename_story(storage: Storage, story_key: int | str, headline: str | None, actor: str) -> Corrected:
    """Pin the story's headline (None or empty: unpin, the writer's headline comes back)."""
    story = _story(storage, story_key)
    headline = " ".join((headline or "").split()) or None
    if headline is not None and len(headline) > 300:
        raise BadCorrection("a headline is at most 300 characters")
    before = storage.story_override(story.id)
    if before.headline == headline:
        raise BadCorrection(f"story {story.id}'s headline is already {'pinned to that' if headline else 'unpinned'}")
    storage.set_story_override(replace(before, headline=headline))
    correction = _log(storage, CorrectionKind.RENAME, actor, story.id, None,
                      {"headline": headline, "before": before.headline, "was": story.headline})
    return Corrected(correction, {story.id})


def _flag(storage: Storage, kind: CorrectionKind, name: str, story_key: int | str, value: bool,
          actor: str) -> Corrected:
    story = _story(storage, story_key)
    before = storage.story_override(story.id)
    if getattr(before, name) == value:
        raise BadCorrection(f"story {story.id} is already {'' if value else 'not '}{name}")
    storage.set_story_override(replace(before, **{name: value}))
    correction = _log(storage, kind, actor, story.id, None, {name: value, "before": not value})
    return Corrected(correction, set())


def hide_story(storage: Storage, story_key: int | str, actor: str, hidden: bool = True) -> Corrected:
    """Out of every listing of stories (its page stays at its address), or back in (`hidden` False)."""
    return _flag(storage, CorrectionKind.HIDE, "hidden", story_key, hidden, actor)


def pin_story(storage: Storage, story_key: int | str, actor: str, pinned: bool = True) -> Corrected:
    """At the top of the listing of stories, or back in its place (`pinned` False)."""
    return _flag(storage, CorrectionKind.PIN, "pinned", story_key, pinned, actor)


def undo(storage: Storage, correction_id: int, actor: str) -> Corrected:
    """Put back what the correction changed; it stays in the log, marked undone, and its links stop binding."""
    correction = storage.get_correction(correction_id)
    if correction is None:
        raise NotFound(f"no correction {correction_id}; `newsdesk corrections` lists them")
    if correction.undone_at is not None:
        raise BadCorrection(f"correction {correction_id} was already undone by {correction.undone_by}")
    d = correction.detail
    with storage.transaction():
        if correction.kind in (CorrectionKind.MOVE, CorrectionKind.SPLIT, CorrectionKind.MERGE):
            stories = _undo_grouping(storage, correction)
        elif correction.kind in (CorrectionKind.STORYLINE_MOVE, CorrectionKind.STORYLINE_MERGE,
                                 CorrectionKind.STORYLINE_SPLIT):
            from newsdesk.corrections.storylines import undo_storyline

            undo_storyline(storage, correction)
            stories = set()
        elif correction.kind == CorrectionKind.RENAME:
            storage.set_story_override(replace(storage.story_override(correction.story_id), headline=d["before"]))
            stories = {correction.story_id}
        else:
            name = "hidden" if correction.kind == CorrectionKind.HIDE else "pinned"
            storage.set_story_override(replace(storage.story_override(correction.story_id), **{name: d["before"]}))
            stories = set()
        storage.mark_correction_undone(correction.id, actor)
    return Corrected(storage.get_correction(correction.id), stories)


def _undo_grouping(storage: Storage, correction: Correction) -> set[int]:
    """Articles back to the story they left, and the stories a correction emptied or made standing again."""
    d = correction.detail
    back, away = {CorrectionKind.MOVE: (d.get("from"), d.get("to")),
                  CorrectionKind.SPLIT: (d.get("story"), d.get("new")),
                  CorrectionKind.MERGE: (d.get("from"), d.get("into"))}[correction.kind]
    now = storage.get_story(away)
    where = storage.stories_of(d["moved"])
    strayed = [a for a in d["moved"] if now is None or where.get(a) != now.id]
    if strayed:
        raise BadCorrection(f"article {strayed[0]} is no longer where correction {correction.id} put it (a later "
                            f"correction or the grouper moved it): undo the later correction first")
    reopened = correction.kind == CorrectionKind.MERGE or d.get("emptied")
    if reopened:
        storage.redirect_stories([back], None)
        storage.redirect_stories(d.get("redirected", []), back)
    _assign(storage, d["moved"], back)
    made = correction.kind == CorrectionKind.SPLIT or d.get("new_story")
    if made:
        storage.merge_stories(now.id, back)    # the story the correction made now leads back
        return {back}
    return {back, now.id}
