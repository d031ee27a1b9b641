import asyncio
import gzip
import json

import pytest

from newsdesk.pipeline import Desk, SubscribeError
from newsdesk.storage import open_storage
from tests.pipeline.conftest import page, rss
from tests.pipeline.texts import FERRY, LIBRARY, WIRE

DATE = "Tue, 03 Nov 2026 08:00:00 GMT"


def run(storage, settings, work):
    async def go():
        async with Desk(storage, settings) as desk:
            return await work(desk)
    return asyncio.run(go())


@pytest.fixture
def storage(settings):
    store = open_storage(settings.database_url())
    yield store
    store.close()


def test_subscribe_by_site_url_discovers_the_advertised_feed(site, settings, storage):
    site.add("/", '<html><head><link rel="alternate" type="application/rss+xml" href="/news/feed.rss" '
                  'title="News"></head><body>Home</body></html>')
    site.add("/news/feed.rss", rss(site.url, [("/a/1", "One", DATE, "t")], title="Oriel News"),
             content_type="application/rss+xml")
    source = run(storage, settings, lambda d: d.subscribe(site.url + "/", folder="World"))
    assert (source.feed_url, source.title, source.folder, source.format) == (
        site.url + "/news/feed.rss", "Oriel News", "World", "rss20")


def test_subscribe_falls_back_to_common_paths(site, settings, storage):
    site.add("/", "<html><head><title>No links here</title></head><body>Home</body></html>")
    site.add("/feed", rss(site.url, [], title="Hidden Feed"), content_type="application/rss+xml")
    source = run(storage, settings, lambda d: d.subscribe(site.url + "/"))
    assert source.feed_url == site.url + "/feed"


def test_subscribe_without_any_feed_fails_clearly(site, settings, storage):
    site.add("/", "<html><body>Nothing to see</body></html>")
    with pytest.raises(SubscribeError, match="no feed found"):
        run(storage, settings, lambda d: d.subscribe(site.url + "/"))
    with pytest.raises(SubscribeError, match="404"):
        run(storage, settings, lambda d: d.subscribe(site.url + "/missing.xml"))
    assert storage.list_sources() == []


def test_ingest_article_url_twice_and_then_changed(site, settings, storage):
    site.add("/a/ferry", page("Second ferry", FERRY))
    first = run(storage, settings, lambda d: d.ingest_url(site.url + "/a/ferry?utm_source=x"))
    assert first.status == "new"
    assert run(storage, settings, lambda d: d.ingest_url(site.url + "/a/ferry")).status == "unchanged"
    site.add("/a/ferry", page("Second ferry, now confirmed", FERRY + ["The first extra boat sailed on time."]))
    assert run(storage, settings, lambda d: d.ingest_url(site.url + "/a/ferry")).status == "updated"
    article = storage.get_article(first.article_id)
    assert article.revision_count == 2
    assert "sailed on time" in article.text
    revisions = storage.revisions(article.id)
    assert "sailed on time" not in revisions[0].text
    assert revisions[0].html
    assert b"Lucan Drever" in revisions[0].html


def test_robots_txt_blocks_article_pages_but_keeps_the_teaser(site, settings, storage):
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/feed.xml", rss(site.url, [("/private/a", "Hidden", DATE, "Teaser text only.")]),
             content_type="application/rss+xml")
    site.add("/private/a", page("Hidden", FERRY))
    storage.add_source(site.url + "/feed.xml")
    (report,) = run(storage, settings, lambda d: d.poll(due_only=False))
    article = storage.get_article_by_url(site.url + "/private/a")
    assert not article.full_text
    assert "robots" in article.extraction_error
    assert site.hits.get("/private/a") is None


def test_wire_reprint_is_stored_as_a_copy_of_the_earliest(site, settings, storage):
    reprint = WIRE[:-1] + ["(With agency inputs)"]
    site.add("/wire.xml", rss(site.url, [("/wire/mirror", "Telescope gets its new mirror",
                                          "Mon, 02 Nov 2026 07:00:00 GMT", "")], title="Wire"),
             content_type="application/rss+xml")
    site.add("/paper.xml", rss(site.url, [("/paper/mirror", "Giant mirror installed on Tallis Ridge",
                                           "Mon, 02 Nov 2026 10:00:00 GMT", ""),
                                          ("/paper/library", "Library reopens", DATE, "")], title="Paper"),
             content_type="application/rss+xml")
    site.add("/wire/mirror", page("Telescope gets its new mirror", WIRE, "Wire"))
    site.add("/paper/mirror", page("Giant mirror installed on Tallis Ridge", reprint, "Paper"))
    site.add("/paper/library", page("Library reopens", LIBRARY, "Paper"))
    # the paper is polled first, yet the wire's earlier story becomes the original
    storage.add_source(site.url + "/paper.xml", title="Paper")
    run(storage, settings, lambda d: d.poll(due_only=False))
    storage.add_source(site.url + "/wire.xml", title="Wire")
    run(storage, settings, lambda d: d.poll(due_only=False))
    wire = storage.get_article_by_url(site.url + "/wire/mirror")
    paper = storage.get_article_by_url(site.url + "/paper/mirror")
    assert wire.original_id is None
    assert paper.original_id == wire.id
    assert paper.copy_method == "near"
    assert storage.copy_outlets([wire.id]) == {wire.id: ["Paper"]}
    assert storage.get_article_by_url(site.url + "/paper/library").original_id is None
    assert [a.id for a in storage.list_articles(include_copies=False)] == [
        storage.get_article_by_url(site.url + "/paper/library").id, wire.id]


def test_ingest_files_directory_and_jsonl(tmp_path, settings, storage):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "ferry.html").write_text(page("Ferry", FERRY).replace(
        "<head>", '<head><link rel="canonical" href="https://oriel.example/ferry">'), encoding="utf-8")
    (folder / "library.html.gz").write_bytes(gzip.compress(page("Library", LIBRARY).encode()))
    lines = [
        json.dumps({"url": "https://wire.example/mirror", "title": "Mirror", "text": "\n\n".join(WIRE),
                    "published": "2026-11-02T07:00:00Z", "source": "Wire"}),
        "{not json",
        json.dumps({"url": "https://wire.example/empty", "title": "Nothing"}),
        json.dumps({"url": "https://paper.example/mirror", "title": "Mirror again", "source": "Paper",
                    "text": "\n\n".join(WIRE[:-1] + ["(With agency inputs)"]), "published": "2026-11-02T09:00:00Z"}),
    ]
    jsonl = tmp_path / "backfill.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")

    outcomes = run(storage, settings, lambda d: d.ingest_path(folder))
    assert sorted(o.status for o in outcomes) == ["new", "new"]
    assert storage.get_article_by_url("https://oriel.example/ferry").title == "Ferry"
    outcomes = run(storage, settings, lambda d: d.ingest_path(jsonl))
    statuses = [o.status for o in outcomes]
    assert statuses.count("new") == 1
    assert statuses.count("copy") == 1
    assert statuses.count("error") == 2
    assert any(":2" in o.url and o.error for o in outcomes)
    mirror = storage.get_article_by_url("https://wire.example/mirror")
    assert mirror.outlet == "Wire"
    assert mirror.published_at.hour == 7
    # loading the same files again adds nothing
    again = run(storage, settings, lambda d: d.ingest_path(jsonl))
    assert [o.status for o in again].count("unchanged") == 2
    assert storage.count_articles() == 4


@pytest.mark.slow          # starts worker processes
def test_extraction_in_worker_processes(site, settings, storage):
    settings.extract_workers = 2
    for i, text in enumerate([FERRY, LIBRARY, WIRE]):
        site.add(f"/a/{i}", page(f"Story {i}", text))
    outcomes = [run(storage, settings, lambda d, i=i: d.ingest_url(f"{site.url}/a/{i}")) for i in range(3)]
    assert [o.status for o in outcomes] == ["new", "new", "new"]


def test_reextract_updates_text_from_the_kept_page(site, settings, storage):
    site.add("/a/ferry", page("Second ferry", FERRY))
    outcome = run(storage, settings, lambda d: d.ingest_url(site.url + "/a/ferry"))
    # simulate an older, worse extractor having stored only part of the text
    article = storage.get_article(outcome.article_id)
    from newsdesk.dedupe import fingerprint
    from newsdesk.model import NewArticle
    partial = FERRY[0]
    fp = fingerprint(partial)
    storage.replace_extraction(article.id, NewArticle(url=article.url, text=partial, text_hash=fp.text_hash,
                                                      shingle_count=fp.shingle_count, minhash=fp.minhash))
    results = run(storage, settings, lambda d: d.reextract())
    assert [r.status for r in results] == ["updated"]
    assert storage.get_article(article.id).text == article.text
    assert storage.get_article(article.id).revision_count == 1
    assert [r.status for r in run(storage, settings, lambda d: d.reextract())] == ["unchanged"]
