"""Entities: the people, organisations and places articles name, found by spaCy's small English NER model and
resolved per story into one group per real-world thing."""

from newsdesk.entities.names import acronym, clean_name, fold, match_key, name_keys, search_key
from newsdesk.entities.ner import (
    LABELS,
    MAX_CHARS,
    MODEL_PACKAGE,
    NER_MODEL,
    NerUnavailable,
    article_text,
    find_mentions,
    find_spans,
    load_ner,
    unread_tail,
    use_one_core,
)
from newsdesk.entities.resolve import resolve_story
from newsdesk.entities.tails import named_again
from newsdesk.entities.languages import reads_language

__all__ = ["LABELS", "MAX_CHARS", "MODEL_PACKAGE", "NER_MODEL", "NerUnavailable", "acronym", "article_text",
           "clean_name", "find_mentions", "find_spans", "fold", "load_ner", "match_key", "name_keys", "named_again",
           "reads_language", "resolve_story", "search_key", "unread_tail", "use_one_core"]
