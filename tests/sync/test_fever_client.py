"""PyPI's freshrss-api, a Fever client nobody here wrote, against the desk on 127.0.0.1 (SQLite and
PostgreSQL). It runs in its own venv (Python 3.12, made once and kept under ~/.cache/newsdesk/), with loguru,
which it imports without declaring it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from newsdesk.sync import story_item_id

from .fever_desk import PASSWORD, desk  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow

CLIENT = ("freshrss-api==2.0.5", "loguru==0.7.3")
PYTHONS = [Path.home() / ".pyenv/versions/3.12.1/bin/python", Path("/usr/bin/python3.12")]
SCRIPT = Path(__file__).with_name("fever_client_script.py")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def client_python() -> str:
    """The venv's interpreter; the venv is made when missing or when it cannot import the client."""
    venv = Path.home() / ".cache/newsdesk" / ("fever-client-" + "-".join(c.replace("==", "-") for c in CLIENT))
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import freshrss_api, loguru"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return str(python)
    base = next((p for p in PYTHONS if p.exists()), None)
    if base is None:
        _unavailable(f"no Python 3.12 for the freshrss-api client (looked at {', '.join(map(str, PYTHONS))})")
    venv.parent.mkdir(parents=True, exist_ok=True)
    made = subprocess.run([str(base), "-m", "venv", "--clear", str(venv)], capture_output=True, text=True)
    if made.returncode != 0:
        _unavailable(f"could not make the client's venv: {made.stderr[-500:]}")
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", *CLIENT], capture_output=True, text=True,
                               timeout=300)
    if installed.returncode != 0 or subprocess.run(probe, capture_output=True).returncode != 0:
        _unavailable(f"could not install {' '.join(CLIENT)}: {installed.stderr[-800:]}")
    return str(python)


def test_freshrss_api_client_reads_and_marks(desk, client_python):
    ada, bob = desk.users["ada"], desk.users["bob"]
    target = desk.articles["tram-courier"]
    run = subprocess.run([client_python, str(SCRIPT), desk.url, "ada", PASSWORD, str(target)], capture_output=True,
                         text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert run.returncode == 0, run.stderr
    assert "does not contain" not in run.stderr          # the client checks the ids a mark answers with
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["groups"] == ["Stories", "Local", "World"]
    assert seen["feeds"] == ["Harbour Gazette", "Mountain Herald", "River Courier", "Stories", "Stories: Local",
                             "Stories: World", "Wire Service"]
    originals = {i for n, i in desk.articles.items() if n != "tram-reprint"}
    stories = {story_item_id(s) for s in desk.stories.values()}
    assert {i["id"] for i in seen["unread"]} == originals | stories
    assert all(not i["is_read"] for i in seen["unread"])
    assert seen["saved_before"] == []
    assert "unread_item_ids" in seen["read_answer_keys"] and "saved_item_ids" in seen["saved_answer_keys"]
    assert seen["saved_after"] == [{"id": target, "is_saved": True}]
    assert set(seen["unread_after"]) == (originals | stories) - {target}

    storage = desk.storage
    assert storage.article_states(ada.id, storage.get_user(ada.id).read_before, [target]) == {target: (True, True)}
    assert storage.article_states(bob.id, storage.get_user(bob.id).read_before, [target]) == {target: (False, False)}
    assert storage.starred_article_ids(bob.id) == []


def test_freshrss_api_client_is_refused_a_wrong_password(desk, client_python):
    code = ("import sys\nfrom freshrss_api import FreshRSSAPI, AuthenticationError\n"
            "try:\n    FreshRSSAPI(host=sys.argv[1], username='ada', password='wrong password')\n"
            "except AuthenticationError:\n    print('refused')\n")
    run = subprocess.run([client_python, "-c", code, desk.url], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "refused", run.stderr
