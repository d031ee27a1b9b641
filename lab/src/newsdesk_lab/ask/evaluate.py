"""`newsdesk eval ask`: the share of answerable questions answered rightly (the answer holds a key fact) and the
share of unanswerable ones refused ("the sources don't say"), over the project's questions (questions.json)
about demo events and NeuS stories."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from newsdesk.ask import StoryAsker
from newsdesk.demo import load_corpus
from newsdesk.model import StoryArticle

QUESTIONS = "questions.json"


@dataclass
class AskResult:
    questions: int = 0
    answerable: int = 0
    answered_right: int = 0       # answerable, answered, and the answer holds a key fact
    answered_wrong: int = 0       # answerable, answered without a key fact
    missed: int = 0               # answerable, refused
    unanswerable: int = 0
    refused: int = 0              # unanswerable and refused
    skipped: int = 0              # NeuS questions without the NeuS file
    llm_generated: int = 0
    llm_dropped: int = 0
    llm_fallbacks: int = 0        # answers given extractively: the endpoint failed or all it wrote was unsupported
    llm_reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    mistakes: list[dict] = field(default_factory=list)

    def figures(self) -> dict:
        return {"questions": self.questions, "answerable": self.answerable, "unanswerable": self.unanswerable,
                "answered_correctly": self.answered_right / self.answerable if self.answerable else 0.0,
                "refused_unanswerable": self.refused / self.unanswerable if self.unanswerable else 0.0,
                "accuracy": (self.answered_right + self.refused) / self.questions if self.questions else 0.0,
                "answered_wrong": self.answered_wrong, "missed": self.missed, "skipped": self.skipped,
                "llm_generated": self.llm_generated, "llm_dropped": self.llm_dropped,
                "llm_dropped_reasons": self.llm_reasons, "llm_fallbacks": self.llm_fallbacks,
                "seconds": self.seconds}


def load_questions() -> list[dict]:
    text = resources.files("newsdesk_lab.ask").joinpath(QUESTIONS).read_text(encoding="utf-8")
    return json.loads(text)["questions"]


def demo_stories() -> dict[str, list[StoryArticle]]:
    """Each demo event's articles, as last revised."""
    corpus = load_corpus()
    found: dict[str, list[StoryArticle]] = {}
    for n, article in enumerate(corpus.articles):
        latest = article.version(len(article.revisions))
        found.setdefault(article.event, []).append(StoryArticle(
            id=n + 1, outlet=corpus.outlet(article.outlet).name, title=latest.title,
            text="\n".join(latest.paragraphs), published=latest.at, is_reprint=article.reprint_of is not None,
            language=corpus.outlet(article.outlet).language))
    return found


_ARTICLE = re.compile(r"\s*TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.S)


def neus_story(line: str, number: int) -> list[StoryArticle]:
    """One NeuS line's articles (the outlets are not named in the data: "NeuS outlet 1…3")."""
    found = []
    for k, part in enumerate(line.split(" [SEP] ")):
        match = _ARTICLE.match(part)
        if match and match.group(2).strip():
            found.append(StoryArticle(id=number * 10 + k + 1, outlet=f"NeuS outlet {k + 1}",
                                      title=match.group(1).rstrip(". "), text=match.group(2).strip()))
    return found


def _holds(answer: str, facts: list[str]) -> bool:
    low = answer.lower()
    return any(fact.lower() in low for fact in facts)


def evaluate_ask(neus: Path | None, asker: StoryAsker | None = None, *, examples: int = 0, limit: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> AskResult:
    """`limit`: only the first N questions about demo events and the first N about NeuS stories."""
    asker = asker or StoryAsker()
    questions = load_questions()
    if limit is not None:
        demo_questions = [q for q in questions if "demo" in q["story"]][:limit]
        questions = demo_questions + [q for q in questions if "neus" in q["story"]][:limit]
    demo = demo_stories()
    lines = neus.read_text(encoding="utf-8").splitlines() if neus is not None else None
    result = AskResult()
    started = time.perf_counter()
    for done, item in enumerate(questions, 1):
        story = item["story"]
        if "neus" in story:
            if lines is None:
                result.skipped += 1
                continue
            articles = neus_story(lines[story["neus"]], story["neus"])
        else:
            articles = demo[story["demo"]]
        answer = asker.ask(item["question"], articles)
        result.questions += 1
        result.llm_generated += answer.generated
        result.llm_dropped += answer.dropped
        result.llm_fallbacks += bool(answer.error)
        for reason, n in answer.dropped_reasons.items():
            result.llm_reasons[reason] = result.llm_reasons.get(reason, 0) + n
        text = " ".join(s.text for s in answer.sentences)
        right = False
        if item["answerable"]:
            result.answerable += 1
            if not answer.answered:
                result.missed += 1
            elif _holds(text, item["facts"]):
                result.answered_right += 1
                right = True
            else:
                result.answered_wrong += 1
        else:
            result.unanswerable += 1
            if not answer.answered:
                result.refused += 1
                right = True
        if not right and len(result.mistakes) < examples:
            result.mistakes.append({"story": story, "question": item["question"], "answerable": item["answerable"],
                                    "answer": text or None})
        if progress:
            progress(done, len(questions))
    result.seconds = time.perf_counter() - started
    return result
