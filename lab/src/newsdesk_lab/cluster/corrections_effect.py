"""Does a desk's corrections change how it groups the next similar articles? The demo corpus streamed through
the online clusterer under each model given (e.g. one trained without and one with `train --desk`, the desk's
`newsdesk corrections export`): per model, the B-cubed P/R/F1 against the corpus's events, the number of
stories, and for the articles of the `--watch` events (those the corrections did not touch) the best join
probability each got and whether it joined a story of its own event.

    python -m newsdesk_lab.cluster.corrections_effect BASE.json DESK.json --watch lisse-river-accord
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from newsdesk.cluster import ClusterInput, OnlineClusterer, PairModel
from newsdesk.demo import load_corpus
from newsdesk_lab.cluster.metrics import bcubed


def stream_demo(model: PairModel, watch: set[str], embedder=None) -> dict:
    corpus = load_corpus()
    languages = {o.id: o.language for o in corpus.outlets}
    articles = sorted((a for a in corpus.articles if a.reprint_of is None), key=lambda a: (a.published, a.id))
    clusterer = OnlineClusterer(model=model, embedder=embedder)
    items = [ClusterInput(id=a.id, title=a.title, text="\n".join(a.paragraphs), published=a.published,
                          source=a.outlet, language=languages.get(a.outlet)) for a in articles]
    clusterer.embed(items)
    stories, watched = [], []
    event_story: dict[str, set[int]] = {}
    for article, item in zip(articles, items):
        rep = clusterer.represent(item)
        candidates, X, _, probs = clusterer.score_candidates(rep)
        placed = clusterer._place(rep, candidates, X, probs, rep.read)
        if article.event in watch:
            mates = {clusterer.resolve(s) for s in event_story.get(article.event, set())}
            own = [p for s, p in zip(candidates, probs) if s.id in mates]
            watched.append({"article": article.id, "language": languages.get(article.outlet),
                            "best_own_story_probability": round(float(max(own)), 3) if own else None,
                            "joined_own_event": bool(mates) and clusterer.resolve(placed.story_id) in mates})
        event_story.setdefault(article.event, set()).add(placed.story_id)
        stories.append(placed.story_id)
    predicted = [clusterer.resolve(s) for s in stories]
    p, r, f = bcubed([a.event for a in articles], predicted)
    return {"bcubed": [round(p, 4), round(r, 4), round(f, 4)], "stories": len(set(predicted)),
            "events": len({a.event for a in articles}), "watched": watched}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="model.json files to compare")
    parser.add_argument("--watch", action="append", default=[], help="an event the corrections left alone")
    args = parser.parse_args(argv)
    from newsdesk.embed import get_embedder

    embedder = get_embedder()
    report = {str(path): stream_demo(PairModel.load(path), set(args.watch), embedder) for path in args.models}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
