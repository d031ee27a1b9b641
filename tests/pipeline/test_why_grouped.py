"""Why grouped: the grouper records, as it places each article, the join model's probability, the facts it
weighed and the runner-up story; the story's `why` tells them in words. On SQLite and PostgreSQL (the
`storage` fixture), through the real embedding and join models."""

from newsdesk.model import JoinReason
from newsdesk.pipeline import StoryGrouper
from newsdesk.web.why_data import NOT_KEPT, story_why_json
from tests.cluster.articles import QUAKE_A, QUAKE_B
from tests.pipeline.test_incremental_stories import _ingest


def _grouped(storage, tmp_path):
    ids = _ingest(storage, tmp_path, [("Wire", QUAKE_A[0], 0), ("Bay News", QUAKE_B[0], 0.5),
                                      ("Daily", QUAKE_A[1], 1)])
    StoryGrouper(storage).group(ids)
    story_id = storage.story_of(ids[0])
    return ids, story_id, {w["article"]: w for w in story_why_json(storage, story_id,
                                                                   storage.story_article_briefs(story_id))}


def test_each_article_says_why_it_joined_with_its_probability_and_the_runner_up(storage, tmp_path, embedder):
    (first, other, joined), story_id, why = _grouped(storage, tmp_path)
    assert storage.story_of(joined) == story_id
    assert set(why) == {first, joined}
    assert why[first]["probability"] is None
    assert why[first]["reasons"] == ["the first report of this story: no recent story came close enough"]
    assert why[joined]["probability"] >= 0.5
    reasons = why[joined]["reasons"]
    assert any(r.startswith("same names:") and "Brandvik" in r for r in reasons), reasons
    assert any(r.startswith("title ") and r.endswith(" similar") for r in reasons), reasons
    assert "published 60 min after the story's latest report" in reasons
    runner_up = why[joined]["runner_up"]
    assert runner_up["id"] == storage.story_of(other)
    assert runner_up["headline"]
    assert runner_up["probability"] < why[joined]["probability"]


def test_reasons_are_kept_compactly_and_placing_an_article_again_replaces_them(storage, tmp_path, embedder):
    (first, _, joined), story_id, _ = _grouped(storage, tmp_path)
    kept = storage.join_reasons([joined])[joined]
    assert set(kept.facts) <= {"n", "e", "t", "k", "m", "s"}
    storage.save_join_reasons([JoinReason(joined, 0.75, {"t": 0.5}, runner_up_story=None)])
    again = storage.join_reasons([joined])[joined]
    assert again.probability == 0.75
    assert again.facts == {"t": 0.5}
    assert again.runner_up_story is None


def test_an_article_grouped_before_reasons_were_kept_says_so(storage, tmp_path, embedder):
    (first, _, joined), story_id, _ = _grouped(storage, tmp_path)
    storage.db.execute("DELETE FROM join_reasons WHERE article_id = ?", (joined,))
    why = {w["article"]: w for w in story_why_json(storage, story_id, storage.story_article_briefs(story_id))}
    assert why[joined]["reasons"] == [NOT_KEPT]
    assert why[joined]["probability"] is None
    assert why[joined]["runner_up"] is None
