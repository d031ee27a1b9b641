"""A story's coverage: how many of its independent sources carry each label, and the labels with none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsdesk.model import Coverage

# A blindspot needs this many labelled independent sources in the group: one report is no sign of a side
# ignoring a story.
MIN_LABELLED = 2


def story_coverage(source_ids: Sequence[int], labels_of: Mapping[int, Mapping[str, str]],
                   in_use: Mapping[str, Sequence[str]], *, min_labelled: int = MIN_LABELLED) -> Coverage:
    """The coverage of a story told by `source_ids` (each once), given each source's labels and, per group,
    the labels the desk's sources carry (in the group's order)."""
    counts = {group: {label: 0 for label in labels} for group, labels in in_use.items()}
    unlabelled = 0
    for source_id in dict.fromkeys(source_ids):
        labels = labels_of.get(source_id) or {}
        if not labels:
            unlabelled += 1
        for group, label in labels.items():
            if group in counts and label in counts[group]:
                counts[group][label] += 1
    blindspots = {group: [label for label, n in found.items() if n == 0] for group, found in counts.items()
                  if len(found) > 1 and sum(found.values()) >= min_labelled and 0 in found.values()}
    return Coverage(counts=counts, blindspots=blindspots, unlabelled=unlabelled)


def coverage_json(coverage: Coverage) -> dict:
    return {"coverage": coverage.counts, "blindspots": coverage.blindspots}


def coverage_line(counts: Mapping[str, int]) -> str:
    """"left 3 · centre 1 · right 0"."""
    return " · ".join(f"{label} {n}" for label, n in counts.items())
