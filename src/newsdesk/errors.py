"""The base of every error a user may see: the CLI prints any of them as one `error: …` line and exits 1."""

from __future__ import annotations


class NewsdeskError(Exception):
    """An error whose message is written for the user (what failed and, where known, what to do)."""
