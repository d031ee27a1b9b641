"""Relative day words in a report's sentences, anchored to the day the report was published.

A story page copies sentences from reports, and "yesterday" in a report published on Tuesday 10 November means
Monday 9 November however many weeks later the page is read. `anchor_days` writes the weekday and date in their
place, the day being the publication time's in the desk's time zone:

    yesterday              on Monday (9 Nov)             since yesterday         since Monday (9 Nov)
    tonight                on Tuesday night (10 Nov)     earlier today           earlier on Tuesday (10 Nov)
    last night's quake     Monday night's (9 Nov) quake  Today, the council      On Tuesday (10 Nov), the council
    next week              in the week of 16 Nov         last weekend            over the weekend of 7 Nov
    “We leave today,”      “We leave [on Tuesday, 10 Nov],”   (a speaker's words change only in brackets)

The year follows the date when the date or the publication is in another year than now. A week runs from Monday,
a weekend is its Saturday and Sunday. A publication time of exactly midnight UTC is a date without a time (how
extraction stores one) and keeps its own date in every zone.

Words used otherwise stay as written: a capitalised word inside a sentence (the "Today" programme), a phrase after
a determiner ("the last week of the campaign"), "of tomorrow" as in "the cities of tomorrow", and "this weekend"
in a report published on a Monday, which may mean the weekend before or the one after.

A report in French, Spanish, German, Italian, Portuguese or Dutch has its own words anchored, in its language
(`day_words`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from newsdesk.synthesize import day_words
from newsdesk.timeutil import to_utc, utcnow

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_PARTS = ("morning", "afternoon", "evening")
# phrase: (days after the publication day, part of the day)
_DAYS = {
    "the day before yesterday": (-2, ""), "yesterday": (-1, ""), "today": (0, ""), "tomorrow": (1, ""),
    "the day after tomorrow": (2, ""), "last night": (-1, "night"), "tonight": (0, "night"),
    **{f"yesterday {part}": (-1, part) for part in _PARTS},
    **{f"this {part}": (0, part) for part in _PARTS},
    **{f"tomorrow {part}": (1, part) for part in (*_PARTS, "night")},
}
# phrase: weeks after the publication's week
_WEEKS = {"last week": -1, "this week": 0, "next week": 1}
_WEEKENDS = {"last weekend": -1, "this weekend": 0}

RELATIVE_DAY_WORDS = re.compile(
    r"\b(?P<phrase>"
    + "|".join(phrase.replace(" ", r"\s+") for phrase in sorted([*_DAYS, *_WEEKS, *_WEEKENDS], key=len, reverse=True))
    + r")(?P<possessive>['’]s)?\b",
    re.IGNORECASE)

# A curly quotation left open runs to the end of the text, as one continued into the next paragraph does; a
# single curly one opens where no letter stands before it and closes where none follows (’ in "it’s" does not).
_QUOTATION = re.compile(r'“[^“”]*(?:”|$)|"[^"]*"|(?<!\w)‘[^‘]*?’(?!\w)')
_PREPOSITIONS = frozenset("""
about after as at before between by during for from in into of on over since through throughout till to until
within
""".split())
_DETERMINERS = frozenset("a an the this that these those its his her their our my your every each one".split())
_GENERIC_AFTER_OF = frozenset({"yesterday", "today", "tomorrow"})
_BEFORE_WORD = frozenset(" \t\"'“”‘’([")
_SENTENCE_ENDS = frozenset(".!?…:\n\r")
_WORDS_BEFORE = re.compile(r"(?:([A-Za-z]+)\s+)?([A-Za-z]+)\s+$")
_COORDINATION = re.compile(r"\s*,?\s*(?:and|or)\s+", re.IGNORECASE)


def has_relative_days(text: str, language: str | None = None) -> bool:
    """Whether the text (in `language`, English when None) holds a relative day word (which `anchor_days` may
    still leave, used otherwise)."""
    if not isinstance(text, str):
        return False
    if day_words.anchors_language(language):
        return day_words.has_day_words(text, language)
    return RELATIVE_DAY_WORDS.search(text) is not None


def anchor_days(text: str, published: datetime | None, zone: tzinfo, now: datetime | None = None,
                headline: bool = False, language: str | None = None) -> str:
    """The text with its relative day words replaced by the dates they meant when the report was published.
    A `headline` set in title case ("Claims Total 6.6 Million Last Week") capitalises every word, so there a
    capital does not make a relative day word a name. `language`: the report's (ISO 639-1); English's words
    for None and for a language without its own here."""
    if not isinstance(published, datetime) or not has_relative_days(text, language):
        return text
    try:
        published = to_utc(published)
        day = published.date() if published.time() == time() else published.astimezone(zone).date()
        this_year = to_utc(now or utcnow()).astimezone(zone).year
    except (OverflowError, ValueError, TypeError, AttributeError):
        return text
    if day_words.anchors_language(language):
        try:
            return day_words.anchor(text, day, this_year, language)
        except OverflowError:
            return text
    title_case = headline and _in_title_case(text)
    quotations = [match.span() for match in _QUOTATION.finditer(text)]
    pieces: list[str] = []
    written = 0
    bare_end = -1      # where the last anchor written without its own "on", "in" or "over" ended
    for match in RELATIVE_DAY_WORDS.finditer(text):
        start = match.start()
        before = _WORDS_BEFORE.search(text[max(0, start - 40):start])
        earlier, previous = ((before.group(1) or "").lower(), before.group(2).lower()) if before else ("", "")
        phrase = " ".join(match.group("phrase").lower().split())
        opens_sentence = _opens_sentence(text, start)
        if _used_otherwise(match.group("phrase"), phrase, match.group("possessive"), earlier, previous, day,
                           opens_sentence or title_case):
            continue
        bare = previous in _PREPOSITIONS or (
            bare_end >= 0 and _COORDINATION.fullmatch(text, bare_end, start) is not None)
        apostrophe = match.group("possessive")[0] if match.group("possessive") else ""
        try:
            words = _words(phrase, apostrophe, day, this_year, bare,
                           in_quotation=any(begin < start < end for begin, end in quotations))
        except OverflowError:
            continue
        if opens_sentence and match.group("phrase")[0].isupper():
            at = 1 if words.startswith("[") else 0
            words = words[:at] + words[at].upper() + words[at + 1:]
        pieces += [text[written:start], words]
        written = match.end()
        bare_end = written if bare else -1
    if not pieces:
        return text
    return "".join(pieces) + text[written:]


def _in_title_case(text: str) -> bool:
    words = [word for word in re.findall(r"[A-Za-z]{4,}", text)]
    return len(words) >= 2 and sum(word[0].isupper() for word in words) >= 0.75 * len(words)


def _used_otherwise(written: str, phrase: str, possessive: str | None, earlier: str, previous: str, day: date,
                    opens_sentence: bool) -> bool:
    return ((written[0].isupper() and not opens_sentence)
            or (phrase.split()[0] in ("last", "this", "next") and previous in _DETERMINERS)
            or (phrase in _GENERIC_AFTER_OF and not possessive and previous == "of" and earlier != "as")
            or (phrase == "this weekend" and day.weekday() == 0))


def _words(phrase: str, apostrophe: str, day: date, this_year: int, bare: bool, in_quotation: bool) -> str:
    monday = day - timedelta(days=day.weekday())
    if phrase in _DAYS:
        offset, part = _DAYS[phrase]
        when = day + timedelta(days=offset)
        name = f"{WEEKDAYS[when.weekday()]} {part}".rstrip()
        lead = "on"
        dated = f", {_dated(when, day, this_year)}" if in_quotation and not apostrophe else \
            f" ({_dated(when, day, this_year)})"
    elif phrase in _WEEKS:
        name = f"the week of {_dated(monday + timedelta(weeks=_WEEKS[phrase]), day, this_year)}"
        lead, dated = "in", ""
    else:
        saturday = monday + timedelta(days=5, weeks=_WEEKENDS[phrase])
        name = f"the weekend of {_dated(saturday, day, this_year)}"
        lead, dated = "over", ""
    if apostrophe:
        words = f"{name}{apostrophe}s{dated}"
    else:
        words = f"{name}{dated}" if bare else f"{lead} {name}{dated}"
    return f"[{words}]" if in_quotation else words


def _dated(when: date, published: date, this_year: int) -> str:
    year = f" {when.year}" if this_year != when.year or this_year != published.year else ""
    return f"{when.day} {MONTHS[when.month - 1]}{year}"


def _opens_sentence(text: str, start: int) -> bool:
    at = start
    while at > 0 and text[at - 1] in _BEFORE_WORD:
        at -= 1
    return at == 0 or text[at - 1] in _SENTENCE_ENDS
