"""The ids a path or a query may carry: whole numbers storage can hold (1 to MAX_ID). Any other number is
refused before a route runs: in a path it names nothing (404, as an id no row has), in a query it is an
invalid parameter (422)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Path, Query

from newsdesk.storage import MAX_ID

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal"}


def names_nothing(errors: Sequence[dict]) -> bool:
    """Whether a request's validation errors are all path ids out of range."""
    return bool(errors) and all(error["loc"][0] == "path" and error["type"] in _OUT_OF_RANGE for error in errors)
