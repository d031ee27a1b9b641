"""What the sync APIs read (storage/sync_items.py), on SQLite and PostgreSQL: originals paged by id, counted
without their reprints, each user's unread originals and story read state."""

from datetime import timedelta

from newsdesk.accounts import add_user
from newsdesk.model import NewArticle
from newsdesk.timeutil import utcnow
from tests.sync.deskdata import build_desk


def test_originals_page_by_id_without_reprints(storage):
    sources, articles, _ = build_desk(storage)
    everyone = sorted(sources.values())
    originals = sorted(i for n, i in articles.items() if n != "tram-reprint")
    assert [a.id for a in storage.original_articles(everyone, after_id=0, limit=50)] == originals
    assert [a.id for a in storage.original_articles(everyone, after_id=0, limit=2)] == originals[:2]
    assert [a.id for a in storage.original_articles(everyone, before_id=originals[3], limit=2)] == [
        originals[2], originals[1]]
    herald = [sources["Mountain Herald"]]
    assert [a.id for a in storage.original_articles(herald, after_id=0)] == [articles["ferry-herald"]]
    assert storage.original_articles(everyone, ids=[articles["tram-reprint"]]) == []
    assert storage.original_articles([], after_id=0) == []


def test_counting_originals_leaves_out_reprints_hidden_and_removed_sources(storage):
    sources, articles, _ = build_desk(storage)
    everyone = list(sources.values())
    assert storage.count_original_articles(everyone) == len(articles) - 1
    assert storage.count_original_articles([sources["Mountain Herald"]]) == 1       # its reprint is not counted
    assert storage.count_original_articles([s for t, s in sources.items() if t != "River Courier"]) == len(
        articles) - 1 - 2
    storage.remove_source(sources["Wire Service"])       # its article stays, in no source
    assert storage.count_original_articles([s for t, s in sources.items() if t != "Wire Service"]) == len(
        articles) - 2
    assert storage.count_original_articles([]) == 0


def test_unread_originals_agree_with_reading_state(storage):
    sources, articles, _ = build_desk(storage)
    ada = add_user(storage, "ada", "correct horse battery")
    scope = sorted(sources.values())
    storage.mark_articles(ada.id, [articles["tram-gazette"], articles["lone-courier"]], read=True)
    storage.mark_all_read(ada.id, utcnow() + timedelta(seconds=1), source_ids=[sources["Mountain Herald"]])
    storage.mark_articles(ada.id, [articles["ferry-herald"]], read=False)
    user = storage.get_user(ada.id)
    expected = storage.unread_article_ids(ada.id, user.read_before, source_ids=scope)
    found = storage.unread_original_ids(ada.id, user.read_before, scope)
    assert found == sorted(expected, reverse=True)
    assert articles["tram-gazette"] not in found and articles["ferry-herald"] in found
    storage.mark_all_read(ada.id, utcnow() + timedelta(seconds=1))
    user = storage.get_user(ada.id)
    assert storage.unread_original_ids(ada.id, user.read_before, scope) == []
    storage.mark_articles(ada.id, [articles["tram-courier"]], read=False)
    assert storage.unread_original_ids(ada.id, user.read_before, scope) == [articles["tram-courier"]]


def test_story_state_follows_reads_new_outlets_and_the_mark(storage):
    sources, articles, stories = build_desk(storage)
    ada = add_user(storage, "ada", "correct horse battery")
    tram = stories["tram"]

    def unread() -> list[int]:
        user = storage.get_user(ada.id)
        return storage.unread_story_ids(ada.id, user.read_before)

    assert sorted(unread()) == sorted(stories.values())
    storage.mark_story_read(ada.id, tram, storage.story_article_ids([tram])[tram])
    assert unread() == [stories["ferry"]]
    user = storage.get_user(ada.id)
    assert storage.story_states(ada.id, user.read_before, [tram]) == {tram: (True, False)}
    late = storage.insert_article(NewArticle(url="https://new.example/1", text="New.", text_hash="new",
                                             source_id=sources["Wire Service"], outlet="Lakeside Post"))
    storage.assign_story(late, tram, 0.9)
    storage.save_story_page(tram, headline="The tram story", page_json=storage.get_story(tram).page_json,
                            first_published=utcnow(), last_updated=utcnow(), article_count=5, independent_count=4,
                            reprint_count=1)
    assert tram in unread()          # an outlet the reader had read nothing from
    assert storage.mark_stories_read_before(ada.id, user.read_before, utcnow() + timedelta(seconds=1)) == 2
    assert unread() == []
    storage.mark_story_unread_explicitly(ada.id, tram)
    assert unread() == [tram]
