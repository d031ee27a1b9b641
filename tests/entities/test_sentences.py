"""Which sentences the recogniser reads: only those that can hold a name, with the way back to the whole text."""

import subprocess
import sys

import pytest

from newsdesk.entities.sentences import NameBearing, can_name, common_words, lead

TEXT = ("Floods hit Tarnby overnight.\n\nThe river rose faster than expected. Mayor Ada Voss said 300 homes were "
        "empty. He added that the water would fall by evening.\n\nIt rained again. Hikvision said nothing.")


@pytest.mark.parametrize("sentence", [
    "Mayor Ada Voss said 300 homes were empty.", "Hikvision said nothing.", "US troops left the base.",
    "HOLLINSPORT — the ground shook.", "“Nobody expected it,” said Ines Morrow.", "The deal was signed in Kestria."])
def test_a_sentence_with_a_capital_that_is_no_common_first_word_can_name(sentence):
    assert can_name(sentence)


@pytest.mark.parametrize("sentence", [
    "The river rose faster than expected.", "He added that the water would fall by evening.", "It rained again.",
    "Meanwhile, crews worked through the night.", "“We lost everything,” one resident said.", "12 people were hurt."])
def test_a_sentence_whose_one_capital_is_a_common_first_word_names_nothing(sentence):
    assert not can_name(sentence)


def test_sentences_that_name_nothing_are_left_out():
    assert NameBearing(TEXT).text == ("Floods hit Tarnby overnight. Mayor Ada Voss said 300 homes were empty. "
                                      "Hikvision said nothing.")


def test_an_abbreviation_before_a_lower_case_word_ends_no_sentence():
    text = "The river rose. Hikvision Canada Inc. has 30 days to comply."
    assert NameBearing(text).text == "Hikvision Canada Inc. has 30 days to comply."


def test_sentences_kept_side_by_side_keep_their_spacing():
    text = "Ada Voss spoke first. Then Ines Morrow replied.\nKestria waited."
    assert NameBearing(text).text == text


@pytest.mark.parametrize("name", ["Tarnby", "Ada Voss", "Hikvision"])
def test_an_offset_in_what_is_read_leads_back_to_the_same_characters(name):
    read = NameBearing(TEXT)
    start = read.text.index(name)
    assert TEXT[read.original(start):read.original(start) + len(name)] == name


def test_a_text_that_names_nothing_leaves_nothing_to_read():
    assert NameBearing("The river rose. It rained again.").text == ""


def test_the_lead_ends_with_the_last_whole_sentence_within_the_limit():
    assert lead(TEXT, 40) == "Floods hit Tarnby overnight."


def test_a_text_within_the_limit_is_read_whole():
    assert lead(TEXT, len(TEXT)) == TEXT


def test_without_a_sentence_end_the_lead_ends_between_words():
    assert lead("Floods hit Tarnby overnight and the river rose", 20) == "Floods hit Tarnby"


def test_the_common_words_are_spacys_english_stop_words():
    from spacy.lang.en.stop_words import STOP_WORDS

    assert common_words() == frozenset(STOP_WORDS)


def test_reading_the_common_words_leaves_spacy_out_of_the_desks_process():
    probe = ("import sys; from newsdesk.entities.sentences import can_name; can_name('The council met.'); "
             "print('spacy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
