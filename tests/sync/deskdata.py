"""A small desk written straight through storage: four sources (two in the folder "Local", one in "World", one
in none), seven articles of which one is a reprint, and two stories with pages naming their outlets."""

from __future__ import annotations

import json

from newsdesk.model import NewArticle
from newsdesk.storage import Storage
from newsdesk.timeutil import utcnow


def _page(headline: str, outlets: list[str], ids: list[int], reprints: list[tuple[str, str]]) -> str:
    return json.dumps({
        "headline": headline, "headline_article_id": ids[0],
        "summary": [{"text": f"{headline}, {outlets[0]} reports.", "article_id": ids[0], "outlet": outlets[0],
                     "also": [[ids[-1], outlets[-1]]], "source_text": ""}],
        "takeaways": [{"text": f"What {o} adds about it.", "article_id": i, "outlet": o, "also": [],
                       "source_text": ""} for o, i in zip(outlets, ids)],
        "unique": {}, "first_published": None, "last_updated": None, "timeline": [],
        "independent": outlets, "reprints": [list(r) for r in reprints]})


def build_desk(storage: Storage) -> tuple[dict, dict, dict]:
    sources = {}
    for title, folder in (("Harbour Gazette", "Local"), ("River Courier", "Local"), ("Wire Service", None),
                          ("Mountain Herald", "World")):
        sources[title] = storage.add_source(f"https://{title.split()[0].lower()}.example/feed.xml", title=title,
                                            site_url=f"https://{title.split()[0].lower()}.example/",
                                            folder=folder).id
    articles = {}
    plan = [("tram-gazette", "Harbour Gazette"), ("tram-courier", "River Courier"), ("tram-wire", "Wire Service"),
            ("tram-reprint", "Mountain Herald"), ("ferry-gazette", "Harbour Gazette"),
            ("ferry-herald", "Mountain Herald"), ("lone-courier", "River Courier")]
    for name, outlet in plan:
        articles[name] = storage.insert_article(NewArticle(
            url=f"https://{outlet.split()[0].lower()}.example/{name}", source_id=sources[outlet], outlet=outlet,
            title=f"{name.split('-')[0].title()} news from {outlet}", author=f"Writer of {outlet}",
            text=f"First paragraph of {name}.\n\nSecond paragraph of {name} <b>not markup</b>.",
            text_hash=f"hash-{name}", published_at=utcnow(), language="en"))
    storage.mark_copy(articles["tram-reprint"], articles["tram-wire"], 0.97, "minhash")
    stories = {}
    for name, members, reprints in (
            ("tram", ["tram-gazette", "tram-courier", "tram-wire", "tram-reprint"],
             [("Mountain Herald", "Wire Service")]),
            ("ferry", ["ferry-gazette", "ferry-herald"], [])):
        story_id = storage.create_story(name)
        for member in members:
            storage.assign_story(articles[member], story_id, 0.9)
        originals = [m for m in members if m != "tram-reprint"]
        outlets = [next(o for n, o in plan if n == m) for m in originals]
        storage.save_story_page(story_id, headline=f"The {name} story", page_json=_page(
            f"The {name} story", outlets, [articles[m] for m in originals], reprints),
            first_published=utcnow(), last_updated=utcnow(), article_count=len(members),
            independent_count=len(originals), reprint_count=len(reprints))
        stories[name] = story_id
    return sources, articles, stories
