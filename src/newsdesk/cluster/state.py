"""The online clusterer's state in parts a checkpoint can write apart: one record per story, the article index
(keys and the caller's article ids; the vectors are the caller's to keep), the document frequencies and a few
counters. `state_changes` takes what changed since the last save, `restore` builds a clusterer from the parts."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from newsdesk.cluster.features import Story
from newsdesk.cluster.graph import graph_bytes
from newsdesk.cluster.online import OnlineClusterer, _Bucket, unit

STATE_VERSION = 2
_HEAD = struct.Struct("<III")


@dataclass
class StateChanges:
    """What changed in a clusterer since its state was last saved."""
    counters: dict
    stories: list[Story] = field(default_factory=list)       # added to or merged into
    gone: list[int] = field(default_factory=list)            # merged away or out of the window
    index: list[tuple[int, int | str | None, int, int | None]] = field(default_factory=list)  # key, item, story, bucket
    index_below: int | None = None                           # buckets before this one left the index
    terms: dict[str, int] = field(default_factory=dict)     # document frequencies changed (all when replaced)
    terms_replace: bool = False
    graphs: list[tuple[int, int, bytes]] = field(default_factory=list)  # bucket, articles, graph_bytes


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def encode_story(s: Story) -> bytes:
    """One story as bytes: its words and counters as compressed JSON, then its vector sum (float64) and kept
    member vectors (float32) as they are, so that a restored story scores exactly as the saved one."""
    head = {"id": s.id, "size": s.size, "member_tfs": s.member_tfs, "member_ents": s.member_ents,
            "terms": s.terms, "title_terms": s.title_terms, "entities": s.entities, "numbers": s.numbers,
            "words": s.words, "first": _time(s.first), "last": _time(s.last),
            "sources": {k: _time(v) for k, v in s.sources.items()}, "join_sums": s.join_sums, "joins": s.joins,
            "tentative": s.tentative, "unread": s.unread,
            "norms": [s.norm_cache, s.title_norm_cache, s.ent_norm_cache], "languages": dict(s.languages),
            "cross_sum": _b64(s.cross_sum, np.float64) if s.cross_sum is not None else None,
            "cross_members": _b64(np.stack(s.cross_members), np.float32) if s.cross_members else None}
    text = zlib.compress(json.dumps(head, separators=(",", ":")).encode("utf-8"), 1)
    emb = np.ascontiguousarray(s.emb_sum, dtype=np.float64).tobytes() if s.emb_sum is not None else b""
    members = np.ascontiguousarray(np.stack(s.members), dtype=np.float32).tobytes() if s.members else b""
    return _HEAD.pack(len(text), len(emb), len(members)) + text + emb + members


def decode_story(blob: bytes, dim: int) -> Story:
    text_n, emb_n, members_n = _HEAD.unpack_from(blob)
    at = _HEAD.size
    head = json.loads(zlib.decompress(blob[at:at + text_n]))
    at += text_n
    emb = np.frombuffer(blob, dtype=np.float64, count=emb_n // 8, offset=at).copy() if emb_n else None
    at += emb_n
    members = (list(np.frombuffer(blob, dtype=np.float32, count=members_n // 4, offset=at).reshape(-1, dim).copy())
               if members_n else [])
    s = Story(id=head["id"], dim=dim, size=head["size"], emb_sum=emb, members=members,
              member_tfs=head["member_tfs"], member_ents=head["member_ents"], terms=head["terms"],
              title_terms=head["title_terms"], entities=Counter(head["entities"]), numbers=Counter(head["numbers"]),
              words=head["words"], first=_parse(head["first"]), last=_parse(head["last"]),
              sources={k: _parse(v) for k, v in head["sources"].items()}, join_sums=head["join_sums"],
              joins=head["joins"], tentative=head["tentative"], unread=head["unread"])
    s.norm_cache, s.title_norm_cache, s.ent_norm_cache = head["norms"]
    s.languages = Counter(head.get("languages") or {})
    if head.get("cross_sum"):
        s.cross_sum = _unb64(head["cross_sum"], np.float64)
    if head.get("cross_members"):
        s.cross_members = list(_unb64(head["cross_members"], np.float32).reshape(-1, dim))
    return s


def _b64(values: np.ndarray, dtype) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def _unb64(text: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).copy()


def counters(c: OnlineClusterer) -> dict:
    """The clusterer's settings, counters and redirects: small, written whole at every checkpoint."""
    return {"version": STATE_VERSION, "dim": c.dim or 0, "window_s": c.window.total_seconds(),
            "late_s": c.late.total_seconds(), "bucket_s": c.bucket.total_seconds(), "docs": c.vocab.docs,
            "next_story": c.next_story, "next_key": c.next_key, "latest": _time(c.latest), "added": c.added,
            "redirects": [[k, v] for k, v in c.redirects.items()]}


def state_changes(c: OnlineClusterer, everything: bool = False) -> StateChanges:
    """What changed since the last `mark_saved` (all of the state with `everything`); changes nothing."""
    if everything:
        stories = list(c.stories.values())
        keys = [(k, b) for b, bucket in c.buckets.items() for k in bucket.keys]
        terms, replace = dict(c.vocab.df), True
    else:
        stories = [c.stories[sid] for sid in sorted(c.changed) if sid in c.stories]
        keys = [(k, b) for k, b in c.new_index if k in c.key_item]
        replace = c.vocab.pruned
        terms = dict(c.vocab.df) if replace else {t: c.vocab.df[t] for t in c.vocab.changed if t in c.vocab.df}
    index = [(k, c.key_item[k], c.article_story[k], b) for k, b in keys]
    # A bucket's graph is saved each time it has doubled: a restart adds at most half a bucket again.
    graphs = [(b, len(bucket), graph_bytes(bucket.index)) for b, bucket in c.buckets.items()
              if b is not None and bucket.index is not None and (everything or bucket.graph_due())]
    return StateChanges(counters=counters(c), stories=stories, gone=sorted(c.gone), index=index,
                        index_below=c.dropped_below, terms=terms, terms_replace=replace, graphs=graphs)


def mark_saved(c: OnlineClusterer, delta: StateChanges | None = None) -> None:
    """The state as it stands (and `delta`'s graphs) is saved: forget what changed."""
    for b, items, _ in delta.graphs if delta is not None else ():
        if b in c.buckets:
            c.buckets[b].saved_items = items
    c.changed.clear()
    c.gone.clear()
    c.new_index.clear()
    c.dropped_below = None
    c.vocab.changed.clear()
    c.vocab.pruned = False


def restore(meta: dict, stories: Iterable[bytes], index: Iterable[tuple[int, int | str, int, int | None, np.ndarray]],
            terms: dict[str, int], graphs: dict[int, bytes] | None = None, **kwargs) -> OnlineClusterer:
    """A clusterer from its saved parts: `meta` from `counters`, each story's `encode_story` bytes, the index
    rows (key, item, story, bucket, vector) in the order they were added, the document frequencies and the
    buckets' saved graphs."""
    c = OnlineClusterer(window=timedelta(seconds=meta["window_s"]), late=timedelta(seconds=meta["late_s"]),
                        bucket=timedelta(seconds=meta["bucket_s"]), dim=meta["dim"] or None, **kwargs)
    dim = meta["dim"]
    c.vocab.df = Counter(terms)
    c.vocab.docs = meta["docs"]
    for blob in stories:
        story = decode_story(blob, dim)
        c.stories[story.id] = story
    c.redirects = {int(k): int(v) for k, v in meta["redirects"]}
    grouped: dict[int | None, tuple[list[int], list[np.ndarray]]] = {}
    for key, item, story_id, bucket, vector in index:
        keys, vectors = grouped.setdefault(bucket, ([], []))
        keys.append(key)
        vectors.append(unit(vector))
        c.article_story[key] = story_id
        c.key_item[key] = item
    for bucket, (keys, vectors) in grouped.items():
        c.buckets[bucket] = _Bucket.restored(dim, keys, np.stack(vectors), (graphs or {}).get(bucket))
    c.next_story, c.next_key = meta["next_story"], meta["next_key"]
    c.latest = _parse(meta["latest"])
    c.added = meta["added"]
    return c
