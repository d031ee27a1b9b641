"""Grouping quality on a labelled JSONL stream, through the same online clusterer the desk runs."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from newsdesk_lab.cluster.data import LabelledArticle, headline, iter_jsonl, neus_articles, stream_order, write_jsonl
from newsdesk_lab.cluster.metrics import bcubed_items, grouping_errors, score_clustering
from newsdesk.cluster import Assignment, ClusterInput, OnlineClusterer, PairModel, final_stories


def cluster_articles(articles: list[LabelledArticle], model: PairModel | None = None, embedder=None,
                     embeddings=None, progress: Callable[[int, int], None] | None = None,
                     **clusterer_args) -> tuple[list[int], float]:
    """Stream the articles (in the order given) through a fresh clusterer; the story of each, and the seconds
    spent (embedding included)."""
    stories, _, elapsed = _cluster(articles, model, embedder, embeddings, progress, **clusterer_args)
    return stories, elapsed


def _cluster(articles, model, embedder, embeddings, progress,
             **clusterer_args) -> tuple[list[int], list[Assignment], float]:
    clusterer = OnlineClusterer(model=model, embedder=embedder, **clusterer_args)
    items = [ClusterInput(id=a.id, title=a.title, text=a.text, published=a.published, source=a.source,
                          embedding=None if embeddings is None else embeddings[i], language=a.lang)
             for i, a in enumerate(articles)]
    total = len(items)
    started = time.perf_counter()
    assignments = clusterer.add_many(items, progress=(lambda done: progress(done, total)) if progress else None)
    elapsed = time.perf_counter() - started
    # A story merged later keeps resolving: score the final grouping (through the merges the placements report:
    # the clusterer forgets the redirects of stories that left its window).
    return final_stories(assignments), assignments, elapsed


def first_mixes(gold: Sequence[str], assignments: Sequence[Assignment],
                titles: Sequence[str]) -> dict[int, dict]:
    """For each story that came to mix events (by its final id), the step where it first did: an article of an
    event the story did not hold joining it ("join": the join probability and the story's size then), or two
    stories of different events merging ("merge")."""
    def majority(counts: Counter):
        return counts.most_common(1)[0][0]

    events: dict[int, Counter] = {}
    began: dict[int, dict] = {}
    for event, a, title in zip(gold, assignments, titles):
        held = events.setdefault(a.placed_in, Counter())
        if not a.created and held and event not in held and a.placed_in not in began:
            began[a.placed_in] = {"how": "join", "title": title, "event": event,
                                  "story_event": majority(held), "story_size": sum(held.values()),
                                  "score": round(a.score, 3)}
        held[event] += 1
        for gone in a.merged:
            theirs, ours = events.pop(gone, Counter()), events.setdefault(a.story_id, Counter())
            earlier = began.pop(gone, None)
            first = began.get(a.story_id) or earlier
            if first is None and theirs and ours and majority(theirs) != majority(ours):
                first = {"how": "merge", "events": [majority(ours), majority(theirs)],
                         "sizes": [sum(ours.values()), sum(theirs.values())], "title": title}
            if first is not None:
                began[a.story_id] = first
            ours.update(theirs)
    return began


def evaluate_articles(articles: list[LabelledArticle], model: PairModel | None = None, embedder=None,
                      embeddings=None, progress: Callable[[int, int], None] | None = None, errors: int = 0,
                      group_by: Callable[[LabelledArticle], str] | None = None, **clusterer_args) -> dict:
    """Scores and counts; with `errors`, also that many of the costliest mixed stories (with the step where
    each began to mix, `first_mixes`) and split events;
    with `group_by`, under "groups" each group's articles and the sums of their B-cubed precision and recall
    (B-cubed over the whole stream, summed by group: a bootstrap over groups can resample them)."""
    stories, assignments, elapsed = _cluster(articles, model, embedder, embeddings, progress,
                                             **clusterer_args)
    gold = [a.event for a in articles]
    result = score_clustering(gold, stories)
    result = {k: round(v, 4) for k, v in result.items()}
    result.update({"articles": len(articles), "events": len(set(gold)),
                   "stories": len(set(stories)), "seconds": round(elapsed, 2),
                   "articles_per_s": round(len(articles) / elapsed, 1) if elapsed > 0 else 0.0})
    if errors:
        labels = [a.label for a in articles]
        found = grouping_errors(gold, stories, labels)
        began = first_mixes(gold, assignments, labels)
        for entry in found["mixed"]:
            if entry["story"] in began:
                entry["began"] = began[entry["story"]]
        result["errors"] = {kind: entries[:errors] for kind, entries in found.items()}
    if group_by is not None:
        precisions, recalls = bcubed_items(gold, stories)
        groups: dict[str, list[float]] = {}
        for a, p, r in zip(articles, precisions, recalls):
            sums = groups.setdefault(group_by(a), [0, 0.0, 0.0])
            sums[0] += 1
            sums[1] += float(p)
            sums[2] += float(r)
        result["groups"] = {g: {"articles": n, "precision_sum": round(p, 6), "recall_sum": round(r, 6)}
                            for g, (n, p, r) in groups.items()}
    return result


def evaluate_clustering(path: Path, progress: Callable[[int, int], None] | None = None, model: PairModel | None = None,
                        embedder=None) -> dict:
    """Stream a JSONL file (fields id, title, text, event; optional published, source, url — the event label
    and the url are never shown to the clusterer) in published order where present, file order otherwise.
    Returns b3_precision, b3_recall, b3_f1, ari, v_measure, articles_per_s and counts."""
    articles = stream_order(list(iter_jsonl(Path(path))))
    return evaluate_articles(articles, model=model, embedder=embedder, progress=progress)


def neus_to_jsonl(source_path: Path, out_path: Path, seed: int = 0) -> int:
    """NeuS story lines → a clustering JSONL: each line's three articles share event = line number, all
    articles shuffled together (empty texts kept with their title). Returns the number of articles."""
    articles = neus_articles(Path(source_path), seed=None)
    random.Random(seed).shuffle(articles)
    write_jsonl(articles, Path(out_path))
    return len(articles)


def wikinews_to_jsonl(path: Path, out_path: Path, seed: int = 0, language: str = "en") -> int:
    """WikinewsSum lines (a Wikinews article with the source articles it cites) → a clustering JSONL: each cited
    source in `language` with a text is one article, its event the line number of the Wikinews article citing it;
    all shuffled together. Lines that are not JSON objects are skipped. Returns the number of articles."""
    articles: list[LabelledArticle] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if not isinstance(row, dict):
                continue
            for k, source in enumerate(row.get("sources") or []):
                if not isinstance(source, dict) or source.get("language") != language:
                    continue
                text = (source.get("maintext") or "").strip()
                if text:
                    articles.append(LabelledArticle(id=f"{n}-{k}", title=(source.get("title") or "").strip(),
                                                    text=text, event=str(n)))
    random.Random(seed).shuffle(articles)
    write_jsonl(articles, Path(out_path))
    return len(articles)


def headlines_to_jsonl(path: Path, out_path: Path) -> int:
    """A clustering JSONL → the same articles as headline-only feed items give them (`data.headline`: the title,
    no text), in the same order. Returns the number of articles."""
    articles = [headline(a) for a in iter_jsonl(Path(path))]
    write_jsonl(articles, Path(out_path))
    return len(articles)
