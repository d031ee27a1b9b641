"""How names as written become the names shown and the keys they are matched by."""

import pytest

from newsdesk.entities import clean_name, fold, match_key, reads_language, search_key
from newsdesk.entities.names import plausible
from newsdesk.model import EntityType

P, O, L = EntityType.PERSON, EntityType.ORGANISATION, EntityType.PLACE


def key(text, kind=P):
    return match_key(clean_name(text, kind), kind)


def test_accents_and_case_fold_alike():
    assert fold("Mélanie JOLY") == "melanie joly"
    assert key("Mélanie Joly") == key("Melanie Joly") == key("MÉLANIE JOLY") == "melanie joly"
    assert key("Étienne Garrigue") == "etienne garrigue"


@pytest.mark.parametrize("written", ["Joly's", "Joly’s", "Joly‘s", "Joly'"])
def test_possessives_go(written):
    assert clean_name(written, P) == "Joly"


@pytest.mark.parametrize("written, shown", [
    ("Minister Mélanie Joly", "Mélanie Joly"), ("Foreign Affairs Minister Mélanie Joly", "Mélanie Joly"),
    ("Mr Joly", "Joly"), ("Dr. Ada Voss", "Ada Voss"), ("President Biden", "Biden"), ("Prime Minister Ada Voss's", "Ada Voss"),
    ("Boss Sue Harrow", "Sue Harrow"), ("Ms Calloway", "Calloway")])
def test_titles_before_a_persons_name_go(written, shown):
    assert clean_name(written, P) == shown


def test_a_title_alone_or_in_an_organisation_stays():
    assert clean_name("President", P) == "President"
    assert clean_name("Minister of Transport", O) == "Minister of Transport"


def test_the_goes_from_organisations_and_places_not_people():
    assert clean_name("the Aldermark Space Agency’s", O) == "Aldermark Space Agency"
    assert clean_name("The Fenwick Valley", L) == "Fenwick Valley"
    assert clean_name("The Rock", P) == "The Rock"


def test_legal_forms_leave_an_organisations_key_not_its_name():
    assert clean_name("Hikvision Canada Inc.", O) == "Hikvision Canada Inc."
    assert key("Hikvision Inc.", O) == key("Hikvision", O) == "hikvision"
    assert key("Hikvision Canada Inc.", O) == "hikvision canada"
    assert key("Acme Ltd", P) == "acme ltd"       # only organisations have legal forms


def test_possessives_inside_a_name_leave_its_key():
    assert key("St Oswin’s Church", O) == "st oswin church"


def test_what_a_reader_types_finds_the_same_keys():
    assert search_key("  mélanie   JOLY ") == "melanie joly"


@pytest.mark.parametrize("span", ["Mélanie Joly", "Parti de l'Avenir", "Communications Workers’ Guild", "ASA",
                                  "Port-Séverin", "Dunlin & Roe"])
def test_names_are_plausible(span):
    assert plausible(span)


@pytest.mark.parametrize("span, kind", [("Skarholm five and a half years ago", O), ("TSUNAMI SCARE: Families", O),
                                        ("Corrie Hart & Co. “Trust", O), ("Magnitude 5.8", P), ("x", P),
                                        ("lowercase words", L), ("Hollinsport Rovers 2-1", P)])
def test_spans_that_are_no_names_are_dropped(span, kind):
    assert not plausible(span, kind)


@pytest.mark.parametrize("language, read", [("en", True), ("en-GB", True), ("EN_us", True), (None, True), ("", True),
                                            ("fr", False), ("de-CH", False)])
def test_only_english_or_unstated_languages_are_read(language, read):
    assert reads_language(language) is read
