"""The language of a report from its title and text, language codes, numbers across languages, and a story's
coverage by language."""

import pytest

from newsdesk.language import (base_language, coverage_line, detect, english_numerals, language_counts,
                               language_name, language_of)

REPORTS = {
    "en": ("Ferry capsizes off the coast, forty passengers missing", "Rescue boats searched the bay through the night."),
    "fr": ("Un ferry chavire au large de la côte, quarante passagers disparus",
           "Les secours ont fouillé la baie toute la nuit."),
    "es": ("Naufraga un ferri frente a la costa, cuarenta pasajeros desaparecidos",
           "Los equipos de rescate buscaron en la bahía durante toda la noche."),
    "de": ("Fähre kentert vor der Küste, vierzig Passagiere vermisst",
           "Rettungsboote suchten die ganze Nacht in der Bucht."),
    "it": ("Traghetto si capovolge al largo della costa, quaranta passeggeri dispersi",
           "I soccorritori hanno cercato nella baia per tutta la notte."),
}


@pytest.mark.parametrize("language", sorted(REPORTS))
def test_a_report_is_found_in_its_language(language):
    title, text = REPORTS[language]
    assert language_of(title, text) == language


@pytest.mark.parametrize("language", sorted(REPORTS))
def test_a_headline_alone_is_enough(language):
    assert language_of(REPORTS[language][0], "") == language


def test_what_the_detector_is_unsure_of_takes_the_declared_language():
    assert detect("11 / 28 / 05")[0] is None
    assert language_of("11 / 28 / 05", "", declared="de-AT") == "de"
    assert language_of("11 / 28 / 05", "") is None


def test_a_confident_detection_beats_a_wrong_declaration():
    title, text = REPORTS["es"]
    assert language_of(title, text, declared="en") == "es"


@pytest.mark.parametrize("tag, code", [("fr-CA", "fr"), ("fra", "fr"), ("ger", "de"), ("en_GB", "en"), ("ES", "es"),
                                       ("", None), (None, None), ("not a tag", None), ("x1", None)])
def test_language_tags_come_down_to_two_letters(tag, code):
    assert base_language(tag) == code


def test_a_language_has_a_name():
    assert language_name("de") == "German"
    assert language_name("deu") == "German"


@pytest.mark.parametrize("text, language, expected", [
    ("magnitud 6,3 y 1.800 vecinos", "es", "magnitud 6.3 y 1800 vecinos"),
    ("4 200 foyers, 6,8 milliards", "fr", "4200 foyers, 6.8 milliards"),
    ("1.234.567 Einwohner", "de", "1234567 Einwohner"),
    ("6,3 and 1,800", "en", "6,3 and 1,800"),
])
def test_numbers_are_read_the_english_way_in_decimal_comma_languages(text, language, expected):
    assert english_numerals(text, language) == expected


def test_coverage_by_language_counts_most_first():
    counts = language_counts(["es", "en", "en-GB", None, "fr", "en", "es", "eng"])
    assert counts == {"en": 4, "es": 2, "fr": 1, "und": 1}
    assert coverage_line(counts) == "en 4 · es 2 · fr 1 · und 1"
