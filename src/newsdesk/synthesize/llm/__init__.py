"""The optional LLM story writer (see `writer`): a chat model rewrites what the extractive writer found, and
nothing it says is shown unchecked."""

from newsdesk.synthesize.llm.checks import figures, missing_names, names, source_words, split_generated
from newsdesk.synthesize.llm.client import ChatClient, LLMError, chat_url
from newsdesk.synthesize.llm.prompt import Draft, build_messages, parse_reply
from newsdesk.synthesize.llm.so_far import llm_so_far
from newsdesk.synthesize.llm.writer import (
    Check,
    LLMConfig,
    LLMReport,
    LLMStoryPage,
    LLMWriter,
    config_from_settings,
    summarise_reports,
)

__all__ = ["ChatClient", "Check", "Draft", "LLMConfig", "LLMError", "LLMReport", "LLMStoryPage", "LLMWriter",
           "build_messages", "chat_url", "config_from_settings", "figures", "llm_so_far", "missing_names", "names",
           "parse_reply", "source_words", "split_generated", "summarise_reports"]
