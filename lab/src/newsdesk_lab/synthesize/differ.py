"""`newsdesk eval differ`: precision and recall of "sources differ" against the project's hand labels
(`differ_labels.json`): the demo corpus's events (with the outlets' later updates) and 50 NeuS stories (left,
centre and right outlets of one event, named by line number; their text is read from the split given).

A flag is a (story, kind) the detector reports; it is right when the labels hold a conflict of that kind in
that story. Recall is also given over the kinds the detector reads (labels not marked "other:")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from newsdesk.model import StoryArticle
from newsdesk.synthesize import differences


class LabelsError(ValueError):
    """The labels do not fit the data they name (a NeuS line past the split's end, an unknown demo event)."""


def default_labels() -> Path:
    return Path(str(resources.files("newsdesk_lab.synthesize") / "differ_labels.json"))


@dataclass
class Tally:
    name: str
    stories: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    in_scope_labels: int = 0
    in_scope_found: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    @property
    def in_scope_recall(self) -> float:
        return self.in_scope_found / self.in_scope_labels if self.in_scope_labels else 1.0

    def add(self, story: str, flagged: set[str], labelled: set[str]) -> None:
        self.stories += 1
        self.true_positives += len(flagged & labelled)
        self.false_positives += len(flagged - labelled)
        self.false_negatives += len(labelled - flagged)
        in_scope = {kind for kind in labelled if not kind.startswith("other:")}
        self.in_scope_labels += len(in_scope)
        self.in_scope_found += len(in_scope & flagged)
        self.mistakes += [f"{story}: flagged {kind}, not a labelled conflict" for kind in sorted(flagged - labelled)]
        self.mistakes += [f"{story}: missed {kind}" for kind in sorted(labelled - flagged)]

    def figures(self) -> dict:
        return {"name": self.name, "stories": self.stories, "tp": self.true_positives, "fp": self.false_positives,
                "fn": self.false_negatives, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "in_scope_recall": round(self.in_scope_recall, 4)}


def demo_stories() -> dict[str, list[StoryArticle]]:
    """The demo corpus's events as a story writer reads them: each article at its latest revision, with its
    first version and the revision's time when it was revised."""
    from newsdesk.demo import load_corpus

    corpus = load_corpus()
    stories: dict[str, list[StoryArticle]] = {}
    for article in corpus.articles:
        outlet = corpus.outlet(article.outlet).name
        latest = article.revisions[-1] if article.revisions else None
        text = "\n\n".join((latest or article).paragraphs)
        stories.setdefault(article.event, []).append(StoryArticle(
            id=article.id, outlet=outlet, title=latest.title if latest else article.title, text=text,
            published=article.published, is_reprint=article.reprint_of is not None, original_id=article.reprint_of,
            updated=latest.at if latest else None, first_title=article.title if latest else None,
            first_text="\n\n".join(article.paragraphs) if latest else None))
    return stories


def _kinds(conflicts: list[dict]) -> set[str]:
    return {c["what"] for c in conflicts}


def evaluate_demo(labels: dict) -> Tally:
    stories = demo_stories()
    tally = Tally("demo")
    for case in labels["demo"]:
        if case["event"] not in stories:
            raise LabelsError(f"the labels name a demo event the corpus does not hold: {case['event']}")
        flagged = {d.what for d in differences(stories[case["event"]])}
        tally.add(case["event"], flagged, _kinds(case["conflicts"]))
    return tally


def evaluate_neus(labels: dict, prefix: Path) -> Tally:
    from newsdesk_lab.synthesize.evaluate import parse_source_line

    lines = Path(f"{prefix}.source").read_text(encoding="utf-8").splitlines()
    tally = Tally("NeuS")
    for case in labels["neus"]["stories"]:
        line = case["line"]
        if line >= len(lines):
            raise LabelsError(f"the labels name line {line} of NeuS {labels['neus']['split']}, but {prefix}.source "
                              f"has {len(lines)} lines: give the {labels['neus']['split']} split")
        flagged = {d.what for d in differences(parse_source_line(lines[line], line))}
        tally.add(f"line {line}", flagged, _kinds(case["conflicts"]))
    return tally


def evaluate_differ(neus_prefix: Path | None = None, labels_path: Path | None = None) -> list[Tally]:
    labels = json.loads((labels_path or default_labels()).read_text(encoding="utf-8"))
    tallies = [evaluate_demo(labels)]
    if neus_prefix is not None:
        tallies.append(evaluate_neus(labels, neus_prefix))
    total = Tally("all")
    for t in tallies:
        total.stories += t.stories
        total.true_positives += t.true_positives
        total.false_positives += t.false_positives
        total.false_negatives += t.false_negatives
        total.in_scope_labels += t.in_scope_labels
        total.in_scope_found += t.in_scope_found
    return tallies + ([total] if len(tallies) > 1 else [])
