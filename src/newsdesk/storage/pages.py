"""Fetched pages as kept: zstd frames packed with a dictionary trained on the desk's own pages (pages kept
before that are zlib or plain zstd), their retention and repacking."""

from __future__ import annotations

import random
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime

import zstandard

from newsdesk.storage.database import Database, StorageError
from newsdesk.timeutil import from_iso, to_iso, utcnow

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
PACK_LEVEL = 6                  # zstd level: as fast as zlib 6 was and smaller (docs/research/storage-size.md)
DICTIONARY_BYTES = 112_640      # zstd's own default dictionary size
DICTIONARY_MIN_PAGES = 200      # fewer pages than this make a dictionary that helps little
DICTIONARY_SAMPLE_PAGES = 1000  # trained on the newest pages, up to this many
DICTIONARY_SAMPLE_BYTES = 32_000_000    # and this many bytes unpacked (zstd advises ~100× the dictionary)


@dataclass(frozen=True)
class PageStats:
    pages: int                  # revisions whose page is kept
    packed_bytes: int           # their packed size
    undictionaried: int         # pages packed without a dictionary (kept before one was trained)
    oldest: datetime | None     # when the oldest kept page was fetched
    dictionary_id: int | None   # the current dictionary (row id), if one was trained
    dictionary_trained_at: datetime | None


class PageCodec:
    """Packs pages with the newest dictionary; unpacks any page the desk ever kept. zstd's contexts are not
    thread-safe: one thread at a time."""

    def __init__(self, dictionaries: dict[int, bytes]):
        self._lock = threading.Lock()
        self._dictionaries = {key: zstandard.ZstdCompressionDict(raw) for key, raw in dictionaries.items()}
        self.current = max(self._dictionaries) if self._dictionaries else None
        self._decompressors: dict[int | None, zstandard.ZstdDecompressor] = {}
        dictionary = self._dictionaries.get(self.current) if self.current is not None else None
        if dictionary is not None:
            dictionary.precompute_compress(level=PACK_LEVEL)     # digested once, not on every page
        self._compressor = zstandard.ZstdCompressor(level=PACK_LEVEL, dict_data=dictionary)

    def knows(self, dictionary_id: int | None) -> bool:
        return dictionary_id is None or dictionary_id in self._dictionaries

    def pack(self, html: bytes | str) -> bytes:
        with self._lock:
            return self._compressor.compress(html.encode("utf-8") if isinstance(html, str) else html)

    def unpack(self, packed: bytes, dictionary_id: int | None) -> bytes:
        if not packed.startswith(ZSTD_MAGIC):
            return zlib.decompress(packed)          # kept before migration 16
        with self._lock:
            decompressor = self._decompressors.get(dictionary_id)
            if decompressor is None:
                dictionary = self._dictionaries[dictionary_id] if dictionary_id is not None else None
                decompressor = self._decompressors[dictionary_id] = zstandard.ZstdDecompressor(dict_data=dictionary)
            return decompressor.decompress(packed)


class PageStore:
    db: Database
    _page_codec: PageCodec | None = None

    def page_codec(self, *, needs: int | None = None) -> PageCodec:
        """The codec over the stored dictionaries; read again when another process trained one we lack."""
        if self._page_codec is None or not self._page_codec.knows(needs):
            rows = self.db.query("SELECT id, dictionary FROM page_dictionaries")
            self._page_codec = PageCodec({r["id"]: r["dictionary"] for r in rows})
        return self._page_codec

    def pack_page(self, html: bytes | str | None) -> tuple[bytes | None, int | None]:
        """(packed page, dictionary id) as a revision keeps them."""
        if html is None:
            return None, None
        codec = self.page_codec()
        return codec.pack(html), codec.current

    def unpack_page(self, packed: bytes | None, dictionary_id: int | None) -> bytes | None:
        if packed is None:
            return None
        try:
            return self.page_codec(needs=dictionary_id).unpack(packed, dictionary_id)
        except (zlib.error, zstandard.ZstdError, KeyError) as exc:
            raise StorageError(f"a kept page cannot be unpacked ({exc}); the database may be damaged") from exc

    def train_page_dictionary(self, *, sample_pages: int = DICTIONARY_SAMPLE_PAGES,
                              min_pages: int = DICTIONARY_MIN_PAGES, seed: int = 0) -> int | None:
        """Train a zstd dictionary on the newest kept pages (up to `sample_pages` and DICTIONARY_SAMPLE_BYTES)
        and make it the one new pages are packed with; None when fewer than `min_pages` pages are kept."""
        rows = self.db.query("SELECT html_packed, html_dictionary FROM revisions WHERE html_packed IS NOT NULL "
                             "ORDER BY id DESC LIMIT ?", (sample_pages,))
        if len(rows) < min_pages:
            return None
        samples, size = [], 0
        for row in rows:
            if size >= DICTIONARY_SAMPLE_BYTES:
                break
            samples.append(self.unpack_page(row["html_packed"], row["html_dictionary"]))
            size += len(samples[-1])
        random.Random(seed).shuffle(samples)
        try:
            trained = zstandard.train_dictionary(DICTIONARY_BYTES, samples, level=PACK_LEVEL)
        except zstandard.ZstdError:
            return None           # pages too few or too alike to learn from: keep packing without one
        new_id = self.db.insert("INSERT INTO page_dictionaries (dict_id, trained_at, samples, dictionary) "
                                "VALUES (?, ?, ?, ?)", (trained.dict_id(), to_iso(utcnow()), len(samples),
                                                        trained.as_bytes()))
        self._page_codec = None
        return new_id

    def repack_pages(self, limit: int = 500) -> int:
        """Pack up to `limit` pages kept without a dictionary (before the first was trained) with the current
        one; returns how many were repacked. Pages packed with an older dictionary stay as they are."""
        codec = self.page_codec()
        if codec.current is None:
            return 0
        rows = self.db.query("SELECT id, html_packed, html_dictionary FROM revisions WHERE html_packed IS NOT NULL "
                             "AND html_dictionary IS NULL ORDER BY id LIMIT ?", (limit,))
        repacked = [(codec.pack(self.unpack_page(r["html_packed"], r["html_dictionary"])), codec.current, r["id"])
                    for r in rows]
        if repacked:
            with self.db.transaction():
                self.db.executemany("UPDATE revisions SET html_packed = ?, html_dictionary = ? WHERE id = ?", repacked)
        return len(repacked)

    def prune_pages(self, fetched_before: datetime, limit: int | None = None) -> int:
        """Drop the kept HTML of revisions fetched before `fetched_before` (their text stays); returns how many."""
        bound = "LIMIT ?" if limit is not None else ""
        params: tuple = (to_iso(fetched_before), limit) if limit is not None else (to_iso(fetched_before),)
        return self.db.execute(
            "UPDATE revisions SET html_packed = NULL, html_dictionary = NULL WHERE id IN (SELECT id FROM revisions "
            f"WHERE html_packed IS NOT NULL AND fetched_at < ? ORDER BY fetched_at {bound})", params)

    def vacuum(self) -> None:
        """Give the space freed by pruning back to the file system (SQLite rewrites the file) or, on
        PostgreSQL, mark it for reuse."""
        self.db.execute("VACUUM")

    def page_stats(self) -> PageStats:
        found = self.db.query("SELECT id, trained_at FROM page_dictionaries ORDER BY id DESC LIMIT 1")
        row = self.db.query(
            "SELECT COUNT(*) AS pages, COALESCE(SUM(LENGTH(html_packed)), 0) AS bytes, MIN(fetched_at) AS oldest, "
            "COALESCE(SUM(CASE WHEN html_dictionary IS NULL THEN 1 ELSE 0 END), 0) AS loose "
            "FROM revisions WHERE html_packed IS NOT NULL")[0]
        return PageStats(pages=int(row["pages"]), packed_bytes=int(row["bytes"]), undictionaried=int(row["loose"]),
                         oldest=from_iso(row["oldest"]), dictionary_id=found[0]["id"] if found else None,
                         dictionary_trained_at=from_iso(found[0]["trained_at"]) if found else None)
