"""`newsdesk eval newfacts`: precision and recall of "new fact" (`newsdesk.reading`) against labels.

Two label sets:

- the demo's hand labels (`newfacts_demo.json`, written for the project; see its "about"): a reader read a
  demo story as written from some reports, then another report (or an update of one they read) arrived; each
  of its sentences is N (new fact), R (repeats or rephrases what they read) or X (states no fact). Positives
  are N.
- NeuS triplets (PREFIX.source, three outlets' reports of one event per line): the third report arrives after
  the reader read the first two. NeuS text may not be copied into the project, so its labels are computed
  here, a silver label independent of the engine's rules: a sentence of the third report is new when it states
  a number (digits) that neither of the first two does, or when no sentence or title of theirs holds half of
  its content words (lower-cased words of three letters or more, less stop words and a plural "s"). Its
  limits: a rephrasing in other words is "new" to it (so the engine's recall is understated when it is right
  to call one old), and a sentence adding one clause to words already used is "old" to it (so its precision is
  understated when the engine is right to call one new); NeuS excerpts are short (a median ~76 words, a few
  sentences each) and of three different outlets' angles on the event, so most of the third report's sentences
  are new.

Two predictions are scored: "shown", a sentence the engine lists as (the own sentence of) a new fact, as the
page shows it (stand-alone units only); "judged", a sentence the engine judges new, shown or not."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from newsdesk.reading import FactFinder, Report, fact_units


def default_labels() -> Path:
    return Path(str(resources.files("newsdesk_lab.reading") / "newfacts_demo.json"))


class LabelsOutOfDate(ValueError):
    """The sentences a case labels are not the sentences the splitter gives now."""


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}


@dataclass
class Result:
    name: str
    cases: int = 0
    sentences: int = 0
    positives: int = 0
    shown: Score = field(default_factory=Score)
    judged: Score = field(default_factory=Score)
    shown_by_label: dict[str, int] = field(default_factory=dict)    # label -> sentences listed as new facts
    seconds: float = 0.0
    mistakes: list[dict] = field(default_factory=list)

    def figures(self) -> dict:
        return {"cases": self.cases, "sentences": self.sentences, "positives": self.positives,
                "shown": self.shown.figures(), "judged": self.judged.figures(),
                "shown_by_label": dict(sorted(self.shown_by_label.items())), "seconds": round(self.seconds, 2)}


def _predict(finder: FactFinder, seen: list[Report], arriving: Report) -> list[tuple[str, bool, bool, str]]:
    """(sentence, shown, judged new, reason) for each sentence of the arriving report."""
    judgements = finder.judge(seen, [arriving])
    by_position = {j.position: j for j in judgements}
    shown = {position for first, last in fact_units(finder, arriving, by_position)
             for position in range(first, last + 1) if by_position[position].new}
    return [(j.text, j.position in shown, j.new, j.reason) for j in judgements]


def _record(result: Result, case: str, truth: list[bool], labels: str | None,
            predicted: list[tuple[str, bool, bool, str]], examples: int) -> None:
    result.cases += 1
    for index, (is_new, (text, shown, judged, reason)) in enumerate(zip(truth, predicted)):
        result.sentences += 1
        result.positives += is_new
        result.shown.add(is_new, shown)
        result.judged.add(is_new, judged)
        label = labels[index] if labels else ("N" if is_new else "R")
        if shown:
            result.shown_by_label[label] = result.shown_by_label.get(label, 0) + 1
        if shown != is_new and len(result.mistakes) < examples:
            result.mistakes.append({"case": case, "sentence": index, "label": label, "shown": shown,
                                    "reason": reason, "text": text})


def _demo_reports(corpus, case: dict) -> tuple[list[Report], Report]:
    seen = []
    for ref in case["seen"]:
        article = corpus.article(ref)
        seen.append(Report(article.id, article.outlet, article.title, "\n\n".join(article.paragraphs),
                           article.published))
    ref, _, revision = case["arrives"].partition("@")
    article = corpus.article(ref)
    version = article.version(int(revision or 0))
    text = "\n\n".join(version.paragraphs)
    before = "\n\n".join(article.paragraphs) if revision else None
    return seen, Report(article.id, article.outlet, version.title, text, version.at, before=before)


def evaluate_demo(path: Path | None = None, finder: FactFinder | None = None, examples: int = 0,
                  progress: Callable[[int, int], None] | None = None) -> Result:
    """The engine against the demo's hand labels."""
    from newsdesk.demo import load_corpus

    data = json.loads((path or default_labels()).read_text(encoding="utf-8"))
    corpus = load_corpus()
    finder = finder or FactFinder()
    result = Result("demo")
    started = time.perf_counter()
    for done, case in enumerate(data["cases"], 1):
        seen, arriving = _demo_reports(corpus, case)
        sentences = finder.sentences(arriving.text)
        digest = hashlib.sha1("\n".join(sentences).encode("utf-8")).hexdigest()[:12]
        if len(sentences) != case["sentences"] or digest != case["digest"]:
            raise LabelsOutOfDate(f"case {case['case']}: the splitter now gives {len(sentences)} sentences "
                                  f"(digest {digest}), the labels were written for {case['sentences']} "
                                  f"({case['digest']}): label the case again")
        labels = case["labels"]
        _record(result, case["case"], [label == "N" for label in labels], labels,
                _predict(finder, seen, arriving), examples)
        if progress:
            progress(done, len(data["cases"]))
    result.seconds = time.perf_counter() - started
    return result


# -- NeuS: silver labels ------------------------------------------------------------------------------------------

_SILVER_STOP = frozenset("""
the and for with that this from have has had was were are been being will would could should than then them they
their there these those what when where which while who whom whose why how not but also its his her him she our
your you about after before into over under more most some such only other said says say just very can may might
one two new
""".split())
_SILVER_WORD = re.compile(r"[a-z]{3,}")
_SILVER_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _silver_words(text: str) -> set[str]:
    words = _SILVER_WORD.findall(text.lower().replace("’", "'"))
    return {w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 4 else w
            for w in words if w not in _SILVER_STOP}


def _silver_numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _SILVER_NUMBER.findall(text)}


def silver_new(sentence: str, before: list[str]) -> bool:
    """The silver label: SENTENCE states a number none of BEFORE (sentences and titles) states, or no one of
    them holds half of its content words."""
    numbers_before = set().union(*(_silver_numbers(b) for b in before)) if before else set()
    if _silver_numbers(sentence) - numbers_before:
        return True
    words = _silver_words(sentence)
    if not words:
        return False
    return max((len(words & _silver_words(b)) / len(words) for b in before), default=0.0) < 0.5


def neus_triplets(prefix: Path, limit: int | None = None) -> list[list[Report]]:
    """The NeuS lines with three reports that have text, each as three Reports."""
    from newsdesk_lab.synthesize.evaluate import parse_source_line

    lines = Path(f"{prefix}.source").read_text(encoding="utf-8").splitlines()
    triplets = []
    for number, line in enumerate(lines):
        articles = parse_source_line(line, number)
        if len(articles) != 3 or not all(a.text.strip() for a in articles):
            continue
        triplets.append([Report(a.id, a.outlet, a.title, a.text) for a in articles])
        if limit is not None and len(triplets) >= limit:
            break
    return triplets


def evaluate_neus(prefix: Path, finder: FactFinder | None = None, limit: int | None = None, examples: int = 0,
                  progress: Callable[[int, int], None] | None = None) -> Result:
    """The engine against silver labels on NeuS triplets: the third report arrives after the first two."""
    finder = finder or FactFinder()
    triplets = neus_triplets(prefix, limit)
    result = Result("neus")
    started = time.perf_counter()
    for done, (first, second, third) in enumerate(triplets, 1):
        before = [first.title, second.title] + finder.sentences(first.text) + finder.sentences(second.text)
        predicted = _predict(finder, [first, second], third)
        truth = [silver_new(text, before) for text, *_ in predicted]
        _record(result, str(third.article_id), truth, None, predicted, examples)
        if progress:
            progress(done, len(triplets))
    result.seconds = time.perf_counter() - started
    return result

