"""The Ray engine on a real Ray cluster on this machine (a head node and a second node joined to it, as Ray's
own `cluster_utils.Cluster` starts them), PostgreSQL as the record: a generated WARC of a thousand records (not
more: the suite's time on two cores is bounded) backfilled whole; the same stories and copies as the local engine
on a smaller one; the live desk's extraction on the cluster."""

from __future__ import annotations

from contextlib import closing

import pytest

from newsdesk.backfill import LocalEngine, make_engine, run_backfill
from newsdesk.config import Settings
from newsdesk.storage import open_storage
from tests.backfill.inputs import articles, write_folder, write_warc_file

ray = pytest.importorskip("ray", reason="Ray is not installed here (pip install -e '.[ray]'); the Ray engine's "
                                        "tests need it")
pytest.importorskip("warcio", reason="WARC input needs warcio (a product dependency: pip install -e .)")


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    started = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    started.add_node(num_cpus=1)
    started.wait_for_nodes()
    yield started
    if ray.is_initialized():
        ray.shutdown()
    started.shutdown()


@pytest.fixture(scope="module")
def engine(cluster):
    """One connection to the cluster for the module's tests (each connection costs seconds)."""
    connected = make_engine("ray", 2, cluster.address)
    yield connected
    connected.close()


def _grouping(storage) -> set[frozenset[str]]:
    by_story: dict[int, set[str]] = {}
    for article in storage.list_articles(limit=100_000):
        by_story.setdefault(storage.story_of(article.id), set()).add(article.url)
    return {frozenset(urls) for urls in by_story.values()}


def _copies(storage) -> set[tuple[str, str]]:
    return {(a.url, storage.get_article(a.original_id).url)
            for a in storage.list_articles(limit=100_000) if a.original_id is not None}


def test_a_warc_of_a_thousand_records_through_the_cluster_into_postgresql(engine, pg_url, tmp_path, embedder):
    generated = articles(1000, seed=31)
    warc = tmp_path / "cc-news-like.warc.gz"
    bad = write_warc_file(generated, warc, bad_every=125)
    with closing(open_storage(pg_url)) as storage:
        report = run_backfill(storage, Settings(db=pg_url, entities=False), [str(warc)], engine)
        stored = len(storage.list_articles(limit=100_000))
        nodes = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
    assert len(nodes) == 2
    assert report.records == len(generated) + len(bad)
    assert report.errors == len(bad)
    assert report.articles == stored == len(generated)
    assert report.copies > 0
    assert report.segments == 2
    assert report.pages == report.stories > 0


def test_the_ray_engine_groups_and_folds_as_the_local_engine(engine, pg_url, tmp_path, embedder):
    generated = articles(200, seed=32)
    warc = tmp_path / "small.warc.gz"
    write_warc_file(generated, warc)
    local_db = str(tmp_path / "local.db")
    settings = dict(entities=False, story_pages=False)
    with closing(open_storage(local_db)) as storage:
        run_backfill(storage, Settings(db=local_db, **settings), [str(warc)], LocalEngine(1), segments=2)
        local = _grouping(storage), _copies(storage)
    with closing(open_storage(pg_url)) as storage:
        run_backfill(storage, Settings(db=pg_url, **settings), [str(warc)], engine, segments=2)
        on_ray = _grouping(storage), _copies(storage)
    assert on_ray[1] == local[1]
    assert on_ray[0] == local[0]


def test_the_live_desk_extracts_on_the_cluster(engine, tmp_path):
    import asyncio

    from newsdesk.pipeline import Desk

    generated = articles(6, seed=33)
    folder = write_folder(generated, tmp_path / "pages")
    db = str(tmp_path / "live.db")
    pool = engine.executor()
    with closing(open_storage(db)) as storage:
        async def ingest() -> None:
            async with Desk(storage, Settings(db=db, stories=False, entities=False), executor=pool) as desk:
                await desk.ingest_path(folder)
        asyncio.run(ingest())
        titles = {a.title for a in storage.list_articles(limit=100)}
    assert pool.submitted == len(generated)
    assert titles == {a.title for a in generated}


def test_the_live_desk_embeds_the_leads_on_the_cluster(engine, tmp_path, embedder, monkeypatch):
    import asyncio

    from newsdesk.cluster import lead_texts
    from newsdesk.pipeline import Desk

    folder = write_folder(articles(4, seed=35), tmp_path / "pages")
    db = str(tmp_path / "embedded.db")
    asked: list[str] = []       # the texts this process's model embeds
    real = embedder.encoder.encode
    monkeypatch.setattr(embedder.encoder, "encode", lambda texts: asked.extend(texts) or real(texts))
    with closing(open_storage(db)) as storage:
        async def ingest() -> None:
            settings = Settings(db=db, entities=False, storylines=False)
            async with Desk(storage, settings, executor=engine.executor(), embed_in_workers=True) as desk:
                await desk.ingest_path(folder)
        asyncio.run(ingest())
        stored = storage.list_articles(limit=100)
        grouped = [storage.story_of(a.id) for a in stored]
        leads = {text for a in stored for text in lead_texts(a.title or "", a.text)}
    assert None not in grouped
    assert leads.isdisjoint(asked)
