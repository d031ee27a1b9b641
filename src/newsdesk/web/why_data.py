"""Why each article of a story is in it, as the pages and the API show it: the grouper's record told in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsdesk.cluster import reasons_in_words
from newsdesk.model import Article
from newsdesk.storage import Storage

NOT_KEPT = "grouped before reasons were kept"


def _probability(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def _placed_by_correction(storage: Storage, correction_id: int) -> str:
    correction = storage.get_correction(correction_id)
    if correction is not None and correction.undone_at is not None:
        return f"back where it was: correction {correction_id}, which had moved it, was undone"
    return f"placed in this story by an editor (correction {correction_id})"


def story_why_json(storage: Storage, story_id: int, articles: Sequence[Article],
                   outlets: Mapping[int, str | None] | None = None) -> list[dict]:
    """Per article of the story (in the order given): why it joined, the join probability (null for the report
    that started the story and for articles grouped before reasons were kept), and the best-scored other story
    it did not join (null when there was none, or when that story has since been merged into this one).
    `outlets`: the outlets of the story's other articles, for naming the original of a reprint."""
    recorded = storage.join_reasons([a.id for a in articles])
    mentions = storage.article_mentions([i for i, r in recorded.items() if r.facts.get("n")])
    outlets = {i: o or "unknown outlet" for i, o in (outlets or {}).items()} | {
        a.id: a.outlet or "unknown outlet" for a in articles}
    runners = {}
    for reason in recorded.values():
        if reason.runner_up_story is not None and reason.runner_up_story not in runners:
            runners[reason.runner_up_story] = storage.get_story(reason.runner_up_story)
    items = []
    for article in articles:
        reason = recorded.get(article.id)
        runner_up = None
        if reason is None:
            reasons = [NOT_KEPT]
        elif reason.copy_of is not None:
            reasons = [f"a reprint of {outlets.get(reason.copy_of, 'another outlet')}'s report: a copy joins its "
                       "original's story"]
        elif "c" in reason.facts:
            reasons = [_placed_by_correction(storage, reason.facts["c"])]
        elif reason.probability is None:
            reasons = ["the first report of this story: no recent story came close enough"]
        else:
            reasons = reasons_in_words(reason.facts, [(m.name, str(m.type)) for m in mentions.get(article.id, [])])
        if reason is not None:
            story = runners.get(reason.runner_up_story)
            if story is not None and story.id != story_id:
                runner_up = {"id": story.id, "slug": story.slug, "headline": story.headline or story.slug,
                             "probability": _probability(reason.runner_up_probability)}
        items.append({"article": article.id, "reasons": reasons,
                      "probability": _probability(reason.probability) if reason else None,
                      "runner_up": runner_up})
    return items
