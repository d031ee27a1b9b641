"""Story pages are written again only when their story changed, and the grouper's checkpoint loses nothing:
articles grouped after the last save are replayed when the state is loaded again. On SQLite and PostgreSQL
(the `storage` fixture)."""

import asyncio
import json

import pytest

from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.pipeline import PageWriter, StoryGrouper
from tests.cluster.articles import QUAKE_A, QUAKE_B, TRANSFER, at


def _ingest(storage, tmp_path, rows, name="feed"):
    feed = tmp_path / f"{name}.jsonl"
    with open(feed, "w", encoding="utf-8") as out:
        for outlet, (title, text), hours in rows:
            out.write(json.dumps({"title": title, "text": text, "source": outlet,
                                  "published": at(hours).isoformat()}) + "\n")
    settings = Settings(db=str(tmp_path / "unused.db"), extract_workers=1, stories=False)

    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(feed)

    return [o.article_id for o in asyncio.run(run())]


def test_a_page_is_rewritten_when_an_article_joins_and_not_when_nothing_changed(storage, tmp_path, embedder):
    first = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Daily", QUAKE_A[1], 1)], "one")
    grouper, pages = StoryGrouper(storage), PageWriter(storage)
    touched = grouper.group(first)
    assert len(touched) == 1
    story_id = next(iter(touched))
    assert pages.write(touched) == 1
    written = storage.get_story(story_id)
    assert written.article_count == 2
    assert written.page_written_at is not None

    assert pages.write(touched) == 0, "nothing changed: the page must not be written again"
    assert storage.get_story(story_id).page_written_at == written.page_written_at
    assert pages.skipped == 1

    joined = _ingest(storage, tmp_path, [("Courier", QUAKE_A[2], 2)], "two")
    touched = grouper.group(joined)
    assert touched == {story_id}
    assert pages.write(touched) == 1
    again = storage.get_story(story_id)
    assert again.article_count == 3
    assert again.page_written_at > written.page_written_at
    page = json.loads(again.page_json)
    assert {t[2] for t in page["timeline"]} == {"Wire", "Daily", "Courier"}


def test_desk_writes_each_touched_page_once_per_batch(storage, tmp_path, embedder):
    rows = [("Wire", QUAKE_A[0], 0), ("Sport", TRANSFER[0], 0.2), ("Daily", QUAKE_A[1], 0.5),
            ("Herald", TRANSFER[1], 0.7), ("Courier", QUAKE_A[2], 1)]
    feed = tmp_path / "batch.jsonl"
    with open(feed, "w", encoding="utf-8") as out:
        for outlet, (title, text), hours in rows:
            out.write(json.dumps({"title": title, "text": text, "source": outlet,
                                  "published": at(hours).isoformat()}) + "\n")
    settings = Settings(db=str(tmp_path / "unused.db"), extract_workers=1)

    async def run():
        async with Desk(storage, settings) as desk:
            await desk.ingest_path(feed, batch=64)
            return desk._pages.written, dict(desk.stage_seconds)

    written, stages = asyncio.run(run())
    assert written == 2                      # two stories, one batch: each page written once
    assert all(stages[s] > 0 for s in ("embed", "group", "synthesize"))


def test_articles_grouped_after_the_checkpoint_are_replayed(storage, tmp_path, embedder):
    ids = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Bay News", QUAKE_B[0], 0.3)], "a")
    grouper = StoryGrouper(storage)
    grouper.group(ids)
    grouper.save()
    later = _ingest(storage, tmp_path, [("Daily", QUAKE_A[1], 1), ("Sport", TRANSFER[0], 1.2)], "b")
    grouper.group(later)
    assert grouper.checkpoint() is False      # not due: the state on disk predates these two
    quake_a = storage.story_of(ids[0])
    transfer = storage.story_of(later[1])

    restarted = StoryGrouper(storage)         # as after a crash: only the first checkpoint is on disk
    assert restarted.replayed == 2
    assert len(restarted.clusterer.stories) == 3
    last = _ingest(storage, tmp_path, [("Courier", QUAKE_A[2], 2), ("Herald", TRANSFER[1], 2.2)], "c")
    restarted.group(last)
    assert storage.story_of(last[0]) == quake_a
    assert storage.story_of(last[1]) == transfer
    assert restarted.checkpoint(force=True) is True
    assert StoryGrouper(storage).replayed == 0


def test_checkpoint_waits_until_due_then_saves(storage, tmp_path, embedder):
    ids = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0)], "d")
    grouper = StoryGrouper(storage)
    assert grouper.checkpoint(force=True) is False   # nothing grouped yet: nothing to save
    grouper.group(ids)
    grouper.CHECKPOINT_EVERY = 0.0
    assert grouper.checkpoint() is True
    assert storage.grouper_meta() is not None
    assert grouper.checkpoint() is False             # saved and unchanged since


def test_a_big_update_is_grouped_in_bounded_steps_with_the_same_stories(storage, tmp_path, embedder, monkeypatch):
    import newsdesk.pipeline.arrivals as desk_module

    rows = [("Wire", QUAKE_A[0], 0), ("Sport", TRANSFER[0], 0.2), ("Daily", QUAKE_A[1], 0.5),
            ("Herald", TRANSFER[1], 0.7), ("Courier", QUAKE_A[2], 1)]
    ids = _ingest(storage, tmp_path, rows, "big")
    monkeypatch.setattr(desk_module, "GROUP_BATCH", 2)
    steps = []
    settings = Settings(db=str(tmp_path / "unused.db"), extract_workers=1)

    async def run():
        async with Desk(storage, settings) as desk:
            real = desk._update_stories
            monkeypatch.setattr(desk, "_update_stories", lambda arrived, changed: steps.append(list(arrived))
                                or real(arrived, changed))
            from newsdesk.pipeline.desk import Outcome
            return await desk.update_stories([Outcome(f"u{i}", "new", i) for i in ids])

    touched = asyncio.run(run())
    assert [len(step) for step in steps] == [2, 2, 1]
    assert len(touched) == 2
    quake = {storage.story_of(ids[i]) for i in (0, 2, 4)}
    transfer = {storage.story_of(ids[i]) for i in (1, 3)}
    assert len(quake) == 1
    assert len(transfer) == 1
    assert quake != transfer


def test_a_checkpoint_of_other_vectors_is_set_aside_and_the_stories_kept(storage, tmp_path, embedder):
    ids = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Sport", TRANSFER[0], 0.5)], "v")
    grouper = StoryGrouper(storage)
    grouper.group(ids)
    grouper.save()
    meta = json.loads(storage.grouper_meta())
    meta["vector_model"] = "some-older-model"      # as saved by a desk before the vectors changed
    storage.db.execute("UPDATE grouper_meta SET meta = ?", (json.dumps(meta),))
    quake, transfer = storage.story_of(ids[0]), storage.story_of(ids[1])

    restarted = StoryGrouper(storage)
    assert restarted.replayed == 2                 # every stored article placed again, with fresh vectors
    more = _ingest(storage, tmp_path, [("Daily", QUAKE_A[1], 1), ("Herald", TRANSFER[1], 1.2)], "w")
    restarted.group(more)
    assert storage.story_of(more[0]) == quake
    assert storage.story_of(more[1]) == transfer


def test_the_writers_sentences_are_embedded_alongside_the_grouping(storage, tmp_path, embedder):
    import threading

    from newsdesk.embed import get_embedder
    from newsdesk.synthesize.writer import default_writer

    ids = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Daily", QUAKE_A[1], 1)], "x")
    grouper, pages = StoryGrouper(storage), PageWriter(storage)
    seen: list[tuple[str, list[int]]] = []

    def prepare(articles):
        seen.append((threading.current_thread().name, [a.id for a in articles]))
        pages.prepare(articles)

    touched = grouper.group(ids, alongside=prepare)
    assert seen == [("alongside-grouping", sorted(ids))]
    shared = get_embedder()
    misses = shared.misses
    texts = [t for i in ids for t in default_writer().texts_to_embed(storage.get_article(i).title,
                                                                     storage.get_article(i).text)]
    shared.encode(texts)
    assert shared.misses == misses                  # everything the writer reads was embedded already
    assert pages.write(touched) == 1
    assert shared.misses == misses


def test_a_failure_alongside_the_grouping_costs_nothing_but_time(storage, tmp_path, embedder):
    ids = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Daily", QUAKE_A[1], 1)], "y")

    def broken(articles):
        raise RuntimeError("model went away")

    touched = StoryGrouper(storage).group(ids, alongside=broken)
    assert len(touched) == 1
    assert storage.story_of(ids[0]) == storage.story_of(ids[1])
    assert PageWriter(storage).write(touched) == 1


def test_the_story_window_setting_decides_how_far_apart_one_story_may_reach(storage, tmp_path, embedder):
    from datetime import timedelta

    first = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0)], "w1")
    narrow = StoryGrouper(storage, window=timedelta(hours=6))
    narrow.group(first)
    narrow.save()
    later = _ingest(storage, tmp_path, [("Daily", QUAKE_A[1], 12)], "w2")
    narrow.group(later)
    assert storage.story_of(later[0]) != storage.story_of(first[0]), "12 hours apart, beyond a 6-hour window"

    restarted = StoryGrouper(storage)              # the default window (three days) applies from the saved state
    assert restarted.clusterer.window == timedelta(days=3)
    third = _ingest(storage, tmp_path, [("Courier", QUAKE_A[2], 30)], "w3")
    restarted.group(third)
    assert storage.story_of(third[0]) in {storage.story_of(first[0]), storage.story_of(later[0])}
