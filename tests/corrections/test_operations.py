"""Corrections change the stories as asked, are logged with who and what, and undo to what was; refusals
change nothing. On SQLite and PostgreSQL."""

import pytest

from newsdesk.config import Settings
from newsdesk.corrections import (BadCorrection, NotFound, hide_story, merge_stories, move_article, pin_story,
                                  rename_story, split_story, undo)
from newsdesk.model import CorrectionKind, LinkKind
from newsdesk.pipeline import rewrite_pages


def members(storage, story_id):
    return {a.id for a in storage.story_articles(storage.get_story(story_id).id)}


def test_moving_an_article_to_another_story_is_logged_and_undone(storage, grouped):
    a_story, b_story = grouped.story(storage, grouped.quake_a[0]), grouped.story(storage, grouped.quake_b[0])
    moved = grouped.quake_a[2]
    corrected = move_article(storage, moved, b_story, "editor")
    assert storage.story_of(moved) == b_story
    assert corrected.stories == {a_story, b_story}
    logged = storage.list_corrections()[0]
    assert (logged.kind, logged.actor, logged.story_id, logged.target_id) == (CorrectionKind.MOVE, "editor",
                                                                              a_story, b_story)
    links = set(storage.grouping_links())
    assert (LinkKind.CANNOT, moved, grouped.quake_a[0]) in links
    assert (LinkKind.MUST, moved, grouped.quake_b[0]) in links

    undo(storage, logged.id, "chief")
    assert storage.story_of(moved) == a_story
    assert storage.get_correction(logged.id).undone_by == "chief"
    assert storage.grouping_links() == [], "an undone correction binds the grouper no more"


def test_moving_the_only_article_of_a_story_leaves_its_old_id_leading_to_it(storage, grouped):
    split = split_story(storage, grouped.story(storage, grouped.quake_a[0]), [grouped.quake_a[2]], "editor")
    alone = split.correction.target_id
    a_story = grouped.story(storage, grouped.quake_a[0])
    move_article(storage, grouped.quake_a[2], a_story, "editor")
    assert storage.get_story(alone).id == a_story
    assert storage.get_story(f"{storage.get_story(alone).slug}").id == a_story


def test_moving_to_a_new_story_and_undoing_it(storage, grouped):
    a_story = grouped.story(storage, grouped.quake_a[0])
    corrected = move_article(storage, grouped.quake_a[1], "new", "editor")
    new_story = corrected.correction.target_id
    assert new_story != a_story
    assert members(storage, new_story) == {grouped.quake_a[1]}
    undo(storage, corrected.correction.id, "editor")
    assert storage.story_of(grouped.quake_a[1]) == a_story
    assert storage.get_story(new_story).id == a_story, "the story the move made leads back once undone"


def test_merging_two_stories_redirects_the_old_id_and_slug_and_undoes(storage, grouped):
    a_story, b_story = grouped.story(storage, grouped.quake_a[0]), grouped.story(storage, grouped.quake_b[0])
    b_slug = storage.get_story(b_story).slug
    corrected = merge_stories(storage, a_story, b_story, "editor")
    assert members(storage, a_story) == set(grouped.quake_a + grouped.quake_b)
    assert storage.get_story(b_story).id == a_story
    assert storage.get_story(b_slug).id == a_story
    undo(storage, corrected.correction.id, "editor")
    assert storage.get_story(b_story).id == b_story
    assert members(storage, b_story) == set(grouped.quake_b)
    assert members(storage, a_story) == set(grouped.quake_a)


def test_splitting_a_story_and_undoing_it(storage, grouped):
    a_story = grouped.story(storage, grouped.quake_a[0])
    leaving = grouped.quake_a[1:]
    corrected = split_story(storage, a_story, leaving, "editor")
    new_story = corrected.correction.target_id
    assert members(storage, new_story) == set(leaving)
    assert members(storage, a_story) == {grouped.quake_a[0]}
    links = set(storage.grouping_links())
    assert (LinkKind.CANNOT, leaving[0], grouped.quake_a[0]) in links
    assert (LinkKind.MUST, leaving[0], leaving[1]) in links
    undo(storage, corrected.correction.id, "editor")
    assert members(storage, a_story) == set(grouped.quake_a)


def test_a_pinned_headline_survives_the_page_being_written_again_until_unpinned(storage, grouped):
    a_story = grouped.story(storage, grouped.quake_a[0])
    written = storage.get_story(a_story).headline
    corrected = rename_story(storage, a_story, "Marrowfield earthquake", "editor")
    rewrite_pages(storage, Settings(entities=False), corrected.stories | {a_story})
    assert storage.get_story(a_story).headline == "Marrowfield earthquake"
    move_article(storage, grouped.quake_b[0], a_story, "editor")       # the page is written from new articles
    rewrite_pages(storage, Settings(entities=False), {a_story})
    assert storage.get_story(a_story).headline == "Marrowfield earthquake"
    unpinned = rename_story(storage, a_story, None, "editor")
    rewrite_pages(storage, Settings(entities=False), unpinned.stories)
    assert storage.get_story(a_story).headline != "Marrowfield earthquake"
    undo(storage, unpinned.correction.id, "editor")
    rewrite_pages(storage, Settings(entities=False), {a_story})
    assert storage.get_story(a_story).headline == "Marrowfield earthquake"
    assert written


def test_hidden_stories_leave_the_listing_and_pinned_ones_lead_it(storage, grouped):
    stories = {grouped.story(storage, e[0]) for e in (grouped.quake_a, grouped.quake_b, grouped.transfer)}
    ranked, total = storage.rank_stories()
    last = ranked[-1]
    pin_story(storage, last, "editor")
    assert storage.rank_stories()[0][0] == last
    hidden = hide_story(storage, last, "editor")
    ids, hidden_total = storage.rank_stories()
    assert last not in ids
    assert hidden_total == total - 1
    undo(storage, hidden.correction.id, "editor")
    assert storage.rank_stories()[0][0] == last
    assert set(ranked) == stories


def test_refusals_change_nothing(storage, grouped):
    a_story, b_story = grouped.story(storage, grouped.quake_a[0]), grouped.story(storage, grouped.quake_b[0])
    with pytest.raises(NotFound):
        merge_stories(storage, a_story, 999_999, "editor")
    with pytest.raises(BadCorrection):
        merge_stories(storage, a_story, a_story, "editor")
    with pytest.raises(BadCorrection):
        split_story(storage, a_story, grouped.quake_a, "editor")        # nothing would stay
    with pytest.raises(BadCorrection):
        split_story(storage, a_story, [grouped.quake_b[0]], "editor")   # not in it
    with pytest.raises(BadCorrection):
        move_article(storage, grouped.quake_a[0], a_story, "editor")
    with pytest.raises(NotFound):
        move_article(storage, 999_999, b_story, "editor")
    with pytest.raises(NotFound):
        undo(storage, 999_999, "editor")
    assert storage.list_corrections() == []
    assert members(storage, a_story) == set(grouped.quake_a)
    done = pin_story(storage, a_story, "editor")
    undo(storage, done.correction.id, "editor")
    with pytest.raises(BadCorrection):
        undo(storage, done.correction.id, "editor")


def test_undo_is_refused_once_a_later_correction_moved_the_articles_on(storage, grouped):
    a_story, b_story = grouped.story(storage, grouped.quake_a[0]), grouped.story(storage, grouped.quake_b[0])
    first = move_article(storage, grouped.quake_a[2], b_story, "editor")
    move_article(storage, grouped.quake_a[2], grouped.story(storage, grouped.transfer[0]), "editor")
    with pytest.raises(BadCorrection, match="later correction"):
        undo(storage, first.correction.id, "editor")
    assert storage.get_correction(first.correction.id).undone_at is None
    assert a_story != b_story


def test_why_says_an_editor_placed_a_moved_article_and_that_undoing_put_it_back(storage, grouped):
    from newsdesk.web.why_data import story_why_json

    b_story = grouped.story(storage, grouped.quake_b[0])
    moved = grouped.quake_a[2]

    def reasons_of(story_id):
        articles = storage.story_articles(story_id)
        return {item["article"]: item["reasons"] for item in story_why_json(storage, story_id, articles)}

    corrected = move_article(storage, moved, b_story, "editor")
    said = reasons_of(b_story)[moved]
    assert said == [f"placed in this story by an editor (correction {corrected.correction.id})"]
    undo(storage, corrected.correction.id, "editor")
    said = reasons_of(storage.story_of(moved))[moved]
    assert "was undone" in said[0]


def test_a_hidden_story_leaves_search_and_the_reader_apps_stories_too(storage, grouped):
    story = grouped.story(storage, grouped.transfer[0])
    word = storage.get_story(story).headline.split()[0]
    assert story in {g.story_id for g in storage.search(word).groups if g.story_id}
    assert story in storage.recent_story_ids(50)
    hide_story(storage, story, "editor")
    assert story not in {g.story_id for g in storage.search(word).groups if g.story_id}
    assert story not in storage.recent_story_ids(50)
