"""Helpers of the reader-view tests: a reader logged in on the small desk, and a report added to one of its
stories after the reader read it (a new outlet, or one more report of an outlet it had)."""

import re

from fastapi.testclient import TestClient

from newsdesk.model import NewArticle
from newsdesk.storage import open_storage

from .small_desk import READER_PASSWORD, SmallDesk
from .test_access import csrf_of


def reader(app, name="ada") -> TestClient:
    client = TestClient(app)
    answer = client.post("/login", data={"name": name, "password": READER_PASSWORD, "csrf": csrf_of(client),
                                         "next": "/"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def post(client, path, **data):
    return client.post(path, data={"csrf": csrf_of(client, "/"), **data}, follow_redirects=False)


def add_report(desk: SmallDesk, headline_start: str, who: str, outlet: str, n: int = 9) -> int:
    """A report by `outlet` (of the desk's source `who`) joins the story now; its id."""
    story_id, _, _ = desk.story(headline_start)
    storage = open_storage(desk.url)
    try:
        article_id = storage.insert_article(NewArticle(
            url=f"http://127.0.0.1:9/{who}/late-{story_id}-{n}",
            text=f"{headline_start} news: the council said on Monday that 40 workers will finish by June.",
            text_hash=f"late-{story_id}-{who}-{n}", source_id=desk.sources[who], outlet=outlet,
            title=f"{headline_start}: a later report ({who})"))
        storage.assign_story(article_id, story_id, 1.0)
        return article_id
    finally:
        storage.close()


def card_state(client, slug) -> str:
    """What the user's home page says of the story ("Read", "New", "Updated: …"), or "absent"."""
    page = client.get("/").text
    card = re.search(rf'<li class="story-card[^"]*" data-story>(?:(?!</li>).)*?/stories/{re.escape(slug)}"'
                     r'(?:(?!</li>).)*</li>', page, re.S)
    if card is None:
        return "absent"
    return re.search(r'<span class="state[^"]*"[^>]*>([^<]+)</span>', card.group(0)).group(1)
