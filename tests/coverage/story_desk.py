"""A desk written straight through storage (SQLite or PostgreSQL): the Sea Lark ferry story of the LLM writer's
tests told by three sources, with a reprint by a fourth; and a one-source story. Pages are minimal."""

import json
from dataclasses import dataclass

from newsdesk.model import NewArticle, StoryArticle
from newsdesk.storage import Storage
from tests.synthesize.test_llm import STORY

OUTLETS = ("Northport Herald", "Coastal Times", "Island Post", "Wire Copy")


@dataclass
class FerryDesk:
    sources: dict[str, int]       # outlet → source id
    articles: dict[str, int]      # outlet → article id
    ferry: int                    # story id
    ferry_slug: str
    lonely: int                   # a story told by one source


def _page(storage: Storage, story_id: int, headline: str, article_ids: list[int], outlets: list[str]) -> None:
    page = {"headline": headline, "headline_article_id": article_ids[0],
            "summary": [{"text": headline + ".", "article_id": article_ids[0], "outlet": outlets[0], "also": [],
                         "source_text": ""}],
            "takeaways": [], "unique": {}, "first_published": None, "last_updated": None, "timeline": [],
            "independent": outlets, "reprints": []}
    storage.save_story_page(story_id, headline=headline, page_json=json.dumps(page), first_published=None,
                            last_updated=None, article_count=len(article_ids), independent_count=len(outlets),
                            reprint_count=len(article_ids) - len(outlets))


def _insert(storage: Storage, source_id: int, outlet: str, article: StoryArticle, n: int) -> int:
    return storage.insert_article(NewArticle(
        url=f"http://127.0.0.1:9/{n}", text=article.text, text_hash=f"h{n}", source_id=source_id, outlet=outlet,
        title=article.title, published_at=article.published))


def make_ferry_desk(storage: Storage) -> FerryDesk:
    sources = {o: storage.add_source(f"http://127.0.0.1:9/{n}.xml", title=o).id for n, o in enumerate(OUTLETS)}
    articles = {a.outlet: _insert(storage, sources[a.outlet], a.outlet, a, n) for n, a in enumerate(STORY)}
    articles["Wire Copy"] = _insert(storage, sources["Wire Copy"], "Wire Copy", STORY[0], 9)
    storage.mark_copy(articles["Wire Copy"], articles["Northport Herald"], 1.0, "exact")
    ferry = storage.create_story("ferry")
    for article_id in articles.values():
        storage.assign_story(article_id, ferry, 1.0)
    _page(storage, ferry, "Sea Lark ferry runs aground off Calder Island", list(articles.values()),
          list(OUTLETS[:3]))
    lonely = storage.create_story("lonely")
    only = _insert(storage, sources["Island Post"], "Island Post", STORY[2], 10)
    storage.assign_story(only, lonely, 1.0)
    _page(storage, lonely, "Island Post alone", [only], ["Island Post"])
    return FerryDesk(sources, articles, ferry, storage.get_story(ferry).slug, lonely)
