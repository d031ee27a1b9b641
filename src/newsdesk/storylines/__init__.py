"""Storylines: the events (stories) of one developing matter, linked online over weeks.

`StorylineLinker.link(EventRep)` places each new or changed event: into the storyline of its nearest earlier
events when the learned link model (`LinkModel`, `model.json`) accepts it, into a new storyline with a lone
event it matches, or alone for now; storylines that converge merge. The lab (`newsdesk_lab.storylines`) trains
the model and measures the linking through the names below.
"""

from newsdesk.storylines.features import (FEATURES, DocumentFrequency, EventRep, GroupRep, link_features,
                                          subject_terms)
from newsdesk.storylines.linker import HORIZON, Candidate, LinkDecision, StorylineLinker
from newsdesk.storylines.model import LinkModel, LinkModelMissing

__all__ = ["FEATURES", "HORIZON", "Candidate", "DocumentFrequency", "EventRep", "GroupRep", "LinkDecision",
           "LinkModel", "LinkModelMissing", "StorylineLinker", "link_features", "subject_terms"]
