"""Which articles the English model reads."""

from __future__ import annotations


def reads_language(language: str | None) -> bool:
    """English ("en", "en-GB", "en_US"), or a language the page did not state: most feeds without one are in
    English, and the model finds few names in text of another language. An article in any other stated
    language gets no entities."""
    if not language:
        return True
    return language.strip().lower().replace("_", "-").split("-")[0] == "en"
