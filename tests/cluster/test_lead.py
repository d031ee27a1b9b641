"""The grouping vector of an article: the mean of its title's and opening sentences' vectors."""

import numpy as np

from newsdesk.cluster.text import lead_texts, lead_vectors

BODY = ("The river burst its banks early on Sunday and flooded the lower town. "
        "Rescue teams moved two hundred people to the school on the hill overnight. "
        "The mayor said the water would take days to go down again after the storm. "
        "Farmers upstream reported that their fields had been under water since Friday night. "
        "Engineers will inspect the old stone bridge once the current slows down enough.")


def test_the_title_and_the_opening_sentences_up_to_sixty_words():
    texts = lead_texts("  Floods in the lower town ", BODY)
    assert texts[0] == "Floods in the lower town"
    assert texts[1].startswith("The river burst")
    assert texts[2].startswith("Rescue teams")
    words = [len(t.split()) for t in texts[1:]]
    assert sum(words[:-1]) < 60 <= sum(words) or len(texts) == 6   # stops once 60 words are taken
    assert len(lead_texts("", BODY, words=10)) == 1                  # the first sentence alone passes 10 words


def test_short_or_empty_articles_still_have_something_to_embed():
    assert lead_texts("Headline only", "") == ["Headline only"]
    assert lead_texts("", "Too short.") == ["Too short."]            # no sentence of 5 words: the words stand in
    assert lead_texts("", "") == [""]


def test_a_text_that_only_repeats_the_title_reads_as_a_headline_alone():
    from newsdesk.cluster.text import analyse

    title = "Floods in the lower town"
    assert lead_texts(title, "  floods in the lower  TOWN ") == [title]
    assert analyse(title, title) == analyse(title, "")
    assert analyse(title, BODY) != analyse(title, "")


class Fake:
    def encode(self, texts):
        return np.array([[1.0, 0.0] if t.startswith("Floods") else [0.0, 1.0] for t in texts], dtype=np.float32)


def test_each_article_gets_the_normalised_mean_of_its_texts():
    vectors = lead_vectors(Fake(), [("Floods in the lower town", BODY), ("", BODY)])
    n = len(lead_texts("Floods in the lower town", BODY))
    expected = np.array([1.0, n - 1.0]) / np.linalg.norm([1.0, n - 1.0])
    np.testing.assert_allclose(vectors[0], expected, atol=1e-6)
    np.testing.assert_allclose(vectors[1], [0.0, 1.0], atol=1e-6)
    assert lead_vectors(Fake(), []).shape[0] == 0
