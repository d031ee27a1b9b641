"""The demo corpus through the whole desk, on SQLite and on PostgreSQL."""

import asyncio
import json

from newsdesk.config import Settings
from newsdesk.demo import DemoServer, load_corpus
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage


def poll(desk_storage, settings):
    async def go():
        async with Desk(desk_storage, settings) as desk:
            return await desk.poll(due_only=False)
    return asyncio.run(go())


def test_demo_corpus_lands_once_with_reprints_linked_and_updates_as_revisions(db_url):
    corpus = load_corpus()
    settings = Settings(db=db_url, per_host_delay=0.0, per_host_concurrency=8, extract_workers=1)
    storage = open_storage(db_url)
    with DemoServer() as server:
        Desk(storage, settings).import_opml(server.opml().encode())
        reports = poll(storage, settings)
        assert all(r.status == "ok" and not r.errors for r in reports), [r.errors for r in reports]
        assert storage.count_articles() == len(corpus.articles)

        by_id = {a.id: storage.get_article_by_url(server.article_url(a.id)) for a in corpus.articles}
        for demo in corpus.articles:
            stored = by_id[demo.id]
            assert stored.full_text
            assert stored.title == demo.title
            if demo.reprint_of:
                assert stored.original_id == by_id[demo.reprint_of].id, demo.id
            else:
                assert stored.original_id is None, (demo.id, stored.copy_similarity)

        # a second poll brings nothing new; the updated article becomes a revision
        reports = poll(storage, settings)
        assert sum(r.count("new") + r.count("updated") for r in reports) == 0
        server.set_revision(1)
        reports = poll(storage, settings)
        updated = [o for r in reports for o in r.outcomes if o.status == "updated"]
        revised = [a for a in corpus.articles if a.revisions]
        assert len(updated) == len(revised)
        for demo in revised:
            article = storage.get_article_by_url(server.article_url(demo.id))
            assert article.revision_count == 2
            assert article.title == demo.revisions[-1].title
            history = storage.revisions(article.id)
            assert history[0].title == demo.title
            assert history[0].text != history[1].text
            assert storage.first_revisions([article.id])[article.id] == (history[0].title, history[0].text)
            # its story's timeline: published under its first title, then the update under its new one
            story = storage.get_story(storage.story_of(article.id))
            page = json.loads(story.page_json)
            mine = [entry for entry in page["timeline"] if entry[1] == article.id]
            assert [entry[3:] for entry in mine] == [[demo.title, "published"],
                                                      [demo.revisions[-1].title, "updated"]]
            assert mine[1][0] == page["last_updated"] == article.updated_at.isoformat()
        unrevised = next(a for a in corpus.articles if not a.revisions and not a.reprint_of)
        assert storage.first_revisions([by_id[unrevised.id].id]) == {}
        assert storage.count_articles() == len(corpus.articles)
    storage.close()
