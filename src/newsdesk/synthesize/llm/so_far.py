"""The story so far of a storyline through the LLM endpoint: the model retells the summaries of its latest
events in a few sentences, and each sentence it writes passes the LLM writer's grounding checks against those
summaries (or is dropped and counted) and is attributed to the article whose sentence supports it, with the
other outlets that say the same. A failed call, or a reply with nothing supported, leaves the extractive story
so far, with the reason."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from newsdesk.model import StoryArticle
from newsdesk.synthesize.llm.checks import source_words, split_generated
from newsdesk.synthesize.llm.client import LLMError
from newsdesk.synthesize.llm.writer import LLMWriter
from newsdesk.synthesize.so_far import SoFar, SoFarSource, extractive_so_far

log = logging.getLogger(__name__)

SENTENCES = 4                # at most this many sentences are kept
SHOWN_PER_EVENT = 2          # summary sentences of each event shown to the model
MAX_TOKENS = 200             # four short sentences; the writer's own max_tokens when lower
_LABEL = re.compile(r"^\s*(?:the )?story so far\s*:\s*", re.I)

EXAMPLE = """Example.
Events, oldest first:
- 3 March [Dale Gazette] Heavy snow closed the Brenner mountain road on Tuesday, stranding 40 lorries.
- 5 March [Valley News] Snowploughs reopened the Brenner road on Thursday morning after two days of work.
- 12 March [North Wire] The regional council approved 2 million euros for a snow shelter on the Brenner road.
Story so far: Heavy snow closed the Brenner mountain road, stranding 40 lorries. Snowploughs reopened it two days later. The regional council then approved 2 million euros for a snow shelter on the road."""


def build_messages(events: Sequence[tuple[str, str, str]]) -> list[dict[str, str]]:
    """events are (date, outlet, sentence) triples, oldest first."""
    lines = ["You are a careful news editor. Tell the story so far of a developing news story from the sentences "
             "of its events below, in two to four short sentences, oldest first. Use only facts stated in them: "
             "never add a name, number, date or claim that is not in them.", "", EXAMPLE, "",
             "Now this story.", "Events, oldest first:"]
    lines += [f"- {when} [{outlet}] {text}" for when, outlet, text in events]
    lines.append("Story so far:")
    return [{"role": "user", "content": "\n".join(lines)}]


def _as_articles(sources: Sequence[SoFarSource]) -> tuple[list[StoryArticle], dict[int, int], dict[int, list]]:
    """The events' summary sentences as the writer reads articles (one per article quoted); the event of each
    article, and the outlets its event's page says report the same as its sentences."""
    texts: dict[int, list[str]] = {}
    meta: dict[int, tuple[str, SoFarSource]] = {}
    also: dict[int, list] = {}
    for source in sources:
        for item in source.summary:
            article_id = item.get("article_id")
            if article_id is None:
                continue
            texts.setdefault(article_id, []).append(item["text"])
            meta.setdefault(article_id, (item.get("outlet") or "", source))
            also.setdefault(article_id, []).extend(item.get("also") or [])
    articles = [StoryArticle(id=a, outlet=meta[a][0], title="", text=" ".join(t), published=meta[a][1].when)
                for a, t in texts.items()]
    return articles, {a: meta[a][1].story_id for a in texts}, also


def _outlets(own: str, *lists) -> list[list]:
    """[article id, outlet] pairs, each outlet once and never the sentence's own."""
    seen: dict[str, list] = {}
    for pairs in lists:
        for article_id, outlet in pairs:
            if outlet != own and outlet not in seen:
                seen[outlet] = [article_id, outlet]
    return list(seen.values())


def llm_so_far(llm: LLMWriter, sources: Sequence[SoFarSource], zone=None) -> SoFar:
    """The story so far through the model; the extractive one (with the reason) when it fails."""
    if not sources:
        return SoFar()
    try:
        return _retell(llm, sources, zone)
    except LLMError as exc:
        log.warning("story so far: %s; the storyline keeps its extractive story so far", exc)
        return _fallback(sources, str(exc))
    except Exception as exc:  # the extractive story so far is always there: a daemon never dies of the model
        log.exception("story so far: the LLM writer failed")
        return _fallback(sources, f"{type(exc).__name__}: {exc}")


def _fallback(sources: Sequence[SoFarSource], error: str, told: SoFar | None = None) -> SoFar:
    fallback = extractive_so_far(sources)
    fallback.error = error
    if told is not None:
        fallback.generated, fallback.dropped, fallback.dropped_reasons = told.generated, told.dropped, \
            told.dropped_reasons
    return fallback


def _date(source: SoFarSource, zone) -> str:
    if source.when is None:
        return "undated"
    when = source.when.astimezone(zone) if zone is not None else source.when
    return f"{when.day} {when:%B %Y}"


def _retell(llm: LLMWriter, sources: Sequence[SoFarSource], zone) -> SoFar:
    shown = [(_date(s, zone), item.get("outlet") or "", item["text"])
             for s in sources for item in s.summary[:SHOWN_PER_EVENT]]
    reply = llm.client.complete(build_messages(shown), max_tokens=min(llm.config.max_tokens, MAX_TOKENS),
                                temperature=0.0)
    generated = [s for s in split_generated(_LABEL.sub("", reply.strip())) if s.strip()]
    if not generated:
        raise LLMError(f"the model's reply has no sentences: {reply[:120]!r}")
    articles, event_of, also = _as_articles(sources)
    analysis = llm.writer.analyse(articles)
    vectors = llm._encode(generated)
    sims = vectors @ analysis.vectors.T
    words = source_words([a.text for a in articles])
    told = SoFar(method="llm")
    kept_rows: list[int] = []
    for row, sentence in enumerate(generated):
        check = llm.check(analysis, "summary", sentence, sims[row], words)
        told.generated += 1
        if check.kept and any(float(vectors[row] @ vectors[k]) >= llm.config.repeat for k in kept_rows):
            check.kept, check.reason = False, "repeat"
        if check.kept and len(told.sentences) >= SENTENCES:
            check.kept, check.reason = False, "limit"
        if not check.kept:
            told.dropped += 1
            told.dropped_reasons[check.reason] = told.dropped_reasons.get(check.reason, 0) + 1
            continue
        item = llm.attribute(analysis, sentence, sims[row])
        event = event_of[item.article_id]
        same_event = [(a, outlet) for a, outlet in item.also if event_of.get(a) == event]   # not a later event's
        told.sentences.append({"text": item.text, "article_id": item.article_id, "outlet": item.outlet,
                               "also": _outlets(item.outlet, same_event, also[item.article_id]),
                               "story_id": event})
        kept_rows.append(row)
    if not told.sentences:
        return _fallback(sources, f"every sentence the model wrote was unsupported ({told.dropped} dropped)", told)
    return told
