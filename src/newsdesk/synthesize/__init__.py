"""Story pages: the extractive writer (headline, summary, takeaways, who said what); the lab measures and tunes it."""

from newsdesk.extract import Sentence, split_sentences
from newsdesk.synthesize.dates import anchor_days
from newsdesk.synthesize.differ import differences, stated_figures
from newsdesk.synthesize.figures import current_figures, figure_claims, superseded
from newsdesk.synthesize.text import entities, numbers, repeats, terms, title_key
from newsdesk.synthesize.so_far import (
    SO_FAR_EVENTS,
    SoFar,
    SoFarSource,
    extractive_so_far,
    so_far_json,
    so_far_sources,
    sources_key,
    stored_so_far,
)
from newsdesk.synthesize.timeline import (
    PAGE_VERSION,
    is_update,
    notable_update,
    page_version,
    report_time,
    timeline,
)
from newsdesk.synthesize.writer import (
    FEATURES,
    Analysis,
    Writer,
    WriterConfig,
    default_encoder,
    default_writer,
    write_story,
)

# The LLM writer (and httpx) is imported only by who asks for it.
_LLM = frozenset({"ChatClient", "LLMConfig", "LLMError", "LLMWriter", "config_from_settings", "llm_so_far",
                  "source_words", "split_generated", "summarise_reports"})

__all__ = ["Analysis", "ChatClient", "FEATURES", "LLMConfig", "LLMError", "LLMWriter", "PAGE_VERSION", "SO_FAR_EVENTS",
           "Sentence", "SoFar", "SoFarSource", "Writer", "WriterConfig", "anchor_days", "config_from_settings",
           "current_figures", "default_encoder", "default_writer", "differences", "entities", "extractive_so_far",
           "figure_claims", "is_update", "llm_so_far", "notable_update", "numbers", "page_version", "repeats",
           "report_time", "so_far_json", "so_far_sources", "source_words", "sources_key", "split_generated",
           "split_sentences", "stated_figures", "stored_so_far", "summarise_reports", "superseded", "terms", "timeline",
           "title_key", "write_story"]


def __getattr__(name: str):
    if name in _LLM:
        from newsdesk.synthesize import llm

        return getattr(llm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
