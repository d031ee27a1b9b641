"""Many new articles written at once (COPY on PostgreSQL, executemany on SQLite): the same rows as one at a time,
ids in order, found by URL, by their LSH bands and by search; and the backfill's list of articles not yet
folded for reprints."""

from __future__ import annotations

from datetime import datetime, timezone

from newsdesk.dedupe import fingerprint
from newsdesk.model import NewArticle

TEXTS = ["Ferry services between Lornholm and the mainland resumed on Friday after a three-day strike by deckhands "
         "ended with a pay agreement signed late on Thursday night.",
         "The Brisk Valley orchard cooperative expects its smallest apple harvest in twenty years after a late frost "
         "in April killed most of the blossom on its upper slopes.",
         "A municipal archive in Tessford has put four thousand wartime letters online, transcribed over six years by "
         "volunteers who met every Tuesday in the reading room."]


def _new(number: int, text: str) -> NewArticle:
    fp = fingerprint(text)
    return NewArticle(url=f"https://writes.example/{number}", text=text, text_hash=fp.text_hash,
                      title=text.split(" after ")[0][:60], outlet="Writes Example",
                      published_at=datetime(2026, 5, 1, number, tzinfo=timezone.utc), shingle_count=fp.shingle_count,
                      minhash=fp.minhash, band_keys=fp.band_keys, html=f"<p>{text}</p>".encode())


def test_articles_written_at_once_are_stored_as_one_at_a_time(storage):
    first = storage.insert_article(_new(0, TEXTS[0]))
    ids = storage.insert_articles([_new(n, text) for n, text in enumerate(TEXTS[1:], start=1)])
    later = storage.insert_article(_new(9, TEXTS[0] + " Tickets bought for the strike days will be honoured."))
    assert ids == sorted(ids)
    assert first < ids[0] and ids[-1] < later
    assert [storage.get_article(i).url for i in ids] == ["https://writes.example/1", "https://writes.example/2"]
    assert storage.get_article(ids[0]).text == TEXTS[1]
    assert storage.stored_urls(["https://writes.example/2", "https://writes.example/7"]) == {"https://writes.example/2"}
    assert [c.id for c in storage.lsh_candidates(_new(5, TEXTS[2]).band_keys)] == [ids[1]]
    assert storage.search("orchard").total == 1
    assert len(storage.revisions(ids[1])) == 1


def test_the_unfolded_articles_are_listed_until_folded(storage):
    ids = storage.insert_articles([_new(n, text) for n, text in enumerate(TEXTS)])
    storage.mark_unfolded(ids[1:])
    listed = storage.unfolded_signatures()
    assert [s.id for s in listed] == ids[1:]
    assert set(listed[0].band_keys) == set(_new(1, TEXTS[1]).band_keys)
    assert [s.id for s in storage.folded_signatures_sharing(_new(0, TEXTS[0]).band_keys, [])] == [ids[0]]
    storage.fold_backfill_copies({}, ids[1:])
    assert storage.unfolded_signatures() == []
