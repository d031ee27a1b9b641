"""The story grouper's state as rows: a checkpoint writes the stories, index entries and document frequencies
that changed since the last one, and deletes what left the window, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from newsdesk.storage.database import Database
from newsdesk.timeutil import to_iso, utcnow

_CHUNK = 500
GROUPER_TABLES = ("grouper_meta", "grouper_stories", "grouper_index", "grouper_terms", "grouper_graphs")


@dataclass
class GrouperRows:
    """What one checkpoint writes. `stories`: (grouper story, stored story, state) upserted; `gone`: grouper
    stories deleted; `index`: (key, article, grouper story, bucket) added; `index_below`: index entries of
    older buckets deleted; `terms`: (term, document frequency) upserted, or all of them when `terms_replace`;
    `graphs`: (bucket, articles, graph) upserted, those of older buckets deleted with their index entries;
    `replace`: the rows are the whole state, any saved before are deleted first."""
    meta: str
    replace: bool = False
    stories: list[tuple[int, int | None, bytes]] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    index: list[tuple[int, int, int, int | None]] = field(default_factory=list)
    index_below: int | None = None
    terms: list[tuple[str, int]] = field(default_factory=list)
    terms_replace: bool = False
    graphs: list[tuple[int, int, bytes]] = field(default_factory=list)


class GrouperStateStore:
    db: Database

    def save_grouper_rows(self, rows: GrouperRows) -> None:
        with self.db.transaction():
            if rows.replace:
                for table in GROUPER_TABLES:
                    self.db.execute(f"DELETE FROM {table}")
            for part in _chunks(rows.gone):
                self.db.execute(f"DELETE FROM grouper_stories WHERE story IN ({_marks(part)})", part)
            self.db.executemany("INSERT INTO grouper_stories (story, stored_story, state) VALUES (?, ?, ?) "
                                "ON CONFLICT (story) DO UPDATE SET stored_story = excluded.stored_story, "
                                "state = excluded.state", rows.stories)
            if rows.index_below is not None:
                self.db.execute("DELETE FROM grouper_index WHERE bucket < ?", (rows.index_below,))
                self.db.execute("DELETE FROM grouper_graphs WHERE bucket < ?", (rows.index_below,))
            self.db.executemany("INSERT INTO grouper_graphs (bucket, items, graph) VALUES (?, ?, ?) "
                                "ON CONFLICT (bucket) DO UPDATE SET items = excluded.items, graph = excluded.graph",
                                rows.graphs)
            self.db.executemany("INSERT INTO grouper_index (item_key, article_id, story, bucket) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (item_key) DO NOTHING", rows.index)
            if rows.terms_replace and not rows.replace:
                self.db.execute("DELETE FROM grouper_terms")
            self.db.executemany("INSERT INTO grouper_terms (term, df) VALUES (?, ?) "
                                "ON CONFLICT (term) DO UPDATE SET df = excluded.df", rows.terms)
            self.db.execute("DELETE FROM grouper_meta")
            self.db.execute("INSERT INTO grouper_meta (id, saved_at, meta) VALUES (1, ?, ?)",
                            (to_iso(utcnow()), rows.meta))

    def grouper_meta(self) -> str | None:
        found = self.db.query("SELECT meta FROM grouper_meta WHERE id = 1")
        return found[0]["meta"] if found else None

    def grouper_stories(self, batch: int = 2000) -> Iterator[tuple[int, int | None, bytes]]:
        """(grouper story, stored story, state) of every story the grouper holds, in story order."""
        after = -1
        while True:
            found = self.db.query("SELECT story, stored_story, state FROM grouper_stories WHERE story > ? "
                                  "ORDER BY story LIMIT ?", (after, batch))
            for r in found:
                yield r["story"], r["stored_story"], bytes(r["state"])
            if len(found) < batch:
                return
            after = found[-1]["story"]

    def grouper_index(self) -> list[tuple[int, int, int, int | None]]:
        """(key, article, grouper story, bucket) of the article index, in the order the articles were added."""
        return [(r["item_key"], r["article_id"], r["story"], r["bucket"]) for r in
                self.db.query("SELECT item_key, article_id, story, bucket FROM grouper_index ORDER BY item_key")]

    def grouper_graphs(self) -> dict[int, bytes]:
        """Each bucket's saved index graph."""
        return {r["bucket"]: bytes(r["graph"]) for r in self.db.query("SELECT bucket, graph FROM grouper_graphs")}

    def grouper_terms(self) -> dict[str, int]:
        return {r["term"]: r["df"] for r in self.db.query("SELECT term, df FROM grouper_terms")}

    def grouper_state_bytes(self) -> int:
        """Bytes the grouper's rows hold (their payload, not the pages around it): for the benchmarks."""
        found = self.db.query(
            "SELECT (SELECT COALESCE(SUM(LENGTH(state)), 0) FROM grouper_stories) AS s, "
            "(SELECT COUNT(*) FROM grouper_index) AS i, "
            "(SELECT COALESCE(SUM(LENGTH(term)) + 8 * COUNT(*), 0) FROM grouper_terms) AS t, "
            "(SELECT COALESCE(SUM(LENGTH(meta)), 0) FROM grouper_meta) AS m, "
            "(SELECT COALESCE(SUM(LENGTH(graph)), 0) FROM grouper_graphs) AS g")[0]
        return int(found["s"]) + 32 * int(found["i"]) + int(found["t"]) + int(found["m"]) + int(found["g"])

    def clear_grouper_state(self) -> None:
        with self.db.transaction():
            for table in GROUPER_TABLES:
                self.db.execute(f"DELETE FROM {table}")


def _chunks(items: Sequence) -> Iterator[list]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start:start + _CHUNK])


def _marks(part: Sequence) -> str:
    return ", ".join("?" for _ in part)
