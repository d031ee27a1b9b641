"""HTTP fetching with the manners and limits of a good feed reader."""

from newsdesk.fetch.backoff import next_attempt
from newsdesk.fetch.fetcher import Fetcher, FetchError, FetchResult, FetchSettings
from newsdesk.fetch.guard import AddressPolicy, AddressRefused, with_allowed

__all__ = ["AddressPolicy", "AddressRefused", "Fetcher", "FetchError", "FetchResult", "FetchSettings", "next_attempt", "with_allowed"]
