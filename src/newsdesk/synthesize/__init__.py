"""Story pages: the extractive writer (headline, summary, takeaways, who said what); the lab measures and tunes it."""

from newsdesk.extract.sentences import Sentence, split_sentences
from newsdesk.synthesize.writer import (
    FEATURES,
    PAGE_VERSION,
    Analysis,
    Attributed,
    StoryArticle,
    StoryPage,
    Writer,
    WriterConfig,
    is_update,
    page_version,
    write_story,
)

__all__ = ["Analysis", "Attributed", "FEATURES", "PAGE_VERSION", "Sentence", "StoryArticle", "StoryPage", "Writer",
           "WriterConfig", "is_update", "page_version", "split_sentences", "summarise_reports", "write_story"]


def __getattr__(name: str):
    # the LLM writer (and httpx) is imported only by who asks for it
    if name == "summarise_reports":
        from newsdesk.synthesize.llm import summarise_reports

        return summarise_reports
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
