"""A poll cycle groups each source's arrivals as that source's poll ends: a slow source does not hold back the
stories of the others, a short cycle is grouped at its end in one batch, and nothing is lost when an update
fails mid-cycle."""

import asyncio
import time

import pytest

from newsdesk.pipeline import Desk
from tests.cluster.articles import QUAKE_A, TRANSFER, at
from tests.pipeline.conftest import page, rss

SLOW_FEED_SECONDS = 2.0


def _publish(site, name, stories, delay=0.0):
    items = []
    for n, (title, text) in enumerate(stories):
        path = f"/{name}/{n}"
        site.add(path, page(title, [s + "." for s in text.split(". ")], name.title()))
        items.append((path, title, at(n).strftime("%a, %d %b %Y %H:%M:%S GMT"), ""))
    body = rss(site.url, items, title=name.title()).encode("utf-8")

    def write(handler):
        time.sleep(delay)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site.routes[f"/{name}.xml"] = write


def _poll_watching_updates(storage, settings, watch, on_done=None):
    """One poll cycle; each story update goes through `watch(desk, real_update, arrived, changed)`."""
    async def run():
        async with Desk(storage, settings) as desk:
            real = desk._update_stories
            desk._update_stories = lambda arrived, changed: watch(desk, real, arrived, changed)
            return await desk.poll(due_only=False, on_done=on_done)

    return asyncio.run(run())


@pytest.fixture
def short_hold(monkeypatch):
    import newsdesk.pipeline.arrivals as desk_module

    monkeypatch.setattr(desk_module, "ARRIVALS_HOLD", 0.2)


def test_a_slow_source_does_not_hold_back_the_stories_of_the_others(site, settings, storage, embedder, short_hold):
    _publish(site, "quick", QUAKE_A)
    _publish(site, "slow", TRANSFER[:2], delay=SLOW_FEED_SECONDS)
    quick = storage.add_source(site.url + "/quick.xml", title="Quick")
    storage.add_source(site.url + "/slow.xml", title="Slow")
    seen = {}

    def watch(desk, real, arrived, changed):
        touched = real(arrived, changed)
        seen.setdefault("first_update", (time.monotonic(), list(arrived), len(touched)))
        return touched

    reports = _poll_watching_updates(storage, settings, watch,
                                     on_done=lambda r: seen.setdefault(r.name, time.monotonic()))
    assert {r.name: r.count("new") for r in reports} == {"Quick": 3, "Slow": 2}
    grouped_at, first_batch, stories = seen["first_update"]
    quick_ids = {a.id for a in storage.list_articles() if a.source_id == quick.id}
    assert set(first_batch) == quick_ids
    assert stories == 1
    assert grouped_at < seen["Slow"], "the quick source's story must be written before the slow feed is read"
    assert len({storage.story_of(i) for i in quick_ids}) == 1
    slow_ids = {a.id for a in storage.list_articles()} - quick_ids
    assert len(slow_ids) == 2
    assert all(storage.story_of(i) is not None for i in slow_ids)
    assert {storage.story_of(i) for i in slow_ids}.isdisjoint({storage.story_of(i) for i in quick_ids})


def test_an_update_that_fails_mid_cycle_loses_nothing(site, settings, storage, embedder, short_hold):
    _publish(site, "quick", QUAKE_A)
    _publish(site, "slow", TRANSFER[:2], delay=SLOW_FEED_SECONDS / 2)
    storage.add_source(site.url + "/quick.xml", title="Quick")
    storage.add_source(site.url + "/slow.xml", title="Slow")
    calls = []

    def watch(desk, real, arrived, changed):
        calls.append(list(arrived))
        if len(calls) == 1:
            desk._grouper, desk._stories_recovered = None, False   # as a failed update leaves the desk
            raise RuntimeError("grouping failed")
        return real(arrived, changed)

    with pytest.raises(RuntimeError, match="grouping failed"):
        _poll_watching_updates(storage, settings, watch)
    assert len(calls) >= 2, "the cycle goes on after a failed update"
    assert len(calls[0]) == 3, "the cycle goes on after a failed update"
    articles = storage.list_articles()
    assert len(articles) == 5
    stories = [storage.story_of(a.id) for a in articles]
    assert None not in stories, "the next update of the cycle groups what the failed one left"
    assert len(set(stories)) == 2


def test_a_short_cycle_is_grouped_once_at_its_end_in_time_order(site, settings, storage, embedder):
    _publish(site, "first", [QUAKE_A[0], TRANSFER[0]])
    _publish(site, "second", [QUAKE_A[1], TRANSFER[1]], delay=0.3)
    storage.add_source(site.url + "/first.xml", title="First")
    storage.add_source(site.url + "/second.xml", title="Second")
    calls = []
    _poll_watching_updates(storage, settings,
                           lambda desk, real, arrived, changed: calls.append(list(arrived)) or real(arrived, changed))
    assert [len(c) for c in calls if c] == [4]
    assert len({storage.story_of(a.id) for a in storage.list_articles()}) == 2
