"""Corrections told in words and as JSON (the CLI, the API and the story page's log share them)."""

from __future__ import annotations

from newsdesk.model import Correction, CorrectionKind


def _articles(n: int) -> str:
    return f"{n} article{'s' * (n != 1)}"


def describe(c: Correction) -> str:
    d = c.detail
    if c.kind == CorrectionKind.MOVE:
        where = f"a new story ({d['to']})" if d.get("new_story") else f"story {d['to']}"
        return f"moved article {d['article']} from story {d['from']} to {where}"
    if c.kind == CorrectionKind.MERGE:
        return f"merged story {d['from']} into story {d['into']} ({_articles(len(d['moved']))})"
    if c.kind == CorrectionKind.SPLIT:
        return f"split {_articles(len(d['moved']))} out of story {d['story']} into story {d['new']}"
    if c.kind == CorrectionKind.RENAME:
        return (f"pinned the headline of story {c.story_id}: “{d['headline']}”" if d["headline"]
                else f"unpinned the headline of story {c.story_id}")
    if c.kind == CorrectionKind.STORYLINE_MOVE:
        where = ("out of any storyline" if d.get("out") else f"to a new storyline ({d['to']})"
                 if d.get("new_storyline") else f"to storyline {d['to']}")
        return f"moved story {d['story']} from {'storyline ' + str(d['from']) if d['from'] else 'no storyline'} {where}"
    if c.kind == CorrectionKind.STORYLINE_MERGE:
        return f"merged storyline {d['from']} into storyline {d['into']} ({len(d['moved'])} events)"
    if c.kind == CorrectionKind.STORYLINE_SPLIT:
        return f"split {len(d['moved'])} events out of storyline {d['storyline']} into storyline {d['new']}"
    if c.kind == CorrectionKind.HIDE:
        return f"{'hid' if d['hidden'] else 'unhid'} story {c.story_id}"
    return f"{'pinned' if d['pinned'] else 'unpinned'} story {c.story_id} {'to' if d['pinned'] else 'from'} the top"


def correction_json(c: Correction) -> dict:
    return {"id": c.id, "kind": str(c.kind), "story": c.story_id, "target": c.target_id, "what": describe(c),
            "detail": c.detail, "by": c.actor, "at": c.created_at.isoformat(),
            "undone_at": c.undone_at.isoformat() if c.undone_at else None, "undone_by": c.undone_by}
