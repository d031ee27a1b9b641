"""A story's names counted again in the part of each article the recogniser did not read."""

from newsdesk.entities import named_again
from newsdesk.model import EntityType, Mention

WHITLOCK = Mention("Dana Whitlock", EntityType.PERSON, 1)
CALLAN = Mention("Port Callan", EntityType.PLACE, 2)


def test_a_name_another_article_gave_is_counted_in_a_tail():
    found = named_again({1: [WHITLOCK], 2: [CALLAN]}, {2: "Later, union leader Dana Whitlock thanked them."})
    assert WHITLOCK in found[2]


def test_the_names_read_are_kept():
    found = named_again({1: [WHITLOCK], 2: [CALLAN]}, {2: "Later, union leader Dana Whitlock thanked them."})
    assert CALLAN in found[2]


def test_a_name_found_in_the_read_part_and_the_tail_adds_up():
    found = named_again({1: [CALLAN]}, {1: "Port Callan reopened. Ships left Port Callan at dawn."})
    assert found[1] == [Mention("Port Callan", EntityType.PLACE, 4)]


def test_only_whole_words_count():
    found = named_again({1: [Mention("Callan", EntityType.PLACE, 1)]}, {1: "Callanish stones and MacCallan."})
    assert found[1] == [Mention("Callan", EntityType.PLACE, 1)]


def test_the_longer_name_wins_where_both_start():
    found = named_again({1: [WHITLOCK, Mention("Dana", EntityType.PERSON, 1)]}, {1: "Dana Whitlock spoke."})
    assert Mention("Dana Whitlock", EntityType.PERSON, 2) in found[1]


def test_a_name_that_is_a_common_word_is_not_counted_again():
    may = Mention("May", EntityType.PERSON, 1)
    assert named_again({1: [may]}, {1: "Prices may rise. May said so."})[1] == [may]


def test_no_name_is_found_that_no_article_gave():
    assert named_again({1: [WHITLOCK], 2: []}, {2: "Roland Busch spoke in Frankfurt."})[2] == []
