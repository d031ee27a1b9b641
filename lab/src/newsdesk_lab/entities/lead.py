"""`newsdesk eval entities --caps`: what reading only the lead of each article costs the names a story page
lists, and what it saves of the NER's CPU.

For each cap (characters of an article's text read after its title, `entities.article_text`), every article of
a corpus goes through the shipped recogniser, each story's names are resolved as the desk resolves them, and
the result is compared with the uncapped reading (the desk's old 12,000 characters):
- `names`: the (article, name) pairs found, kept;
- `multi_source`: the story's entities named by two or more of its articles (the ones a page lists first),
  still named by two or more;
- `top5`: the story's first five entities (by articles naming them, then mentions), still among its first five.
- `multi_source_again`, `top5_again`: the same once the story's names are counted again in each article's
  unread tail (`entities.named_again`, as the desk does).
Recall is the share of the uncapped reading's kept; `extra` counts what the capped reading adds (names the
model reads differently once the text around them is cut).

Corpora: the demo corpus (events of invented outlets, English originals), the bench's generated pages (events,
originals, through the desk's extraction), and, when given a folder, real pages: a WikinewsSum-style JSONL
(`sources` with `language`, `title`, `maintext`: the English sources of one Wikinews article are one story)
and a folder of `*.html` / `*.html.gz` pages (each page a story of its own: names and top-5 only). The real
pages are read where they lie, at run time."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsdesk.demo import load_corpus
from newsdesk.entities import (
    article_text,
    clean_name,
    find_mentions,
    match_key,
    named_again,
    reads_language,
    resolve_story,
    unread_tail,
    use_one_core,
)
from newsdesk.model import EntityGroup, Mention

UNCAPPED = 12_000
Progress = Callable[[str], None]


@dataclass
class Doc:
    title: str | None
    text: str


Story = list[Doc]


def demo_stories() -> list[Story]:
    corpus = load_corpus()
    languages = {o.id: o.language for o in corpus.outlets}
    stories = []
    for event in corpus.events:
        docs = [Doc(a.title, "\n\n".join(a.paragraphs)) for a in corpus.articles_about(event)
                if a.reprint_of is None and reads_language(languages[a.outlet])]
        if docs:
            stories.append(docs)
    return stories


def bench_stories(pages: int, seed: int = 7) -> list[Story]:
    """The generated pages `bench pipeline` reads (first versions of originals), extracted, grouped by event."""
    from newsdesk.extract import extract_article
    from newsdesk_lab.bench.newspages import generate_pages

    by_event: dict[str, Story] = {}
    for page in generate_pages(pages, seed=seed):
        if page.version != 1 or page.reprint_of is not None:
            continue
        extracted = extract_article(page.html, page.url)
        by_event.setdefault(page.event, []).append(Doc(extracted.title, extracted.text))
    return list(by_event.values())


def wikinews_stories(path: Path) -> list[Story]:
    """The English sources with text of each Wikinews article, when it has two or more."""
    stories = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            docs = [Doc(s.get("title"), s["maintext"]) for s in record.get("sources", [])
                    if s.get("language") == "en" and (s.get("maintext") or "").strip()]
            if len(docs) >= 2:
                stories.append(docs)
    return stories


def page_stories(folder: Path) -> list[Story]:
    """Each page of a folder as a story of its own (pages the extraction rejects are left out)."""
    from newsdesk.extract import ExtractionError, extract_article

    stories = []
    for path in sorted([*folder.glob("*.html"), *folder.glob("*.html.gz")]):
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        try:
            extracted = extract_article(raw)
        except ExtractionError:
            continue
        if reads_language(extracted.language):
            stories.append([Doc(extracted.title, extracted.text)])
    return stories


def _keys(mentions: Iterable[Mention]) -> set[str]:
    return {f"{m.type}:{match_key(clean_name(m.name, m.type), m.type)}" for m in mentions}


def _ranked(groups: Sequence[EntityGroup]) -> list[EntityGroup]:
    return sorted(groups, key=lambda g: (-len(g.mentions), -sum(g.mentions.values()), g.key))


@dataclass
class Reading:
    """One corpus read at one cap."""
    names: list[set[str]]              # per article
    multi_source: list[set[str]]       # per story, from what the recogniser read
    top5: list[set[str]]
    multi_source_again: list[set[str]]  # per story, with the story's names counted again in the unread tails
    top5_again: list[set[str]]
    chars: int
    cpu_seconds: float                 # the recogniser's
    again_cpu_seconds: float           # counting the names again


def _story_sets(groups: Sequence[EntityGroup]) -> tuple[set[str], set[str]]:
    ranked = _ranked(groups)
    return ({f"{g.type}:{g.key}" for g in ranked if len(g.mentions) >= 2},
            {f"{g.type}:{g.key}" for g in ranked[:5]})


def read(stories: Sequence[Story], cap: int) -> Reading:
    texts = [article_text(d.title, d.text, cap) for story in stories for d in story]
    started = time.process_time()
    found = find_mentions(texts)
    cpu = time.process_time() - started
    names, multi, top5, multi_again, top5_again, at, again_cpu = [], [], [], [], [], 0, 0.0
    for story in stories:
        mentions = dict(enumerate(found[at:at + len(story)]))
        at += len(story)
        names += [_keys(m) for m in mentions.values()]
        sets = _story_sets(resolve_story(mentions.items()))
        multi.append(sets[0])
        top5.append(sets[1])
        started = time.process_time()
        again = named_again(mentions, {i: unread_tail(d.text, cap) for i, d in enumerate(story)})
        again_cpu += time.process_time() - started
        sets = _story_sets(resolve_story(again.items()))
        multi_again.append(sets[0])
        top5_again.append(sets[1])
    return Reading(names, multi, top5, multi_again, top5_again, sum(len(t) for t in texts), cpu, again_cpu)


def _recall(reference: list[set[str]], capped: list[set[str]]) -> dict:
    kept = sum(len(r & c) for r, c in zip(reference, capped))
    total = sum(len(r) for r in reference)
    extra = sum(len(c - r) for r, c in zip(reference, capped))
    return {"recall": round(kept / total, 4) if total else None, "kept": kept, "of": total, "extra": extra}


def compare_caps(stories: Sequence[Story], caps: Sequence[int], rounds: int = 1) -> dict:
    """Per cap: characters read, NER CPU ms per article (best of `rounds`), and the recalls against the
    uncapped reading."""
    articles = sum(len(s) for s in stories)

    def best(cap: int) -> Reading:
        readings = [read(stories, cap) for _ in range(rounds)]
        return min(readings, key=lambda r: r.cpu_seconds)

    reference = best(UNCAPPED)
    rows = {}
    for cap in sorted(set(caps) | {UNCAPPED}):
        reading = reference if cap == UNCAPPED else best(cap)
        rows[cap] = {
            "chars_per_article": round(reading.chars / max(1, articles)),
            "ner_cpu_ms_per_article": round(1000 * reading.cpu_seconds / max(1, articles), 2),
            "again_cpu_ms_per_article": round(1000 * reading.again_cpu_seconds / max(1, articles), 3),
            "names": _recall(reference.names, reading.names),
            "multi_source": _recall(reference.multi_source, reading.multi_source),
            "top5": _recall(reference.top5, reading.top5),
            "multi_source_again": _recall(reference.multi_source, reading.multi_source_again),
            "top5_again": _recall(reference.top5, reading.top5_again),
        }
    return {"stories": len(stories), "articles": articles, "caps": rows}


def evaluate_caps(caps: Sequence[int], bench_pages: int = 400, wikinews: Path | None = None,
                  pages: Path | None = None, rounds: int = 1, progress: Progress | None = None) -> dict:
    """`compare_caps` on each corpus at hand, the recogniser run as the desk's NER worker runs it."""
    use_one_core()
    find_mentions(["Warm up in Paris."])       # the model loads before any reading is timed
    corpora: dict[str, Callable[[], list[Story]]] = {"demo": demo_stories}
    if bench_pages:
        corpora["bench"] = lambda: bench_stories(bench_pages)
    if wikinews is not None:
        corpora["wikinews"] = lambda: wikinews_stories(wikinews)
    if pages is not None:
        corpora["pages"] = lambda: page_stories(pages)
    result = {}
    for name, stories in corpora.items():
        if progress:
            progress(f"{name} …")
        result[name] = compare_caps(stories(), caps, rounds=rounds)
    return result
