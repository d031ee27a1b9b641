"""What changed since a user read, on SQLite and PostgreSQL: the home page's cards say it in words ("Updated: 1
new source"), apart from stories never read; /updated lists only the stories the user read that changed since,
newest change first, each opening on its since-read block; each user's private Atom feed of changes (a secret
address made, replaced and revoked on the Account page) carries the since-read block of each."""

import re
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from newsdesk.web import create_app

from .conftest import web_settings
from .reader_desk import add_report, card_state, post, reader
from .small_desk import make_small_desk

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def desk(db_url):
    return make_small_desk(db_url)


@pytest.fixture
def app(desk):
    return create_app(desk.url, web_settings(db=desk.url))


def updated_slugs(client) -> list[str]:
    page = client.get("/updated").text
    return re.findall(r'<a class="story-link" href="/stories/([^"]+)"', page)


# -- the home page's cards -------------------------------------------------------------------------------------

def test_a_story_read_then_joined_by_a_new_outlet_says_so_in_words(app, desk):
    _, slug, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        assert card_state(ada, slug) == "Updated: 1 new source"


def test_a_story_read_then_joined_by_its_own_outlet_says_more_report(app, desk):
    _, slug, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
        add_report(desk, "Hill", "hill", "Hill Gazette")
        assert card_state(ada, slug) == "Updated: 1 more report"


def test_a_story_never_read_stays_new_when_it_grows(app, desk):
    _, slug, _ = desk.story("Hill")
    with reader(app) as ada:
        add_report(desk, "Hill", "harbour", "Harbour Post")
        assert card_state(ada, slug) == "New"


def test_a_story_read_and_unchanged_is_read(app, desk):
    _, slug, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
        assert card_state(ada, slug) == "Read"


def test_one_users_changes_are_not_anothers(app, desk):
    _, slug, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
    add_report(desk, "Hill", "harbour", "Harbour Post")
    with reader(app, "bob") as bob:
        assert card_state(bob, slug) == "New"


# -- the "updated since you read" list -------------------------------------------------------------------------

def test_the_updated_list_has_only_stories_read_that_changed(app, desk):
    _, hill, _ = desk.story("Hill")
    _, ferry, _ = desk.story("Ferry")
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        ada.get(f"/stories/{ferry}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        add_report(desk, "Market", "quay", "Quay Times")          # never read by ada
        assert updated_slugs(ada) == [hill]


def test_the_updated_list_puts_the_newest_change_first(app, desk):
    _, hill, _ = desk.story("Hill")
    _, ferry, _ = desk.story("Ferry")
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        ada.get(f"/stories/{ferry}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        add_report(desk, "Ferry", "hill", "Hill Gazette")
        assert updated_slugs(ada) == [ferry, hill]


def test_the_updated_list_says_what_changed(app, desk):
    _, hill, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        assert '<span class="state new changed">1 new source</span>' in ada.get("/updated").text


def test_a_story_opened_from_the_updated_list_shows_what_changed_and_leaves_the_list(app, desk):
    _, hill, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        page = ada.get(f"/stories/{hill}").text
        assert "data-since-read" in page
        assert "1 new source" in page
        assert updated_slugs(ada) == []


def test_the_updated_list_says_when_nothing_changed(app, desk):
    with reader(app) as ada:
        assert "Nothing you read has changed since" in ada.get("/updated").text


def test_the_updated_list_is_linked_from_the_home_page_and_the_nav(app, desk):
    with reader(app) as ada:
        home = ada.get("/").text
    assert home.count('href="/updated"') == 2


def test_a_stranger_is_sent_to_the_login_for_the_updated_list(app):
    with TestClient(app) as stranger:
        answer = stranger.get("/updated", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


# -- the private feed of changes -------------------------------------------------------------------------------

def feed_url(client) -> str:
    page = post(client, "/account/feed").text
    return re.search(r'<code class="secret">(http://[^<]+)</code>', page).group(1)


def feed_path(url: str) -> str:
    return url.split("testserver", 1)[1]


def entries(client, path) -> list[ET.Element]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return ET.fromstring(answer.content).findall(f"{ATOM}entry")


def test_the_feed_has_an_entry_per_story_changed_since_read(app, desk):
    _, hill, _ = desk.story("Hill")
    _, ferry, _ = desk.story("Ferry")
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        ada.get(f"/stories/{ferry}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        path = feed_path(feed_url(ada))
    with TestClient(app) as stranger:           # the address is the key: no login
        found = entries(stranger, path)
    assert [e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1] for e in found] == [hill]


def test_a_feed_entrys_content_is_the_since_read_block(app, desk):
    _, hill, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        path = feed_path(feed_url(ada))
        content = entries(ada, path)[0].find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "Since you read this" in content.text
    assert "Harbour Post" in content.text


def test_a_feed_entrys_links_are_absolute(app, desk):
    _, hill, _ = desk.story("Hill")
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        content = entries(ada, feed_path(feed_url(ada)))[0].find(f"{ATOM}content").text
    assert re.findall(r'href="([^"]+)"', content)
    assert all(h.startswith("http://testserver/") for h in re.findall(r'href="([^"]+)"', content))


def test_the_feed_address_is_shown_once(app, desk):
    with reader(app) as ada:
        url = feed_url(ada)
        again = ada.get("/account").text
    assert url not in again
    assert "You have a feed address" in again


def test_a_new_feed_address_revokes_the_one_before(app, desk):
    with reader(app) as ada:
        first = feed_path(feed_url(ada))
        second = feed_path(feed_url(ada))
        assert ada.get(first).status_code == 404
        assert ada.get(second).status_code == 200


def test_a_revoked_feed_address_is_404(app, desk):
    with reader(app) as ada:
        path = feed_path(feed_url(ada))
        post(ada, "/account/feed/revoke")
        assert ada.get(path).status_code == 404


def test_revoking_a_feed_address_one_does_not_have_is_404(app, desk):
    with reader(app) as ada:
        assert post(ada, "/account/feed/revoke").status_code == 404


def test_a_feed_address_that_opens_nothing_is_404(app):
    with TestClient(app) as client:
        assert client.get("/feeds/changes/ndf_not-a-token.atom").status_code == 404


def test_a_feed_address_is_one_users_own(app, desk):
    _, hill, _ = desk.story("Hill")
    with reader(app, "bob") as bob:
        path = feed_path(feed_url(bob))
    with reader(app) as ada:
        ada.get(f"/stories/{hill}")
        add_report(desk, "Hill", "harbour", "Harbour Post")
        assert entries(ada, path) == []


def test_making_a_feed_address_needs_the_forms_csrf_token(app, desk):
    with reader(app) as ada:
        answer = ada.post("/account/feed", data={"csrf": "forged"}, follow_redirects=False)
        assert answer.status_code == 403
        assert "You have no feed address yet" in ada.get("/account").text
