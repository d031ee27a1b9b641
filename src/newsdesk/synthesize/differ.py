"""Where sources differ: independent outlets that state different values of the same figure (the dead 2 vs 3,
a fine of $10m vs $12m), each version with its outlets and times, and an outlet's own later figure marked as
superseding its earlier one.

Figures are compared by what they count, not by where they stand: the counts `figures.figure_claims` reads
(the dead, the injured, the arrested ...) and sums of money tied to a noun naming what they are ("a $10m
fine", "fined $10 million", "a settlement of £2bn"). A flag that cries wolf is worse than none, so a report
counts for a figure only when it states one value of it ("rose from two to three", "two in one town, five in
all" say nothing here), and money needs a currency and a noun beside it; "up to", "more than", "about" and
other bounds or estimates are not statements of the figure, nor is a count of a part ("two women") or one in a
sentence set in a year (background). Claims: one outlet saying a person confirmed what another says they denied,
in sentences that share their content words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

from newsdesk.extract import split_sentences
from newsdesk.model import Difference, FigureVersion, Statement, StoryArticle
from newsdesk.synthesize.figures import figure_claims
from newsdesk.synthesize import text as textutil
from newsdesk.synthesize.text import COUNT_WORDS, number_value
from newsdesk.synthesize.timeline import report_time

LABELS = {"deaths": "the dead", "injured": "the injured", "missing": "the missing", "arrested": "arrests",
          "evacuated": "the evacuated", "displaced": "the displaced", "rescued": "the rescued",
          "affected": "those affected", "without_power": "those without power"}

# Nouns a sum of money is counted by: "a $10m fine", "a settlement of £2bn".
MONEY_NOUNS = {
    "fine": ("fine", "fines", "penalty", "penalties", "civil penalty"),
    "settlement": ("settlement",),
    "damages": ("damages",),
    "bail": ("bail",),
    "ransom": ("ransom",),
    "compensation": ("compensation", "payout"),
    "bailout": ("bailout", "rescue package"),
}
# Verbs whose sum says what it is: not "paid" or "agreed to pay", which as often buy a company as settle a case.
MONEY_VERBS = {"fine": ("fined", "fining"), "settlement": ("settled for", "agreed to settle for"),
               "bail": ("bail was set at", "released on")}
_CURRENCY_WORDS = {"dollars": "$", "dollar": "$", "euros": "€", "euro": "€", "pounds": "£", "pound": "£",
                   "crowns": "crowns ", "francs": "francs ", "yen": "¥", "yuan": "yuan "}
_SCALES = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "bn": 9, "b": 9, "billion": 9,
           "tn": 12, "trillion": 12}
_AMOUNT = (r"(?P<symbol>(?:US|A|C|NZ|HK)?[$£€¥])?\s?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
           r"(?:\s?(?P<scale>k|m|mn|bn|b|tn|thousand|million|billion|trillion)\b)?"
           r"(?:\s(?P<word>dollars?|euros?|pounds?|crowns|francs|yen|yuan)\b)?")
_NOUN = "|".join(sorted((re.escape(n).replace(r"\ ", r"\s+") for ns in MONEY_NOUNS.values() for n in ns),
                        key=len, reverse=True))
_VERB = "|".join(sorted((re.escape(v).replace(r"\ ", r"\s+") for vs in MONEY_VERBS.values() for v in vs),
                        key=len, reverse=True))
_BOUND = re.compile(r"\b(?:up\s+to|as\s+much\s+as|more\s+than|over|under|less\s+than|at\s+least|about|around|"
                    r"nearly|almost|roughly|some|an\s+estimated|maximum|max(?:imum)?\s+of|between|seeking|sought|"
                    r"seek|could|would|might|may|faces?|facing|proposed)\s*$", re.IGNORECASE)
# "a $10m fine", "a $10 million civil penalty", "$10m in fines"
_AMOUNT_NOUN = re.compile(rf"{_AMOUNT}(?:\s+in)?\s+(?P<noun>{_NOUN})\b", re.IGNORECASE)
# "a fine of $10m", "damages totalling £3m"
_NOUN_AMOUNT = re.compile(rf"\b(?P<noun>{_NOUN})\s+(?:of|worth|totall?ing|amounting\s+to)\s+{_AMOUNT}",
                          re.IGNORECASE)
# "fined Meta $10m", "was fined €1.2bn"
_VERB_AMOUNT = re.compile(rf"\b(?P<verb>{_VERB})(?P<between>(?:\s+[\w.'’-]+){{0,3}}?)\s+{_AMOUNT}", re.IGNORECASE)


def _kind(table: dict[str, tuple[str, ...]], phrase: str) -> str:
    phrase = " ".join(phrase.lower().split())
    return next(kind for kind, phrases in table.items() if phrase in phrases)


def _money(match: re.Match) -> str | None:
    """The sum a match states, normalised ("$12m", "€1.2bn", "780m crowns"); None without a currency, or when a
    bound or estimate ("up to", "about") stands before it."""
    symbol, word = match.group("symbol"), match.group("word")
    if not symbol and not word:
        return None
    before = match.string[max(0, match.start("number") - 30):match.start("symbol") if symbol else match.start("number")]
    if _BOUND.search(before):
        return None
    try:
        value = Decimal(match.group("number").replace(",", ""))
    except InvalidOperation:
        return None
    scale = (match.group("scale") or "").lower()
    value *= Decimal(10) ** _SCALES.get(scale, 0)
    currency = symbol or _CURRENCY_WORDS[word.lower()]
    for size, suffix in ((12, "tn"), (9, "bn"), (6, "m"), (3, "k")):
        if value >= Decimal(10) ** size:
            shown = f"{(value / Decimal(10) ** size).normalize():f}{suffix}"
            break
    else:
        shown = f"{value.normalize():f}"
    return f"{currency}{shown}" if not currency.endswith(" ") else f"{shown} {currency.strip()}"


def money_claims(text: str) -> dict[str, set[str]]:
    """The sums TEXT states by what they are ("fine", "settlement", "damages", "bail", "ransom", "compensation",
    "bailout"), normalised: "fined $10 million" and "a $10m fine" both state {"fine": {"$10m"}}."""
    claims: dict[str, set[str]] = {}
    for match in _AMOUNT_NOUN.finditer(text):
        if (value := _money(match)) is not None:
            claims.setdefault(_kind(MONEY_NOUNS, match.group("noun")), set()).add(value)
    for match in _NOUN_AMOUNT.finditer(text):
        if (value := _money(match)) is not None:
            claims.setdefault(_kind(MONEY_NOUNS, match.group("noun")), set()).add(value)
    for match in _VERB_AMOUNT.finditer(text):
        if re.search(r"\d", match.group("between") or ""):
            continue
        if (value := _money(match)) is not None:
            claims.setdefault(_kind(MONEY_VERBS, match.group("verb")), set()).add(value)
    return claims


_COUNT_WORD = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
# A count given as a bound, an estimate or an increment: "at least 41", "nearly 3,000", "another 43".
_HEDGED = re.compile(
    r"\b(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|up\s+to|an\s+estimated|approximately|"
    r"roughly|fewer\s+than|less\s+than|as\s+many\s+as|just\s+over|just\s+under|close\s+to|upwards\s+of|"
    r"in\s+excess\s+of|another|a\s+further|further|an\s+additional|additional)\s+"
    rf"(?P<count>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_COUNT_WORD})\b)"
    r"(?:\s+(?P<scale>thousand|million|billion)\b)?",
    re.IGNORECASE)
# A count of some of those counted, not of all: "killing two women", "three children among the dead".
_PART = re.compile(rf"\b(?P<count>\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_COUNT_WORD}))\s+(?:of\s+them\s+)?"
                   r"(?:women|men|woman|man|children|child|boys|girls|teenagers|students|pupils|"
                   r"officers|firefighters|soldiers|tourists|worshippers|workers|employees|staff)\b", re.IGNORECASE)


def hedged_counts(text: str) -> set[str]:
    """The counts TEXT gives as a bound, an estimate, an increment or a part ("two women"), normalised as
    figure_claims does."""
    found = set()
    for match in _HEDGED.finditer(text):
        value = number_value(match.group("count"))
        if value is None:
            continue
        if match.group("scale"):
            value = str(int(Decimal(value) * 10 ** _SCALES[match.group("scale").lower()]))
        found.add(value)
    found |= {value for match in _PART.finditer(text) if (value := number_value(match.group("count")))}
    return found


def stated_figures(text: str) -> dict[str, str]:
    """The figures TEXT states exactly one value of, by kind: counts (`figure_claims`) and sums of money. A
    count the text also gives as a bound or an estimate ("at least 41") is no statement of the figure."""
    claims = figure_claims(text)
    hedged = hedged_counts(text)
    claims = {kind: values for kind, values in claims.items() if not values & hedged}
    for kind, values in money_claims(text).items():
        claims.setdefault(kind, set()).update(values)
    return {kind: _shown(next(iter(values))) for kind, values in claims.items() if len(values) == 1}


def _shown(value: str) -> str:
    return f"{int(value):,}" if value.isdigit() else value


# A sentence set in a year ("a mass shooting in 2015 that left nine dead") is background, not the news.
_ANOTHER_YEAR = re.compile(r"\b(?:in|since|of|during)\s+(?:(?:early|late|mid-?)\s*)?(?:19|20)\d\d\b", re.IGNORECASE)


def news_text(title: str | None, text: str | None) -> str:
    """A report's title and the sentences of its text that are about its own news: a sentence set in a year is
    left out, as is every figure in it (another event's toll, given for background)."""
    kept = " ".join(s.text for s in split_sentences(text or "") if not _ANOTHER_YEAR.search(s.text))
    return f"{(title or '').rstrip('.')}.\n{kept}"


# "Calloway confirmed …" / "Calloway denied …": who took which side, by the last word of their name.
_STANCE = re.compile(r"\b(?P<subject>(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’-]+)\s+(?:has\s+|have\s+|had\s+)?"
                     r"(?:publicly\s+|officially\s+|later\s+|flatly\s+|strongly\s+|firmly\s+)?"
                     r"(?P<verb>confirmed|confirms|denied|denies)\b")
_NOT_SUBJECTS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december the it he she they this that who which officials""".split())
_STANCE_WORDS = frozenset({"confirmed", "confirms", "confirm", "denied", "denies", "deny", "deni"})
CLAIM_OVERLAP = 0.25   # share of content words two opposite stances must have in common to be about one thing


def stances(text: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Who TEXT says confirmed or denied something: the subject's name → ("confirmed" or "denied", the content
    words of the sentence beside the name and the verb). A subject given both stances is left out."""
    found: dict[str, set[tuple[str, frozenset[str]]]] = {}
    names: dict[str, str] = {}
    for sentence in split_sentences(text):
        for match in _STANCE.finditer(sentence.text):
            name = match.group("subject").split()[-1].strip("'’s")
            key = name.lower()
            if key in _NOT_SUBJECTS or len(key) < 3:
                continue
            stance = "confirmed" if match.group("verb").startswith("confirm") else "denied"
            named = {w.lower() for w in match.group("subject").split()} | _STANCE_WORDS
            topic = frozenset(t for t in textutil.terms(sentence.text) if t not in named)
            found.setdefault(key, set()).add((stance, topic))
            names[key] = name
    return {f"claim:{names[key]}": next(iter(sides)) for key, sides in found.items()
            if len({stance for stance, _ in sides}) == 1 and len(sides) == 1}


Said = tuple[datetime | None, dict[str, str], dict[str, frozenset[str]]]


def _stated(title: str | None, text: str | None) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    news = news_text(title, text)
    figures = stated_figures(news)
    sides = stances(news)
    figures.update({kind: stance for kind, (stance, _) in sides.items()})
    return figures, {kind: topic for kind, (_, topic) in sides.items()}


def _versions(article: StoryArticle) -> list[Said]:
    """What each version of a report states, with the topic of each claim: the current text at its report
    time and, when the outlet changed it since the desk first saw it, the first text at its publication time."""
    current, topics = _stated(article.title, article.text)
    versions = [(report_time(article), current, topics)]
    if article.first_text is not None or article.first_title is not None:
        first, first_topics = _stated(article.first_title or article.title,
                                      article.first_text if article.first_text is not None else article.text)
        if first != current:
            versions.append((article.published, first, first_topics))
    return versions


def _on_one_claim(statements: list[tuple[datetime | None, str, StoryArticle, frozenset[str]]]) -> list:
    """The statements of a claim that another outlet contradicts about the same thing: their sentences share
    enough content words (CLAIM_OVERLAP) with one of the opposite side."""
    def close(a: frozenset[str], b: frozenset[str]) -> bool:
        return bool(a and b) and len(a & b) / len(a | b) >= CLAIM_OVERLAP

    return [s for s in statements
            if any(o[1] != s[1] and o[2].outlet != s[2].outlet and close(s[3], o[3]) for o in statements)]


def _order(at: datetime | None) -> tuple:
    return (at is not None, at.timestamp() if at else 0.0)


def differences(articles: Sequence[StoryArticle]) -> list[Difference]:
    """The figures on which the story's independent reports (reprints follow their original) disagree: per
    outlet its latest statement of each figure; where two or more outlets' latest statements differ, every
    version with the outlets and times stating it, latest first, and each outlet's own earlier different value
    marked as superseded by its later one."""
    said: dict[str, list[tuple[datetime | None, str, StoryArticle, frozenset[str]]]] = {}
    for article in articles:
        if article.is_reprint:
            continue
        for at, figures, topics in _versions(article):
            for kind, value in figures.items():
                said.setdefault(kind, []).append((at, value, article, topics.get(kind, frozenset())))
    found = []
    for kind, statements in said.items():
        statements.sort(key=lambda s: (_order(s[0]), str(s[2].id)), reverse=True)
        if kind.startswith("claim:"):
            statements = _on_one_claim(statements)
        latest_by_outlet: dict[str, str] = {}
        for _, value, article, _ in statements:
            latest_by_outlet.setdefault(article.outlet, value)
        if len(set(latest_by_outlet.values())) < 2:
            continue
        versions: dict[str, list[Statement]] = {}
        for at, value, article, _ in statements:
            own_latest = latest_by_outlet[article.outlet]
            versions.setdefault(value, []).append(Statement(article.id, article.outlet, at,
                                                            own_latest if own_latest != value else None))
        latest = statements[0][1]
        ordered = sorted(versions.items(), key=lambda kv: (kv[0] != latest,
                                                           [-_order(s.at)[1] for s in kv[1]][:1]))
        label = f"what {kind[6:]} said" if kind.startswith("claim:") else LABELS.get(kind, f"the {kind}")
        found.append(Difference(what=kind, label=label, latest=latest,
                                versions=[FigureVersion(value, stated) for value, stated in ordered]))
    return sorted(found, key=lambda d: d.what)
