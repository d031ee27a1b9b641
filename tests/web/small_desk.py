"""A small desk written straight through storage (SQLite or PostgreSQL, no pipeline): three sources, two of
them in the folder "Coast", three stories, and three users: the admin "admin" and the readers "ada" and
"bob"."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdesk.accounts import add_user, new_token
from newsdesk.model import NewArticle, Role
from newsdesk.storage import Storage, open_storage
from newsdesk.timeutil import utcnow

from .conftest import ADMIN, PASSWORD

READER_PASSWORD = "a reader's own password"
STORIES = {                  # headline -> the sources of its articles
    "Ferry service resumes after the storm": ("harbour", "quay"),
    "Hill library reopens its reading room": ("hill",),
    "Market hall gets a new roof": ("harbour", "hill"),
}


@dataclass
class SmallDesk:
    url: str
    sources: dict[str, int]          # harbour, quay, hill -> source id
    stories: dict[str, int]          # headline -> story id
    articles: dict[str, list[int]]   # headline -> its article ids
    slugs: dict[str, str]            # headline -> slug
    users: dict[str, int]            # admin, ada, bob -> user id
    tokens: dict[str, str]           # admin, ada, bob -> an API token of theirs

    def story(self, headline_start: str) -> tuple[int, str, list[int]]:
        headline = next(h for h in self.stories if h.startswith(headline_start))
        return self.stories[headline], self.slugs[headline], self.articles[headline]


def _page(headline: str, article_ids: list[int], outlets: list[str], when: datetime) -> str:
    return json.dumps({
        "headline": headline, "headline_article_id": article_ids[0],
        "summary": [{"text": f"{headline}, the reports say.", "article_id": article_ids[0], "outlet": outlets[0],
                     "also": [], "source_text": None}],
        "takeaways": [], "unique": {}, "first_published": when.isoformat(), "last_updated": when.isoformat(),
        "timeline": [], "independent": outlets, "reprints": []})


def make_small_desk(url: str, *, seen: datetime | None = None) -> SmallDesk:
    """The desk at `url`; its articles are first seen at `seen` (default now)."""
    import newsdesk.storage.articles as articles_module

    storage: Storage = open_storage(url)
    try:
        outlets = {"harbour": "Harbour Post", "quay": "Quay Times", "hill": "Hill Gazette"}
        folders = {"harbour": "Coast", "quay": "Coast", "hill": None}
        sources = {who: storage.add_source(f"http://127.0.0.1:9/{who}.xml", title=outlets[who],
                                           folder=folders[who]).id for who in outlets}
        when = utcnow() - timedelta(hours=2)
        stories, articles, slugs = {}, {}, {}
        real_now = articles_module.utcnow
        articles_module.utcnow = (lambda: seen) if seen is not None else real_now
        try:
            for n, (headline, told_by) in enumerate(STORIES.items()):
                ids = [storage.insert_article(NewArticle(
                    url=f"http://127.0.0.1:9/{who}/{n}", text=f"{headline}. Reported by {outlets[who]}.",
                    text_hash=f"h-{n}-{who}", source_id=sources[who], outlet=outlets[who],
                    title=f"{headline} ({who})", published_at=when)) for who in told_by]
                story_id = storage.create_story(headline.lower().split()[0])
                for article_id in ids:
                    storage.assign_story(article_id, story_id, 1.0)
                storage.save_story_page(story_id, headline=headline,
                                        page_json=_page(headline, ids, [outlets[w] for w in told_by], when),
                                        first_published=when, last_updated=when - timedelta(minutes=n),
                                        article_count=len(ids), independent_count=len(ids), reprint_count=0)
                stories[headline], articles[headline] = story_id, ids
                slugs[headline] = storage.get_story(story_id).slug
        finally:
            articles_module.utcnow = real_now
        users, tokens = {}, {}
        for name, role, password in ((ADMIN, Role.ADMIN, PASSWORD), ("ada", Role.READER, READER_PASSWORD),
                                     ("bob", Role.READER, READER_PASSWORD)):
            user = add_user(storage, name, password, role, now=(seen or utcnow()) - timedelta(days=1))
            users[name], tokens[name] = user.id, new_token(storage, user)
    finally:
        storage.close()
    return SmallDesk(url, sources, stories, articles, slugs, users, tokens)
