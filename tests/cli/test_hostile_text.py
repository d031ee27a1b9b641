"""Text written by a feed or a server, shown by the real `newsdesk` command (a subprocess on a real SQLite
file, the feed on a local HTTP server): Rich markup in it is shown as written, never read as markup, and
the control characters that would act on the terminal (retitle it, clear it, open links) never reach it."""

import asyncio
import json
import os
import re
import subprocess
import sys

import pytest

from newsdesk.config import load_settings
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage
from tests.site import Site

pytestmark = pytest.mark.slow        # real newsdesk processes

# Each piece a terminal must show as written; together they crashed Rich or made a link to a local file.
MARKUP = ["Markup [/] feed", "[link=file:///etc/passwd]click[/link]", "[bold red]loud", ":fire:"]
# Each one acts on the terminal: OSC (retitle), CSI (clear the screen), the 8-bit CSI, bell, a bidi override.
CONTROLS = ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\u202e", "\x1b]8;;file:///etc/passwd\x1b\\"]
HOSTILE = " ".join(MARKUP[:2]) + " " + CONTROLS[0] + " " + MARKUP[2] + CONTROLS[1] + " " + MARKUP[3] + " " + \
    CONTROLS[2] + CONTROLS[3] + "evil" + CONTROLS[4]
SENTENCE = "The harbour council voted on the new tram line after a debate that ran past midnight. "
SGR = re.compile(rb"\x1b\[[0-9;]*m")      # Rich's own colours, when it writes to a terminal
ERROR_REASON = "Not [/] Found [link=file:///etc/passwd]x[/link]"


def newsdesk(*args: str, db, colour: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")}
    env.update(NEWSDESK_DB=str(db), NEWSDESK_CONFIG=str(db) + ".none.toml", NEWSDESK_PER_HOST_DELAY="0",
               NEWSDESK_EXTRACT_WORKERS="1", COLUMNS="1000", TERM="xterm-256color")
    if colour:
        env["FORCE_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], capture_output=True, env=env, timeout=180)


def shown(result: subprocess.CompletedProcess, colour: bool = False) -> str:
    """What the terminal would show, after checking that nothing in it acts on the terminal."""
    out = result.stdout + result.stderr
    assert b"Traceback" not in out, out.decode(errors="replace")
    if colour:
        out = SGR.sub(b"", out)
    text = out.decode("utf-8")
    assert "\x1b" not in text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)
    return " ".join(text.split())


def assert_literal(text: str) -> None:
    for piece in MARKUP:
        assert piece in text


def _json_feed(site: Site) -> bytes:
    item = {"id": "a1", "url": f"{site.url}/a1.html", "title": f"Headline {HOSTILE}",
            "authors": [{"name": f"Author {HOSTILE}"}], "date_published": "2026-11-02T10:00:00Z",
            "content_text": f"Teaser {HOSTILE}. " + SENTENCE * 3}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": f"Outlet {HOSTILE}",
                       "home_page_url": f"{site.url}/", "items": [item]}).encode()


def _article_page() -> str:
    paragraphs = "".join(f"<p>{SENTENCE * 2}{HOSTILE}</p>" for _ in range(8))
    return f"<html><head><title>Headline</title></head><body><article><h1>Headline</h1>{paragraphs}</article></body></html>"


def _error_with_markup(handler) -> None:
    body = b"gone"
    handler.send_response(404, ERROR_REASON)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    """A hostile JSON Feed with its article page, and a server whose error message holds markup."""
    s = Site()
    s.add("/feed.json", _json_feed(s), content_type="application/feed+json")
    s.add("/a1.html", _article_page())
    s.routes["/error.json"] = _error_with_markup
    yield s
    s.close()


def _subscribe_and_poll(db, site: Site) -> None:
    settings = load_settings(None, db=str(db), per_host_delay=0.0, extract_workers=1)
    storage = open_storage(settings.database_url())

    async def work():
        async with Desk(storage, settings) as desk:
            await desk.subscribe(f"{site.url}/feed.json", folder=f"Folder {HOSTILE}")
            storage.add_source(f"{site.url}/error.json", title=f"Erring {HOSTILE}")
            await desk.poll(due_only=False)
    try:
        asyncio.run(work())
    finally:
        storage.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory, site):
    """A desk that subscribed to both (in this process, not through the command) and polled them."""
    db = tmp_path_factory.mktemp("hostile") / "desk.db"
    _subscribe_and_poll(db, site)
    return db


@pytest.fixture(scope="module")
def through_the_command(tmp_path_factory, site):
    """`add` of the hostile feed, then `fetch` of it and of the erring server, on a desk of their own."""
    db = tmp_path_factory.mktemp("hostile-cli") / "desk.db"
    open_storage(str(db)).close()
    added = newsdesk("add", f"{site.url}/feed.json", "--folder", f"Folder {HOSTILE}", db=db)
    storage = open_storage(str(db))
    storage.add_source(f"{site.url}/error.json", title=f"Erring {HOSTILE}")
    storage.close()
    return {"db": db, "add": added, "fetch": newsdesk("fetch", db=db)}


def test_add_shows_a_hostile_feed_title_as_written(through_the_command):
    added = through_the_command["add"]
    assert added.returncode == 0, added.stderr
    assert_literal(shown(added))


def test_fetch_shows_hostile_names_and_error_messages_as_written(through_the_command):
    fetched = through_the_command["fetch"]
    assert fetched.returncode == 0, fetched.stderr
    text = shown(fetched)
    assert_literal(text)
    assert ERROR_REASON in text


def test_an_http_error_whose_message_holds_markup_fails_add_clearly(site, tmp_path):
    open_storage(str(tmp_path / "desk.db")).close()
    result = newsdesk("add", f"{site.url}/error.json", db=tmp_path / "desk.db")
    assert result.returncode == 1
    assert ERROR_REASON in shown(result)


@pytest.mark.parametrize("colour", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("command", [["sources"], ["articles"], ["article", "1"], ["stories"], ["story", "1"],
                                     ["story", "1", "--markdown"]], ids=" ".join)
def test_reading_commands_show_hostile_text_as_written(desk, command, colour):
    result = newsdesk(*command, db=desk, colour=colour)
    assert result.returncode == 0, result.stderr
    assert_literal(shown(result, colour))


def test_the_terminal_runs_are_coloured_as_on_a_terminal(desk):
    assert SGR.search(newsdesk("sources", db=desk, colour=True).stdout)


def test_the_sources_list_shows_the_servers_error_message_as_written(desk):
    assert ERROR_REASON in shown(newsdesk("sources", db=desk))


def test_a_terminal_gets_no_hyperlink_from_a_story(desk):
    result = newsdesk("story", "1", db=desk, colour=True)
    assert b"\x1b]8;" not in result.stdout


def test_story_json_keeps_the_text_whole_but_escapes_what_would_act_on_the_terminal(desk):
    result = newsdesk("story", "1", "--json", db=desk)
    shown(result)
    doc = json.loads(result.stdout)
    assert any(CONTROLS[2] in s["title"] for s in doc["sources"])


def test_export_opml_of_a_hostile_title_is_xml_and_shows_nothing_that_acts(desk):
    from newsdesk.sources import read_opml

    result = newsdesk("export-opml", db=desk)
    assert result.returncode == 0, result.stderr
    shown(result)
    titles = [feed.title for feed in read_opml(result.stdout)]
    assert any(MARKUP[0] in (title or "") for title in titles)
