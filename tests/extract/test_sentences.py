import pytest

from newsdesk.extract.sentences import (
    MAX_WORDS, is_boilerplate, raw_sentences, split_sentences, strip_dateline, word_count,
)


@pytest.mark.parametrize("text, expected", [
    ("The U.S. Senate voted 52-48 on Tuesday. The bill now goes to the House.", 2),
    ("Dr. Amara Quill said the levee held. Officials were relieved.", 2),
    ("Inflation rose 3.2 percent in October. Markets fell 1.5% after the report.", 2),
    ('"We are not leaving," said Mayor Lena Ortiz. "This is our home." The council met on Monday.', 3),
    ("Mr. Smith met Ms. Jones at 5 p.m. on Friday. They discussed the U.N. report.", 2),
    ("The company, Acme Inc., reported $4.5 billion in revenue. Shares rose.", 2),
    ('He asked, "Is it safe?" Nobody answered.', 2),
    ("Sen. Bernie Sanders won Nevada. Gov. Ron DeSantis of Fla. disagreed.", 2),
    ("Prices hit $3.99 a gallon, up from $3.45. Drivers complained.", 2),
    ("U.S. officials said on Jan. 5 that No. 10 Downing St. was aware. The talks ended.", 2),
    ("Author J.K. Rowling spoke in the U.K. on Monday. Fans cheered.", 2),
    ("The firm's chief, Lt. Col. Dana Fry, quit. Shares fell 4.1 percent.", 2),
    ("Former President George W. Bush spoke. He praised the crews.", 2),
    ("“It’s a disaster,” said Gen. Mark Milley. “We’ll rebuild.”", 2),
    ("About 1,200 people were evacuated… Rescue teams arrived at 3 a.m. local time.", 2),
])
def test_splitter_handles_abbreviations_decimals_and_quotes(text, expected):
    assert len(raw_sentences(text)) == expected, raw_sentences(text)


@pytest.mark.parametrize("line, kept", [
    ("HOLLINSPORT, Nov 10 (Meridian) — The levee failed on Monday.", "The levee failed on Monday."),
    ("MONSEY, N.Y. (AP) — A man stormed into a home.", "A man stormed into a home."),
    ("WASHINGTON — Lawmakers met on Friday.", "Lawmakers met on Friday."),
    ("MINNEAPOLIS—The governor sent in troops.", "The governor sent in troops."),
    ("LONDON (Reuters) - A vaccine trial was paused.", "A vaccine trial was paused."),
    ("Washington (CNN)Secretary Mark Esper said troops would stay.", "Secretary Mark Esper said troops would stay."),
    ("(AP) — Officials confirmed the count.", "Officials confirmed the count."),
    # not datelines
    ("Senator Bob Corker (R-Tenn.) admonished the president.", None),
    ("President Trump — under pressure from students — spoke about guns.", None),
    ("The Food and Drug Administration (FDA) on Monday approved the drug.", None),
    ("Many immigrants entering the U.S. — legally and illegally — are young.", None),
])
def test_dateline_prefix_is_stripped_not_the_sentence(line, kept):
    assert strip_dateline(line) == (kept if kept is not None else line)


@pytest.mark.parametrize("line", [
    "By Jane Doe and Rob Vale",
    "BY ANNA KOWALSKI, Meridian Press Agency",
    "(With agency inputs)",
    "Reporting by Tom Hale; Editing by Ann Lee",
    "Additional reporting by Priya Raman in Delhi.",
    "— Meridian Press Agency",
    "Photo: Residents wade through flood water in Hollinsport",
    "Residents wade through flood water on Monday. (Photo by Lee Tran/Meridian)",
    "Read more: Hollin River floods in 2015",
    "Sign up for our morning newsletter to get the news in your inbox.",
    "Click here to follow the latest updates.",
    "Copyright 2024 Meridian Press Agency. All rights reserved.",
    "Sam Ortiz contributed to this report.",
])
def test_boilerplate_is_recognised(line):
    assert is_boilerplate(line) or split_sentences(line) == []


@pytest.mark.parametrize("line", [
    "The court ruled that the copyright claim could go ahead, lawyers for both sides said.",
    "Reporting by the Hollinsport Ledger found that the levee had not been inspected since 2019.",
    "By Thursday, the water had fallen back below the flood mark across the county.",
    "The newspaper's photo editor was among those evacuated from the building on Monday.",
])
def test_news_sentences_are_not_boilerplate(line):
    assert [s.text for s in split_sentences(line)] == [line]


def test_article_keeps_content_in_order():
    text = """HOLLINSPORT, Nov 10 (Meridian) — The Hollin River levee failed early on Monday, flooding 300 homes.
By Jane Doe
Dr. Amara Quill, the county engineer, said the U.S. Army Corps of Engineers had inspected it in 2019. Water rose 2.5 metres in an hour.
Photo: Residents wade through flood water in Hollinsport (Meridian/Staff)
Why it matters: The levee protects the town's water plant and its only hospital.
Read more: Hollin River floods in 2015
Thanks for reading.
(With agency inputs)
— Meridian Press Agency
"""
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "The Hollin River levee failed early on Monday, flooding 300 homes.",
        "Dr. Amara Quill, the county engineer, said the U.S. Army Corps of Engineers had inspected it in 2019.",
        "Water rose 2.5 metres in an hour.",
        "The levee protects the town's water plant and its only hospital.",
    ]
    assert [s.position for s in sentences] == [0, 1, 2, 3]


def test_empty_and_fragment_text():
    assert split_sentences("") == []
    assert split_sentences("Updated.\nShare this.\nMore soon") == []


def test_remembered_sentences_come_back_as_a_fresh_list():
    text = "The first sentence has enough words in it. The second one has enough words too."
    first = split_sentences(text)
    first.pop()
    assert len(split_sentences(text)) == 2


@pytest.mark.parametrize("paragraph, expected", [
    # a quotation of two sentences stays one: its first half alone would show an unclosed quote
    ('The mayor apologised: "We got this wrong. The pumps should have been running." The council met later.',
     ['The mayor apologised: "We got this wrong. The pumps should have been running."',
      "The council met later."]),
    # an abbreviation that ends the sentence ("& Co.") glues the next quotation on; it is kept whole
    ("“Rates will rise,” said Ada Fenn of Morrow & Co. “Nobody doubts it. The question is when.” Bonds fell.",
     ["“Rates will rise,” said Ada Fenn of Morrow & Co. “Nobody doubts it. The question is when.”",
      "Bonds fell."]),
    # quotations that close in their own sentence are not joined
    ("“It’s a disaster,” said Gen. Mark Milley. “We’ll rebuild.”",
     ["“It’s a disaster,” said Gen. Mark Milley.", "“We’ll rebuild.”"]),
    # a quotation that runs on into the next paragraph: nothing to join it to, the pieces stay
    ("He said: “The dam will hold. We built it to last. Everyone can stay home.",
     ["He said: “The dam will hold.", "We built it to last.", "Everyone can stay home."]),
])
def test_quotations_cut_at_inner_full_stops_are_joined(paragraph, expected):
    assert raw_sentences(paragraph) == expected


def test_a_joined_quotation_never_exceeds_the_longest_kept_sentence():
    long_quote = 'She said: "We knew. ' + " ".join(["The water kept rising every hour."] * 15) + '"'
    pieces = raw_sentences(long_quote)
    assert len(pieces) > 1
    assert all(word_count(piece) <= MAX_WORDS for piece in pieces)
