"""The ids a path or a query may carry: whole numbers storage can hold (1 to MAX_ID). Any other number is
refused before a route runs: in a path it names nothing (404, as an id no row has), in a query it is an
invalid parameter (422)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import HTTPException, Path, Query

from newsdesk.storage import MAX_ID

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal"}


def names_nothing(errors: Sequence[dict]) -> bool:
    """Whether a request's path holds an id out of range: it names nothing, whatever else is wrong with it."""
    return any(error["loc"][0] == "path" and error["type"] in _OUT_OF_RANGE for error in errors)


def key_in_range(key: str) -> None:
    """A path key (an id or a slug) that is a number no id can be names nothing: 404 before anything else is
    checked, as for the routes whose path id is a number."""
    number = key[1:] if key.startswith(("-", "+")) else key
    if number.isdigit() and not 1 <= int(key) <= MAX_ID:
        raise HTTPException(404, f"nothing has the id {key}")
