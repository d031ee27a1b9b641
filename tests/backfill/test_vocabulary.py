"""Each segment starts from the vocabulary the sequential grouper holds at its first article: the counts per
slice summed, checked against an online clusterer that reads the whole time line (vectors drawn at random: the
vocabulary reads only words, and no model is loaded)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from newsdesk.backfill import LocalEngine, SegmentItem, attach_vocabularies, plan_segments
from newsdesk.cluster import OnlineClusterer

T0 = datetime(2026, 5, 4, tzinfo=timezone.utc)
WINDOW = timedelta(hours=20)
REPORTS = ["Harbour cranes at Veldport idle as dock workers strike over pay",
           "Veldport dockers extend strike into a third day, ships queue offshore",
           "Storm Irvana closes mountain passes; Carrow villages cut off",
           "Carrow villagers dig out after Irvana's snow, power back in most homes",
           "Minister Osei unveils rail plan linking Tamsin and Brookvale",
           "Tamsin–Brookvale line: Osei's plan faces questions on cost",
           "Lakeside council approves new library for Dunmore after long delay",
           "Dunmore library: building work to begin in spring, council says"]


def _items(count: int = 48) -> list[SegmentItem]:
    rng = np.random.default_rng(3)
    items = []
    for i in range(count):
        title = REPORTS[i % len(REPORTS)]
        text = f"{title}. Report number {i} from the desk, filed on day {i // 8}, with {i * 37} words noted."
        vector, cross = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 384)).astype(np.float32))
        items.append(SegmentItem(i, title, text, T0 + timedelta(hours=3 * i), f"outlet {i % 5}", "en",
                                 vector.tobytes(), cross.tobytes()))
    return items


def _sequential_vocabulary(items: list[SegmentItem], before: datetime):
    clusterer = OnlineClusterer(window=WINDOW)
    clusterer.add_many([it.cluster_input() for it in items if it.time < before])
    return clusterer.vocab


def test_a_segment_starts_with_the_document_frequencies_the_sequential_grouper_has_there():
    items = _items()
    plan = plan_segments(items, 3, WINDOW)
    attach_vocabularies(plan, WINDOW)
    third = plan[2]
    expected = _sequential_vocabulary(items, third.items[0].time)
    assert dict(third.terms_before.as_vocabulary().df) == dict(expected.df)
    assert third.terms_before.docs == expected.docs


def test_a_boundary_merge_window_starts_with_the_vocabulary_before_it():
    items = _items()
    plan = plan_segments(items, 3, 2 * WINDOW)
    attach_vocabularies(plan, WINDOW)
    second = plan[1]
    expected = _sequential_vocabulary(items, second.start - WINDOW)
    assert second.terms_before_boundary.docs == expected.docs
    assert second.terms_before.docs < second.terms_before_boundary.docs


def test_the_first_segment_starts_empty():
    plan = plan_segments(_items(), 3, WINDOW)
    attach_vocabularies(plan, WINDOW)
    assert plan[0].terms_before is None


def test_worker_processes_count_as_this_process_does():
    items = _items()
    here, there = plan_segments(items, 3, WINDOW), plan_segments(items, 3, WINDOW)
    attach_vocabularies(here, WINDOW)
    engine = LocalEngine(2)
    try:
        attach_vocabularies(there, WINDOW, engine.count_terms)
    finally:
        engine.close()
    assert [s.terms_before for s in there] == [s.terms_before for s in here]

