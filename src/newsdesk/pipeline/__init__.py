"""The desk: composes sources → fetch → extract → dedupe → storage."""

from newsdesk.pipeline.desk import Desk, Outcome, SourceReport, SubscribeError

__all__ = ["Desk", "Outcome", "SourceReport", "SubscribeError"]
