"""Debian's newsboat (2.21) as a Google Reader client through its `feedhq` source, against a live desk: its
unread count is the desk's for that user, a mark made on the desk shows in newsboat after a reload, and marks
made in newsboat (a feed marked read with A, an article opened, an article toggled back to unread with N) reach
the desk. `newsboat -x reload print-unread` runs without a terminal; the keys are typed into newsboat running
in tmux (newsboat's -x has no command that marks anything)."""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Callable

import pytest

from tests.sync.clients import debian_programs
from tests.sync.desk import PASSWORD

pytestmark = pytest.mark.slow           # installs newsboat, runs it several times
FEED_LINE = re.compile(r"^\s*(\d+)\s+N?\s+\((\d+)/(\d+)\)\s+(.+?)\s*$")


class Newsboat:
    def __init__(self, folder, url: str, programs: dict[str, str]):
        self.folder = folder
        self.programs = programs
        self.config = folder / "config"
        self.config.write_text(f'urls-source "feedhq"\nfeedhq-url "{url}/"\nfeedhq-login "ada"\n'
                               f'feedhq-password "{PASSWORD}"\nfeedhq-show-special-feeds "no"\n'
                               'feedhq-min-items 100\n', encoding="utf-8")
        self.urls = folder / "urls"
        self.urls.write_text("", encoding="utf-8")
        self.cache = folder / "cache.db"
        self.env = {"HOME": str(folder), "TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        self.socket = f"newsdesk-test-{uuid.uuid4().hex[:8]}"

    @property
    def command(self) -> list[str]:
        return [self.programs["newsboat"], "-C", str(self.config), "-u", str(self.urls), "-c", str(self.cache)]

    def unread(self) -> int:
        done = subprocess.run([*self.command, "-x", "reload", "print-unread"], env=self.env, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        found = re.search(r"(\d+) unread articles", done.stdout)
        assert found, done.stdout + done.stderr
        return int(found.group(1))

    # -- newsboat in tmux ------------------------------------------------------------------------------------

    def tmux(self, *args: str) -> str:
        return subprocess.run([self.programs["tmux"], "-L", self.socket, *args], env=self.env, capture_output=True,
                              text=True, timeout=30).stdout

    def start(self) -> None:
        self.tmux("new-session", "-d", "-x", "160", "-y", "40", " ".join(f"'{part}'" for part in self.command))

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", key)
            time.sleep(0.3)

    def wait_screen(self, text: str) -> str:
        return wait(lambda: text in self.screen() and self.screen(), f"newsboat to show {text!r}")

    def feeds(self, count: int) -> list[tuple[str, int]]:
        """(title, unread) of each line of newsboat's feed list, in its order, once it shows `count` feeds."""
        def shown() -> list[tuple[str, int]]:
            found = []
            for line in self.screen().splitlines()[1:]:
                match = FEED_LINE.match(line)
                if match:
                    found.append((match.group(4), int(match.group(2))))
            return found if len(found) == count else []
        return wait(shown, f"newsboat to list {count} feeds")

    def stop(self) -> None:
        self.tmux("kill-server")


def wait(check: Callable, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def desk_unread(desk) -> int:
    """The desk's unread count for ada: original articles, and the story unless she read it."""
    storage = desk.storage
    user = storage.get_user(desk.ada.id)
    read = storage.story_reads(user.id, [desk.story_id]).get(desk.story_id)
    return storage.unread_counts(user.id, user.read_before).total + (0 if read and read.read_at else 1)


def source_unread(desk, title: str) -> int:
    storage = desk.storage
    user = storage.get_user(desk.ada.id)
    source = next(s for s in storage.list_sources() if s.title == title)
    return storage.unread_counts(user.id, user.read_before).by_source.get(source.id, 0)


def test_newsboat_counts_what_the_desk_counts_and_marks_reach_both_sides(desk, live, tmp_path):
    programs = debian_programs("newsboat", "tmux")
    newsboat = Newsboat(tmp_path, live.url, programs)
    storage, a = desk.storage, desk.articles

    assert newsboat.unread() == desk_unread(desk) == len(desk.originals) + 1       # reprint folded, story counted

    # marked on the desk, seen by newsboat after a reload
    storage.mark_articles(desk.ada.id, [a["ferry"], a["market"]], read=True)
    storage.mark_story_read(desk.ada.id, desk.story_id, [a["bridge"], a["bridge-city"], a["reprint"]])
    assert newsboat.unread() == desk_unread(desk) == len(desk.originals) - 2
    storage.mark_articles(desk.ada.id, [a["ferry"], a["market"]], read=False)
    assert newsboat.unread() == desk_unread(desk) == len(desk.originals)           # the story stays read

    # marked in newsboat, seen by the desk
    newsboat.start()
    try:
        feeds = newsboat.feeds(6)
        assert {title for title, _ in feeds} == {"World Wire", "City Paper", "Sport Daily", "Stories",
                                                 "Stories: Local", "Stories: World"}
        assert sum(n for _, n in feeds) == desk_unread(desk)
        first, first_unread = feeds[0]
        assert first_unread > 0 and first != "Stories"
        newsboat.keys("A")                                    # mark the feed read
        wait(lambda: source_unread(desk, first) == 0, f"the desk to see {first!r} marked read")

        second, second_unread = feeds[1]
        assert second_unread > 0 and second != "Stories"
        newsboat.keys("j", "Enter")                           # open the next feed
        newsboat.wait_screen(f"Articles in feed '{second}'")
        newsboat.keys("Enter")                                # read its first article (newsboat tells the
        newsboat.wait_screen("Article '")                     # desk when the reader leaves it)
        newsboat.keys("q")
        newsboat.wait_screen(f"Articles in feed '{second}'")
        wait(lambda: source_unread(desk, second) == second_unread - 1, f"the desk to see an article of {second!r} read")
        newsboat.keys("N")                                    # and toggle it back to unread
        wait(lambda: source_unread(desk, second) == second_unread, "the desk to see it unread again")
        newsboat.keys("q", "q")
    finally:
        newsboat.stop()
    assert newsboat.unread() == desk_unread(desk) == len(desk.originals) - first_unread
    assert desk.storage.story_reads(desk.bob.id, [desk.story_id]) == {}               # bob's state untouched
    assert storage.unread_counts(desk.bob.id, storage.get_user(desk.bob.id).read_before).total == len(desk.originals)
