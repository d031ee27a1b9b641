"""The extractive answer: the story's sentences that best support an answer, by the embedder and the question's
terms, each with its outlet and the others that say the same; none when nothing supports one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.ask.question import Kind, Question, counts_term, fits
from newsdesk.model import AnswerSentence
from newsdesk.synthesize import Analysis, Writer


@dataclass
class AskConfig:
    similarity_weight: float = 0.6     # a sentence's support: this share of its cosine with the question,
                                       # the rest the question's terms it holds, weighted by their rarity
    support: float = 0.5               # the least support that answers
    min_similarity: float = 0.35       # ... with at least this cosine
    min_terms: float = 0.34            # ... and at least this share of the question's weighted terms
    unknown_terms: float = 0.6         # the question is about what the story never mentions when this share of
                                       # its weighted terms are nowhere in it
    counted: float = 0.1               # added to the support of a sentence whose number counts what a "how many"
                                       # question asks about
    margin: float = 0.06               # a second sentence is shown when this close to the best
    sentences: int = 2
    candidates: int = 6                # sentences shown to the LLM
    max_sentences_per_article: int = 80


@dataclass
class Support:
    unit: int
    score: float
    similarity: float
    terms: float          # the share of the question's weighted terms this sentence holds


def _holds(terms: set[str], term: str) -> bool:
    """Whether a sentence's terms hold a question's term, or a form of it the crude stemmer left apart
    ("leave" and "leav" of "leaving"): one a prefix of the other, of four letters or more."""
    if term in terms:
        return True
    return len(term) >= 4 and any(len(t) >= 4 and (t.startswith(term) or term.startswith(t)) for t in terms)


def _weights(question: Question, analysis: Analysis) -> dict[str, float]:
    """Each question term weighted by its rarity in the story (a term the story never uses weighs most)."""
    documents = [u.terms for u in analysis.units if u.text]
    n = len(documents)
    return {t: math.log((n + 1) / (sum(1 for d in documents if _holds(d, t)) + 1)) + 1.0 for t in question.terms}


def rank_support(question: Question, vector: np.ndarray, analysis: Analysis, config: AskConfig
                 ) -> tuple[list[Support], float]:
    """The story's sentences by how well each supports an answer, best first; and the share of the question's
    weighted terms the story never mentions."""
    weights = _weights(question, analysis)
    total = sum(weights.values())
    story_terms = set().union(*(u.terms for u in analysis.units if u.text)) if analysis.units else set()
    unknown = sum(w for t, w in weights.items() if not _holds(story_terms, t)) / total if total else 0.0
    sims = analysis.vectors @ vector if len(analysis.units) else np.zeros(0)
    found = []
    for k in analysis.sentences:
        unit = analysis.units[k]
        if not unit.text:
            continue
        held = sum(w for t, w in weights.items() if _holds(unit.terms, t)) / total if total else 0.0
        similarity = float(sims[k])
        score = config.similarity_weight * similarity + (1 - config.similarity_weight) * held
        if question.kind == Kind.NUMBER and counts_term(unit.text, question.terms):
            score += config.counted
        found.append(Support(k, score, similarity, held))
    found.sort(key=lambda s: -s.score)
    return found, unknown


def answering(question: Question, ranked: Sequence[Support], unknown: float, analysis: Analysis,
              config: AskConfig) -> list[Support]:
    """The sentences that answer: supported enough, of the kind asked for; none when the question is about
    what the story does not mention."""
    if unknown >= config.unknown_terms:
        return []
    chosen: list[Support] = []
    for support in ranked:
        if (support.score < config.support or support.similarity < config.min_similarity
                or support.terms < config.min_terms or not fits(question.kind, analysis.units[support.unit].text)):
            continue
        if chosen and (support.score < chosen[0].score - config.margin or len(chosen) >= config.sentences):
            break
        if any(analysis.units[c.unit].overlaps(analysis.units[support.unit]) or
               analysis.similarity(c.unit, support.unit) >= 0.8 for c in chosen):
            continue
        chosen.append(support)
    return chosen


def answer_sentences(writer: Writer, analysis: Analysis, chosen: Sequence[Support]) -> list[AnswerSentence]:
    found = []
    for support in chosen:
        unit = analysis.units[support.unit]
        article = analysis.articles[unit.article]
        found.append(AnswerSentence(text=writer.shown(analysis, support.unit), article_id=article.id,
                                    outlet=analysis.outlet_of[unit.article],
                                    also=writer.also(analysis, support.unit), score=round(support.score, 3)))
    return found
