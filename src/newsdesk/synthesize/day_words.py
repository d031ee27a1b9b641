"""Relative day words in French, Spanish, German, Italian, Portuguese and Dutch, anchored to the day the report
was published and written in the report's own language (English's, with its finer rules, are in `dates`):

    hier soir, le ministre …       lundi soir (9 nov.), le ministre …
    Ayer, el alcalde …             El lunes (9 nov.), el alcalde …
    seit gestern                   seit Montag (9. Nov.)
    la semana pasada               la semana del 2 nov.
    « Nous partons demain »        « Nous partons [mercredi, 11 nov.] »   (a speaker's words change only in brackets)

Left as written: a word capitalised inside a sentence, a word after a determiner ("la mañana" is the morning,
"de morgen" too), "de hoy" / "d'aujourd'hui" / "von heute" (today's world as often as today's date), and
"this weekend" in a report published on a Monday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"


@dataclass(frozen=True)
class DayWords:
    weekdays: tuple[str, ...]                 # Monday first
    months: tuple[str, ...]                   # as a date writes them
    date: str                                 # "{day} {month}"
    leads: tuple[str, ...]                    # per weekday, what "on" is: "el ", "am ", "" …
    parts: dict[str, str]                     # part of the day after the weekday: " soir", "abend"
    days: dict[str, tuple[int, str]]          # phrase: (days after the publication day, part of the day)
    weeks: dict[str, int]                     # phrase: weeks after the publication's week
    week: str                                 # "la semaine du {date}"
    weekends: dict[str, int]
    weekend: str
    bare_after: frozenset[str] = frozenset()  # prepositions after which the lead is left out: "seit Montag"
    determiners: frozenset[str] = frozenset()
    generic_after: frozenset[str] = frozenset()   # "de hoy": left as written
    quotation: str = r'“[^“”]*(?:”|$)|"[^"]*"|«[^«»]*(?:»|$)'


def _days(**phrases: tuple[int, str]) -> dict[str, tuple[int, str]]:
    return {phrase.replace("_", " "): value for phrase, value in phrases.items()}


WORDS = {
    "fr": DayWords(
        weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        months=("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
        date="{day} {month}", leads=("",) * 7, parts={MORNING: " matin", AFTERNOON: " après-midi", EVENING: " soir"},
        days={"avant-hier": (-2, ""), "hier": (-1, ""), "aujourd'hui": (0, ""), "aujourd’hui": (0, ""),
              "demain": (1, ""), "après-demain": (2, ""), "hier soir": (-1, EVENING), "hier matin": (-1, MORNING),
              "hier après-midi": (-1, AFTERNOON), "ce matin": (0, MORNING), "cet après-midi": (0, AFTERNOON),
              "ce soir": (0, EVENING), "demain matin": (1, MORNING), "demain soir": (1, EVENING)},
        weeks={"la semaine dernière": -1, "la semaine passée": -1, "cette semaine": 0, "la semaine prochaine": 1},
        week="la semaine du {date}", weekends={"le week-end dernier": -1, "ce week-end": 0},
        weekend="le week-end du {date}", determiners=frozenset("le la les un une ce cette chaque".split()),
        generic_after=frozenset({"d", "de"})),
    "es": DayWords(
        weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
        months=("ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."),
        date="{day} {month}", leads=("el ",) * 7,
        parts={MORNING: " por la mañana", AFTERNOON: " por la tarde", EVENING: " por la noche"},
        days={"anteayer": (-2, ""), "ayer": (-1, ""), "hoy": (0, ""), "mañana": (1, ""), "pasado mañana": (2, ""),
              "anoche": (-1, EVENING), "ayer por la mañana": (-1, MORNING), "ayer por la tarde": (-1, AFTERNOON),
              "ayer por la noche": (-1, EVENING), "esta mañana": (0, MORNING), "esta tarde": (0, AFTERNOON),
              "esta noche": (0, EVENING), "mañana por la mañana": (1, MORNING), "mañana por la tarde": (1, AFTERNOON),
              "mañana por la noche": (1, EVENING)},
        weeks={"la semana pasada": -1, "esta semana": 0, "la próxima semana": 1, "la semana próxima": 1,
               "la semana que viene": 1},
        week="la semana del {date}", weekends={"el fin de semana pasado": -1, "este fin de semana": 0},
        weekend="el fin de semana del {date}",
        determiners=frozenset("el la los las un una esta este esa ese cada toda misma aquella".split()),
        generic_after=frozenset({"de", "del"})),
    "de": DayWords(
        weekdays=("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
        months=("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."),
        date="{day}. {month}", leads=("am ",) * 7, parts={MORNING: "morgen", AFTERNOON: "nachmittag", EVENING: "abend"},
        days={"vorgestern": (-2, ""), "gestern": (-1, ""), "heute": (0, ""), "morgen": (1, ""),
              "übermorgen": (2, ""), "gestern Abend": (-1, EVENING), "gestern Morgen": (-1, MORNING),
              "gestern Nachmittag": (-1, AFTERNOON), "heute Morgen": (0, MORNING), "heute früh": (0, MORNING),
              "heute Nachmittag": (0, AFTERNOON), "heute Abend": (0, EVENING), "morgen früh": (1, MORNING),
              "morgen Abend": (1, EVENING)},
        weeks={"letzte Woche": -1, "vergangene Woche": -1, "vorige Woche": -1, "in der vergangenen Woche": -1,
               "in der letzten Woche": -1, "diese Woche": 0, "in dieser Woche": 0, "nächste Woche": 1,
               "kommende Woche": 1, "in der kommenden Woche": 1, "in der nächsten Woche": 1},
        week="in der Woche vom {date}",
        weekends={"am vergangenen Wochenende": -1, "letztes Wochenende": -1, "vergangenes Wochenende": -1,
                  "an diesem Wochenende": 0, "dieses Wochenende": 0},
        weekend="am Wochenende vom {date}", bare_after=frozenset({"seit", "bis", "ab", "für"}),
        determiners=frozenset("der die das den dem ein eine einen am jeden".split()),
        generic_after=frozenset({"von"}), quotation=r'„[^„“]*(?:“|$)|»[^»«]*(?:«|$)|"[^"]*"'),
    "it": DayWords(
        weekdays=("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
        months=("gen.", "feb.", "mar.", "apr.", "mag.", "giu.", "lug.", "ago.", "set.", "ott.", "nov.", "dic."),
        date="{day} {month}", leads=("",) * 7, parts={MORNING: " mattina", AFTERNOON: " pomeriggio", EVENING: " sera"},
        days={"l'altro ieri": (-2, ""), "l’altro ieri": (-2, ""), "ieri": (-1, ""), "oggi": (0, ""),
              "domani": (1, ""), "dopodomani": (2, ""), "ieri sera": (-1, EVENING), "ieri mattina": (-1, MORNING),
              "ieri pomeriggio": (-1, AFTERNOON), "stamattina": (0, MORNING), "stamani": (0, MORNING),
              "oggi pomeriggio": (0, AFTERNOON), "stasera": (0, EVENING), "domani mattina": (1, MORNING),
              "domani sera": (1, EVENING)},
        weeks={"la settimana scorsa": -1, "la scorsa settimana": -1, "questa settimana": 0,
               "la prossima settimana": 1, "la settimana prossima": 1},
        week="la settimana del {date}",
        weekends={"lo scorso fine settimana": -1, "lo scorso weekend": -1, "questo fine settimana": 0,
                  "questo weekend": 0},
        weekend="il fine settimana del {date}", determiners=frozenset("il lo la un una questo questa ogni".split()),
        generic_after=frozenset({"di", "del"})),
    "pt": DayWords(
        weekdays=("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"),
        months=("jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."),
        date="{day} {month}", leads=("na ",) * 5 + ("no ",) * 2,
        parts={MORNING: " de manhã", AFTERNOON: " à tarde", EVENING: " à noite"},
        days={"anteontem": (-2, ""), "ontem": (-1, ""), "hoje": (0, ""), "amanhã": (1, ""),
              "depois de amanhã": (2, ""), "ontem à noite": (-1, EVENING), "ontem de manhã": (-1, MORNING),
              "ontem à tarde": (-1, AFTERNOON), "hoje de manhã": (0, MORNING), "esta manhã": (0, MORNING),
              "esta tarde": (0, AFTERNOON), "esta noite": (0, EVENING), "hoje à noite": (0, EVENING),
              "amanhã de manhã": (1, MORNING)},
        weeks={"na semana passada": -1, "nesta semana": 0, "esta semana": 0, "na próxima semana": 1,
               "na semana que vem": 1},
        week="na semana de {date}",
        weekends={"no fim de semana passado": -1, "neste fim de semana": 0, "este fim de semana": 0},
        weekend="no fim de semana de {date}", bare_after=frozenset({"desde", "até", "para"}),
        determiners=frozenset("o a os as um uma esta este cada toda".split()), generic_after=frozenset({"de", "do"})),
    "nl": DayWords(
        weekdays=("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
        months=("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."),
        date="{day} {month}", leads=("",) * 7, parts={MORNING: "ochtend", AFTERNOON: "middag", EVENING: "avond"},
        days={"eergisteren": (-2, ""), "gisteren": (-1, ""), "vandaag": (0, ""), "morgen": (1, ""),
              "overmorgen": (2, ""), "gisteravond": (-1, EVENING), "gisterochtend": (-1, MORNING),
              "gistermiddag": (-1, AFTERNOON), "vanochtend": (0, MORNING), "vanmorgen": (0, MORNING),
              "vanmiddag": (0, AFTERNOON), "vanavond": (0, EVENING), "morgenochtend": (1, MORNING),
              "morgenavond": (1, EVENING)},
        weeks={"vorige week": -1, "afgelopen week": -1, "deze week": 0, "volgende week": 1, "komende week": 1},
        week="in de week van {date}", weekends={"vorig weekend": -1, "afgelopen weekend": -1, "dit weekend": 0},
        weekend="in het weekend van {date}", determiners=frozenset("de het een deze die elke".split()),
        generic_after=frozenset({"van"}), quotation=r'„[^„”]*(?:”|$)|“[^“”]*(?:”|$)|"[^"]*"'),
}

_SENTENCE_ENDS = frozenset(".!?…:\n\r")
_BEFORE_WORD = frozenset(" \t\"'“”‘’([«»„¿¡")
_WORD_BEFORE = re.compile(r"(\w+)['’]?\s*$")


def _pattern(words: DayWords) -> re.Pattern[str]:
    phrases = sorted([*words.days, *words.weeks, *words.weekends], key=len, reverse=True)
    return re.compile(r"(?<![\w’'-])(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
                      + r")(?![\w-])", re.IGNORECASE)


_PATTERNS = {lang: _pattern(words) for lang, words in WORDS.items()}


def anchors_language(language: str | None) -> bool:
    return language in WORDS


def has_day_words(text: str, language: str) -> bool:
    return _PATTERNS[language].search(text) is not None


def anchor(text: str, day: date, this_year: int, language: str) -> str:
    """`text` (in `language`, one of WORDS) with its relative day words written as the dates they meant in a
    report published on `day`."""
    words = WORDS[language]
    quotations = [m.span() for m in re.finditer(words.quotation, text)]
    pieces: list[str] = []
    written = 0
    for match in _PATTERNS[language].finditer(text):
        start = match.start()
        phrase = " ".join(match.group(0).split())
        key = _key(words, phrase)
        previous_match = _WORD_BEFORE.search(text[max(0, start - 30):start])
        previous = previous_match.group(1).lower() if previous_match else ""
        opens = _opens_sentence(text, start)
        if key is None or (phrase[0].isupper() and not opens) or previous in words.determiners \
                or (previous in words.generic_after and key in words.days and words.days[key][1] == "") \
                or (key in words.weekends and words.weekends[key] == 0 and day.weekday() == 0):
            continue
        quoted = any(begin < start < end for begin, end in quotations)
        written_words = _written(words, key, day, this_year, bare=previous in words.bare_after, quoted=quoted)
        if opens and phrase[0].isupper():
            at = 1 if written_words.startswith("[") else 0
            written_words = written_words[:at] + written_words[at].upper() + written_words[at + 1:]
        pieces += [text[written:start], written_words]
        written = match.end()
    return "".join(pieces) + text[written:] if pieces else text


def _key(words: DayWords, phrase: str) -> str | None:
    lowered = phrase.lower()
    for table in (words.days, words.weeks, words.weekends):
        for key in table:
            if key.lower() == lowered:
                return key
    return None


def _written(words: DayWords, key: str, day: date, this_year: int, bare: bool, quoted: bool) -> str:
    monday = day - timedelta(days=day.weekday())
    if key in words.days:
        offset, part = words.days[key]
        when = day + timedelta(days=offset)
        lead = "" if bare else words.leads[when.weekday()]
        name = f"{lead}{words.weekdays[when.weekday()]}{words.parts.get(part, '')}"
        dated = _dated(words, when, day, this_year)
        return f"[{name}, {dated}]" if quoted else f"{name} ({dated})"
    if key in words.weeks:
        text = words.week.format(date=_dated(words, monday + timedelta(weeks=words.weeks[key]), day, this_year))
    else:
        saturday = monday + timedelta(days=5, weeks=words.weekends[key])
        text = words.weekend.format(date=_dated(words, saturday, day, this_year))
    return f"[{text}]" if quoted else text


def _dated(words: DayWords, when: date, published: date, this_year: int) -> str:
    year = f" {when.year}" if this_year != when.year or this_year != published.year else ""
    return words.date.format(day=when.day, month=words.months[when.month - 1]) + year


def _opens_sentence(text: str, start: int) -> bool:
    at = start
    while at > 0 and text[at - 1] in _BEFORE_WORD:
        at -= 1
    return at == 0 or text[at - 1] in _SENTENCE_ENDS
