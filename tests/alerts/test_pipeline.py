"""The desk decides alerts as it writes story pages: articles ingested through the real pipeline (extraction,
grouping with the embedding model, the story writer) reach a user's watchlist, a later report of the same event
makes the story grow, and ingesting the same file again decides nothing new."""

import asyncio
import json
from datetime import datetime, timedelta, timezone

from newsdesk.config import Settings
from newsdesk.pipeline import Desk
from newsdesk.alerts import follow
from newsdesk.storage import open_storage

from .helpers import user

NOW = datetime.now(timezone.utc)
QUAKE = [("The Harbour Herald", "Earthquake strikes the Fenwick Valley, dozens of homes damaged",
          "A magnitude 6.1 earthquake struck the Fenwick Valley early on Monday, damaging dozens of homes and "
          "cutting power to the towns of Aldwick and Morrow. Emergency services said twelve people were hurt."),
         ("The Daily Beacon", "Fenwick Valley earthquake: twelve hurt as homes collapse",
          "Twelve people were injured when a magnitude 6.1 earthquake hit the Fenwick Valley on Monday morning. "
          "Dozens of homes in Aldwick and Morrow were damaged and power was cut, emergency services said.")]
BUDGET = ("The Commerce Ledger", "Parliament passes the spring budget after an all-night session",
          "Parliament passed the spring budget early on Tuesday after an all-night session of votes. The finance "
          "minister said the budget would cut the deficit by a third within two years.")


def write(path, rows, start):
    with open(path, "w", encoding="utf-8") as out:
        for k, (source, title, text) in enumerate(rows):
            out.write(json.dumps({"title": title, "text": text, "source": source,
                                  "published": (start + timedelta(minutes=10 * k)).isoformat()}) + "\n")


def ingest(storage, settings, path):
    async def run():
        async with Desk(storage, settings) as desk:
            return await desk.ingest_path(path)
    return asyncio.run(run())


def test_the_pipeline_decides_alerts_after_writing_pages(tmp_path, embedder):
    db = str(tmp_path / "desk.db")
    settings = Settings(db=db, extract_workers=1)
    storage = open_storage(db)
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake Fenwick", events="new,grows")
    follow(storage, ann, "query", "volcano")
    write(tmp_path / "one.jsonl", [QUAKE[0], BUDGET], NOW - timedelta(hours=2))
    ingest(storage, settings, tmp_path / "one.jsonl")
    [alert] = storage.notifications(ann.id)
    assert alert.event == "new" and "Earthquake" in alert.headline and alert.sources == 1
    write(tmp_path / "two.jsonl", [QUAKE[1]], NOW - timedelta(hours=1))
    ingest(storage, settings, tmp_path / "two.jsonl")
    found = [(a.event, a.story_id, a.sources) for a in storage.notifications(ann.id)]
    assert found == [("grows", alert.story_id, 2), ("new", alert.story_id, 1)]
    ingest(storage, settings, tmp_path / "two.jsonl")          # the same again: unchanged, nothing decided
    assert len(storage.notifications(ann.id)) == 2
    storage.close()
