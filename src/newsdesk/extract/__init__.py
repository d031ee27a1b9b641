"""Article text and metadata from an HTML page, and the sentences of that text."""

from newsdesk.extract.article import HTML_TYPES, Extracted, ExtractionError, extract_article
from newsdesk.extract.sentences import (
    MAX_WORDS,
    Sentence,
    normalise,
    quote_is_open,
    raw_sentences,
    split_sentences,
    word_count,
)

__all__ = ["HTML_TYPES", "MAX_WORDS", "Extracted", "ExtractionError", "Sentence", "extract_article", "normalise", "quote_is_open",
           "raw_sentences", "split_sentences", "word_count"]
