"""The one Storage callers use: every entity's queries (a module each) over one Database, and the schema."""

from __future__ import annotations

from newsdesk.storage.alerts import AlertStore
from newsdesk.storage.articles import ArticleStore
from newsdesk.storage.backfill import BackfillStore
from newsdesk.storage.copies import CopyStore
from newsdesk.storage.corrections import CorrectionStore
from newsdesk.storage.entities import EntityStore
from newsdesk.storage.database import Database, ReadOnlyError, StorageError
from newsdesk.storage.fetch_log import FetchLogStore
from newsdesk.storage.grouper_state import GrouperStateStore
from newsdesk.storage.join_reasons import JoinReasonStore
from newsdesk.storage.labels import LabelStore
from newsdesk.storage.migrations import MIGRATIONS, statements
from newsdesk.storage.outbox import OutboxStore
from newsdesk.storage.own_view import OwnViewStore
from newsdesk.storage.reading import ReadingStore
from newsdesk.storage.search import SearchStore
from newsdesk.storage.settings import SettingStore
from newsdesk.storage.source_days import SourceDayStore
from newsdesk.storage.sources import SourceStore
from newsdesk.storage.stories import StoryStore
from newsdesk.storage.storylines import StorylineStore
from newsdesk.storage.sync_items import SyncItemStore
from newsdesk.storage.sync import SyncStore
from newsdesk.storage.users import UserStore
from newsdesk.storage.vectors import VectorStore
from newsdesk.timeutil import to_iso, utcnow


class Storage(SourceStore, FetchLogStore, ArticleStore, CopyStore, StoryStore, VectorStore, SearchStore,
              SettingStore, UserStore, ReadingStore, SyncStore, SyncItemStore, EntityStore, AlertStore,
              OutboxStore, JoinReasonStore, CorrectionStore, OwnViewStore, LabelStore, SourceDayStore, GrouperStateStore,
              StorylineStore, BackfillStore):
    def __init__(self, db: Database):
        self.db = db

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    def schema_version(self) -> int:
        if "schema_migrations" not in self._table_names():
            return 0
        rows = self.db.query("SELECT MAX(version) AS v FROM schema_migrations")
        return int(rows[0]["v"] or 0)

    def _table_names(self) -> set[str]:
        if self.db.dialect == "sqlite":
            rows = self.db.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                 "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        else:
            rows = self.db.query("SELECT table_name AS name FROM information_schema.tables "
                                 "WHERE table_schema = current_schema()")
        return {row["name"] for row in rows}

    def _usable_version(self) -> int:
        """The schema version, once the database is known to be newsdesk's (or empty) and not from a newer
        newsdesk; otherwise StorageError, before anything is written."""
        version, latest = self.schema_version(), MIGRATIONS[-1][0]
        if version > latest:
            raise StorageError(f"the database has schema version {version}, newer than this newsdesk knows "
                               f"({latest}): upgrade newsdesk")
        foreign = sorted(self._table_names() - {"schema_migrations"}) if version == 0 else []
        if foreign:
            raise StorageError(f"not a newsdesk database: it holds tables of another application "
                               f"({', '.join(foreign[:5])}); nothing was written to it, choose another database")
        return version

    def migrate(self) -> list[int]:
        """Bring the schema up to date in one transaction: a set-up that fails leaves the database as it was."""
        current = self._usable_version()
        if current == MIGRATIONS[-1][0]:
            if not self.read_only:
                self.db.use_wal()
            return []
        if self.read_only:
            raise ReadOnlyError(f"the database has schema version {current} and needs upgrading to "
                                f"{MIGRATIONS[-1][0]}, but it is read-only: open it once with write access")
        self.db.use_wal()
        applied = []
        with self.db.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                            "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
            current = self._usable_version()       # another process may have migrated meanwhile
            for version, description, sql in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements(sql, self.db.dialect):
                    self.db.execute(statement)
                if version == 4:            # fill the new tables from what is already stored
                    self.reindex_search()
                    self.rebuild_story_rank()
                self.db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                                (version, description, to_iso(utcnow())))
                applied.append(version)
        return applied

    def table_size(self, table: str) -> tuple[int, int]:
        """(rows, bytes on disk with its indexes) of one of the desk's tables: SQLite's dbstat pages,
        PostgreSQL's pg_total_relation_size. For the benchmarks' storage figures."""
        if table not in self._table_names():
            raise StorageError(f"no table named {table!r}")
        rows = int(self.db.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])
        if self.db.dialect == "sqlite":
            found = self.db.query("SELECT COALESCE(SUM(pgsize), 0) AS b FROM dbstat WHERE name = ? OR name IN "
                                  "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?)",
                                  (table, table))
        else:
            found = self.db.query("SELECT pg_total_relation_size(CAST(? AS regclass)) AS b", (table,))
        return rows, int(found[0]["b"])

    def close(self) -> None:
        self.db.close()

    def transaction(self):
        return self.db.transaction()
