"""One question about one story: the extractive answer, or the LLM's when an endpoint is configured."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from newsdesk.ask.extractive import AskConfig, answer_sentences, answering, rank_support
from newsdesk.ask.question import read_question
from newsdesk.errors import NewsdeskError
from newsdesk.model import StoryAnswer, StoryArticle
from newsdesk.synthesize import Writer, WriterConfig

log = logging.getLogger(__name__)

NOT_SAID = "The sources don't say."
MAX_QUESTION = 500


class AskError(NewsdeskError):
    """A question that cannot be asked (empty, too long), or a story with nothing to answer from."""


class StoryAsker:
    """Answers questions about stories; `llm` (an LLMConfig) sends them through the chat endpoint."""

    def __init__(self, config: AskConfig | None = None, llm=None, encoder=None, zone=None) -> None:
        self.config = config or AskConfig()
        writer_config = WriterConfig(max_sentences_per_article=self.config.max_sentences_per_article)
        if zone is not None:
            writer_config.zone = zone
        self.writer = Writer(writer_config, encoder=encoder)
        self.llm_config = llm
        self._llm = None

    @property
    def llm(self):
        if self._llm is None and self.llm_config is not None:
            from newsdesk.synthesize import LLMWriter

            self._llm = LLMWriter(self.llm_config, writer=self.writer)
        return self._llm

    def ask(self, question: str, articles: Sequence[StoryArticle]) -> StoryAnswer:
        text = " ".join((question or "").split())
        if not text:
            raise AskError("ask a question: it is empty")
        if len(text) > MAX_QUESTION:
            raise AskError(f"a question holds at most {MAX_QUESTION} characters (this one {len(text)})")
        if not any((a.text or "").strip() for a in articles):
            raise AskError("the story has no article text to answer from")
        asked = read_question(text)
        analysis = self.writer.analyse(articles)
        vector = np.asarray(self.writer.encoder.encode([text]), dtype=np.float32)[0]
        vector = vector / max(float(np.linalg.norm(vector)), 1e-9)
        ranked, unknown = rank_support(asked, vector, analysis, self.config)
        chosen = answering(asked, ranked, unknown, analysis, self.config)
        answer = StoryAnswer(question=text)
        if not chosen:              # nothing supports an answer: no model is asked to make one up
            return answer
        if self.llm is not None:
            from newsdesk.ask.llm import llm_answer
            from newsdesk.synthesize import LLMError

            try:
                llm_answer(self.llm, text, analysis, ranked, answer, self.config.candidates, self.config.sentences)
                if answer.sentences or answer.generated == 0:
                    return answer
                answer.error = f"every sentence the model wrote was unsupported ({answer.dropped} dropped)"
            except LLMError as exc:
                log.warning("ask: %s; answering extractively", exc)
                answer.error = str(exc)
        answer.method = "extractive"
        answer.sentences = answer_sentences(self.writer, analysis, chosen)
        return answer

    def close(self) -> None:
        if self._llm is not None and self._llm._client is not None:
            self._llm._client.close()


def answer_json(answer: StoryAnswer, story_id: int | None = None) -> dict:
    data = {"question": answer.question, "answered": answer.answered,
            "answer": " ".join(s.text for s in answer.sentences) if answer.answered else NOT_SAID,
            "sentences": [{"text": s.text, "article_id": s.article_id, "outlet": s.outlet,
                           "also": [list(pair) for pair in s.also], "score": s.score} for s in answer.sentences],
            "method": answer.method, "generated": answer.generated, "dropped": answer.dropped,
            "dropped_reasons": answer.dropped_reasons, "error": answer.error or None}
    if story_id is not None:
        data = {"story_id": story_id, **data}
    return data
