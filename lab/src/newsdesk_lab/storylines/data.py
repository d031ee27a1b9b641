"""The storylines set split by storyline (never within one), and its events as the desk groups them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newsdesk_lab.cluster.data import LabelledArticle, iter_jsonl, stream_order, write_jsonl
from newsdesk_lab.pipeline.evaluate import streamed
from newsdesk.pipeline import StorylineUpdates
from newsdesk.storylines import EventRep, LinkModel


def held_out(label: str) -> bool:
    """A third of the storylines, by label number (or by the label's characters when not a number), is held
    out of training."""
    return (int(label) if label.isdigit() else sum(map(ord, label))) % 3 == 0


def split(path: Path) -> tuple[list[LabelledArticle], list[LabelledArticle]]:
    """(training, held-out) articles of a labelled file, whole storylines on each side, file order kept."""
    articles = list(iter_jsonl(path))
    return [a for a in articles if not held_out(a.event)], [a for a in articles if held_out(a.event)]


def write_split(path: Path, out_dir: Path) -> tuple[Path, Path]:
    train, test = split(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = out_dir / "storylines-train.jsonl", out_dir / "storylines-heldout.jsonl"
    write_jsonl(train, paths[0])
    write_jsonl(test, paths[1])
    return paths


@dataclass
class LabelledEvent:
    event: EventRep
    label: str                  # its articles' most common label
    articles: list[str]         # each article's label


def desk_events(articles: list[LabelledArticle], progress=None) -> list[LabelledEvent]:
    """The stories the desk groups `articles` into (storylines off), each as the linker reads it, in the
    order the desk made them."""
    articles = [a for a in stream_order(articles) if a.title.strip() or a.text.strip()]
    placeholder = LinkModel.load()
    out = []
    with streamed(articles, progress, storylines=False) as (storage, ids, _):
        stories = storage.stories_of([i for i in ids if i is not None])
        labels: dict[int, list[str]] = {}
        for article, article_id in zip(articles, ids):
            if article_id is not None and article_id in stories:
                labels.setdefault(stories[article_id], []).append(article.event)
        reader = StorylineUpdates(storage, model=placeholder)
        for story_id in sorted(labels):
            event = reader.event(story_id)
            if event is not None:
                out.append(LabelledEvent(event, Counter(labels[story_id]).most_common(1)[0][0], labels[story_id]))
    return out
