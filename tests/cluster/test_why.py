"""The join facts told in words: names as the NER wrote them, by kind; a token no name holds is left out."""

from newsdesk.cluster import reasons_in_words
from newsdesk.cluster.why import name_groups


def test_the_facts_read_as_short_phrases_strongest_first():
    facts = {"n": ["joly", "hikvision"], "t": 0.82, "e": 0.71, "m": 40, "k": 3, "s": 1}
    assert reasons_in_words(facts) == ["same names: Joly, Hikvision", "title 0.82 similar",
                                       "text 0.71 similar in meaning",
                                       "published 40 min after the story's latest report", "3 numbers shared",
                                       "its outlet wrote in this story within two hours"]


def test_names_come_from_the_articles_mentions_grouped_by_kind():
    mentions = [("Mélanie Joly", "person"), ("Hikvision Canada", "organisation"), ("Ottawa", "place")]
    assert name_groups(["joly", "hikvision", "budget"], mentions) == [
        ("people", ["Mélanie Joly"]), ("organisations", ["Hikvision Canada"])]


def test_times_read_in_hours_or_days_when_long_and_before_when_earlier():
    assert "published 3 h before the story's latest report" in reasons_in_words({"m": -180})
    assert "published 2 days after the story's latest report" in reasons_in_words({"m": 2 * 1440 + 30})
    assert "1 number shared" in reasons_in_words({"k": 1})
