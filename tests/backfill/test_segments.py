"""The segmented grouping's plan and stitch, on placements written by hand (no model)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsdesk.backfill import Placed, SegmentItem, plan_segments, stitch

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _items(hours: list[float]) -> list[SegmentItem]:
    return [SegmentItem(i, f"t{i}", "x", T0 + timedelta(hours=h), None, None, None) for i, h in enumerate(hours)]


def test_each_article_belongs_to_one_segment_and_is_read_by_the_next_within_the_overlap():
    items = _items([0, 10, 20, 30, 40, 50, 60, 70])
    plan = plan_segments(items, 2, timedelta(hours=15))
    owners = [[it.id for it in s.items if s.start is None or it.time >= s.start] for s in plan]
    overlap = [it.id for it in plan[1].items if it.time < plan[1].start]
    assert sorted(owners[0] + owners[1]) == list(range(8))
    assert overlap == [3]


def test_a_story_continues_the_story_owning_most_of_its_overlap_articles():
    first = [Placed(0, 1, 0.0, True), Placed(1, 1, 0.9, True), Placed(2, 2, 0.0, True)]
    second = [Placed(1, 7, 0.0, False), Placed(2, 8, 0.0, False), Placed(3, 7, 0.8, True), Placed(4, 9, 0.0, True)]
    stories = sorted(sorted(a for a, _ in members) for members in stitch([first, second]))
    assert stories == [[0, 1, 3], [2], [4]]


def test_a_story_of_overlap_articles_only_adds_nothing():
    first = [Placed(0, 1, 0.0, True)]
    second = [Placed(0, 5, 0.0, False), Placed(1, 6, 0.0, True)]
    stories = sorted(sorted(a for a, _ in members) for members in stitch([first, second]))
    assert stories == [[0], [1]]
