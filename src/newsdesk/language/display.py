"""The language a page is read in: the desk's display language (a setting), or a reader's own."""

from __future__ import annotations

DISPLAY_LANGUAGE_SETTING = "display_language"
DEFAULT_DISPLAY_LANGUAGE = "en"
