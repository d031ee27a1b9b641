"""Reprints across a whole backfill: every article's signature keyed by its LSH band keys and its text hash, the
keys shuffled into partitions (`partition_keys`: the map side), each partition's articles that share a key
paired and the pairs verified (`verified_pairs`: the reduce side, in parallel), then the copies folded in
arrival order by the live desk's own rule (`fold`, through `dedupe.find_original`), on the driver.

The desk compares a new article with the 20 stored articles sharing most band keys with it; here each article is
paired with the `NEIGHBOURS` nearest earlier articles in each of its buckets, which holds every article of a
reprint family up to that size and keeps a bucket of boilerplate from growing quadratically."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsdesk.dedupe import MIN_SHINGLES, Fingerprint, containment, find_original
from newsdesk.model import Candidate, CopyLink
from newsdesk.model import CopySignature as Signature

NEIGHBOURS = 20


def fingerprint_of(signature: Signature) -> Fingerprint:
    return Fingerprint(signature.text_hash, signature.shingle_count, signature.minhash, signature.band_keys)


def hash_key(text_hash: str) -> int:
    """The text hash as a signed 64-bit key beside the band keys (a clash only makes a pair to verify)."""
    return int.from_bytes(bytes.fromhex(text_hash[:16]), "big", signed=True)


def keys_of(signature: Signature) -> list[int]:
    if signature.shingle_count < MIN_SHINGLES:
        return []                        # too short for the desk to call a copy, exact or near
    return [*signature.band_keys, hash_key(signature.text_hash)]


def partition_keys(signatures: Sequence[Signature], first: int, partitions: int) -> list[list[tuple[int, int]]]:
    """The map side: (key, position) of each signature (positions from `first`), split by key into
    `partitions` lists."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(partitions)]
    for position, signature in enumerate(signatures, start=first):
        for key in set(keys_of(signature)):
            out[key % partitions].append((key, position))
    return out


def verified_pairs(rows: Iterable[tuple[int, int]], signatures: Sequence[Signature],
                   threshold: float) -> list[tuple[int, int]]:
    """The reduce side: the (earlier, later) positions that share a key, each later one with its NEIGHBOURS
    nearest earlier ones per key, kept when the texts are the same or the later contains enough of the earlier
    (the desk's containment estimate) — the pairs the fold may link."""
    buckets: dict[int, list[int]] = {}
    for key, position in rows:
        buckets.setdefault(key, []).append(position)
    seen: set[tuple[int, int]] = set()
    kept: list[tuple[int, int]] = []
    for members in buckets.values():
        members.sort()
        for k, later in enumerate(members):
            for earlier in members[max(0, k - NEIGHBOURS):k]:
                pair = (earlier, later)
                if pair in seen:
                    continue
                seen.add(pair)
                if _matches(signatures[earlier], signatures[later], threshold):
                    kept.append(pair)
    return kept


def _matches(a: Signature, b: Signature, threshold: float) -> bool:
    if a.text_hash == b.text_hash:
        return True
    if a.minhash is None or b.minhash is None:
        return False
    return containment(b.minhash, b.shingle_count, a.minhash, a.shingle_count) >= threshold


def verify_partition(signatures: Sequence[Signature], threshold: float,
                     *parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One reduce task: the rows of one partition from every map task, paired and verified."""
    return verified_pairs((row for part in parts for row in part), signatures, threshold)


def find_pairs(signatures: Sequence[Signature], threshold: float, partitions: int = 1) -> list[tuple[int, int]]:
    """Map, shuffle and reduce in this process (what the Ray engine does across tasks)."""
    return distinct(verified_pairs(rows, signatures, threshold) for rows in partition_keys(signatures, 0, partitions))


def distinct(found: Iterable[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The partitions' pairs, each once (two articles sharing keys in two partitions are paired in both)."""
    return sorted({pair for pairs in found for pair in pairs})


def fold(signatures: Sequence[Signature], pending_from: int, pairs: Iterable[tuple[int, int]],
         threshold: float) -> dict[int, CopyLink | None]:
    """The signatures from `pending_from` on arrive one by one (the earlier ones are stored and already folded):
    each is matched against the earlier articles it was paired with, and linked, as the desk's ingest links a
    new article (`find_original`, then the original of a copy of a copy, an earlier arrival becoming the
    original). Returns the article ids whose link changed: their new link, or None for no link."""
    earlier_of: dict[int, list[int]] = {}
    for a, b in pairs:
        if b >= pending_from:
            earlier_of.setdefault(b, []).append(a)
    links = _Links(signatures)
    for position in range(pending_from, len(signatures)):
        new = signatures[position]
        earlier = [signatures[e] for e in sorted(earlier_of.get(position, ()))]
        near = [links.candidate(s) for s in earlier]
        exact = [c for c, s in zip(near, earlier) if s.text_hash == new.text_hash]
        match = find_original(fingerprint_of(new), new.time, exact, near, threshold)
        if match is None:
            continue
        if match.new_is_earlier:
            links.mark(match.original_id, new.id, match.similarity, match.method)
        else:
            links.mark(new.id, match.original_id, match.similarity, match.method)
    return links.changed()


class _Links:
    """Copy links in memory, changed as storage's `mark_copy` changes its rows."""

    def __init__(self, signatures: Sequence[Signature]) -> None:
        self.time = {s.original_id: s.original_time for s in signatures if s.original_id is not None}
        self.time.update({s.id: s.time for s in signatures})
        self.link = {s.id: CopyLink(s.id, s.original_id, s.similarity or 0.0, s.method or "near")
                     for s in signatures if s.original_id is not None}
        self.before = dict(self.link)
        self.copies: dict[int, set[int]] = {}
        for link in self.link.values():
            self.copies.setdefault(link.original_id, set()).add(link.copy_id)

    def candidate(self, signature: Signature) -> Candidate:
        link = self.link.get(signature.id)
        return Candidate(id=signature.id, time=signature.time, shingle_count=signature.shingle_count,
                         minhash=signature.minhash, original_id=link.original_id if link else None,
                         original_time=self.time.get(link.original_id) if link else None)

    def mark(self, copy_id: int, original_id: int, similarity: float, method: str) -> None:
        """The original is no copy; the copy's own copies follow it to the original."""
        self._unlink(original_id)
        for article in self.copies.pop(copy_id, set()):
            current = self.link[article]
            self._set(CopyLink(article, original_id, current.similarity, current.method))
        self._unlink(copy_id)
        self._set(CopyLink(copy_id, original_id, similarity, method))

    def _set(self, link: CopyLink) -> None:
        self.link[link.copy_id] = link
        self.copies.setdefault(link.original_id, set()).add(link.copy_id)

    def _unlink(self, article: int) -> None:
        old = self.link.pop(article, None)
        if old is not None:
            self.copies.get(old.original_id, set()).discard(article)

    def changed(self) -> dict[int, CopyLink | None]:
        return {a: self.link.get(a) for a in set(self.before) | set(self.link) if self.before.get(a) != self.link.get(a)}
