"""Ask the story: answers only from the story's articles, each sentence with its outlet; "the sources don't
say" when nothing supports one. The extractive path on the real embedder; the LLM path against a scripted
endpoint and the real llama.cpp server the LLM writer's tests use; the API on uvicorn and the CLI, over SQLite
and PostgreSQL."""

import json

import httpx
import pytest
from typer.testing import CliRunner

from newsdesk.ask import NOT_SAID, AskError, StoryAsker, answer_json
from newsdesk.model import Role
from newsdesk.storage import open_storage
from newsdesk.synthesize.llm import LLMConfig
from tests.coverage.story_desk import make_ferry_desk
from tests.synthesize.test_llm import STORY, Scripted, llama_server  # noqa: F401 (a fixture)

OUTLETS = {a.id: a.outlet for a in STORY}


@pytest.fixture(scope="module")
def asker():
    return StoryAsker()


@pytest.mark.parametrize("question, fact", [
    ("How many passengers were on the ferry?", "212"),
    ("Who is the harbour master?", "Tomas Reyes"),
    ("What caused the grounding?", "engine"),
    ("How many people were treated in hospital?", "even"),
    ("Where did the ferry leave from?", "Port Wren"),
])
def test_an_answerable_question_is_answered_from_the_articles(asker, question, fact):
    answer = asker.ask(question, STORY)
    assert any(fact in s.text for s in answer.sentences), [s.text for s in answer.sentences]


@pytest.mark.parametrize("question", [
    "How much will the repairs cost?",
    "What did the prime minister say?",
    "Who was the captain of the ferry?",
    "When was the ferry built?",
    "Did anyone die?",
])
def test_a_question_the_articles_do_not_answer_is_refused(asker, question):
    answer = asker.ask(question, STORY)
    assert answer.sentences == []
    assert answer_json(answer)["answer"] == NOT_SAID


def test_every_sentence_names_its_article_and_outlet(asker):
    answer = asker.ask("What caused the grounding?", STORY)
    assert answer.sentences
    assert all(OUTLETS[s.article_id] == s.outlet for s in answer.sentences)


def test_the_others_that_say_the_same_are_named(asker):
    answer = asker.ask("How many people were treated in hospital for injuries?", STORY)
    assert any(s.also for s in answer.sentences)


@pytest.mark.parametrize("question", ["", "   ", "why? " * 200])
def test_an_empty_or_overlong_question_is_refused_saying_why(asker, question):
    with pytest.raises(AskError):
        asker.ask(question, STORY)


# -- the LLM path -----------------------------------------------------------------------------------------------

SUPPORTED = "All 212 passengers were rescued from the Sea Lark after it ran aground off Calder Island."
WRONG_NUMBER = "All 250 passengers were rescued from the Sea Lark after it ran aground off Calder Island."


@pytest.fixture
def endpoint(site):
    return Scripted(site)


def _llm_asker(url):
    return StoryAsker(llm=LLMConfig(url=url, model="scripted", timeout=20))


def test_the_llm_answer_keeps_supported_sentences_and_counts_the_dropped(endpoint):
    endpoint.content = f"{SUPPORTED} {WRONG_NUMBER}"
    answer = _llm_asker(endpoint.url).ask("How many passengers were rescued?", STORY)
    assert [s.text for s in answer.sentences] == [SUPPORTED]
    assert (answer.method, answer.generated, answer.dropped) == ("llm", 2, 1)
    assert answer.dropped_reasons == {"number": 1}


def test_the_llm_sees_the_question_and_the_story_sentences(endpoint):
    endpoint.content = SUPPORTED
    _llm_asker(endpoint.url).ask("How many passengers were rescued?", STORY)
    prompt = endpoint.requests[0][2]["messages"][0]["content"]
    assert "Question: How many passengers were rescued?" in prompt
    assert "[Coastal Times]" in prompt


def test_the_llm_saying_not_in_sources_is_a_refusal(endpoint):
    endpoint.content = "NOT IN SOURCES"
    answer = _llm_asker(endpoint.url).ask("How many passengers were rescued?", STORY)
    assert (answer.answered, answer.method) == (False, "llm")


def test_a_question_nothing_supports_never_reaches_the_llm(endpoint):
    endpoint.content = SUPPORTED
    answer = _llm_asker(endpoint.url).ask("What did the prime minister say?", STORY)
    assert (answer.answered, endpoint.requests) == (False, [])


def test_an_unreachable_llm_leaves_the_extractive_answer_and_says_why():
    answer = _llm_asker("http://127.0.0.1:9").ask("How many passengers were on the ferry?", STORY)
    assert answer.method == "extractive"
    assert answer.answered
    assert "127.0.0.1:9" in answer.error


def test_only_unsupported_llm_sentences_fall_back_to_the_extractive_answer(endpoint):
    endpoint.content = WRONG_NUMBER
    answer = _llm_asker(endpoint.url).ask("How many passengers were rescued?", STORY)
    assert (answer.method, answer.dropped, answer.answered) == ("extractive", 1, True)


@pytest.mark.slow          # a llama.cpp server
def test_the_real_llm_answer_is_checked_sentence_by_sentence(llama_server):  # noqa: F811
    asker = StoryAsker(llm=LLMConfig(url=llama_server, model="gemma3-270m", timeout=900))
    answer = asker.ask("How many passengers were on the ferry?", STORY)
    assert answer.error == "" or answer.method == "extractive", answer.error
    assert answer.generated >= answer.dropped
    for sentence in answer.sentences:
        assert OUTLETS[sentence.article_id] == sentence.outlet


@pytest.mark.slow          # a llama.cpp server
def test_the_real_llm_is_not_asked_what_nothing_supports(llama_server):  # noqa: F811
    asker = StoryAsker(llm=LLMConfig(url=llama_server, model="gemma3-270m", timeout=900))
    answer = asker.ask("What did the prime minister say?", STORY)
    assert (answer.answered, answer.generated) == (False, 0)


# -- the API and the CLI, both backends ---------------------------------------------------------------------------

@pytest.fixture
def desk(db_url):
    storage = open_storage(db_url)
    try:
        found = make_ferry_desk(storage)
        from newsdesk.accounts import add_user, new_token
        found.token = new_token(storage, add_user(storage, "admin", "correct horse battery", Role.ADMIN))
    finally:
        storage.close()
    return found


@pytest.fixture
def served(db_url, desk):
    from newsdesk.web import create_app
    from tests.web.conftest import LiveServer, web_settings

    with LiveServer(create_app(db_url, web_settings(db=db_url))) as server:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            yield client


def test_the_api_answers_with_sentences_from_the_story(served, desk):
    answer = served.post(f"/api/v1/stories/{desk.ferry}/ask", json={"question": "Who is the harbour master?"})
    data = answer.json()
    assert data["answered"] is True
    assert "Tomas Reyes" in data["answer"]
    assert {s["article_id"] for s in data["sentences"]} <= set(desk.articles.values())


def test_the_api_says_the_sources_dont_say(served, desk):
    data = served.post(f"/api/v1/stories/{desk.ferry}/ask", json={"question": "Who was the captain?"}).json()
    assert (data["answered"], data["answer"]) == (False, NOT_SAID)


def test_the_api_refuses_an_empty_question_with_a_400(served, desk):
    answer = served.post(f"/api/v1/stories/{desk.ferry}/ask", json={"question": " "})
    assert answer.status_code == 400
    assert "empty" in answer.json()["error"]


def test_the_api_answers_a_missing_story_with_a_404(served):
    assert served.post("/api/v1/stories/999999/ask", json={"question": "Who?"}).status_code == 404


def test_the_story_page_has_the_question_box(served, desk):
    assert f'action="/stories/{desk.ferry_slug}/ask"' in served.get(f"/stories/{desk.ferry_slug}").text


def test_the_question_box_shows_the_answer_with_its_outlet(served, desk):
    html = served.get(f"/stories/{desk.ferry_slug}/ask", params={"q": "Who is the harbour master?"}).text
    assert "Tomas Reyes" in html
    assert 'class="source-link"' in html


def test_the_question_box_shows_a_refusal(served, desk):
    html = served.get(f"/stories/{desk.ferry_slug}/ask", params={"q": "Who was the captain?"}).text
    assert "The sources don't say." in html.replace("&#39;", "'")


def test_cli_ask_answers_as_json(db_url, desk):
    from newsdesk.cli import app

    result = CliRunner().invoke(app, ["--db", db_url, "ask", str(desk.ferry), "What caused the grounding?",
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert "engine" in json.loads(result.output)["answer"]


def test_cli_ask_refuses_an_empty_question_in_one_line(db_url, desk):
    from newsdesk.cli import app

    result = CliRunner().invoke(app, ["--db", db_url, "ask", str(desk.ferry), ""])
    assert result.exit_code == 1
    assert "empty" in result.output


def test_the_api_refuses_a_request_without_a_question_with_a_400(served, desk):
    answer = served.post(f"/api/v1/stories/{desk.ferry}/ask")
    assert answer.status_code == 400
    assert "question" in answer.json()["error"]


def test_an_echoed_prompt_is_no_refusal_and_its_sentences_are_dropped(endpoint):
    endpoint.content = ("Answer the question from these news sentences only. If they do not answer it, write "
                        "exactly: NOT IN SOURCES\nQuestion: How many passengers were rescued?\nAnswer:")
    answer = _llm_asker(endpoint.url).ask("How many passengers were rescued?", STORY)
    assert (answer.method, answer.answered) == ("extractive", True)
    assert answer.dropped == answer.generated > 0
