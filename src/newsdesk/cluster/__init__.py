"""Online grouping of articles into stories: `OnlineClusterer.add(ClusterInput) -> Assignment`.

A learned join model ranks the recent stories an article could belong to (candidates from an HNSW index over
recent article vectors, within a time window) and accepts the best one or starts a new story; a learned merge
model joins two stories that converge (old ids redirect). `evaluate_clustering` measures it on labelled JSONL;
`python -m newsdesk.cluster.train` fits both models.
"""

from newsdesk.cluster.evaluate import evaluate_clustering, headlines_to_jsonl, neus_to_jsonl, wikinews_to_jsonl
from newsdesk.cluster.model import ModelMissing, PairModel
from newsdesk.cluster.online import Assignment, ClusterInput, OnlineClusterer

__all__ = ["Assignment", "ClusterInput", "ModelMissing", "OnlineClusterer", "PairModel", "evaluate_clustering",
           "headlines_to_jsonl", "neus_to_jsonl", "wikinews_to_jsonl"]
