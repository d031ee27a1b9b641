"""Every way a correction can be refused, each with a message a user can read; nothing is changed then."""

from __future__ import annotations

from newsdesk.errors import NewsdeskError


class CorrectionError(NewsdeskError):
    """A correction was refused; nothing was changed."""


class NotFound(CorrectionError):
    """The story, article or correction named does not exist."""


class BadCorrection(CorrectionError):
    """The correction cannot be made as asked (a story into itself, an article that is not in the story …)."""
