"""Full-text search through storage (FTS5 on SQLite, tsvector on PostgreSQL): one page of grouped results."""

from __future__ import annotations

from datetime import datetime

from newsdesk import storage as storage_module
from newsdesk.errors import NewsdeskError
from newsdesk.model import OwnView
from newsdesk.storage import Storage

PER_PAGE = 20
SearchError = getattr(storage_module, "SearchError", None)


class SearchUnavailable(NewsdeskError):
    pass


def run_search(storage: Storage, query: str, *, since: datetime | None = None, until: datetime | None = None,
               source_id: int | None = None, page: int = 1, per_page: int = PER_PAGE, entity_id: int | None = None,
               view: OwnView | None = None):
    """Storage's SearchResults for one page; a query storage cannot parse raises ValueError (its message)."""
    if not hasattr(storage, "search"):
        raise SearchUnavailable("search is not available in this version of the storage layer")
    if since and until and since >= until:
        raise ValueError("the start date must come before the end date")
    try:
        return storage.search(query.strip(), since=since, until=until, source_id=source_id, limit=per_page,
                              offset=(page - 1) * per_page, entity_id=entity_id, view=view)
    except Exception as exc:
        if SearchError is not None and isinstance(exc, SearchError):
            raise ValueError(str(exc)) from exc
        raise
