"""The figures a report states that the news keeps updating (the dead, the injured, the missing, the arrested,
the evacuated...) and which of them a story's later reports have superseded: the latest figures win.

A figure is a count tied to its kind by the grammar of a few common forms: "41 injured", "41 people were
injured", "injuring 41", "killing three people", "the death toll rose to three", "toll: 3", "three deaths",
"no one was hurt". Only exact counts: digits, "one" to "twenty", "2.3 million"; vague ones ("dozens",
"hundreds") are not figures, and "at least 41" states 41. What a number names is read from the words beside
it, and a number whose neighbours do not make it a whole count of people (or customers, accounts, homes) is
left out: years, times, ages ("a 41-year-old"), money, percentages, magnitudes, distances, ranges, increments
("two more people died") and parts of a whole ("two of the dead", "three firefighters were hurt").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from newsdesk.synthesize.text import COUNT_WORDS, number_value

# Words naming each kind of figure when they follow its count: "41 (people were) injured".
STATES = {
    "deaths": ("dead", "killed", "died", "lost their lives", "perished"),
    "injured": ("injured", "hurt", "wounded"),
    "missing": ("missing", "unaccounted for"),
    "arrested": ("arrested", "detained", "taken into custody", "in custody"),
    "evacuated": ("evacuated",),
    "displaced": ("displaced", "homeless"),
    "rescued": ("rescued",),
    "affected": ("affected", "impacted"),
    "without_power": ("without power", "without electricity", "lost power"),
}
# Nouns naming the figure itself: "three deaths", "12 bodies".
NOUNS = {
    "deaths": ("deaths", "fatalities", "bodies", "lives lost", "lives were lost", "lives have been lost"),
    "injured": ("injuries",),
    "arrested": ("arrests",),
    "evacuated": ("evacuees",),
}
# Verbs taking the count as their object: "killing three", "injured 41 people".
VERBS = {
    "deaths": ("kill", "killed", "killing", "kills"),
    "injured": ("injure", "injured", "injuring", "injures", "hurt", "hurting", "hurts", "wounded", "wounding",
                "wounds"),
    "arrested": ("arrested", "arresting", "arrests", "detained", "detaining", "detains"),
    "evacuated": ("evacuated", "evacuating", "evacuates"),
    "displaced": ("displaced", "displacing", "displaces"),
    "rescued": ("rescued", "rescuing", "rescues"),
    "affected": ("affected", "affecting", "affects", "impacted", "impacting", "impacts"),
}
# The states and verbs that, used actively, take an object: "two men killed a guard" is no death toll.
TRANSITIVE = frozenset({"killed", "injured", "hurt", "wounded", "arrested", "detained", "evacuated", "displaced",
                        "rescued", "affected", "impacted"})
# Who is counted: a figure of the whole ("41 people"), not of a part ("three firefighters").
COUNTED = ("people", "persons", "individuals", "others", "men", "women", "victims", "residents", "customers",
           "accounts", "users", "households", "homes", "houses", "properties", "families", "passengers",
           "suspects", "protesters", "migrants", "patients", "person", "man", "woman", "customer", "account",
           "user", "household", "home", "house", "family", "passenger", "suspect", "resident", "victim",
           "patient")
# Kinds whose count must name who is counted: "3 affected areas" counts no one.
NEEDS_COUNTED = frozenset({"affected", "without_power"})
# Words that may stand between the count and its state: "41 people were seriously injured".
BETWEEN = frozenset("""
were was are is been be being have has had reportedly confirmed reported believed feared thought said now also so
far still all seriously critically badly slightly fatally mortally later since left who remain remained remains
officially
""".split())
_PASSIVE = frozenset({"were", "was", "are", "is", "been", "be", "being"})
# What may follow a verb's count when no counted noun does: the phrase ends, or a preposition or conjunction opens.
_FOLLOWERS = frozenset("""
in at on and or but as after when while including during with from near across according amid following
since before by inside outside overnight so
""".split())
QUALIFIERS = (r"(?:(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|up\s+to|an\s+estimated|"
              r"approximately|roughly|a\s+total\s+of|fewer\s+than|less\s+than|as\s+many\s+as|just\s+over|"
              r"just\s+under|close\s+to)\s+)?")
_MONTHS = ("january february march april may june july august september october november december jan feb mar "
           "apr jun jul aug sep sept oct nov dec").split()
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}

_COUNT_WORD = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
_COUNT = (rf"(?P<count>(?<![\w$£€¥.,])(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_COUNT_WORD}))\b)"
          rf"(?:\s+(?P<scale>thousand|million|billion)\b)?")
_LETTERS = r"[a-z]+(?:'[a-z]+)?"


def _alternatives(phrases) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


def _kind_of(phrase: str, *tables: dict[str, tuple[str, ...]]) -> str:
    phrase = " ".join(phrase.lower().split())
    return next(kind for table in tables for kind, phrases in table.items() if phrase in phrases)


_STATE = _alternatives(p for ps in STATES.values() for p in ps)
_NOUN = _alternatives(p for ps in NOUNS.values() for p in ps)
_VERB = _alternatives(v for vs in VERBS.values() for v in vs)
_COUNTED = _alternatives(COUNTED)

# "41 (people) (were seriously) injured"
_COUNT_STATE = re.compile(
    rf"{_COUNT}(?:\s+(?P<counted>{_COUNTED}))?(?P<between>(?:\s+{_LETTERS}){{0,4}}?)\s+(?P<state>{_STATE})\b"
    rf"(?P<after>\s*\S*)", re.IGNORECASE)
# "three deaths", "12 bodies", "three lives were lost"
_COUNT_NOUN = re.compile(rf"{_COUNT}\s+(?P<noun>{_NOUN})\b", re.IGNORECASE)
# "killing (at least) three (people)", "claimed three lives"
_VERB_COUNT = re.compile(
    rf"\b(?P<verb>{_VERB}|claimed|claiming|claims)\s+{QUALIFIERS}{_COUNT}(?P<after>\s*[^\s\w]|\s+{_LETTERS}|\s*$)",
    re.IGNORECASE)
# "the death toll rose (from two) to three", "toll: 3", "the number of injured stands at 46"
_TOTAL = re.compile(
    rf"\b(?:(?P<toll>(?:death\s+)?toll)|number\s+of\s+(?:the\s+)?(?:people\s+)?(?P<total>{_STATE}|{_NOUN}))"
    rf"(?:\s*:\s*|(?:\s+(?!road|roads|booth|booths|plaza|fees?|charges?|free)[a-z]+){{0,5}}?"
    rf"(?P<rise>\s+from\s+{QUALIFIERS}\S+)?\s+(?:to|at|of|is|was|reached|hit|hits|reaches|now)\s+)"
    rf"{QUALIFIERS}{_COUNT}(?P<after>\s*[^\s\w]|\s+{_LETTERS}|\s*$)",
    re.IGNORECASE)
# "no one was hurt", "nobody died", "no deaths were reported"
_NONE = re.compile(
    rf"\b(?:(?:no\s+one|nobody)(?P<between>(?:\s+{_LETTERS}){{0,3}}?)\s+(?P<state>{_STATE})"
    rf"|no\s+(?P<noun>deaths|fatalities|injuries|arrests))\b(?P<after>\s*\S*)", re.IGNORECASE)
_BEFORE_RANGE = re.compile(rf"(?:\d|\b(?:{_COUNT_WORD}))\s*(?:-|–|to|and|or)\s*$", re.IGNORECASE)
# A number that is an age, a magnitude, a route, a ratio ...: "a man of 23 died", "magnitude 6 quake".
_BEFORE_OTHER = re.compile(
    r"\b(?:magnitude|aged|route|flight|no\.|number|(?:one|\d+)\s+in|out\s+of|(?:man|woman|boy|girl|person|"
    r"child|driver|pensioner|teenager|mother|father|son|daughter|husband|wife|resident|worker|student|pupil)"
    r"\s+of)\s*$", re.IGNORECASE)
_BEFORE_DAY = re.compile(rf"\b(?:{'|'.join(_MONTHS)})\.?\s*$", re.IGNORECASE)
_AFTER_COUNT_OK = re.compile(r"\s*(?:[,.;!?)\"”’]|—|–\s|$)")
_OBJECT = frozenset("""
a an the his her their its him them this that these those our my your at one two three four five six seven
eight nine ten several some many dozens hundreds thousands scores
""".split())


def _value(match: re.Match, range_end: bool = False) -> str | None:
    """The count a match states, or None when the number there is no count: a year, a decimal without a scale
    ("magnitude 6.1"), a compound ("41-year-old", "twenty-five"), a date, a ratio or, unless RANGE_END (a toll
    rising "from two to three"), the far end of a range."""
    written, scale = match.group("count"), match.group("scale")
    before = _before(match)
    after = match.string[match.end("count"):]
    if re.match(r"[-–/:]\w|%|\.\d", after) or _BEFORE_OTHER.search(before):
        return None
    if written[0].isdigit() and _BEFORE_DAY.search(before):
        return None
    if _BEFORE_RANGE.search(before) and not range_end:
        return None
    value = number_value(written)
    if value is None:
        return None
    if scale:
        return str(int(Decimal(value) * _SCALES[scale.lower()]))
    return None if "." in value else value


def _before(match: re.Match) -> str:
    """The few words before the count: enough for what tells a count from another number."""
    start = match.start("count")
    return match.string[max(0, start - 40):start]


def _no_one_before(match: re.Match) -> bool:
    return match.group("count").lower() == "one" and re.search(r"\b(?:no|not)\s*$", _before(match),
                                                                re.IGNORECASE) is not None


def _words(text: str | None) -> list[str]:
    return re.findall(_LETTERS, (text or "").lower())


def _count_states(text: str):
    """Figures of the form "41 (people were) injured"."""
    for match in _finditer_overlapping(_COUNT_STATE, text):
        between = _words(match.group("between"))
        state = " ".join(match.group("state").lower().split())
        kind = _kind_of(state, STATES)
        if any(word not in BETWEEN for word in between) or _no_one_before(match):
            continue
        if kind in NEEDS_COUNTED and not match.group("counted"):
            continue
        following = _words(match.group("after"))[:1]
        if state in TRANSITIVE and not _PASSIVE & set(between) and following and following[0] in _OBJECT:
            continue
        if (value := _value(match)) is not None:
            yield kind, value


def _count_nouns(text: str):
    """Figures of the form "three deaths"."""
    for match in _finditer_overlapping(_COUNT_NOUN, text):
        if (value := _value(match)) is not None and not _no_one_before(match):
            yield _kind_of(match.group("noun"), NOUNS), value


def _verb_counts(text: str):
    """Figures of the form "killing three people": the count is the verb's object, followed by a counted noun
    ("three people", not "three soldiers") or by the end of the phrase."""
    for match in _finditer_overlapping(_VERB_COUNT, text):
        verb = match.group("verb").lower()
        after = match.group("after")
        following = _words(after)[:1]
        if verb in ("claimed", "claiming", "claims"):
            if following != ["lives"]:
                continue
            kind = "deaths"
        else:
            kind = _kind_of(verb, VERBS)
            counted = bool(following) and re.fullmatch(_COUNTED, following[0], re.IGNORECASE) is not None
            if following and not counted and following[0] not in _FOLLOWERS:
                continue
            if not following and not _AFTER_COUNT_OK.match(after):
                continue
            if kind in NEEDS_COUNTED and not counted:
                continue
        if (value := _value(match)) is not None:
            yield kind, value


def _totals(text: str):
    """Figures of the form "the death toll rose to three", "toll: 3", "the number of injured is 46"."""
    for match in _finditer_overlapping(_TOTAL, text):
        following = _words(match.group("after"))[:1]
        if following and not (re.fullmatch(_COUNTED, following[0], re.IGNORECASE) or following[0] in _FOLLOWERS
                              or following[0] in BETWEEN):
            continue
        if not following and not _AFTER_COUNT_OK.match(match.group("after")):
            continue
        kind = "deaths" if match.group("toll") else _kind_of(match.group("total"), STATES, NOUNS)
        if (value := _value(match, range_end=match.group("rise") is not None)) is not None:
            yield kind, value


def _nones(text: str):
    """No one counted: "no one was hurt", "no deaths"."""
    for match in _NONE.finditer(text):
        if match.group("noun"):
            yield _kind_of(match.group("noun"), NOUNS), "0"
        elif all(word in BETWEEN for word in _words(match.group("between"))):
            state = " ".join(match.group("state").lower().split())
            if state not in TRANSITIVE or _PASSIVE & set(_words(match.group("between"))):
                yield _kind_of(state, STATES), "0"


def _finditer_overlapping(pattern: re.Pattern, text: str):
    """Every match, also those starting inside an earlier one ("on 3 May three people died" holds one at
    "three")."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        yield match
        position = match.start() + 1


def figure_claims(text: str) -> dict[str, set[str]]:
    """The figures TEXT states, by kind ("deaths", "injured", "missing", "arrested", "evacuated", "displaced",
    "rescued", "affected", "without_power"), each a set of normalised counts: "Two dead, at least 41 hurt" is
    {"deaths": {"2"}, "injured": {"41"}}. A kind TEXT does not state is absent."""
    claims: dict[str, set[str]] = {}
    for found in (_count_states, _count_nouns, _verb_counts, _totals, _nones):
        for kind, value in found(text):
            claims.setdefault(kind, set()).add(value)
    return claims


def current_figures(reports: Sequence[tuple[datetime, str]]) -> dict[str, set[str]]:
    """The latest figures of a story, by kind, from its independent reports (each dated by its update time
    when it was updated, else by its publication time): the values stated by the latest report that states
    the kind. Reports of the same time that disagree are settled by how many of them state each set of values;
    when that ties too, the tied values are all current."""
    stated: dict[str, list[tuple[datetime, frozenset[str]]]] = {}
    for when, text in reports:
        for kind, values in figure_claims(text).items():
            stated.setdefault(kind, []).append((when, frozenset(values)))
    current = {}
    for kind, dated in stated.items():
        latest = max(when for when, _ in dated)
        votes = Counter(values for when, values in dated if when == latest)
        top = max(votes.values())
        current[kind] = set().union(*(values for values, count in votes.items() if count == top))
    return current


def superseded(text: str, current: dict[str, set[str]]) -> bool:
    """Whether TEXT states a figure of a kind CURRENT holds with a value CURRENT does not hold: "two dead" when
    the toll is three. A kind CURRENT does not hold supersedes nothing."""
    return any(kind in current and values - current[kind] for kind, values in figure_claims(text).items())
