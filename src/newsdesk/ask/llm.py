"""The answer through the LLM endpoint: the model answers from the story's best-supporting sentences, and each
sentence it writes passes the LLM writer's grounding checks or is dropped and counted."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdesk.ask.extractive import Support
from newsdesk.model import AnswerSentence, StoryAnswer
from newsdesk.synthesize import Analysis
from newsdesk.synthesize import LLMWriter, source_words, split_generated

REFUSAL = "NOT IN SOURCES"
# Only a reply that opens with the refusal refuses: a small model may echo the prompt, refusal words included,
# and what it echoes is left to the grounding checks.
_REFUSED = re.compile(r"^\W*(?:not in (?:the )?sources|the sources (?:don't|do not) say)", re.I)

EXAMPLE = """Example.
Sentences:
- [Dale Gazette] Heavy snow closed the Brenner mountain road on Tuesday, stranding 40 lorries.
- [Valley News] Snowploughs are expected to reopen the road on Wednesday morning.
Question: How many lorries were stranded?
Answer: Heavy snow stranded 40 lorries on the Brenner road.
Question: Who owns the lorries?
Answer: NOT IN SOURCES"""


def build_messages(question: str, sentences: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """sentences are (outlet, text) pairs."""
    lines = ["Answer the question from these news sentences only, in one or two short sentences. Never add a "
             f"name, number or date that is not in them. If they do not answer it, write exactly: {REFUSAL}",
             "", EXAMPLE, "", "Now this story.", "Sentences:"]
    lines += [f"- [{outlet}] {text}" for outlet, text in sentences]
    lines += [f"Question: {question}", "Answer:"]
    return [{"role": "user", "content": "\n".join(lines)}]


def llm_answer(llm: LLMWriter, question: str, analysis: Analysis, ranked: Sequence[Support],
               answer: StoryAnswer, candidates: int, max_sentences: int) -> None:
    """Fill `answer` from the model's reply; raises LLMError when the endpoint fails."""
    shown = [(analysis.outlet_of[analysis.units[s.unit].article], analysis.units[s.unit].text)
             for s in ranked[:candidates]]
    reply = llm.client.complete(build_messages(question, shown), max_tokens=90, temperature=0.0)
    answer.method = "llm"
    text = reply.strip().removeprefix("Answer:").strip()
    if not text or _REFUSED.search(text):
        return
    generated = [s for s in split_generated(text) if s.strip()]
    if not generated:
        return
    vectors = llm._encode(generated)
    sims = vectors @ analysis.vectors.T
    words = source_words([t for a in analysis.articles for t in (a.title or "", a.text or "")])
    for row, sentence in enumerate(generated):
        check = llm.check(analysis, "summary", sentence, sims[row], words)
        answer.generated += 1
        if not check.kept:
            answer.dropped += 1
            answer.dropped_reasons[check.reason] = answer.dropped_reasons.get(check.reason, 0) + 1
            continue
        if len(answer.sentences) >= max_sentences:
            continue
        item = llm.attribute(analysis, sentence, sims[row])
        answer.sentences.append(AnswerSentence(text=item.text, article_id=item.article_id, outlet=item.outlet,
                                               also=list(item.also), score=round(check.similarity, 3)))
