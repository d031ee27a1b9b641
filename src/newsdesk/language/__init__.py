"""Languages: which one an article is in (detected from title and text, the declared one when the detector is
unsure), ISO codes and their names, coverage by language, numbers the English way and each language's function
words (the rules for sentences and boilerplate are extraction's, `extract.sentence_rules` and `extract.boilerplate`;
the writer's are in `synthesize`)."""

from newsdesk.language.codes import NAMES, base_language, language_name
from newsdesk.language.coverage import UNKNOWN, coverage_line, language_counts
from newsdesk.language.detect import detect, language_of
from newsdesk.language.display import DEFAULT_DISPLAY_LANGUAGE, DISPLAY_LANGUAGE_SETTING
from newsdesk.language.numbers import english_numerals
from newsdesk.language.stopwords import function_words, without_function_words

__all__ = ["DEFAULT_DISPLAY_LANGUAGE", "DISPLAY_LANGUAGE_SETTING", "NAMES", "UNKNOWN", "base_language",
           "coverage_line", "detect", "english_numerals", "function_words", "language_counts", "language_name", "language_of",
           "without_function_words"]
