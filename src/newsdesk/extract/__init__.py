"""Article text and metadata from an HTML page, and the sentences of that text."""

from newsdesk.extract.article import Extracted, ExtractionError, extract_article
from newsdesk.extract.sentences import Sentence, split_sentences

__all__ = ["Extracted", "ExtractionError", "Sentence", "extract_article", "split_sentences"]
