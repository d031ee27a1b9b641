"""The grouper's state is rows: a checkpoint writes only what changed, a restart reads the rows and the stored
vectors (no article text, no model) and groups on as the grouper before it would have, corrections and merged
stories kept; stories that leave the window leave the rows. On SQLite and PostgreSQL (the `storage` fixture)."""

import dataclasses

import pytest

from newsdesk.cluster import ClusterInput, PairModel
from newsdesk.corrections import split_story
from newsdesk.pipeline import StoryGrouper
from tests.cluster.articles import QUAKE_A, QUAKE_B, TRANSFER, at
from tests.corrections.conftest import grouped, ingest  # noqa: F401 - grouped: the fixture
from tests.corrections.test_grouper_keeps_corrections import MARROWFIELD_LATER


MARROWFIELD_RELIEF = ("Relief convoys reach quake-hit Marrowfield",
                      "Trucks carrying tents, water and blankets reached Marrowfield on Wednesday, a day after the "
                      "magnitude 6.2 earthquake that killed 14 people in the Brandholm valley. Governor Ilse Brandvik "
                      "said the road through the valley had reopened.")


class NoModel:
    """An embedder that must not be asked: every vector a restart needs is stored."""

    def encode(self, texts):
        raise AssertionError(f"the restart embedded {len(texts)} texts")


def _recording(storage, monkeypatch) -> list:
    written = []
    real = storage.save_grouper_rows

    def record(rows):
        written.append(rows)
        real(rows)

    monkeypatch.setattr(storage, "save_grouper_rows", record)
    return written


def _restarted_without_text(storage, monkeypatch) -> StoryGrouper:
    with monkeypatch.context() as patch:
        patch.setattr(storage, "get_article", lambda *a, **k: pytest.fail("the restart read an article"))
        patch.setattr(storage, "articles_by_ids", lambda *a, **k: pytest.fail("the restart read articles"),
                      raising=False)
        return StoryGrouper(storage, embedder=NoModel())


def test_a_checkpoint_writes_only_the_stories_and_articles_that_changed(storage, tmp_path, embedder, monkeypatch):
    ids = ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Coast", QUAKE_B[0], 0.3), ("Sport", TRANSFER[0], 0.5)],
                 "a")
    grouper = StoryGrouper(storage)
    grouper.group(ids)
    written = _recording(storage, monkeypatch)
    grouper.save()
    assert len(written[0].stories) == 3
    later = ingest(storage, tmp_path, [("Daily", QUAKE_A[1], 1)], "b")
    grouper.group(later)
    grouper.save()
    assert [stored for _, stored, _ in written[1].stories] == [storage.story_of(ids[0])]
    assert [article for _, article, _, _ in written[1].index] == later
    assert written[1].gone == []
    assert not written[1].replace
    grouper.save()
    assert written[2].stories == []
    assert written[2].index == []


def test_a_restart_reads_no_text_and_groups_on_as_before(storage, tmp_path, embedder, monkeypatch):
    ids = ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Coast", QUAKE_B[0], 0.3), ("Sport", TRANSFER[0], 0.5),
                                     ("Daily", QUAKE_A[1], 1)], "a")
    running = StoryGrouper(storage)
    running.group(ids)
    running.save()
    restarted = _restarted_without_text(storage, monkeypatch)
    assert restarted.replayed == 0
    assert restarted.story_ids == running.story_ids
    assert set(restarted.clusterer.stories) == set(running.clusterer.stories)
    for n, (title, text) in enumerate([QUAKE_A[2], QUAKE_B[1], TRANSFER[1], QUAKE_B[2]]):
        vector = embedder.encode([title])[0]
        item = dict(id=1000 + n, title=title, text=text, published=at(2 + n * 0.1), embedding=vector)
        before, after = running.clusterer.add(ClusterInput(**item)), restarted.clusterer.add(ClusterInput(**item))
        assert (before.story_id, before.created) == (after.story_id, after.created)
        assert before.score == pytest.approx(after.score, abs=1e-9)


def test_merged_stories_keep_resolving_after_a_restart(storage, tmp_path, embedder, monkeypatch):
    ids = ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Sport", TRANSFER[0], 0.5)], "a")
    grouper = StoryGrouper(storage)
    grouper.group(ids)
    quake, transfer = (grouper.clusterer.resolve(s) for s in sorted(grouper.clusterer.stories))
    grouper.clusterer._merge(grouper.clusterer.stories[quake], grouper.clusterer.stories[transfer])
    grouper.save()
    restarted = _restarted_without_text(storage, monkeypatch)
    assert restarted.clusterer.resolve(transfer) == quake
    assert transfer not in restarted.clusterer.stories


def test_a_split_survives_checkpoint_and_restart(storage, grouped, tmp_path, monkeypatch):
    shipped = PairModel.load()
    eager = dataclasses.replace(shipped, threshold=0.0, merge_threshold=0.0, confident=0.0)
    if shipped.headline is not None:
        eager.headline = dataclasses.replace(shipped.headline, threshold=0.0, merge_threshold=0.0, confident=0.0)
    monkeypatch.setattr(PairModel, "load", classmethod(lambda cls, *a, **k: eager))
    running = StoryGrouper(storage)
    split_story(storage, storage.story_of(grouped.quake_a[0]), [grouped.quake_a[2]], "editor")
    later = ingest(storage, tmp_path, [("Gazette", MARROWFIELD_RELIEF, 3)], "later")
    running.group(later)                       # catches up with the split, then groups under its links
    running.save()
    restarted = _restarted_without_text(storage, monkeypatch)
    assert restarted.replayed == 0
    assert restarted.clusterer.links is not None
    restarted.clusterer._embedder = None          # new articles are embedded by the desk's model again
    more = ingest(storage, tmp_path, [("Evening", MARROWFIELD_LATER, 3.5)], "more")
    restarted.group(more)
    assert storage.story_of(more[0]) is not None
    assert storage.story_of(grouped.quake_a[2]) != storage.story_of(grouped.quake_a[0]), "no merge across the split"


def test_stories_out_of_the_window_leave_the_saved_state(storage, tmp_path, embedder):
    ids = ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Coast", QUAKE_B[0], 0.3)], "a")
    grouper = StoryGrouper(storage)
    grouper.group(ids)
    grouper.save()
    assert len(list(storage.grouper_stories())) == 2
    much_later = ingest(storage, tmp_path, [("Sport", TRANSFER[0], 24 * 10)], "b")
    grouper.group(much_later)
    grouper.save()
    assert [stored for _, stored, _ in storage.grouper_stories()] == [storage.story_of(much_later[0])]
    assert [article for _, article, _, _ in storage.grouper_index()] == much_later
