"""The story so far through the LLM writer, on SQLite and PostgreSQL: each sentence the model writes is checked
against the events' summary sentences (an unsupported one is dropped and counted), attributed to the article
that supports it and to its event, stored, and shown on the storyline page and in its API while the events
say the same; a desk with an LLM endpoint tells it after the update that changes the storyline; an endpoint
that fails leaves the extractive story so far, and the page says why (the failures are the model's, so they
run on SQLite only). The real llama.cpp server's story so far is checked the same way (slow)."""

import asyncio
import json

import pytest
from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.pipeline import Desk as Pipeline
from newsdesk.pipeline.storyline_so_far import tell_so_far
from newsdesk.storage import open_storage
from newsdesk.synthesize import LLMConfig, LLMWriter, SoFarSource, Writer, llm_so_far
from newsdesk.web import create_app
from tests.alerts.helpers import Desk
from tests.storylines.texts import BRIDGE_CLOSED, BRIDGE_CONTRACT, BRIDGE_REOPENED, rows
from tests.synthesize.test_llm import Scripted, llama_server  # noqa: F401 (a fixture)

CLOSED = ("Kestrel Bay council closed the Harbour Bridge after inspectors found cracks in two steel girders "
          "under the main span.")
CONTRACT = "Dunlin Engineering won a 4.2 million contract from Kestrel Bay council to replace the cracked girders."
INVENTED = "Mayor Tobias Renfrew promised a free ferry across Kestrel Bay until the bridge reopens."


def _line(storage):
    desk = Desk(storage)
    closed, closed_ids = desk.story("bridge closed", BRIDGE_CLOSED)
    contract, contract_ids = desk.story("bridge contract", BRIDGE_CONTRACT)
    line = storage.create_storyline("kestrel-bay-harbour-bridge")
    storage.add_storyline_events(line, [closed, contract], 0.9)
    storage.save_storyline_profile(line, title="Kestrel Bay Harbour Bridge", total=None, profile=None)
    return desk, line, {"closed": (closed, closed_ids[0]), "contract": (contract, contract_ids[0])}


@pytest.fixture
def line(storage, embedder):
    return _line(storage)


def _llm(url, embedder, **config):
    return LLMWriter(LLMConfig(url=url, model="scripted", **config), Writer(encoder=embedder))


def _page(storage, db_url, storyline_id):
    with TestClient(create_app(db_url, Settings(db=db_url))) as client:
        document = client.get(f"/api/v1/storylines/{storyline_id}").json()
        html = client.get(f"/storylines/{storyline_id}", follow_redirects=True).text
    return document, html


def test_the_llm_story_so_far_is_checked_attributed_and_shown(storage, db_url, line, site, embedder):
    desk, storyline_id, events = line
    endpoint = Scripted(site)
    endpoint.content = f"Story so far: {CLOSED} {CONTRACT} {INVENTED}"
    assert tell_so_far(storage, _llm(endpoint.url, embedder), [storyline_id]) == 1
    document, html = _page(storage, db_url, storyline_id)
    assert document["so_far_by"] == "llm"
    assert document["so_far_note"] is None
    said = {s["text"]: s for s in document["so_far"]}
    assert set(said) == {CLOSED, CONTRACT}, "the invented mayor is in no source: dropped"
    for text, event in ((CLOSED, "closed"), (CONTRACT, "contract")):
        story_id, article_id = events[event]
        assert (said[text]["story_id"], said[text]["article_id"]) == (story_id, article_id)
        assert said[text]["outlet"] == "Coastal Wire"
    assert "Written by the LLM writer" in html
    assert CONTRACT in html
    assert tell_so_far(storage, _llm(endpoint.url, embedder), [storyline_id]) == 0, "its events are the same"
    assert len(endpoint.requests) == 1
    reopened, _ = desk.story("bridge reopened", BRIDGE_REOPENED)
    storage.add_storyline_events(storyline_id, [reopened], 0.9)
    document, html = _page(storage, db_url, storyline_id)
    assert document["so_far_by"] == "extractive", "told from two events, not the three it has now"
    assert len(document["so_far"]) == 3
    assert "Written by the LLM writer" not in html


def test_a_failed_llm_leaves_the_extractive_story_so_far_and_says_so(sqlite_storage, tmp_path, site, embedder):
    storage, db_url = sqlite_storage, str(tmp_path / "desk.db")         # what fails is the model, not storage
    _, storyline_id, events = _line(storage)
    endpoint = Scripted(site)
    endpoint.status = 500
    tell_so_far(storage, _llm(endpoint.url, embedder), [storyline_id])
    document, html = _page(storage, db_url, storyline_id)
    assert document["so_far_by"] == "extractive"
    assert "The LLM writer could not tell it" in document["so_far_note"]
    assert [s["story_id"] for s in document["so_far"]] == [events["closed"][0], events["contract"][0]]
    assert [s["article_id"] for s in document["so_far"]] == [events["closed"][1], events["contract"][1]]
    assert "The LLM writer could not tell it" in html


def _sources():
    return [SoFarSource(1, "closed-1", None, [{"text": BRIDGE_CLOSED[0][2].split(". ")[0] + ".",
                                               "article_id": 11, "outlet": "Coastal Wire", "also": []}]),
            SoFarSource(2, "contract-2", None, [{"text": BRIDGE_CONTRACT[0][2].split(". ")[0] + ".",
                                                 "article_id": 21, "outlet": "Coastal Wire",
                                                 "also": [[22, "Bay Herald"]]}])]


def test_when_nothing_the_model_writes_is_supported_the_extractive_story_so_far_stays(site, embedder):
    endpoint = Scripted(site)
    endpoint.content = INVENTED
    told = llm_so_far(_llm(endpoint.url, embedder), _sources())
    assert told.method == "extractive"
    assert (told.generated, told.dropped) == (1, 1)
    assert "every sentence the model wrote was unsupported" in told.error
    assert [s["article_id"] for s in told.sentences] == [11, 21]
    assert told.sentences[1]["also"] == [[22, "Bay Herald"]]


@pytest.mark.slow          # a llama.cpp server
def test_the_real_llm_story_so_far_is_checked(llama_server, embedder):  # noqa: F811
    sources = _sources()
    told = llm_so_far(_llm(llama_server, embedder, timeout=900, max_tokens=60), sources)
    assert told.generated >= 1, told.error
    assert sum(told.dropped_reasons.values()) == told.dropped
    if told.method == "llm":
        assert told.generated == len(told.sentences) + told.dropped
        assert told.error == ""
    else:                   # nothing it wrote was supported: the events' own opening sentences, and why
        assert told.generated == told.dropped
        assert [s["text"] for s in told.sentences] == [s.summary[0]["text"] for s in sources]
        assert "unsupported" in told.error
    for sentence in told.sentences:
        assert (sentence["article_id"], sentence["story_id"]) in {(11, 1), (21, 2)}
        assert sentence["outlet"] == "Coastal Wire"


def test_a_desk_with_an_llm_endpoint_tells_each_changed_storyline_so_far(tmp_path, site, embedder):
    endpoint = Scripted(site)
    endpoint.content = f"{CLOSED} {CONTRACT}"
    db = str(tmp_path / "desk.db")
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows()), encoding="utf-8")
    settings = Settings(db=db, extract_workers=1, entities=False, llm_url=endpoint.url, llm_model="scripted")
    storage = open_storage(db)

    async def run():
        async with Pipeline(storage, settings) as desk:
            await desk.ingest_path(feed)

    asyncio.run(run())
    [line] = storage.list_storylines()[0]
    document, _ = _page(storage, db, line.id)
    storage.close()
    assert document["so_far_by"] == "llm"
    assert {s["text"] for s in document["so_far"]} <= {CLOSED, CONTRACT}
    assert document["so_far"]
