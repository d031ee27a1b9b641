"""Backfills and re-processing: many local files (JSONL, folders of HTML, WARC) through the desk's own stages,
in parallel on this machine or on a Ray cluster, resumable; the grouping's time line cut into segments grouped
in parallel and stitched (`plan_segments`, `group_segment`, `stitch`, `merge_at_boundaries`), each segment
starting from the vocabulary the sequential grouper has there (`attach_vocabularies`); reprints found
across the whole backfill (`reprints`)."""

from newsdesk.backfill.engines import Engine, EngineError, LocalEngine, make_engine
from newsdesk.backfill.prepare import prepare_batch
from newsdesk.backfill.records import BackfillInputError, expand_inputs
from newsdesk.backfill.run import Backfill, BackfillReport, run_backfill
from newsdesk.backfill.segments import (Placed, Segment, SegmentItem, group_segment, merge_at_boundaries,
                                       plan_segments, stitch)
from newsdesk.backfill.vocabulary import TermCounts, attach_vocabularies, count_terms

__all__ = ["Backfill", "BackfillInputError", "BackfillReport", "Engine", "EngineError", "LocalEngine", "Placed",
           "Segment", "SegmentItem", "TermCounts", "attach_vocabularies", "count_terms", "expand_inputs",
           "group_segment", "make_engine", "merge_at_boundaries", "plan_segments", "prepare_batch", "run_backfill",
           "stitch"]
