"""A story's names resolved into one group per real-world thing."""

from newsdesk.entities import resolve_story
from newsdesk.model import EntityType, Mention

P, O, L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE


def groups(*articles):
    return {g.key: g for g in resolve_story(enumerate(articles, start=1))}


def test_one_person_under_accented_unaccented_titled_and_surname_forms():
    found = groups([Mention("Foreign Minister Mélanie Joly", P, 1), Mention("Joly's", P, 2)],
                   [Mention("Melanie Joly", P, 1), Mention("Ms Joly", P, 1)])
    assert list(found) == ["melanie joly"]
    joly = found["melanie joly"]
    assert joly.name == "Mélanie Joly"          # the accented form wins a tie
    assert joly.mentions == {1: 3, 2: 2}
    assert set(joly.aliases) == {"melanie joly", "joly"}


def test_a_surname_two_people_share_names_neither():
    found = groups([Mention("Harriet Calloway", P, 2), Mention("Gregory Calloway", P, 1), Mention("Calloway", P, 3)])
    assert {"harriet calloway", "gregory calloway"} == set(found)
    assert found["harriet calloway"].mentions == {1: 2}


def test_a_surname_the_model_took_for_an_organisation_is_the_person():
    found = groups([Mention("Étienne Garrigue", P, 1), Mention("Garrigue", O, 4)])
    assert list(found) == ["etienne garrigue"]
    assert found["etienne garrigue"].type == P


def test_a_first_name_alone_is_the_one_person_of_that_name():
    found = groups([Mention("Gregory Calloway", P, 1), Mention("Gregory", O, 2)])
    assert list(found) == ["gregory calloway"]


def test_a_place_is_never_merged_into_a_person():
    found = groups([Mention("Hollinsport Rovers", P, 2), Mention("HOLLINSPORT", P, 1), Mention("Hollinsport", L, 2)])
    assert "hollinsport" in found and "hollinsport rovers" in found


def test_initials_name_the_one_organisation_with_them():
    found = groups([Mention("the Aldermark Space Agency", O, 1), Mention("ASA", O, 2)])
    assert list(found) == ["aldermark space agency"]
    assert found["aldermark space agency"].aliases["asa"] == "ASA"


def test_an_organisations_longer_form_stays_apart_marked_as_part_of_it():
    found = groups([Mention("Hikvision", O, 2)], [Mention("Hikvision Canada Inc.", O, 1), Mention("Hikvision Inc.", O, 1)])
    assert found["hikvision canada"].part_of == "hikvision"
    assert found["hikvision"].mentions == {1: 2, 2: 1}     # "Hikvision Inc." is Hikvision itself
    assert found["hikvision"].part_of is None


def test_no_longer_form_of_a_name_the_story_uses_as_a_place():
    found = groups([Mention("Thornbury", O, 3), Mention("Thornbury", L, 1), Mention("Thornbury Bridge", O, 1)])
    assert found["thornbury bridge"].part_of is None


def test_a_key_takes_the_type_most_mentions_give_it():
    found = groups([Mention("Veyra", O, 9), Mention("Veyra", P, 1), Mention("Veyra", L, 2)])
    assert found["veyra"].type == O and found["veyra"].mentions == {1: 12}


def test_a_lone_word_read_as_person_and_as_place_is_a_place_when_no_one_is_so_named():
    found = groups([Mention("Millbeck", P, 2)], [Mention("Millbeck", P, 1), Mention("Thornbury", L, 1)],
                   [Mention("Millbeck", L, 1)])
    assert found["millbeck"].type == L


def test_a_lone_word_read_as_person_and_as_place_stays_the_person_the_story_names_in_full():
    found = groups([Mention("Ada Millbeck", P, 1), Mention("Millbeck", P, 2)], [Mention("Millbeck", L, 1)])
    assert found["ada millbeck"].type == P


def test_a_lone_word_a_report_gave_a_title_stays_a_person():
    found = groups([Mention("President Biden", P, 1), Mention("Biden", P, 1)], [Mention("Biden", L, 1)])
    assert found["biden"].type == P


def test_a_lone_word_read_as_person_and_as_organisation_keeps_the_most_mentions_type():
    found = groups([Mention("Hollander", P, 3)], [Mention("Hollander", O, 1)])
    assert found["hollander"].type == P


def test_most_mentioned_first_and_nothing_from_nothing():
    found = resolve_story([(1, [Mention("Ottawa", L, 1), Mention("Canada", L, 5)])])
    assert [g.key for g in found] == ["canada", "ottawa"]
    assert resolve_story([(1, []), (2, [Mention("'s", P, 1)])]) == []
