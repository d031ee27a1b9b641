"""Story pages: the extractive writer (headline, summary, takeaways, who said what) and its evaluation."""

from newsdesk.extract.sentences import Sentence, split_sentences
from newsdesk.synthesize.writer import (
    PAGE_VERSION,
    Attributed,
    StoryArticle,
    StoryPage,
    Writer,
    WriterConfig,
    is_update,
    page_version,
    write_story,
)

__all__ = ["PAGE_VERSION", "Attributed", "Sentence", "StoryArticle", "StoryPage", "Writer", "WriterConfig",
           "is_update", "page_version", "split_sentences", "write_story"]
