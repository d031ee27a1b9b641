"""`newsdesk run` as a real process: it polls on schedule, survives bad sources, and stops cleanly."""

import os
import signal
import subprocess
import sys
import time

import pytest

from newsdesk.demo import DemoServer, load_corpus
from newsdesk.storage import open_storage

pytestmark = pytest.mark.slow        # a real newsdesk daemon


def test_run_polls_until_stopped(tmp_path):
    db = tmp_path / "daemon.db"
    env = dict(os.environ, NEWSDESK_DB=str(db), NEWSDESK_CONFIG=str(tmp_path / "none.toml"),
               NEWSDESK_PER_HOST_DELAY="0", NEWSDESK_EXTRACT_WORKERS="2", XDG_DATA_HOME=str(tmp_path),
               NEWSDESK_PORT="0", NEWSDESK_FETCH_ALLOW="127.0.0.1/32")
    corpus = load_corpus()
    with DemoServer() as server:
        opml = tmp_path / "demo.opml"
        opml.write_text(server.opml(), encoding="utf-8")
        open_storage(str(db)).close()
        subprocess.run([sys.executable, "-m", "newsdesk", "import-opml", str(opml)], env=env, check=True,
                       capture_output=True)
        storage = open_storage(str(db))
        storage.add_source(server.base_url + "/no-such-feed.xml", title="Broken")
        proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "run"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and storage.count_articles() < len(corpus.articles):
                time.sleep(0.5)
            assert storage.count_articles() == len(corpus.articles)
            broken = storage.get_source("Broken")
            assert broken.last_status == "error"
            assert "404" in broken.last_error
            assert proc.poll() is None, "the daemon must keep running"
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=120)   # the poll under way finishes its stories first
        storage.close()
    assert proc.returncode == 0, output
    assert "polled" in output
    assert "stopped." in output
