"""Ask the story: a question answered only from a story's own articles, every sentence with its sources.

Extractive by default (the sentences that best support an answer, by the embedder and the question's terms);
through the LLM endpoint when one is configured, with the LLM writer's grounding checks on every sentence the
model writes. When nothing in the articles supports an answer, the answer is that the sources don't say."""

from newsdesk.ask.answer import MAX_QUESTION, NOT_SAID, AskError, StoryAsker, answer_json
from newsdesk.ask.extractive import AskConfig
from newsdesk.ask.question import read_question

__all__ = ["AskConfig", "AskError", "MAX_QUESTION", "NOT_SAID", "StoryAsker", "answer_json", "read_question"]
