"""A reader's own view on the web desk, served by uvicorn on 127.0.0.1, on SQLite and PostgreSQL: what the user
hides (a folder) or blocks (a query) is left out of their home page, its new count, search (page and JSON), the
stories API and the Atom feeds they read with their token; a keep rule brings a story back; other users and
strangers see the whole desk, and the answers made for one user are private."""

import re

import httpx
import pytest

from newsdesk.alerts import add_rule
from newsdesk.storage import open_storage
from newsdesk.web import create_app

from .conftest import LiveServer, web_settings
from .small_desk import make_small_desk


@pytest.fixture
def desk(db_url):
    desk = make_small_desk(db_url)
    storage = open_storage(desk.url)
    try:
        ada = storage.get_user(desk.users["ada"])
        storage.set_hidden(ada.id, "folder", "Coast", True)        # the Harbour Post and the Quay Times
        add_rule(storage, ada, "block", "query", "library")        # the Hill library story and its report
        add_rule(storage, ada, "keep", "source", "Quay Times")     # wins over the hidden folder
    finally:
        storage.close()
    return desk


@pytest.fixture
def live(desk):
    with LiveServer(create_app(desk.url, web_settings(db=desk.url))) as server:
        yield server


def get(live, desk, path: str, who: str | None = None, **params) -> httpx.Response:
    headers = {"Authorization": f"Bearer {desk.tokens[who]}"} if who else {}
    answer = httpx.get(live.url + path, params=params, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer


def slugs_on(html: str) -> set[str]:
    return set(re.findall(r'href="/stories/([^"]+)"', html))


def test_home_page_and_new_count_leave_out_what_the_user_hides(live, desk):
    _, ferry, _ = desk.story("Ferry")
    _, library, _ = desk.story("Hill library")
    _, market, _ = desk.story("Market")
    mine = get(live, desk, "/", "ada").text
    assert slugs_on(mine) >= {ferry, market}          # the ferry through the kept Quay Times
    assert library not in slugs_on(mine)
    # new reports: the Quay Times' ferry report and the Hill Gazette's market report
    assert re.search(r'class="new-count"><strong>(\d+)</strong>', mine).group(1) == "2"
    assert library in slugs_on(get(live, desk, "/", "bob").text)
    assert library in slugs_on(get(live, desk, "/").text)


def test_stories_api_is_the_users_own_and_private(live, desk):
    ids = {s["id"] for s in get(live, desk, "/api/v1/stories", "ada").json()["stories"]}
    library, _, _ = desk.story("Hill library")
    assert library not in ids
    assert len(ids) == 2
    answer = get(live, desk, "/api/v1/stories", "ada")
    assert answer.headers["cache-control"] == "private, no-cache"
    assert len(get(live, desk, "/api/v1/stories").json()["stories"]) == 3


def test_search_leaves_out_blocked_stories_and_hidden_reports(live, desk):
    library, _, library_articles = desk.story("Hill library")
    _, _, ferry_articles = desk.story("Ferry")
    found = get(live, desk, "/api/v1/search", "ada", q="reported").json()
    hits = {h["article_id"] for g in found["groups"] for h in g["hits"]}
    assert library not in {g["story_id"] for g in found["groups"]}
    assert hits.isdisjoint(library_articles)
    assert ferry_articles[0] not in hits               # the Harbour Post, in the hidden folder
    assert ferry_articles[1] in hits                   # the Quay Times, kept
    everyone = get(live, desk, "/api/v1/search", q="reported").json()
    assert library in {g["story_id"] for g in everyone["groups"]}
    page = get(live, desk, "/search", "ada", q="reported").text
    assert f'href="/stories/{library}"' not in page
    assert f'href="/stories/{library}"' in get(live, desk, "/search", "bob", q="reported").text


def test_atom_feeds_read_with_a_token_are_the_users_own(live, desk):
    library, library_slug, library_articles = desk.story("Hill library")
    top = get(live, desk, "/feeds/top.atom", "ada")
    assert library_slug not in top.text
    assert top.headers["vary"] == "Cookie, Authorization"
    assert library_slug in get(live, desk, "/feeds/top.atom").text          # a stranger's: the desk's
    search = get(live, desk, "/feeds/search.atom", "ada", q="reported").text
    assert f"/stories/{library}<" not in search
    assert f"/stories/{library}<" in get(live, desk, "/feeds/search.atom", q="reported").text
    hill = desk.sources["hill"]
    source = get(live, desk, f"/feeds/sources/{hill}.atom", "ada").text
    assert f"/articles/{library_articles[0]}<" not in source
    assert f"/articles/{library_articles[0]}<" in get(live, desk, f"/feeds/sources/{hill}.atom", "bob").text
