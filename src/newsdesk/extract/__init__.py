"""Article text and metadata from an HTML page."""

from newsdesk.extract.article import Extracted, ExtractionError, extract_article

__all__ = ["Extracted", "ExtractionError", "extract_article"]
