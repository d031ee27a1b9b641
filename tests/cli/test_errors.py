"""Every error written for the user (a NewsdeskError) reaches the terminal as one `error: …` line and exit
code 1, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk import cli
from newsdesk.config import ConfigError
from newsdesk.errors import NewsdeskError
from newsdesk.extract import ExtractionError
from newsdesk.fetch import FetchError
from newsdesk.sources import FeedError, OpmlError
from newsdesk.storage import StorageError

def _newsdesk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NEWSDESK_CONFIG=str(tmp_path / "none.toml"), XDG_DATA_HOME=str(tmp_path / "data"),
               NEWSDESK_STORIES="false", COLUMNS="80")
    env.pop("NEWSDESK_DB", None)
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)


def _one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.slow
def test_a_configuration_error_a_missing_database_and_a_broken_opml_are_one_line_each(tmp_path):
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[unclosed\n")
    line = _one_error_line(_newsdesk(tmp_path, "--config", str(bad_config), "--db", "x.db", "stories"))
    assert "bad.toml" in line

    line = _one_error_line(_newsdesk(tmp_path, "--db", str(tmp_path / "no" / "such" / "x.db"), "stories"))
    assert "newsdesk init" in line

    database = tmp_path / "desk.db"
    made = _newsdesk(tmp_path, "--db", str(database), "init", "--no-defaults", "--password", "a long enough password")
    assert made.returncode == 0, made.stderr
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline")
    line = _one_error_line(_newsdesk(tmp_path, "--db", str(database), "import-opml", str(broken)))
    assert "malformed OPML" in line

    line = _one_error_line(_newsdesk(tmp_path, "--db", str(database), "add", "ftp://example.org/feed" + "x" * 200))
    assert "unsupported URL scheme" in line


@pytest.mark.parametrize("error", [ConfigError("bad [setting]"), StorageError("disk full"),
                                   FetchError("network", "no route", url="http://example.org/"),
                                   FeedError("not a feed"), OpmlError("no outlines"),
                                   ExtractionError("no text")])
def test_main_turns_any_newsdesk_error_that_escapes_a_command_into_one_line(monkeypatch, capsys, error):
    assert isinstance(error, NewsdeskError)

    def raising():
        raise error
    monkeypatch.setattr(cli, "app", raising)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"error: {error}"]
