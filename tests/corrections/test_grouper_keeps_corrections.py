"""The grouper keeps to people's corrections: it never puts back together what a person separated, nor
separates what a person joined, while it runs (it catches up with a correction made elsewhere), through
`regroup` (`newsdesk recluster`) and under another model; old ids and slugs keep resolving. On SQLite and
PostgreSQL."""

import dataclasses

import pytest

from newsdesk.cluster import OnlineClusterer, PairModel
from newsdesk.corrections import merge_stories, rename_story, split_story
from newsdesk.pipeline import StoryGrouper, regroup
from tests.corrections.conftest import ingest

MARROWFIELD_LATER = ("Marrowfield earthquake: schools closed as aftershocks go on",
                     "Schools in Marrowfield stayed closed on Wednesday as aftershocks shook the town a day after the "
                     "6.2 magnitude earthquake that killed 14 people. Governor Ilse Brandvik said engineers would "
                     "inspect every school in the Brandholm valley before pupils return.")


def with_thresholds(model: PairModel, join: float, merge: float) -> PairModel:
    """The shipped model with other bars: a stand-in for a retrained model that groups very differently."""
    changed = dataclasses.replace(model, threshold=join, merge_threshold=merge, confident=0.0)
    if model.headline is not None:
        changed.headline = dataclasses.replace(model.headline, threshold=join, merge_threshold=merge, confident=0.0)
    return changed


@pytest.fixture
def eager():
    """Joins every article to its best candidate and merges every pair of stories it looks at."""
    return with_thresholds(PairModel.load(), 0.0, 0.0)


@pytest.fixture
def shy():
    """Joins nothing and merges nothing: every article its own story."""
    return with_thresholds(PairModel.load(), 1.01, 1.01)


def regroup_under(monkeypatch, storage, model):
    monkeypatch.setattr(PairModel, "load", classmethod(lambda cls, *a, **k: model))
    regroup(storage, entities=False)


def together(storage, ids) -> bool:
    return len({storage.story_of(a) for a in ids}) == 1


def test_recluster_keeps_apart_what_a_person_split(storage, grouped):
    story = storage.story_of(grouped.quake_a[0])
    slug = storage.get_story(story).slug
    split_story(storage, story, [grouped.quake_a[2]], "editor")
    regroup(storage, entities=False)
    assert together(storage, grouped.quake_a[:2])
    assert storage.story_of(grouped.quake_a[2]) != storage.story_of(grouped.quake_a[0])
    assert storage.get_story(story).id == storage.story_of(grouped.quake_a[0]), "the old id still resolves"
    assert storage.get_story(slug).id == storage.story_of(grouped.quake_a[0]), "the old slug still resolves"


def test_recluster_keeps_together_what_a_person_merged(storage, grouped):
    quake, transfer = storage.story_of(grouped.quake_a[0]), storage.story_of(grouped.transfer[0])
    merge_stories(storage, quake, transfer, "editor")
    regroup(storage, entities=False)
    assert together(storage, grouped.quake_a + grouped.transfer)
    assert not together(storage, grouped.quake_a + grouped.quake_b[:1])
    assert storage.get_story(transfer).id == storage.story_of(grouped.transfer[0])


def test_a_model_that_joins_everything_still_keeps_a_split_apart(storage, grouped, eager, monkeypatch):
    story = storage.story_of(grouped.quake_a[0])
    split_story(storage, story, [grouped.quake_a[2]], "editor")
    regroup_under(monkeypatch, storage, eager)
    assert together(storage, grouped.quake_a[:2] + grouped.quake_b), "the eager model joins what it may"
    assert storage.story_of(grouped.quake_a[2]) != storage.story_of(grouped.quake_a[0])


def test_a_model_that_joins_nothing_still_keeps_a_merge_together(storage, grouped, shy, monkeypatch):
    quake, transfer = storage.story_of(grouped.quake_a[0]), storage.story_of(grouped.transfer[0])
    merge_stories(storage, quake, transfer, "editor")
    regroup_under(monkeypatch, storage, shy)
    assert not together(storage, grouped.quake_b), "the shy model joins nothing of its own"
    assert together(storage, grouped.quake_a + grouped.transfer)


def test_the_running_grouper_catches_up_with_a_split_and_keeps_it(storage, grouped, tmp_path, eager):
    running = StoryGrouper(storage, clusterer=OnlineClusterer(model=eager))   # as a desk's grouper would be
    story = storage.story_of(grouped.quake_a[0])
    split_story(storage, story, [grouped.quake_a[2]], "editor")          # made by another process
    later = ingest(storage, tmp_path, [("Gazette", MARROWFIELD_LATER, 3)], "later")
    running.group(later)
    assert storage.story_of(grouped.quake_a[2]) != storage.story_of(grouped.quake_a[0])
    assert storage.story_of(later[0]) in {storage.story_of(grouped.quake_a[0]), storage.story_of(grouped.quake_a[2])}


def test_a_grouper_started_from_a_checkpoint_older_than_a_correction_groups_on_from_the_correction(
        storage, grouped, tmp_path):
    first = StoryGrouper(storage)
    first.save()
    story = storage.story_of(grouped.quake_a[0])
    split_story(storage, story, [grouped.quake_a[1], grouped.quake_a[2]], "editor")
    restarted = StoryGrouper(storage)
    later = ingest(storage, tmp_path, [("Gazette", MARROWFIELD_LATER, 3)], "later")
    restarted.group(later)
    assert storage.story_of(grouped.quake_a[1]) == storage.story_of(grouped.quake_a[2])
    assert storage.story_of(grouped.quake_a[1]) != storage.story_of(grouped.quake_a[0])


def test_recluster_keeps_a_pinned_headline(storage, grouped):
    story = storage.story_of(grouped.quake_a[0])
    rename_story(storage, story, "Marrowfield earthquake", "editor")
    regroup(storage, entities=False)
    assert storage.get_story(story).headline == "Marrowfield earthquake"
