"""The desk: composes sources → fetch → extract → dedupe → storage."""

from newsdesk.pipeline.desk import Desk, OpmlImport, Outcome, SourceReport, SubscribeError

__all__ = ["Desk", "OpmlImport", "Outcome", "SourceReport", "SubscribeError", "PageWriter", "StoryGrouper", "VECTOR_MODEL",
           "slugify"]

_STORIES = {"PageWriter", "StoryGrouper", "VECTOR_MODEL", "slugify"}


def __getattr__(name: str):
    # the grouping and page writing load the pair model and the writer: imported when first asked for, so that
    # subscribing from the web or the CLI does not pay for them
    if name in _STORIES:
        from newsdesk.pipeline import stories

        return getattr(stories, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
