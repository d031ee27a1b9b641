"""Coverage by side: labels the admin gives sources in groups of their own (lean, country, owner; newsdesk
ships none), the count of a story's independent sources per label, and its blindspots."""

from newsdesk.coverage.counting import MIN_LABELLED, coverage_json, coverage_line, story_coverage
from newsdesk.coverage.labels import (
    LabelError,
    check_name,
    format_labels,
    parse_group_labels,
    parse_labels,
    parse_pairs,
)

__all__ = ["LabelError", "MIN_LABELLED", "check_name", "coverage_json", "coverage_line", "format_labels",
           "parse_group_labels", "parse_labels", "parse_pairs", "story_coverage"]
