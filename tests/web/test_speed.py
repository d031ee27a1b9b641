"""What the web desk does to stay fast keeps its behaviour: related stories from the centroid index in memory
follow the pipeline's rule and see new stories; search groups matched only by their story render; the
storage reads behind them work on SQLite and PostgreSQL."""

import hashlib
import json
from datetime import timedelta

import numpy as np
from fastapi.testclient import TestClient

from newsdesk.model import NewArticle
from newsdesk.pipeline import related_stories
from newsdesk.storage import open_storage
from newsdesk.timeutil import utcnow
from newsdesk.web import create_app
from newsdesk.web.data import Reader, StorePool
from newsdesk.web.related import CentroidIndex

from .conftest import web_settings

DIM = 384


def unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def near(base: np.ndarray, cosine: float, rng: np.random.Generator) -> np.ndarray:
    """A unit vector at exactly `cosine` to the unit vector `base`."""
    other = rng.normal(size=DIM)
    other -= other.dot(base) * base
    return unit(cosine * base + np.sqrt(1 - cosine ** 2) * unit(other))


def add_story(storage, headline: str, centroid: np.ndarray | None, when, outlet: str = "Harbour Post",
              summary: str = "") -> int:
    story_id = storage.create_story(headline.lower().replace(" ", "-")[:30])
    page = {"headline": headline, "summary": [{"text": summary}] if summary else [], "independent": [outlet]}
    storage.save_story_page(story_id, headline=headline, page_json=json.dumps(page), first_published=when,
                            last_updated=when, article_count=1, independent_count=1, reprint_count=0,
                            centroid=None if centroid is None else centroid.tobytes())
    return story_id


def test_related_follows_the_rule_and_sees_new_and_merged_stories(tmp_path):
    rng = np.random.default_rng(7)
    storage = open_storage(str(tmp_path / "desk.db"))
    reader = Reader(StorePool(str(tmp_path / "desk.db")))
    reader.centroids.refresh = 0.0
    reader.centroids.warm().result()                      # an empty desk: the stories come after
    now = utcnow()
    base = unit(rng.normal(size=DIM))
    me = add_story(storage, "Tram line approved in Velmora", base, now)
    same = add_story(storage, "Velmora approves its tram line", near(base, 0.95, rng), now)
    close = add_story(storage, "Tram depot site chosen", near(base, 0.8, rng), now - timedelta(hours=3))
    twin = add_story(storage, "Tram depot site chosen", near(base, 0.7, rng), now - timedelta(hours=5))
    fair = add_story(storage, "Bus routes redrawn around the tram", near(base, 0.5, rng), now - timedelta(days=2))
    later_merged = add_story(storage, "Tram budget questioned", near(base, 0.85, rng), now - timedelta(hours=1))
    add_story(storage, "Tram strike last month", near(base, 0.9, rng), now - timedelta(days=9))
    add_story(storage, "Fishing quota cut", near(base, 0.1, rng), now)
    add_story(storage, "No centroid here", None, now)

    reader.centroids.warm().result()
    story = storage.get_story(me)
    first = [r["id"] for r in reader.related(story)]
    assert first == [later_merged, close, fair]          # best first; not itself, the near-identical, the twin
    assert same not in first       # headline, the far-away and the unrelated stories
    assert twin not in first
    assert first == [r.story.id for r in related_stories(storage, story)]
    assert reader.related(story)[0]["outlet"] == "Harbour Post"

    storage.merge_stories(later_merged, me)               # the index still holds it until its next full read
    fresh = add_story(storage, "Tram tickets to cost less", near(base, 0.75, rng), now - timedelta(hours=2))
    reader.centroids.warm().result()
    story = storage.get_story(me)
    second = [r["id"] for r in reader.related(story)]
    assert second == [close, fresh, fair]
    assert second == [r.story.id for r in related_stories(storage, story)]

    small = Reader(StorePool(str(tmp_path / "desk.db")))
    small.centroids = CentroidIndex(small.pool.get, capacity=2)   # holds only the newest: storage answers
    assert [r["id"] for r in small.related(story)] == second
    for index in (reader.centroids, small.centroids):
        index.close()
    reader.pool.close()
    small.pool.close()
    storage.close()


def test_search_renders_groups_matched_only_by_their_story_and_counts_all_hits(tmp_path):
    path = str(tmp_path / "desk.db")
    storage = open_storage(path)
    now = utcnow()
    source = storage.add_source("https://quillport.example/feed.xml", title="Quillport Courier")
    only_story = add_story(storage, "Zephyrine lighthouse relit", None, now,
                           summary="The zephyrine lamp shines again after forty years.")
    crowded = add_story(storage, "Harbour dredging begins", None, now)
    for n in range(5):
        text = f"Dredgers worked the quillwater channel on day {n}. The harbour master counted the barges."
        article = storage.insert_article(NewArticle(
            url=f"https://quillport.example/dredge/{n}", text=text, text_hash=hashlib.sha1(text.encode()).hexdigest(),
            source_id=source.id, outlet="Quillport Courier", title=f"Dredging, day {n}", published_at=now,
            language="en"))
        storage.assign_story(article, crowded, 0.9)
    storage.close()

    with TestClient(create_app(path, web_settings(db=path))) as client:
        html = client.get("/search", params={"q": "zephyrine"}).text
        assert f'href="/stories/{only_story}"' in html
        assert "Zephyrine lighthouse relit" in html
        assert "<mark>zephyrine</mark> lamp" in html.lower()
        api = client.get("/api/v1/search", params={"q": "zephyrine"}).json()
        assert api["groups"][0]["story_id"] == only_story
        assert api["groups"][0]["hits"] == []
        assert "zephyrine lamp" in api["groups"][0]["snippet"].lower()
        feed = client.get("/feeds/search.atom", params={"q": "zephyrine"})
        assert feed.status_code == 200
        assert "Zephyrine lighthouse relit" in feed.text

        html = client.get("/search", params={"q": "quillwater"}).text
        assert html.count("Dredging, day") == 3
        assert "and 2 more articles" in html
        assert client.get("/api/v1/search", params={"q": "quillwater"}).json()["groups"][0]["hit_count"] == 5


def test_story_languages_skip_scan_and_page_versions(storage):
    assert storage.story_languages() == []
    assert storage.last_page_written() is None
    now = utcnow()
    for n, language in enumerate(["fr", None, "en", "fr", "de", "en"]):
        text = f"Paragraph {n} about the ferry timetable."
        storage.insert_article(NewArticle(url=f"https://ferry.example/{n}", text=text, language=language,
                                          text_hash=hashlib.sha1(text.encode()).hexdigest(), published_at=now))
    assert storage.story_languages() == ["de", "en", "fr"]

    rng = np.random.default_rng(3)
    first = add_story(storage, "Ferry timetable changes", unit(rng.normal(size=DIM)), now - timedelta(hours=2))
    written = storage.last_page_written()
    assert written is not None
    second = add_story(storage, "Ferry fares rise", unit(rng.normal(size=DIM)), now)
    add_story(storage, "No vector", None, now)
    rows = storage.story_centroids()
    assert [r[0] for r in rows] == [second, first]              # newest first, only stories with a centroid
    assert len(rows[0][2]) == DIM * 4
    assert rows[0][1] is not None
    assert [r[0] for r in storage.story_centroids(written_after=written)] == [second]
    assert storage.last_page_written() > written


def test_large_windows_are_scored_through_the_hnsw_index_with_the_exact_answers():
    from newsdesk.web import related as rel

    rng = np.random.default_rng(7)
    n, dim = 3000, 32
    topics = rng.normal(size=(60, dim))
    matrix = topics[rng.integers(0, 60, n)] + 0.3 * rng.normal(size=(n, dim))
    matrix = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)
    ids = np.arange(1, n + 1, dtype=np.int64)
    times = np.sort(rng.uniform(0, 30 * 86400, n))
    with_ann = rel.Snapshot(ids, times, matrix, True, rel.Ann(ids, times, matrix))
    exact = rel.Snapshot(ids, times, matrix, True)
    agree = total = 0
    for i in rng.choice(n, 50, replace=False):
        start, end = times[i] - 10 * 86400, times[i] + 10 * 86400
        fast = rel.nearest(with_ann, matrix[i], start, end, 10)
        slow = rel.nearest(exact, matrix[i], start, end, 10)
        assert all(start <= times[story_id - 1] <= end for story_id, _ in fast)
        assert [s for _, s in fast] == sorted((s for _, s in fast), reverse=True)
        agree += len({a for a, _ in fast} & {a for a, _ in slow})
        total += len(slow)
    assert agree / total >= 0.95

    # a story newly written (or rewritten) is found through the index at once
    fresh = matrix[0].copy()
    with_ann.ann.add(np.array([n + 1]), np.array([times[-1]]), fresh.reshape(1, -1))
    assert (n + 1) in [story_id for story_id, _ in with_ann.ann.query(fresh, 0, times[-1], 5)]


def test_a_full_reload_syncs_the_hnsw_index_instead_of_rebuilding_it():
    from newsdesk.web import related as rel

    rng = np.random.default_rng(3)
    n, dim = 2500, 16
    matrix = rng.normal(size=(n, dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = np.arange(1, n + 1, dtype=np.int64)
    times = np.arange(n, dtype=np.float64)
    ann = rel.Ann(ids, times, matrix)
    moved = matrix[10].copy()
    matrix2, times2 = matrix.copy(), times.copy()
    matrix2[20], times2[20] = moved, float(n)          # story 21 now says what story 11 says, and is newer
    keep = ids != 11                                    # story 11 was merged away
    ann.sync(ids[keep], times2[keep], matrix2[keep])
    found = [story_id for story_id, _ in ann.query(moved, 0, n, 3)]
    assert found[0] == 21
    assert 11 not in found
    assert len(ann.times) == n - 1
    assert ann.times[21] == float(n)
