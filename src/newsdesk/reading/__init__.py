"""Reading: what changed in a story since a reader last read it (`story_changes`: new sources and reprints,
new facts, changed figures, notable updates; `changes_line` words it), and the home page's cheap count of
it over many stories (`change_marks`, worded by `mark_line`)."""

from newsdesk.reading.changes import story_changes, version_seen
from newsdesk.reading.facts import FactConfig, FactFinder, Judgement, Report, fact_numbers, fact_units
from newsdesk.reading.marks import change_mark, change_marks
from newsdesk.reading.wording import changes_line, figure_line, mark_line

__all__ = ["FactConfig", "FactFinder", "Judgement", "Report", "change_mark", "change_marks", "changes_line",
           "fact_numbers", "fact_units", "figure_line", "mark_line", "story_changes", "version_seen"]
