"""The desk: composes sources → fetch → extract → dedupe → storage."""

from newsdesk.pipeline.desk import Desk, OpmlImport, Outcome, SourceReport, SubscribeError

__all__ = ["Desk", "OpmlImport", "Outcome", "SourceReport", "SubscribeError"]
