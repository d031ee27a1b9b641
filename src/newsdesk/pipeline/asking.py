"""Ask the story: a question about a stored story answered from its articles (newsdesk.ask)."""

from __future__ import annotations

from newsdesk.ask import StoryAsker
from newsdesk.config import Settings
from newsdesk.embed import CachedEmbedder
from newsdesk.model import StoryAnswer
from newsdesk.pipeline.pages import writer_articles
from newsdesk.storage import Storage


def story_asker(settings: Settings, encoder=None) -> StoryAsker:
    """The asker the settings ask for: through the LLM endpoint when llm_url is set, else extractive."""
    llm = None
    if settings.llm_url:
        from newsdesk.synthesize import config_from_settings

        llm = config_from_settings(settings)
    return StoryAsker(llm=llm, encoder=encoder, zone=settings.zone())


def ask_story(storage: Storage, asker: StoryAsker, story_id: int, question: str) -> StoryAnswer:
    """The answer from the story's articles (its current ones: a merged story's id asks the story it is in).
    The vectors it embedded (the sentences past the pages' first few, the question) are stored before it
    returns."""
    answer = asker.ask(question, writer_articles(storage, storage.story_articles(story_id)))
    if isinstance(asker.writer.encoder, CachedEmbedder):
        asker.writer.encoder.flush()
    return answer
