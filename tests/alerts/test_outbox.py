"""The outbox across a kill -9: a desk process decides an alert and is killed before any push; a later delivery
sends it once. And what a deleted user or watchlist leaves behind: nothing."""

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from newsdesk.alerts import Deliverer, Matcher, follow
from newsdesk.config import Settings
from newsdesk.storage import open_storage

from .helpers import Desk, user
from .test_matching import QUAKE

ROOT = Path(__file__).resolve().parents[2]


def test_an_alert_decided_by_a_desk_killed_at_once_is_sent_once(tmp_path, site):
    site.add("/hook", b"ok")
    db = str(tmp_path / "desk.db")
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'src')!r}]
        from newsdesk.alerts import Matcher, follow
        from newsdesk.config import Settings
        from newsdesk.storage import open_storage
        from tests.alerts.helpers import Desk, user
        from tests.alerts.test_matching import QUAKE
        settings = Settings(fetch_allow="127.0.0.1/32")
        storage = open_storage({db!r})
        ann = user(storage, "ann")
        follow(storage, ann, "query", "earthquake", webhook={site.url + '/hook'!r}, settings=settings)
        report = Matcher(storage, settings).match(Desk(storage).story("quake", [QUAKE])[1])
        print(len(report.decided), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert killed.returncode == -9, killed.stderr
    assert killed.stdout.strip() == "1"
    storage = open_storage(db)
    try:
        settings = Settings(fetch_allow="127.0.0.1/32")

        async def deliver():
            deliverer = Deliverer(storage, settings)
            try:
                return await deliverer.run_once()
            finally:
                await deliverer.aclose()
        assert asyncio.run(deliver()).sent == 1
        assert asyncio.run(deliver()).sent == 0
        assert len([r for r in site.requests if r.method == "POST"]) == 1
        # the new desk matches the same articles again (it resumes from the last article matched): nothing new
        Matcher(storage, settings).match(storage.grouped_articles_after(0))
        assert len(storage.deliveries()) == 1 and len(storage.notifications(storage.user_named("ann").id)) == 1
    finally:
        storage.close()


def test_deleting_a_user_or_a_watchlist_leaves_nothing(storage):
    ann, bob = user(storage, "ann"), user(storage, "bob")
    s = Settings(fetch_allow="127.0.0.1/32")
    for who in (ann, bob):
        follow(storage, who, "query", "earthquake", webhook="http://127.0.0.1:9/hook", settings=s)
    Matcher(storage, s).match(Desk(storage).story("quake", [QUAKE])[1])
    storage.delete_user(ann.id)
    [left] = storage.db.query("SELECT DISTINCT user_id FROM alerts")
    assert left["user_id"] == bob.id
    assert {r["user_id"] for r in storage.db.query("SELECT user_id FROM alert_deliveries")} == {bob.id}
    assert {r["user_id"] for r in storage.db.query("SELECT user_id FROM watchlists")} == {bob.id}
    storage.delete_watchlist(bob.id, storage.watchlists(bob.id)[0].id)
    for table in ("watchlists", "watchlist_terms", "watched_stories", "alerts", "alert_deliveries"):
        assert storage.db.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] == 0, table
