"""New facts: the sentences of a story's new or updated reports whose content no report the reader saw had.

A sentence of a report the reader has not seen (or one its outlet added to a report they saw) is judged
against every sentence and title of the reports they saw, as they were then (all of them: not only those the
page quoted). It brings something new when it states a number that none of them stated (a time of day read as
a time, "6.42pm" and "18:42" alike; a length of time, "45 minutes later", is no evidence: it is most often
worked out from times given) or names someone or something none of them named (capitals of four letters or
fewer aside: "PM", "GDP" abbreviate what may have been written in full; an outlet naming itself aside).
Otherwise it is no new fact when one of them says the same (`Writer.same_content`: close in meaning, or fairly
close and sharing a number or two names with no clashing number), when it repeats most of one's words
(`repeats`), when one comes close in meaning (`FactConfig.close`), when it has too few content words new to
the story, or when the few seen sentences closest to it hold a large share of its content words.

What may be shown follows the page's rule: a sentence stands alone (`needs_context`), or is shown with the
sentence before it when that one does, or is not shown at all; its relative days are shown as dates
(`anchor_days`), anchored to when its report said it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from newsdesk.extract import split_sentences
from newsdesk.model import ArticleId, Attributed
from newsdesk.synthesize import Writer, anchor_days, default_writer, entities, numbers, repeats, terms

# A time of day, "6.42pm", "18:42", "04:30 GMT": read as one value, so that two ways of writing it agree.
_TIME_12 = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?m\.?(?![a-z])", re.IGNORECASE)
_TIME_24 = re.compile(r"\b([01]?\d|2[0-3])[:h](\d{2})\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]")
_YEAR = re.compile(r"(?<![\w.,])(1[89]\d\d|20\d\d)(?!\w|[.,]\d)")
# A length of time ("45 minutes later", "for six days", "the 81st minute"): most often worked out from the
# times and dates a report gives, so no evidence of something new on its own.
_DURATION = re.compile(r"\b[\w.,]+(?:st|nd|rd|th)?[\s-]+(?:(?:and\s+a\s+half|more|full|long)\s+)?"
                       r"(?:second|minute|hour|day|week|month|year)s?\b(?![\s-]*old\b)", re.IGNORECASE)
_NOT_NAMES = frozenset("""
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun january february
march april may june july august september october november december monday tuesday wednesday thursday friday
saturday sunday my our your we you it its they there this that what when if not no yes nobody everyone some all
now then here i'm we're it's
""".split())
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass
class FactConfig:
    """How a sentence stating no new number or name is judged. The values hold on the demo's hand labels
    (`newsdesk eval newfacts --demo`), on which they were chosen: see docs/research/since-read.md."""
    max_sentences: int = 40          # sentences read of one report (its lead first); the rest are not judged
    # Sentences of a seen report compared in meaning; the rest by their words only. The story writer embedded
    # the first six for the page (the shared embedder remembers them); each further one costs an embedding
    # once.
    # On the demo's labels precision is 0.79 at 6, 0.83 at 8 and 0.86 from 10 on.
    meaning_sentences: int = 12
    close: float = 0.60              # a seen sentence this close in meaning says it already
    new_words: int = 4               # fewer content words new to the story than this: nothing new is said
    nearby: int = 3                  # ... and when the `nearby` closest seen sentences hold
    nearby_words: float = 0.40       # this share of its content words, it says what they say


@dataclass
class Report:
    """One report as the reader saw it, or as it is now (with `before`, its text as the reader saw it)."""
    article_id: ArticleId
    outlet: str
    title: str
    text: str
    published: datetime | None = None   # when what it says was said: its publication, or its update
    before: str | None = None           # a report the reader saw, changed since: its text then


@dataclass
class Judgement:
    """The verdict on one sentence of a new or changed report."""
    article_id: ArticleId
    position: int                       # index among the report's sentences (`split_sentences`)
    text: str
    new: bool
    reason: str                         # new: "number", "name", "unlike"; not new: "seen", "same", "repeats",
                                        # "close", "few new words", "words of the closest"
    like: tuple[ArticleId, int] | None = None   # the closest sentence seen (position -1: a title)
    similarity: float = 0.0


@dataclass
class _Seen:
    ids: list[tuple[ArticleId, int]] = field(default_factory=list)
    embedded: list[int] = field(default_factory=list)      # the units compared in meaning
    texts: list[str] = field(default_factory=list)
    terms: list[set[str]] = field(default_factory=list)
    numbers: list[set[str]] = field(default_factory=list)
    names: list[set[str]] = field(default_factory=list)
    exact: set[str] = field(default_factory=set)
    all_numbers: set[str] = field(default_factory=set)
    all_terms: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)


def _key(text: str) -> str:
    """A sentence as compared word for word: case, quotation marks and spacing aside."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).lower().split())


def fact_numbers(text: str) -> set[str]:
    """The numbers a sentence states (`numbers`), its times of day read as 24-hour times ("t18:42")."""
    found: set[str] = set()

    def twelve(match: re.Match) -> str:
        hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
        found.add(f"t{hour}:{match.group(2) or '00'}")
        return " "

    def twenty_four(match: re.Match) -> str:
        found.add(f"t{int(match.group(1))}:{match.group(2)}")
        return " "

    rest = _TIME_24.sub(twenty_four, _TIME_12.sub(twelve, text))
    found |= {f"y{year}" for year in _YEAR.findall(rest)}
    rest = _DURATION.sub(" ", _YEAR.sub(" ", rest))
    return found | numbers(rest)


def plain(text: str) -> str:
    """TEXT without accents and with straight apostrophes: "Despréaux’s" and "Despreaux's" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> set[str]:
    found = set()
    for word in _WORD.findall(plain(text)):
        word = word.lower().removesuffix("'s")
        found.add(word)
        found.update(part for part in re.split(r"['\-]", word) if part)
    return found


def names_in(text: str) -> set[str]:
    """The names a sentence uses (`entities`), accents aside."""
    return {name.removesuffix("'s") for name in entities(plain(text))}


def _new_name(name: str, text: str, known: set[str]) -> bool:
    """Whether NAME, used in TEXT, names someone or something the seen reports did not: short capitals
    ("PM", "GDP") abbreviate what they may have written in full, and a month or a day is no name."""
    if name in known or name in _NOT_NAMES:
        return False
    written = re.search(rf"\b{re.escape(name)}", plain(text), re.IGNORECASE)
    return not (written and written.group(0).isupper() and len(name) <= 4)


class FactFinder:
    """Judges the sentences of new and changed reports against what the reader saw, with the story writer's
    encoder (the shared embedder, which remembers the sentences it embedded for the story's page) and
    rules."""

    def __init__(self, writer: Writer | None = None, config: FactConfig | None = None) -> None:
        self.writer = writer or default_writer()
        self.config = config or FactConfig()

    def sentences(self, text: str | None) -> list[str]:
        return [s.text for s in split_sentences(text or "")[: self.config.max_sentences]]

    def _seen(self, seen: Sequence[Report]) -> _Seen:
        found = _Seen()
        embedded = self.embedded_sentences
        for report in seen:
            for position, text in [(-1, report.title), *enumerate(self.sentences(report.text))]:
                if not (text or "").strip():
                    continue
                if position < embedded:
                    found.embedded.append(len(found.texts))
                found.ids.append((report.article_id, position))
                found.texts.append(text)
                found.terms.append(set(terms(text)))
                found.numbers.append(fact_numbers(text))
                found.names.append(names_in(text))
                found.exact.add(_key(text))
            whole = f"{report.title}\n{report.text}"
            found.all_numbers |= fact_numbers(whole)
            found.all_terms |= set(terms(whole))
            found.words |= _words(whole)
        return found

    @property
    def embedded_sentences(self) -> int:
        """Sentences of a seen report compared in meaning (the rest, by their words only)."""
        return min(self.config.max_sentences, self.config.meaning_sentences)

    def judge(self, seen: Sequence[Report], arriving: Sequence[Report]) -> list[Judgement]:
        """A verdict on each sentence of the arriving reports, in order (for a report with `before`, on each
        of its sentences; those it held then are "seen"). What words and numbers settle is settled first; only
        the rest is embedded."""
        known = self._seen(seen)
        for report in [*seen, *arriving]:     # "told the Beacon": an outlet naming itself names nothing new
            known.words |= _words(re.sub(r"[-_]", " ", report.outlet or ""))
        judgements: list[Judgement] = []
        pending: list[int] = []
        for report in arriving:
            before = {_key(t) for t in self.sentences(report.before)} if report.before is not None else set()
            for position, text in enumerate(self.sentences(report.text)):
                judgement = Judgement(report.article_id, position, text, True, "unlike")
                judgements.append(judgement)
                key = _key(text)
                if key in before or key in known.exact:
                    judgement.new, judgement.reason = False, "seen"
                elif not self._by_words(judgement, known):
                    pending.append(len(judgements) - 1)
        if not pending or not known.embedded:
            return judgements
        encoder = self.writer.encoder
        vectors = _unit_rows(encoder.encode([judgements[k].text for k in pending]))
        sims = vectors @ _unit_rows(encoder.encode([known.texts[i] for i in known.embedded])).T
        for row, k in enumerate(pending):
            self._by_meaning(judgements[k], sims[row], known)
        return judgements

    def _by_words(self, judgement: Judgement, known: _Seen) -> bool:
        """Settle what the words alone settle: a number or a name no seen report had, a sentence repeating
        most of one's words, too few content words new to the story. Whether it was settled."""
        text = judgement.text
        if fact_numbers(text) - known.all_numbers:
            judgement.reason = "number"
        elif any(_new_name(name, text, known.words) for name in names_in(text)):
            judgement.reason = "name"
        else:
            own_terms = set(terms(text))
            if any(repeats(own_terms, other) for other in known.terms):
                judgement.new, judgement.reason = False, "repeats"
            elif len(own_terms - known.all_terms) < self.config.new_words:
                judgement.new, judgement.reason = False, "few new words"
            else:
                return False
        return True

    def _by_meaning(self, judgement: Judgement, sims: np.ndarray, known: _Seen) -> None:
        """Whether the seen sentences closest in meaning say what the sentence (stating no new number or name,
        with enough new words) says: one says the same (`Writer.same_content`), one comes close, or the few
        closest hold most of its content words."""
        config, writer, text = self.config, self.writer, judgement.text
        closest = [known.embedded[j] for j in np.argsort(-sims)]
        judgement.like, judgement.similarity = known.ids[closest[0]], float(sims.max())
        own_terms, own_numbers, own_names = set(terms(text)), fact_numbers(text), names_in(text)
        by_unit = dict(zip(known.embedded, sims.tolist()))
        if any(writer.same_content(by_unit[i], own_numbers, own_names, known.numbers[i], known.names[i])
               for i in closest[:8]):
            judgement.new, judgement.reason = False, "same"
        elif judgement.similarity >= config.close:
            judgement.new, judgement.reason = False, "close"
        else:
            nearby = set().union(*(known.terms[i] for i in closest[:config.nearby]))
            if own_terms and len(own_terms & nearby) >= config.nearby_words * len(own_terms):
                judgement.new, judgement.reason = False, "words of the closest"


def _unit_rows(matrix) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim != 2:
        return matrix.reshape(0, 1)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def fact_units(finder: FactFinder, report: Report, judged: dict[int, Judgement]) -> list[tuple[int, int]]:
    """The (first, last) sentence positions of what may be shown of one report as new facts: each unit the
    page could show (`Writer.report_units`) whose own sentence, its last, is new; a sentence shown with the
    one before it is not shown again alone."""
    sentences = split_sentences(report.text or "")[: finder.config.max_sentences]
    units = [(first, last) for first, last in finder.writer.report_units(sentences)
             if judged.get(last) is not None and judged[last].new]
    paired = {first for first, last in units if first != last}
    return [(first, last) for first, last in units if not (first == last and first in paired)]


def attribute(finder: FactFinder, report: Report, first: int, last: int, zone) -> Attributed:
    sentences = finder.sentences(report.text)
    raw = " ".join(sentences[first:last + 1])
    shown = anchor_days(raw, report.published, zone)
    return Attributed(shown, report.article_id, report.outlet, [], raw if shown != raw else "")
