"""Sentences and boilerplate by the text's language: abbreviations, ordinals and quotation marks of French,
Spanish, German, Italian, Portuguese and Dutch, and each language's "read also", subscription, advertising,
cookie and credit lines. The sentences are the project's own."""

import pytest

from newsdesk.extract import quote_is_open, raw_sentences, split_sentences
from newsdesk.extract.boilerplate import is_boilerplate


@pytest.mark.parametrize("language, text, expected", [
    ("fr", "M. Dupont a démissionné hier soir. Mme Leroy le remplace, selon la préfecture.", 2),
    ("fr", "Le maire a déclaré : « Nous ne céderons pas. Jamais. » La séance a été levée.", 2),
    ("es", "El Sr. García llegó al puerto a las nueve. La Dra. Pérez lo recibió en el hospital.", 2),
    ("es", "¿Qué pasó en el puerto? Nadie lo sabe todavía. ¡Es una tragedia!", 3),
    ("es", "Los EE. UU. enviaron ayuda al puerto. El envío llegó el martes.", 2),
    ("de", "Am 3. Oktober wurde der Vertrag unterzeichnet. Das ist z. B. für die Bauern wichtig.", 2),
    ("de", "Er sagte: „Wir sind bereit. Die Arbeit beginnt sofort.“ Dann verließ er den Saal.", 2),
    ("de", "Die Kosten liegen bei 3,5 Mrd. Euro, d. h. mehr als geplant. Prof. Dr. Weber widersprach.", 2),
    ("it", "Il sig. Rossi è arrivato a Roma. Il dott. Bianchi lo ha accolto in stazione.", 2),
    ("pt", "O Sr. Silva chegou ao porto. A Dra. Costa não quis comentar o caso.", 2),
    ("nl", "Dhr. Jansen zei dat de kosten bijv. zijn gestegen. Volgens prof. De Vries klopt dat niet.", 2),
])
def test_each_language_ends_sentences_where_its_writers_do(language, text, expected):
    assert len(raw_sentences(text, language)) == expected, raw_sentences(text, language)


def test_the_english_rules_are_what_they_were_for_text_without_a_language():
    text = "Am 3. Oktober wurde der Vertrag unterzeichnet. Das ist wichtig."
    assert raw_sentences(text) == raw_sentences(text, "en")
    assert raw_sentences(text) != raw_sentences(text, "de")


@pytest.mark.parametrize("language, text, is_open", [
    ("fr", "Il a dit : « Nous partons.", True),
    ("fr", "Il a dit : « Nous partons. »", False),
    ("de", "Er sagte: „Wir gehen.", True),
    ("de", "Er sagte: „Wir gehen.“", False),        # “ closes a German quotation; in English it opens one
    ("de", "Er sagte: “Wir gehen.”", False),
    ("nl", "Hij zei: „We gaan.”", False),
])
def test_quotation_marks_open_and_close_as_the_language_writes_them(language, text, is_open):
    assert quote_is_open(text, language) is is_open


def test_a_german_closing_mark_reads_as_an_opening_one_in_english():
    assert quote_is_open("Er sagte: „Wir gehen.“")


@pytest.mark.parametrize("language, line", [
    ("fr", "Lire aussi : Le port de Lisse rouvre ses quais"),
    ("fr", "Abonnez-vous à notre lettre d'information pour ne rien manquer."),
    ("fr", "Publicité"),
    ("fr", "Par Jeanne Morel et Paul Vidal"),
    ("fr", "Nous utilisons des cookies pour gérer vos paramètres de confidentialité."),
    ("es", "Lee también: El alcalde pide calma"),
    ("es", "Publicidad"),
    ("es", "Suscríbete a nuestro boletín y recibe las noticias del día."),
    ("es", "Foto: Archivo del puerto"),
    ("de", "Lesen Sie auch: Der Hafen öffnet wieder"),
    ("de", "Mehr zum Thema"),
    ("de", "Anzeige"),
    ("de", "Melden Sie sich für unseren Newsletter an."),
    ("de", "Von Anna Keller und Jonas Brandt"),
    ("it", "Leggi anche: Il porto riapre"),
    ("it", "Riproduzione riservata"),
    ("pt", "Leia também: O porto reabre"),
    ("pt", "Publicidade"),
    ("nl", "Lees ook: De haven gaat weer open"),
    ("nl", "Schrijf je in voor onze nieuwsbrief."),
])
def test_each_language_has_its_boilerplate_lines(language, line):
    assert is_boilerplate(line, language)


@pytest.mark.parametrize("language, sentence", [
    ("fr", "Par ailleurs, le port de Lisse a rouvert mardi après trois jours de grève."),
    ("es", "Sigue la búsqueda de supervivientes en el puerto de Port-Séverin."),
    ("de", "Von Berlin aus reisten die Helfer in das Erdbebengebiet."),
    ("it", "Di Maio ha visitato il porto danneggiato martedì mattina."),
    ("nl", "Door de storm lag het verkeer in de haven urenlang stil."),
])
def test_news_sentences_that_begin_like_boilerplate_are_kept(language, sentence):
    assert not is_boilerplate(sentence, language)


def test_an_article_loses_its_boilerplate_in_its_own_language():
    text = ("Lire aussi : Le port rouvre\n"
            "Le port de Lisse a rouvert mardi après trois jours de grève des dockers.\n"
            "Abonnez-vous à notre newsletter pour ne rien manquer de l'actualité.\n"
            "Publicité\n"
            "Les syndicats ont obtenu une hausse des salaires de quatre pour cent.")
    kept = [s.text for s in split_sentences(text, language="fr")]
    assert kept == ["Le port de Lisse a rouvert mardi après trois jours de grève des dockers.",
                    "Les syndicats ont obtenu une hausse des salaires de quatre pour cent."]
