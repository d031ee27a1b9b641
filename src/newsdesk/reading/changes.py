"""What changed in a story since a reader last read it: new independent reports (and reprints, counted apart),
new facts, changed figures and notable updates of the reports they saw.

The reader saw the story's page as written from some of its articles (`seen`), at a moment (`since`); each of
those articles as it was then: the version the caller gives (`seen_versions`, the desk's revision of that
time), else its first version when its outlet updated it after that moment, else as it is now."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone, tzinfo

import numpy as np

from newsdesk.model import (
    ArticleId,
    Attributed,
    FigureChange,
    NewReport,
    StoryArticle,
    StoryChanges,
    TimelineEntry,
    TimelineKind,
)
from newsdesk.reading.facts import (
    FactFinder,
    Judgement,
    Report,
    attribute,
    fact_numbers,
    fact_units,
    names_in,
)
from newsdesk.synthesize import current_figures, figure_claims, notable_update, repeats, report_time, terms


def _chronological(article: StoryArticle) -> tuple:
    return (article.published is None, article.published.timestamp() if article.published else 0.0,
            str(article.id))


def version_seen(article: StoryArticle, since: datetime | None,
                 seen_versions: Mapping[ArticleId, tuple[str | None, str]] | None = None) -> tuple[str, str]:
    """(title, text) of a seen article as the reader saw it."""
    if seen_versions and article.id in seen_versions:
        title, text = seen_versions[article.id]
        return (article.title if title is None else title), text
    if (article.updated is not None and since is not None and article.updated > since
            and (article.first_title is not None or article.first_text is not None)):
        return (article.first_title if article.first_title is not None else article.title,
                article.first_text if article.first_text is not None else article.text)
    return article.title, article.text


def _said_when(article: StoryArticle) -> datetime | None:
    """When the report said what it says now: its update when it was updated after publication."""
    if article.updated is not None and (article.published is None or article.updated > article.published):
        return article.updated
    return article.published


def story_changes(articles: Sequence[StoryArticle], seen: Iterable[ArticleId], since: datetime | None, *,
                  seen_versions: Mapping[ArticleId, tuple[str | None, str]] | None = None,
                  finder: FactFinder | None = None, zone: tzinfo = timezone.utc) -> StoryChanges:
    """What changed in the story of `articles` (as they are now) since the reader read it at `since`, written
    from the articles `seen` (ids of articles no longer in the story are ignored)."""
    finder = finder or FactFinder()
    articles = sorted(articles, key=_chronological)
    present = {a.id for a in articles}
    seen_ids = [i for i in dict.fromkeys(seen) if i in present]
    seen_set = set(seen_ids)
    then = {a.id: version_seen(a, since, seen_versions) for a in articles if a.id in seen_set}
    new_reports, new_reprints = _new_reports(articles, seen_set)
    facts = _new_facts(finder, articles, then, zone)
    figures = _figures(articles, then)
    updates = _updates(articles, then)
    return StoryChanges(since=since, seen=seen_ids, new_reports=new_reports, new_reprints=new_reprints,
                        new_facts=facts, figures=figures, updates=updates,
                        nothing_new=not (new_reports or facts or figures or updates))


def _new_reports(articles: list[StoryArticle], seen: set[ArticleId]
                 ) -> tuple[list[NewReport], list[NewReport]]:
    outlets = {a.outlet for a in articles if a.id in seen and not a.is_reprint}
    reports: list[NewReport] = []
    reprints: list[NewReport] = []
    for a in articles:
        if a.id in seen:
            continue
        if a.is_reprint:
            reprints.append(NewReport(a.id, a.outlet, a.title, a.published, a.url, False, a.original_id))
            continue
        reports.append(NewReport(a.id, a.outlet, a.title, a.published, a.url, a.outlet not in outlets))
        outlets.add(a.outlet)
    return reports, reprints


def _new_facts(finder: FactFinder, articles: list[StoryArticle], then: dict[ArticleId, tuple[str, str]],
               zone: tzinfo) -> list[Attributed]:
    seen = [Report(a.id, a.outlet, *then[a.id]) for a in articles if a.id in then]
    languages = {a.language for a in articles if a.id in then and a.language}
    arriving = []
    for a in articles:
        if a.is_reprint:
            continue      # a reprint says what its original says: counted apart, never a source of facts
        if a.language and languages and a.language not in languages:
            continue      # not comparable with what was read (the embedding model reads English)
        if a.id not in then:
            arriving.append(Report(a.id, a.outlet, a.title, a.text, a.published))
        elif then[a.id][1] != a.text:
            arriving.append(Report(a.id, a.outlet, a.title, a.text, _said_when(a), before=then[a.id][1]))
    if not arriving:
        return []
    judgements = finder.judge(seen, arriving)
    by_report: dict[ArticleId, dict[int, Judgement]] = {}
    for j in judgements:
        by_report.setdefault(j.article_id, {})[j.position] = j
    facts: list[Attributed] = []
    for report in arriving:
        for first, last in fact_units(finder, report, by_report.get(report.article_id, {})):
            facts.append(attribute(finder, report, first, last, zone))
    return _merge(finder, facts)


def _merge(finder: FactFinder, facts: list[Attributed]) -> list[Attributed]:
    """New facts that two new reports both state, once: under the earlier report, naming the other as
    `also`."""
    if len(facts) < 2:
        return facts
    texts = [f.source_text or f.text for f in facts]
    vectors = np.asarray(finder.writer.encoder.encode(texts), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    sims = vectors @ vectors.T
    kept: list[int] = []
    for k, fact in enumerate(facts):
        home = next((c for c in kept if facts[c].article_id != fact.article_id and (
            repeats(set(terms(texts[k])), set(terms(texts[c])))
            or finder.writer.same_content(float(sims[k, c]), fact_numbers(texts[k]), names_in(texts[k]),
                                          fact_numbers(texts[c]), names_in(texts[c])))), None)
        if home is None:
            kept.append(k)
        elif fact.outlet != facts[home].outlet and all(o != fact.outlet for _, o in facts[home].also):
            facts[home].also.append((fact.article_id, fact.outlet))
    return [facts[k] for k in kept]


def _figures(articles: list[StoryArticle], then: dict[ArticleId, tuple[str, str]]) -> list[FigureChange]:
    independent = [a for a in articles if not a.is_reprint]
    seen_dated = [(_time_then(a, then[a.id]), a) for a in independent if a.id in then]
    before = current_figures([(when, _said(*then[a.id])) for when, a in seen_dated if when is not None])
    dated = [(report_time(a), a) for a in independent if report_time(a) is not None]
    now = current_figures([(when, _said(a.title, a.text)) for when, a in dated])
    changes = []
    for kind in sorted(now):
        if before.get(kind, set()) == now[kind]:
            continue
        stating = [(when, a) for when, a in dated
                   if figure_claims(_said(a.title, a.text)).get(kind, set()) & now[kind]]
        source = max(stating, key=lambda item: item[0])[1] if stating else None
        changes.append(FigureChange(kind, _ordered(before.get(kind, set())), _ordered(now[kind]),
                                    source.id if source else None, source.outlet if source else None))
    return changes


def _said(title: str | None, text: str | None) -> str:
    """A report's title and text as one text to read figures from: the title closed by a full stop, so that a
    figure ending it ("death toll rises to three") is not read on into the text's first word."""
    title = (title or "").strip()
    if title and title[-1] not in ".!?\"'”’":
        title += "."
    return f"{title}\n\n{text or ''}"


def _time_then(article: StoryArticle, version: tuple[str, str]) -> datetime | None:
    """When the version of a report the reader saw was said: its publication, unless it is the report as it
    is now."""
    return report_time(article) if version == (article.title, article.text) else article.published


def _ordered(values: set[str]) -> list[str]:
    return sorted(values, key=lambda v: (float(v), v))


def _updates(articles: list[StoryArticle], then: dict[ArticleId, tuple[str, str]]) -> list[TimelineEntry]:
    """Notable updates (a new title, other figures in the lead) of the reports seen, made since: a report
    whose version seen is not the current one changed since (the outlet may date the change earlier than the
    desk fetched it)."""
    entries = []
    for a in articles:
        if a.id not in then or a.is_reprint or a.updated is None:
            continue
        title, text = then[a.id]
        if (title, text) == (a.title, a.text):
            continue
        if notable_update(replace(a, first_title=title, first_text=text)):
            entries.append(TimelineEntry(a.updated, a.id, a.outlet, a.title, TimelineKind.UPDATED))
    return sorted(entries, key=lambda entry: entry.when)
