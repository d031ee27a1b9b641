"""A person's corrections of the grouping and of how stories show: move an article, merge two stories, split
one, pin a headline, hide or pin a story; each logged (who, when, what) and undoable, and kept by the grouper
as must-link / cannot-link pairs; exported as labelled pairs for training the pair model."""

from newsdesk.corrections.errors import BadCorrection, CorrectionError, NotFound
from newsdesk.corrections.export import labelled_articles, labelled_pairs
from newsdesk.corrections.operations import (
    NEW,
    Corrected,
    hide_story,
    merge_stories,
    move_article,
    pin_story,
    rename_story,
    split_story,
    undo,
)
from newsdesk.corrections.storylines import OUT, merge_storylines, move_event, split_storyline
from newsdesk.corrections.wording import correction_json, describe

__all__ = ["correction_json", "describe", "labelled_articles", "labelled_pairs",
           "NEW", "BadCorrection", "Corrected", "CorrectionError", "NotFound", "hide_story", "merge_stories",
           "move_article", "pin_story", "rename_story", "split_story", "undo", "OUT", "merge_storylines", "move_event",
           "split_storyline"]
