"""Online grouping of articles into stories: `OnlineClusterer.add(ClusterInput) -> Assignment`.

A learned join model ranks the recent stories an article could belong to (candidates from an HNSW index over
recent article vectors, within a time window) and accepts the best one or starts a new story; a learned merge
model joins two stories that converge (old ids redirect). Each placement says why (`Assignment.why`, the
runner-up): `why.join_facts` records the facts, `reasons_in_words` tells them. The lab (`newsdesk_lab.cluster`) measures it on
labelled JSONL and fits both models (`python -m newsdesk_lab.cluster.train`), through the names below.
"""

from newsdesk.cluster.across import ROW_NAMES as ACROSS_ROWS, AcrossModel, across_rows, default_across_path
from newsdesk.cluster.constraints import CANNOT, MUST, LinkConstraints
from newsdesk.cluster.features import FEATURES, STORY_FEATURES, Vocabulary, document_terms, pair_features
from newsdesk.cluster.model import ModelMissing, PairModel, Scorer
from newsdesk.cluster.online import WINDOW, Assignment, ClusterInput, OnlineClusterer, final_stories, read_words
from newsdesk.cluster.state import STATE_VERSION, StateChanges, decode_story, encode_story, mark_saved, state_changes
from newsdesk.cluster.state import restore as restore_clusterer
from newsdesk.cluster.text import Analysed, analyse, lead_texts, lead_vectors, stem
from newsdesk.cluster.why import join_facts, reasons_in_words

__all__ = ["ACROSS_ROWS", "AcrossModel", "Analysed", "analyse", "stem", "CANNOT", "MUST", "LinkConstraints", "WINDOW",
           "Assignment", "ClusterInput", "FEATURES", "ModelMissing", "OnlineClusterer", "PairModel", "STORY_FEATURES",
           "Scorer", "across_rows", "default_across_path", "join_facts", "lead_texts", "lead_vectors", "pair_features",
           "reasons_in_words", "STATE_VERSION", "StateChanges", "decode_story", "encode_story", "mark_saved",
           "restore_clusterer", "state_changes", "Vocabulary", "document_terms", "final_stories", "read_words"]
