"""`newsdesk follow`, `watchlists` and `alerts deliver` on a real SQLite desk: refusals are one `error:` line and
exit 1; a webhook's signing secret is printed; alerts decided by the desk are pushed by `alerts deliver` once."""

import pytest
from typer.testing import CliRunner

from newsdesk.alerts import Matcher, verify
from newsdesk.cli import app
from newsdesk.storage import open_storage

from .helpers import Desk, user
from .test_matching import QUAKE


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = str(tmp_path / "cli.db")
    monkeypatch.setenv("NEWSDESK_DB", db)
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    storage = open_storage(db)
    user(storage, "ann")
    storage.close()
    return db


def cli(*args, code=0):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_follow_list_deliver_delete(env, site):
    site.add("/hook", b"ok")
    out = cli("follow", "query", "earthquake", "--user", "ann", "--webhook", f"{site.url}/hook", "--on", "new,grows",
              "--feed")
    assert "Watchlist 1: query earthquake (grows, new)" in out and "/feeds/watchlists/ndw_" in out
    secret = out.split("X-Newsdesk-Signature): ")[1].split()[0]
    listing = cli("watchlists", "--user", "ann")
    assert "query: earthquake" in listing and "webhook" in listing and "Atom feed" in listing
    storage = open_storage(env)
    Matcher(storage).match(Desk(storage).story("quake", [QUAKE])[1])
    storage.close()
    assert "1 sent" in cli("alerts", "deliver")
    assert "0 sent" in cli("alerts", "deliver")
    [post] = [r for r in site.requests if r.method == "POST"]
    assert verify(secret, post.body, post.headers["X-Newsdesk-Signature"])
    assert "ok" in cli("alerts", "log", "--user", "ann")
    assert "Deleted watchlist 1" in cli("watchlists", "--user", "ann", "--delete", "1")
    assert "follows nothing yet" in cli("watchlists", "--user", "ann")


def test_refusals_are_one_line(env):
    for args, why in ((["follow", "query", "x", "--user", "nobody"], "no user named 'nobody'"),
                      (["follow", "query", "x", "--user", "ann", "--webhook", "http://10.0.0.1/"],
                       "10.0.0.1 is a private address"),
                      (["follow", "query", "x", "--user", "ann", "--email", "a@example.org"], "smtp_host"),
                      (["follow", "entity", "Hikvision", "--user", "ann"], "no entity 'Hikvision' on this desk"),
                      (["watchlists", "--user", "ann", "--delete", "7"], "no watchlist 7 of yours")):
        result = CliRunner(mix_stderr=False).invoke(app, args) if _mixes() else CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        text = result.output + (result.stderr if hasattr(result, "stderr") and result.stderr_bytes else "")
        assert why in text and "Traceback" not in text


def _mixes() -> bool:
    import inspect
    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters
