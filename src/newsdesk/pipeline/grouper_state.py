"""The story grouper's state between the clusterer and storage: a checkpoint writes what changed as rows
(`storage.GrouperRows`), a restart reads the rows back with the article vectors storage keeps — no article
text is read and no model is run."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np

from newsdesk.cluster import OnlineClusterer, StateChanges, encode_story, restore_clusterer
from newsdesk.embed import unpack_rows
from newsdesk.storage import GrouperRows, Storage

_VECTOR_CHUNK = 500


def state_rows(delta: StateChanges, story_ids: dict[int, int], extra: dict, replace: bool) -> GrouperRows:
    """The rows of one checkpoint; `extra` goes into the meta row beside the clusterer's counters."""
    return GrouperRows(
        meta=json.dumps({**delta.counters, **extra}), replace=replace,
        stories=[(s.id, story_ids.get(s.id), encode_story(s)) for s in delta.stories], gone=delta.gone,
        index=[(key, item, story, bucket) for key, item, story, bucket in delta.index if isinstance(item, int)],
        index_below=delta.index_below, terms=list(delta.terms.items()), terms_replace=delta.terms_replace,
        graphs=delta.graphs)


def saved_meta(storage: Storage) -> dict | None:
    text = storage.grouper_meta()
    return json.loads(text) if text else None


def load_clusterer(storage: Storage, meta: dict, vector_model: str, embedder=None, multilingual=None
                   ) -> tuple[OnlineClusterer, dict[int, int]]:
    """The clusterer saved in storage and its stories' stored ids (grouper story → stored story). Index entries
    whose article or vector is gone are left out."""
    story_ids: dict[int, int] = {}

    def stories() -> Iterator[bytes]:
        for story, stored, blob in storage.grouper_stories():
            if stored is not None:
                story_ids[story] = stored
            yield blob

    rows = storage.grouper_index()
    vectors: dict[int, np.ndarray] = {}
    articles = [article for _, article, _, _ in rows]
    for start in range(0, len(articles), _VECTOR_CHUNK):
        found = storage.vectors(articles[start:start + _VECTOR_CHUNK], vector_model)
        if found:
            vectors.update(zip(found, unpack_rows(list(found.values()))))
    index = ((key, article, story, bucket, vectors[article])
             for key, article, story, bucket in rows if article in vectors)
    clusterer = restore_clusterer(meta, stories(), index, storage.grouper_terms(), storage.grouper_graphs(),
                                  embedder=embedder, multilingual=multilingual)
    return clusterer, story_ids
