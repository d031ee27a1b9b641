"""The reprint comparison's scores: copy links of the backfill against the desk's, and pairs against labels."""

from __future__ import annotations

from newsdesk_lab.backfill.reprints import agreement, labelled


def test_a_link_counts_only_with_the_same_original():
    desk = {"b": "a", "c": "a", "e": "d"}
    backfill = {"b": "a", "c": "b", "f": "d"}
    scores = agreement(backfill, desk)
    assert scores["same"] == 1
    assert scores["precision"] == round(1 / 3, 4)
    assert scores["recall"] == round(1 / 3, 4)


def test_a_labelled_pair_is_a_copy_when_both_end_in_one_family():
    lines = [{"url": f"https://x.example/{name}"} for name in ("a", "b", "c", "d")]
    pairs = [{"a": "a", "b": "b", "duplicate": True}, {"a": "a", "b": "c", "duplicate": True},
             {"a": "a", "b": "d", "duplicate": False}]
    links = {"https://x.example/b": "https://x.example/a", "https://x.example/d": "https://x.example/a"}
    scores = labelled(links, lines, pairs)
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.5
