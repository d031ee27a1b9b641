"""HTTP fetching with the manners and limits of a good feed reader."""

from newsdesk.fetch.backoff import next_attempt
from newsdesk.fetch.fetcher import Fetcher, FetchError, FetchResult, FetchSettings
from newsdesk.fetch.guard import with_allowed

__all__ = ["Fetcher", "FetchError", "FetchResult", "FetchSettings", "next_attempt", "with_allowed"]
