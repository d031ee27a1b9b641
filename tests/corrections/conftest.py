"""A small desk of three events, grouped by the real grouper and written by the real writer, on SQLite and
PostgreSQL (the `storage` fixture)."""

import asyncio
import json
from dataclasses import dataclass

import pytest

from newsdesk.config import Settings
from newsdesk.pipeline import Desk, PageWriter, StoryGrouper
from tests.cluster.articles import QUAKE_A, QUAKE_B, TRANSFER, at


def ingest(storage, tmp_path, rows, name="feed") -> list[int]:
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


@dataclass
class Grouped:
    quake_a: list[int]          # article ids, in the order of tests.cluster.articles
    quake_b: list[int]
    transfer: list[int]

    def story(self, storage, article_id: int) -> int:
        return storage.story_of(article_id)


def group_and_write(storage, ids) -> set[int]:
    touched = StoryGrouper(storage).group(ids)
    PageWriter(storage).write(touched)
    return touched


@pytest.fixture
def grouped(storage, tmp_path, embedder) -> Grouped:
    rows = [("Wire", QUAKE_A[0], 0), ("Coast News", QUAKE_B[0], 0.3), ("Sport", TRANSFER[0], 0.5),
            ("Daily", QUAKE_A[1], 1), ("Harbour", QUAKE_B[1], 1.2), ("Herald", TRANSFER[1], 1.5),
            ("Courier", QUAKE_A[2], 2), ("Bay Times", QUAKE_B[2], 2.2)]
    ids = ingest(storage, tmp_path, rows)
    found = Grouped(quake_a=[ids[0], ids[3], ids[6]], quake_b=[ids[1], ids[4], ids[7]], transfer=[ids[2], ids[5]])
    group_and_write(storage, ids)
    for event in (found.quake_a, found.quake_b, found.transfer):
        assert len({storage.story_of(a) for a in event}) == 1, "the fixture's events must group as written"
    return found
