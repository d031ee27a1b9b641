"""The names the Google Reader API gives things, read and written: item ids (long hex
`tag:google.com,2005:reader/item/…`, short hex after that prefix, 16 bare hex digits, or decimal), stream ids
(`feed/…`, `user/-/label/…`, `user/-/state/com.google/…`) and the tags edit-tag adds and removes; and the
errors the API answers with, as plain text and the status a client expects."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi.responses import PlainTextResponse

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
STATE_PREFIX = "user/-/state/com.google/"
LABEL_PREFIX = "user/-/label/"
# The virtual feed of the desk's stories: not a URL the desk polls, so a name no feed URL can have; a folder's
# own Stories feed is this followed by "/" and the folder's name.
STORIES_STREAM = "feed/newsdesk:stories"
FOLDER_STORIES_PREFIX = STORIES_STREAM + "/"
MAX_ITEM_ID = 2 ** 63 - 1


class ApiError(Exception):
    """A refusal, answered as plain text with its status (Google Reader clients read the status, people the
    text)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> PlainTextResponse:
        return PlainTextResponse(self.message + "\n", status_code=self.status, headers=self.headers)


class BadRequest(ApiError):
    def __init__(self, message: str):
        super().__init__(400, message)


class Unauthorized(ApiError):
    """What a Google Reader client takes as "log in again"."""

    def __init__(self, message: str = "Unauthorized"):
        super().__init__(401, message, {"X-Reader-Google-Bad-Token": "true", "WWW-Authenticate": "GoogleLogin"})


class NotFound(ApiError):
    def __init__(self, message: str):
        super().__init__(404, message)


class TooLarge(ApiError):
    def __init__(self, message: str):
        super().__init__(413, message)


def long_item_id(item_id: int) -> str:
    return f"{ITEM_PREFIX}{item_id:016x}"


def parse_item_id(text: str) -> int:
    """The integer an item id names, in any of its four spellings; BadRequest otherwise."""
    raw = text.strip()
    try:
        if raw.startswith(ITEM_PREFIX):
            digits = raw[len(ITEM_PREFIX):]
            value = int(digits, 16) if 0 < len(digits) <= 16 and _is_hex(digits) else -1
        elif len(raw) == 16 and _is_hex(raw):
            value = int(raw, 16)
        elif raw.isascii() and raw.isdigit() and len(raw) <= 19:
            value = int(raw)
        else:
            value = -1
    except ValueError:
        value = -1
    if not 0 < value <= MAX_ITEM_ID:
        raise BadRequest(f"not an item id: {text[:80]!r} (expected {ITEM_PREFIX}<hex>, 16 hex digits or a "
                         "decimal number)")
    return value


def _is_hex(text: str) -> bool:
    return text.isascii() and all(c in "0123456789abcdefABCDEF" for c in text)


class StreamKind(StrEnum):
    READING_LIST = "reading-list"
    STARRED = "starred"
    READ = "read"
    KEPT_UNREAD = "kept-unread"
    FEED = "feed"
    LABEL = "label"
    STORIES = "stories"
    FOLDER_STORIES = "folder-stories"


@dataclass(frozen=True)
class Stream:
    kind: StreamKind
    value: str = ""          # the feed's URL (or source id) of a FEED, the folder name of a LABEL or FOLDER_STORIES

    @property
    def id(self) -> str:
        if self.kind == StreamKind.FEED:
            return f"feed/{self.value}"
        if self.kind == StreamKind.LABEL:
            return f"{LABEL_PREFIX}{self.value}"
        if self.kind == StreamKind.STORIES:
            return STORIES_STREAM
        if self.kind == StreamKind.FOLDER_STORIES:
            return f"{FOLDER_STORIES_PREFIX}{self.value}"
        return f"{STATE_PREFIX}{self.kind}"


_STATES = {StreamKind.READING_LIST, StreamKind.STARRED, StreamKind.READ, StreamKind.KEPT_UNREAD}


def _user_part(text: str) -> str | None:
    """`user/<anything>/rest` -> `rest`: `-` means the caller, and so does any id (a stream only ever names
    the caller's own state)."""
    if not text.startswith("user/"):
        return None
    _, _, rest = text[5:].partition("/")
    return rest or None


def parse_stream(text: str | None) -> Stream:
    raw = (text or "").strip()
    if not raw:
        raise BadRequest("no stream given (s=, e.g. user/-/state/com.google/reading-list or feed/<feed URL>)")
    if raw == STORIES_STREAM:
        return Stream(StreamKind.STORIES)
    if raw.startswith(FOLDER_STORIES_PREFIX) and len(raw) > len(FOLDER_STORIES_PREFIX):
        return Stream(StreamKind.FOLDER_STORIES, raw[len(FOLDER_STORIES_PREFIX):])
    if raw.startswith("feed/") and len(raw) > 5:
        return Stream(StreamKind.FEED, raw[5:])
    rest = _user_part(raw)
    if rest is None and raw in {str(k) for k in _STATES}:
        rest = f"state/com.google/{raw}"
    if rest is not None:
        if rest.startswith("label/") and len(rest) > 6:
            return Stream(StreamKind.LABEL, rest[6:])
        if rest.startswith("state/com.google/"):
            state = rest[len("state/com.google/"):]
            for kind in _STATES:
                if state == kind:
                    return Stream(kind)
            raise NotFound(f"no stream {raw!r}: the states served are "
                           f"{', '.join(sorted(str(k) for k in _STATES))}")
    raise BadRequest(f"not a stream id: {raw[:200]!r} (feed/<feed URL>, user/-/label/<folder> or "
                     f"user/-/state/com.google/<state>)")


class Tag(StrEnum):
    """What edit-tag can add to or remove from an item."""
    READ = "read"
    KEPT_UNREAD = "kept-unread"
    STARRED = "starred"
    IGNORED = "ignored"      # a Google state the desk does not keep (tracking-*, fresh, broadcast, like…)


def parse_tag(text: str) -> Tag:
    rest = _user_part(text.strip())
    if rest is not None and rest.startswith("state/com.google/") and len(rest) > len("state/com.google/"):
        state = rest[len("state/com.google/"):]
        return Tag(state) if state in {"read", "kept-unread", "starred"} else Tag.IGNORED
    if rest is not None and rest.startswith("label/"):
        raise BadRequest(f"labels on single items are not kept by this desk: {text[:200]!r} (folders are the "
                         "desk's, set on its sources)")
    raise BadRequest(f"not a tag: {text[:200]!r} (expected user/-/state/com.google/read, …/starred or "
                     "…/kept-unread)")
