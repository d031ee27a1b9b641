"""The segmented grouping's plan and stitch, on placements written by hand (no model); the merge model at the
boundaries, on reports written here."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from newsdesk.backfill import Placed, Segment, SegmentItem, group_segment, merge_at_boundaries, plan_segments, stitch

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


FLOOD = [("River Arden bursts its banks in Holmbrook, hundreds evacuated",
          "The River Arden burst its banks in Holmbrook on Monday after two days of heavy rain, flooding the old "
          "town centre and forcing some 400 residents from their homes, the county fire service said."),
         ("Hundreds leave homes as Arden floods Holmbrook town centre",
          "Around 400 people were evacuated in Holmbrook on Monday when the River Arden overflowed after two days "
          "of rain, flooding streets of the old town, firefighters said."),
         ("Holmbrook flood: Arden river still rising, 400 evacuated",
          "The River Arden kept rising in Holmbrook on Tuesday after flooding the old town centre, where 400 "
          "residents had been evacuated, and the fire service warned of more rain."),
         ("Arden floods: Holmbrook residents wait to return home",
          "Some 400 Holmbrook residents evacuated when the River Arden flooded the old town centre were still "
          "waiting on Tuesday to return home, as firefighters pumped water from the streets.")]
CHESS = ("Teenager wins Valmont chess open", "A sixteen-year-old from Orrin won the Valmont chess open on Tuesday, "
         "beating the defending champion in the last round of the nine-round tournament.")


def _reports(entries: list[tuple[int, float, tuple[str, str]]]) -> list[SegmentItem]:
    return [SegmentItem(number, title, text, T0 + timedelta(hours=hours), f"outlet {number}", "en", None)
            for number, hours, (title, text) in entries]


def test_the_merge_model_joins_a_story_across_a_boundary_and_leaves_the_rest(embedder):
    items = _reports([(0, 0, FLOOD[0]), (1, 2, FLOOD[1]), (2, 30, FLOOD[2]), (3, 31, FLOOD[3]), (4, 32, CHESS)])
    plan = [Segment(0, None, items[:2]), Segment(1, T0 + timedelta(hours=29), items)]
    stitched = [[(0, 0.0), (1, 0.9)], [(2, 0.0), (3, 0.9)], [(4, 0.0)]]
    stories = merge_at_boundaries(stitched, plan, timedelta(hours=48))
    assert sorted(sorted(a for a, _ in members) for members in stories) == [[0, 1, 2, 3], [4]]


def test_stories_on_one_side_of_a_boundary_are_not_merged_there(embedder):
    items = _reports([(0, 0, FLOOD[0]), (1, 1, FLOOD[1]), (2, 2, FLOOD[2]), (3, 3, FLOOD[3]), (4, 30, CHESS)])
    plan = [Segment(0, None, items[:4]), Segment(1, T0 + timedelta(hours=29), items)]
    stitched = [[(0, 0.0), (1, 0.9)], [(2, 0.0), (3, 0.9)], [(4, 0.0)]]
    stories = merge_at_boundaries(stitched, plan, timedelta(hours=48))
    assert len(stories) == 3


def test_a_merge_holds_after_the_merged_stories_leave_the_window(monkeypatch):
    from newsdesk.cluster import OnlineClusterer

    monkeypatch.setattr(OnlineClusterer, "merge_hook", lambda self, story, other, features: True)
    rng = np.random.default_rng(5)
    vectors = [v / np.linalg.norm(v) for v in rng.normal(size=(4, 384)).astype(np.float32)]
    entries = [(0, 0, FLOOD[0], 0), (1, 1, CHESS, 1), (2, 2, FLOOD[0], 0), (3, 400, FLOOD[2], 2), (4, 401, CHESS, 3)]
    items = [SegmentItem(number, title, text, T0 + timedelta(hours=hours), f"outlet {number}", "en",
                         vectors[v].tobytes(), vectors[v].tobytes())
             for number, hours, (title, text), v in entries]
    placed = {p.article_id: p.story for p in group_segment(Segment(0, None, items), timedelta(hours=48))}
    assert placed[1] == placed[0]
