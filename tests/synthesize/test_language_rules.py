"""The writer's rules in the report's language: which sentences need the one before them, relative day words
anchored to the publication day and written in that language, and content terms without the language's
function words. The sentences are the project's own."""

from datetime import datetime, timezone

import pytest

from newsdesk.synthesize import anchor_days, terms
from newsdesk.synthesize.standalone import needs_context

PUBLISHED = datetime(2026, 11, 10, 15, 0, tzinfo=timezone.utc)      # a Tuesday
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("language, sentence", [
    ("fr", "Il a démissionné mardi soir, après trois ans au ministère."),
    ("fr", "Mais le gouvernement refuse de céder sur le calendrier."),
    ("fr", "Cette décision a surpris les syndicats du port."),
    ("fr", "« Nous reconstruirons le quartier », a-t-il déclaré."),
    ("es", "Pero el gobierno no cederá en el calendario de la reforma."),
    ("es", "Él llegó al puerto el martes por la mañana."),
    ("es", "«Vamos a reconstruir el barrio», dijo."),
    ("es", "¿Pero quién pagará la reconstrucción del puerto?"),
    ("de", "Aber die Regierung will beim Zeitplan nicht nachgeben."),
    ("de", "Er trat am Dienstag nach drei Jahren im Amt zurück."),
    ("de", "„Wir bauen das Viertel wieder auf“, sagte er."),
    ("de", "Dieser Schritt überraschte die Gewerkschaften im Hafen."),
    ("it", "Ma il governo non cede sul calendario della riforma."),
    ("pt", "Mas o governo não vai ceder no calendário da reforma."),
    ("nl", "Maar de regering geeft niet toe over het tijdpad."),
])
def test_a_sentence_pointing_back_in_its_language_needs_context(language, sentence):
    assert needs_context(sentence, language)


@pytest.mark.parametrize("language, sentence", [
    ("fr", "Le port de Lisse a rouvert mardi après trois jours de grève des dockers."),
    ("fr", "Le ministre des Finances, Étienne Garrigue, a présenté sa démission mardi."),
    ("fr", "Lors de la sécheresse d'il y a quatre ans, le débit du fleuve était tombé très bas."),
    ("es", "El alcalde de Lisse pidió calma a los vecinos del puerto."),
    ("de", "Der Hafen von Lisse wurde am Dienstag wieder für Schiffe geöffnet."),
    ("de", "Das Innenministerium gab kurz nach dem Beben eine Warnung heraus."),
    ("it", "Il porto di Lisse ha riaperto martedì dopo tre giorni di sciopero."),
    ("pt", "O porto de Lisse reabriu na terça-feira depois de três dias de greve."),
    ("nl", "De haven van Lisse is dinsdag na drie dagen staking heropend."),
])
def test_a_sentence_that_names_what_it_speaks_of_stands_alone(language, sentence):
    assert not needs_context(sentence, language)


def test_words_of_another_language_do_not_count_in_english():
    assert not needs_context("Mais the council voted on Monday to reopen the port.")
    assert needs_context("Mais the council voted on Monday to reopen the port.", "fr")


@pytest.mark.parametrize("language, text, anchored", [
    ("fr", "Hier soir, le ministre a démissionné.", "Lundi soir (9 nov.), le ministre a démissionné."),
    ("fr", "Le port rouvrira demain.", "Le port rouvrira mercredi (11 nov.)."),
    ("fr", "« Nous partons demain », a dit le maire.", "« Nous partons [mercredi, 11 nov.] », a dit le maire."),
    ("fr", "La France d'aujourd'hui doute.", "La France d'aujourd'hui doute."),
    ("es", "Ayer, el alcalde pidió calma.", "El lunes (9 nov.), el alcalde pidió calma."),
    ("es", "Desde ayer no hay luz en el puerto.", "Desde el lunes (9 nov.) no hay luz en el puerto."),
    ("es", "La mañana fue tranquila.", "La mañana fue tranquila."),
    ("es", "La semana pasada cerró el puerto.", "La semana del 2 nov. cerró el puerto."),
    ("de", "Gestern Abend trat der Minister zurück.", "Am Montagabend (9. Nov.) trat der Minister zurück."),
    ("de", "Seit gestern ist das Amt frei.", "Seit Montag (9. Nov.) ist das Amt frei."),
    ("de", "Am Morgen war es ruhig.", "Am Morgen war es ruhig."),
    ("de", "Die Gespräche gehen nächste Woche weiter.", "Die Gespräche gehen in der Woche vom 16. Nov. weiter."),
    ("it", "Ieri sera il ministro si è dimesso.", "Lunedì sera (9 nov.) il ministro si è dimesso."),
    ("pt", "Ontem, o ministro renunciou.", "Na segunda-feira (9 nov.), o ministro renunciou."),
    ("nl", "Gisteravond trad de minister af.", "Maandagavond (9 nov.) trad de minister af."),
])
def test_relative_days_are_anchored_in_the_reports_language(language, text, anchored):
    assert anchor_days(text, PUBLISHED, timezone.utc, now=NOW, language=language) == anchored


def test_a_french_word_is_no_day_word_in_german():
    text = "Hier wurde der Vertrag unterzeichnet."       # "hier": here in German, yesterday in French
    assert anchor_days(text, PUBLISHED, timezone.utc, now=NOW, language="de") == text


def test_content_terms_leave_out_the_languages_function_words():
    said = set(terms("Le port de Lisse a rouvert après la grève des dockers.", "fr"))
    assert {"port", "lisse", "rouvert", "grève", "dockers"} <= said
    assert not said & {"le", "de", "la", "des", "après"}
