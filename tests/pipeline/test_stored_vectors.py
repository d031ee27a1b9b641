"""Stored vectors on the desk: regrouping, rewriting pages after a restart and asking never send a text the desk
has seen to the model again; a model change embeds every text once more, in batches, resumably. On SQLite and
PostgreSQL (the `storage` fixture), with the real model, whose calls are counted."""

import asyncio
import json

import pytest
from typer.testing import CliRunner

from newsdesk.config import Settings
from newsdesk.embed import MULTILINGUAL_MODEL_ID, get_multilingual_embedder
from newsdesk.pipeline import (Desk, ask_story, desk_embedder, needs_reembedding, reembed, regroup, rewrite_pages,
                               story_asker)
from tests.cluster.articles import QUAKE_A, QUAKE_B, TRANSFER, at

ROWS = [("Wire", QUAKE_A[0], 0), ("Sport", TRANSFER[0], 0.2), ("Daily", QUAKE_A[1], 0.5),
        ("Bay News", QUAKE_B[0], 0.6), ("Herald", TRANSFER[1], 0.7), ("Courier", QUAKE_A[2], 1)]


def _count_calls(model, monkeypatch) -> list[str]:
    """The texts `model` is asked to embed from now on."""
    seen: list[str] = []
    real = model.encode

    def counted(texts):
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(model, "encode", counted)
    return seen


@pytest.fixture
def model_calls(embedder, monkeypatch):
    """The texts the process's model is asked to embed from now on."""
    return _count_calls(embedder.encoder, monkeypatch)


def _desk(storage, tmp_path, rows=ROWS, name="feed"):
    feed = tmp_path / f"{name}.jsonl"
    with open(feed, "w", encoding="utf-8") as out:
        for outlet, (title, text), hours in rows:
            out.write(json.dumps({"title": title, "text": text, "source": outlet,
                                  "published": at(hours).isoformat()}) + "\n")
    settings = Settings(db=str(tmp_path / "unused.db"), extract_workers=1, entities=False)

    async def run():
        async with Desk(storage, settings) as desk:
            await desk.ingest_path(feed)

    asyncio.run(run())
    return settings


def _pages(storage):
    """Each story's page by the articles it holds: what a regroup must give back unchanged."""
    pages = {}
    for story in storage.top_stories(limit=50):
        doc = json.loads(story.page_json)
        articles = frozenset(a.id for a in storage.story_articles(story.id))
        pages[articles] = (doc["headline"], [s["text"] for s in doc["summary"]],
                           [s["text"] for s in doc["takeaways"]])
    return pages


def test_regrouping_and_rewriting_pages_after_a_restart_embed_nothing(storage, tmp_path, model_calls):
    settings = _desk(storage, tmp_path)
    assert model_calls, "the desk embedded the articles' texts once"
    assert len(model_calls) == len(set(model_calls))
    written = _pages(storage)
    model_calls.clear()

    regroup(storage, entities=False)           # a fresh embedder, as in a new process: only the store knows
    assert model_calls == []
    assert _pages(storage) == written
    rewrite_pages(storage, settings, {s.id for s in storage.top_stories(limit=50)})
    assert model_calls == []
    assert _pages(storage) == written


def test_after_a_restart_no_text_goes_to_the_model_twice(storage, tmp_path, model_calls):
    from newsdesk.cluster import lead_texts

    _desk(storage, tmp_path, ROWS[:2], "first")
    before = set(model_calls)
    model_calls.clear()
    _desk(storage, tmp_path, ROWS[2:3], "joins")         # a new desk: its memory of texts is empty
    joined = storage.get_article(max(storage.articles_to_embed()))
    assert storage.get_story(storage.story_of(joined.id)).article_count == 2     # its story's page was rewritten
    assert set(lead_texts(joined.title, joined.text)) <= set(model_calls)
    assert not before & set(model_calls)


def test_asking_reads_the_stored_sentences_and_keeps_what_it_embedded(storage, tmp_path, model_calls):
    settings = _desk(storage, tmp_path, ROWS[:3])
    story = max(storage.top_stories(limit=10), key=lambda s: s.article_count)
    question = "How many people died in Marrowfield?"
    model_calls.clear()
    for _ in range(2):                   # each time from an empty memory, as a new web worker asks
        asker = story_asker(settings, desk_embedder(storage))
        answer = ask_story(storage, asker, story.id, question)
        asker.close()
        assert answer.answered
    assert model_calls == [question]


def test_a_model_change_embeds_every_text_once_in_resumable_batches(storage, tmp_path, embedder, model_calls,
                                                                     monkeypatch):
    _desk(storage, tmp_path, ROWS[:4])
    old = embedder.encoder.model_id
    monkeypatch.setattr(embedder.encoder, "_model_id", "all-MiniLM-L6-v2-test-upgrade")
    assert needs_reembedding(storage, "all-MiniLM-L6-v2-test-upgrade")
    model_calls.clear()

    class Stop(Exception):
        pass

    def stop_after_two(done, total):
        assert total == 4
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        reembed(storage, batch=1, progress=stop_after_two)
    halfway = len(model_calls)
    assert halfway > 0
    report = reembed(storage, batch=1)
    assert report.articles == 2                          # it went on after the articles already done
    assert report.texts == len(model_calls) - halfway
    assert len(model_calls) == len(set(model_calls))     # no text embedded twice
    assert set(storage.text_vector_models()) - {MULTILINGUAL_MODEL_ID} == {"all-MiniLM-L6-v2-test-upgrade"}
    assert old not in storage.text_vector_models()
    assert not needs_reembedding(storage, "all-MiniLM-L6-v2-test-upgrade")
    assert reembed(storage).texts == 0


def test_the_reembed_command_shows_what_it_did(tmp_path, embedder, monkeypatch):
    from newsdesk.cli import app
    from newsdesk.storage import open_storage

    db = str(tmp_path / "desk.db")
    storage = open_storage(db)
    _desk(storage, tmp_path, ROWS[:2])
    storage.close()
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr(embedder.encoder, "_model_id", "all-MiniLM-L6-v2-test-command")
    first = CliRunner().invoke(app, ["--db", db, "reembed"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "2 articles looked at" in first.output
    again = CliRunner().invoke(app, ["--db", db, "reembed"], catch_exceptions=False)
    assert "0 articles looked at: 0 texts embedded" in again.output


# A French report of QUAKE_A's event, written for this test.
QUAKE_A_FR = ("Un séisme fait 14 morts à Marrowfield",
              "Un séisme de magnitude 6,2 a frappé mardi à l'aube la ville de montagne de Marrowfield, faisant au "
              "moins 14 morts et détruisant des dizaines de maisons en pierre, a indiqué la gouverneure Ilse "
              "Brandvik. Les secours de la vallée de Brandholm fouillaient les décombres près de la vieille place du "
              "marché.")


@pytest.fixture
def multilingual_calls(monkeypatch):
    """The texts the process's multilingual model is asked to embed from now on."""
    return _count_calls(get_multilingual_embedder().encoder, monkeypatch)


def test_multilingual_vectors_are_kept_beside_the_english_ones_and_never_made_twice(storage, tmp_path, model_calls,
                                                                                     multilingual_calls):
    _desk(storage, tmp_path, [ROWS[0], ("Le Veilleur", QUAKE_A_FR, 0.3), ROWS[2]])
    assert storage.get_story(storage.story_of(max(storage.articles_to_embed()))).article_count == 3
    assert multilingual_calls, "the desk read the French report with the multilingual model"
    assert set(storage.text_vector_models()) == {MULTILINGUAL_MODEL_ID, desk_embedder(storage).model_id}
    written = _pages(storage)
    multilingual_calls.clear()
    regroup(storage, entities=False)          # a fresh process's memory: only the store knows
    assert multilingual_calls == []
    assert _pages(storage) == written
