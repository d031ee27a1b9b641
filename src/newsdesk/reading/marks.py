"""The home page's mark of what changed in each story a reader read before ("2 new sources, 1 report updated",
worded by `mark_line`), counted for many stories at once from their articles' ids, outlets and revision times:
no text is read and nothing is embedded (new facts are counted on the story page only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsdesk.model import ArticleOutline, ChangeMark, StoryRead


def change_mark(story_id: int, articles: Sequence[ArticleOutline], read: StoryRead) -> ChangeMark:
    """The changes of one story since `read`. A read that names no articles counts those the desk had first
    seen by the time of the read as seen."""
    seen = set(read.seen_articles)
    if not seen and read.read_at is not None:
        seen = {a.id for a in articles if a.first_seen <= read.read_at}
    outlets = {a.outlet for a in articles if a.id in seen and a.original_id is None}
    new_outlets: set[str | None] = set()
    reports = reprints = updated = 0
    for a in sorted(articles, key=lambda a: (a.first_seen, a.id)):
        if a.id in seen:
            if a.original_id is None and a.revised_at is not None and read.read_at is not None \
                    and a.revised_at > read.read_at:
                updated += 1
        elif a.original_id is not None:
            reprints += 1
        else:
            reports += 1
            if a.outlet not in outlets:
                new_outlets.add(a.outlet)
    return ChangeMark(story_id, read.read_at, len(new_outlets), reports, reprints, updated)


def change_marks(articles: Mapping[int, Sequence[ArticleOutline]], reads: Mapping[int, StoryRead]
                 ) -> dict[int, ChangeMark]:
    """The marks of the stories the reader read (those of `reads` with a read time), by story id."""
    return {story_id: change_mark(story_id, articles.get(story_id, ()), read)
            for story_id, read in reads.items() if read.read_at is not None}
