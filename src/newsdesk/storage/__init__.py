"""The one place newsdesk speaks SQL: SQLite (WAL) by default, PostgreSQL for production."""

from newsdesk.storage.alerts import UNKEYED
from newsdesk.storage.labels import LabelInUse
from newsdesk.storage.grouper_state import GrouperRows
from newsdesk.storage.database import DatabaseMissing, ReadOnlyError, StorageError, connect, mask_password
from newsdesk.storage.outbox import AlertDecision, Sighting
from newsdesk.storage.pages import DICTIONARY_MIN_PAGES, PageStats
from newsdesk.storage.rows import MAX_ID, row_id
from newsdesk.storage.search import SearchError, parse_search_query
from newsdesk.storage.sources import SourceExists
from newsdesk.storage.store import Storage
from newsdesk.storage.sync import TokenUse
from newsdesk.storage.users import UserExists


def open_storage(url: str, *, migrate: bool = True, create: bool = True) -> Storage:
    """The desk's storage at `url`, its schema set up or upgraded (`migrate`); a SQLite file that does not
    exist yet is made only when `create`, else DatabaseMissing."""
    storage = Storage(connect(url, create=create))
    if migrate:
        try:
            storage.migrate()
        except BaseException:
            storage.close()
            raise
    return storage


__all__ = ["open_storage", "Storage", "MAX_ID", "row_id", "StorageError", "DatabaseMissing", "ReadOnlyError", "mask_password",
           "SourceExists", "UserExists", "LabelInUse", "SearchError", "TokenUse",
           "AlertDecision", "Sighting", "UNKEYED", "parse_search_query", "GrouperRows",
           "PageStats", "DICTIONARY_MIN_PAGES"]
