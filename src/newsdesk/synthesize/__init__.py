"""Story pages: the extractive writer (headline, summary, takeaways, who said what) and its evaluation."""

from newsdesk.extract import Sentence, split_sentences
from newsdesk.synthesize.writer import (
    Attributed,
    StoryArticle,
    StoryPage,
    Writer,
    WriterConfig,
    is_update,
    write_story,
)
from newsdesk.synthesize.text import title_key

__all__ = ["Attributed", "Sentence", "StoryArticle", "StoryPage", "Writer", "WriterConfig", "is_update",
           "split_sentences", "title_key", "write_story"]
