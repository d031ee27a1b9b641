"""Each user's reading state on the web desk, on SQLite and PostgreSQL: a story page opened is read (with the
reports it showed), an article page opened is read, unread again, saved, mark all as read (in all, of a source,
of a folder, older than a day), hidden sources and folders, new counts; one user's state is not another's and
no form can name another user; the state survives reopening the database; the home page reads it in a fixed
number of queries whatever the number of cards."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from newsdesk.storage import open_storage
from newsdesk.timeutil import utcnow
from newsdesk.web import create_app

from .conftest import web_settings
from .small_desk import READER_PASSWORD, make_small_desk
from .test_access import csrf_of, desk_state


@pytest.fixture
def desk(db_url):
    return make_small_desk(db_url)


@pytest.fixture
def app(desk):
    return create_app(desk.url, web_settings(db=desk.url))


def reader(app, name="ada") -> TestClient:
    client = TestClient(app)
    answer = client.post("/login", data={"name": name, "password": READER_PASSWORD, "csrf": csrf_of(client),
                                         "next": "/"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def post(client, path, **data):
    return client.post(path, data={"csrf": csrf_of(client, "/"), **data}, follow_redirects=False)


def new_count(client, path="/") -> int:
    return int(re.search(r'class="new-count"><strong>(\d+)</strong>', client.get(path).text).group(1))


def card_state(client, slug) -> str:
    """What the user's home page says of the story: "Read", "New", "N new reports", or "absent"."""
    page = client.get("/").text
    card = re.search(rf'<li class="story-card[^"]*" data-story>(?:(?!</li>).)*?/stories/{re.escape(slug)}"'
                     r'(?:(?!</li>).)*</li>', page, re.S)
    if card is None:
        return "absent"
    return re.search(r'<span class="state[^"]*">([^<]+)</span>', card.group(0)).group(1)


def storage_of(desk):
    return open_storage(desk.url)


# -- opening pages ---------------------------------------------------------------------------------------------

def test_a_story_never_opened_is_new(app, desk):
    _, slug, _ = desk.story("Ferry")
    with reader(app) as ada:
        assert card_state(ada, slug) == "New"


def test_opening_a_story_page_marks_the_story_read(app, desk):
    story_id, slug, _ = desk.story("Ferry")
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
        assert card_state(ada, slug) == "Read"


def test_opening_a_story_page_keeps_the_reports_it_showed(app, desk):
    story_id, slug, article_ids = desk.story("Ferry")
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
    storage = storage_of(desk)
    read = storage.story_reads(desk.users["ada"], [story_id])[story_id]
    storage.close()
    assert sorted(read.seen_articles) == sorted(article_ids)


def test_opening_a_story_page_reads_its_reports(app, desk):
    _, slug, article_ids = desk.story("Ferry")
    with reader(app) as ada:
        before = new_count(ada)
        ada.get(f"/stories/{slug}")
        assert new_count(ada) == before - len(article_ids)


def test_opening_a_story_gives_the_read_from_before_the_visit(desk):
    """What "since you last read" compares with: None the first time, then the earlier read."""
    from newsdesk.web.marks import story_opened

    story_id, _, article_ids = desk.story("Ferry")
    storage = storage_of(desk)
    ada = storage.get_user(desk.users["ada"])
    first = story_opened(storage, ada, story_id, article_ids[:1])
    second = story_opened(storage, ada, story_id, article_ids)
    storage.close()
    assert first is None
    assert second.seen_articles == article_ids[:1]


def test_opening_an_article_page_marks_it_read(app, desk):
    _, slug, article_ids = desk.story("Market")
    with reader(app) as ada:
        before = new_count(ada)
        ada.get(f"/articles/{article_ids[0]}")
        assert new_count(ada) == before - 1
        assert card_state(ada, slug) == "New"             # one of its two reports is still unread


def test_a_story_opened_before_that_has_a_new_report_says_how_many(app, desk):
    _, slug, article_ids = desk.story("Market")
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
        post(ada, f"/articles/{article_ids[1]}/unread")
        assert card_state(ada, slug) == "1 new report"


def test_a_stranger_opening_pages_leaves_no_state(app, desk):
    before = desk_state(desk.url)
    _, slug, article_ids = desk.story("Ferry")
    with TestClient(app) as stranger:
        assert stranger.get(f"/stories/{slug}").status_code == 200
        assert stranger.get(f"/articles/{article_ids[0]}").status_code == 200
    assert desk_state(desk.url) == before


def test_the_story_page_offers_unread_and_save_to_a_user_only(app, desk):
    _, slug, _ = desk.story("Ferry")
    with reader(app) as ada, TestClient(app) as stranger:
        assert 'class="reading-controls"' in ada.get(f"/stories/{slug}").text
        assert 'class="reading-controls"' not in stranger.get(f"/stories/{slug}").text


# -- unread, saved ----------------------------------------------------------------------------------------------

def test_a_story_marked_unread_is_new_again_with_its_reports(app, desk):
    story_id, slug, _ = desk.story("Ferry")
    with reader(app) as ada:
        before = new_count(ada)
        ada.get(f"/stories/{slug}")
        answer = post(ada, f"/stories/{story_id}/unread")
        assert answer.headers["location"] == "/"             # not back to the page, which would read it again
        assert card_state(ada, slug) == "New"
        assert new_count(ada) == before


def test_an_article_marked_unread_counts_again(app, desk):
    _, _, article_ids = desk.story("Hill")
    with reader(app) as ada:
        before = new_count(ada)
        ada.get(f"/articles/{article_ids[0]}")
        post(ada, f"/articles/{article_ids[0]}/unread")
        assert new_count(ada) == before


def test_saved_stories_and_articles_are_listed_until_unsaved(app, desk):
    story_id, slug, article_ids = desk.story("Ferry")
    with reader(app) as ada:
        post(ada, f"/stories/{story_id}/star", starred="true")
        post(ada, f"/articles/{article_ids[0]}/star", starred="true")
        saved = ada.get("/saved").text
        assert f"/stories/{slug}" in saved
        assert f"/articles/{article_ids[0]}" in saved
        post(ada, f"/stories/{story_id}/star", starred="false")
        post(ada, f"/articles/{article_ids[0]}/star", starred="false")
        saved = ada.get("/saved").text
        assert f"/stories/{slug}" not in saved
        assert f"/articles/{article_ids[0]}" not in saved


def test_the_story_page_shows_whether_it_is_saved(app, desk):
    story_id, slug, _ = desk.story("Ferry")
    with reader(app) as ada:
        assert "☆ Save" in ada.get(f"/stories/{slug}").text
        post(ada, f"/stories/{story_id}/star", starred="true")
        assert "★ Saved" in ada.get(f"/stories/{slug}").text


def test_saving_a_story_that_does_not_exist_is_404(app):
    with reader(app) as ada:
        assert post(ada, "/stories/999999/star", starred="true").status_code == 404


# -- mark all as read -------------------------------------------------------------------------------------------

def test_mark_all_as_read_reads_every_story(app, desk):
    with reader(app) as ada:
        post(ada, "/read-all", shown_at=(utcnow() + timedelta(seconds=1)).isoformat())
        assert new_count(ada) == 0
        assert {card_state(ada, slug) for slug in desk.slugs.values()} == {"Read"}


def test_mark_all_as_read_leaves_what_came_after_the_page_was_shown(app, desk):
    with reader(app) as ada:
        before = new_count(ada)
        post(ada, "/read-all", shown_at=(utcnow() - timedelta(hours=1)).isoformat())
        assert new_count(ada) == before


def test_mark_as_read_older_than_a_day_reads_only_what_came_before_it(db_url):
    make_small_desk(db_url, seen=utcnow() - timedelta(days=3))
    with reader(create_app(db_url, web_settings(db=db_url))) as ada:
        before = new_count(ada)
        post(ada, "/read-all", older_than=(utcnow() - timedelta(days=5)).date().isoformat())
        assert new_count(ada) == before
        post(ada, "/read-all", older_than=(utcnow() - timedelta(days=1)).date().isoformat())
        assert new_count(ada) == 0


def test_a_day_that_is_not_a_date_is_400_and_reads_nothing(app, desk):
    with reader(app) as ada:
        before = desk_state(desk.url)
        answer = post(ada, "/read-all", older_than="last tuesday")
        assert answer.status_code == 400
        assert desk_state(desk.url) == before


def test_mark_a_source_as_read(app, desk):
    with reader(app) as ada:
        post(ada, "/read-all", source=str(desk.sources["hill"]))
        assert new_count(ada) == 3                                  # harbour 2 + quay 1 left


def test_mark_a_folder_as_read(app, desk):
    with reader(app) as ada:
        post(ada, "/read-all", folder="Coast")
        assert new_count(ada) == 2                                  # hill's two reports left


def test_mark_a_folder_that_does_not_exist_is_404(app):
    with reader(app) as ada:
        assert post(ada, "/read-all", folder="Nowhere").status_code == 404


def test_new_counts_per_source_and_folder_on_the_sources_page(app, desk):
    with reader(app) as ada:
        page = ada.get("/sources").text
    folder = re.search(r'<span class="folder">Coast</span>\s*<span class="state new">(\d+) new</span>', page)
    assert folder.group(1) == "3"


# -- hidden sources and folders --------------------------------------------------------------------------------

def test_a_hidden_source_takes_its_own_stories_off_the_home_page(app, desk):
    _, hill_only, _ = desk.story("Hill")
    _, shared, _ = desk.story("Market")
    with reader(app) as ada:
        post(ada, "/hidden", kind="source", value=str(desk.sources["hill"]), hidden="true")
        assert card_state(ada, hill_only) == "absent"
        assert card_state(ada, shared) == "New"                  # harbour tells it too


def test_a_hidden_source_is_not_counted(app, desk):
    with reader(app) as ada:
        post(ada, "/hidden", kind="source", value=str(desk.sources["hill"]), hidden="true")
        assert new_count(ada) == 3


def test_a_hidden_folder_hides_its_sources(app, desk):
    _, ferry, _ = desk.story("Ferry")
    with reader(app) as ada:
        post(ada, "/hidden", kind="folder", value="Coast", hidden="true")
        assert card_state(ada, ferry) == "absent"
        assert new_count(ada) == 2


def test_a_hidden_source_shown_again_comes_back(app, desk):
    _, hill_only, _ = desk.story("Hill")
    with reader(app) as ada:
        post(ada, "/hidden", kind="source", value=str(desk.sources["hill"]), hidden="true")
        post(ada, "/hidden", kind="source", value=str(desk.sources["hill"]), hidden="false")
        assert card_state(ada, hill_only) == "New"


def test_a_hidden_source_is_shown_when_asked_for(app, desk):
    _, hill_only, _ = desk.story("Hill")
    with reader(app) as ada:
        post(ada, "/hidden", kind="source", value=str(desk.sources["hill"]), hidden="true")
        assert f"/stories/{hill_only}" in ada.get(f"/?source={desk.sources['hill']}").text


@pytest.mark.parametrize("kind, value", [("source", "999999"), ("folder", "Nowhere"), ("tag", "x")])
def test_hiding_what_is_not_there_is_refused_and_stored_nowhere(app, desk, kind, value):
    with reader(app) as ada:
        before = desk_state(desk.url)
        assert post(ada, "/hidden", kind=kind, value=value).status_code in (400, 404)
        assert desk_state(desk.url) == before


def test_hiding_is_for_the_user_only(app, desk):
    _, hill_only, _ = desk.story("Hill")
    with reader(app) as ada, reader(app, "bob") as bob:
        post(ada, "/hidden", kind="source", value=str(desk.sources["hill"]), hidden="true")
        assert card_state(bob, hill_only) == "New"


# -- two users --------------------------------------------------------------------------------------------------

def test_one_users_reads_are_not_anothers(app, desk):
    _, slug, _ = desk.story("Ferry")
    with reader(app) as ada, reader(app, "bob") as bob:
        ada.get(f"/stories/{slug}")
        assert card_state(bob, slug) == "New"


def test_one_users_saved_list_is_not_anothers(app, desk):
    story_id, slug, _ = desk.story("Ferry")
    with reader(app) as ada, reader(app, "bob") as bob:
        post(ada, f"/stories/{story_id}/star", starred="true")
        assert f"/stories/{slug}" not in bob.get("/saved").text


def test_a_form_naming_another_user_changes_only_the_senders_state(app, desk):
    """No reading form takes a user: ids of another user slipped into the form (as `user`, `user_id`) are
    ignored, and the change is the sender's."""
    story_id, slug, _ = desk.story("Ferry")
    bob = str(desk.users["bob"])
    with reader(app) as ada, reader(app, "bob") as bob_browser:
        post(ada, f"/stories/{story_id}/star", starred="true", user=bob, user_id=bob)
        post(ada, "/read-all", user=bob, user_id=bob, shown_at=(utcnow() + timedelta(seconds=1)).isoformat())
        post(ada, "/hidden", kind="folder", value="Coast", user=bob, user_id=bob)
        assert f"/stories/{slug}" not in bob_browser.get("/saved").text
        assert new_count(bob_browser) == 5
        assert card_state(bob_browser, slug) == "New"
        assert new_count(ada) == 0


def test_a_stranger_cannot_post_reading_state(app, desk):
    story_id, _, _ = desk.story("Ferry")
    before = desk_state(desk.url)
    with TestClient(app) as stranger:
        answer = stranger.post(f"/stories/{story_id}/star", data={"csrf": csrf_of(stranger), "starred": "true"},
                               follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")
    assert desk_state(desk.url) == before


def test_reading_forms_without_csrf_are_403_and_change_nothing(app, desk):
    story_id, _, article_ids = desk.story("Ferry")
    with reader(app) as ada:
        before = desk_state(desk.url)
        for path, data in ((f"/stories/{story_id}/star", {"starred": "true"}), (f"/stories/{story_id}/unread", {}),
                           (f"/articles/{article_ids[0]}/star", {"starred": "true"}),
                           (f"/articles/{article_ids[0]}/unread", {}), ("/read-all", {}),
                           ("/hidden", {"kind": "folder", "value": "Coast"})):
            answer = ada.post(path, data=data, follow_redirects=False)
            assert answer.status_code == 403, path
        assert desk_state(desk.url) == before


# -- it lasts ---------------------------------------------------------------------------------------------------

def test_reading_state_survives_reopening_the_database(desk):
    story_id, slug, article_ids = desk.story("Ferry")
    _, hill_only, _ = desk.story("Hill")
    app = create_app(desk.url, web_settings(db=desk.url))
    with reader(app) as ada:
        ada.get(f"/stories/{slug}")
        post(ada, f"/stories/{story_id}/star", starred="true")
        post(ada, "/hidden", kind="source", value=str(desk.sources["hill"]), hidden="true")
        count = new_count(ada)
    again = create_app(desk.url, web_settings(db=desk.url))
    with reader(again) as ada:
        assert card_state(ada, slug) == "Read"
        assert f"/stories/{slug}" in ada.get("/saved").text
        assert card_state(ada, hill_only) == "absent"
        assert new_count(ada) == count


# -- fast ---------------------------------------------------------------------------------------------------------

def test_the_home_page_reads_a_users_state_in_the_same_queries_for_any_number_of_cards(client, monkeypatch):
    """No query per card: all the demo desk's stories, and those of one source (fewer), cost a logged-in user
    the same number of statements."""
    from newsdesk.accounts import add_user
    from newsdesk.storage.database import SQLiteDatabase

    storage = open_storage(client.db)
    if storage.user_named("carla") is None:
        add_user(storage, "carla", READER_PASSWORD)
    source = storage.list_sources()[0].id
    storage.close()
    counted = []
    with reader(client.app, "carla") as carla:
        for url in ("/", f"/?source={source}"):
            carla.get(url)                               # the cards' own reads are cached by then
            calls = []
            original = SQLiteDatabase.query
            monkeypatch.setattr(SQLiteDatabase, "query",
                                lambda self, *a, **k: calls.append(a[0]) or original(self, *a, **k))
            html = carla.get(url).text
            monkeypatch.setattr(SQLiteDatabase, "query", original)
            counted.append((html.count('<li class="story-card'), len(calls)))
    (many, first), (few, then) = counted
    assert few < many, counted
    assert first == then, counted


# -- since you last read -----------------------------------------------------------------------------------------

def test_a_story_read_before_opens_on_what_changed_since(app, desk):
    _, slug, _ = desk.story("Market")
    with reader(app) as ada:
        first = ada.get(f"/stories/{slug}").text
        again = ada.get(f"/stories/{slug}").text
    assert "data-since-read" not in first
    assert "Nothing new since you read this" in again
