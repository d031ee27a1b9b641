"""One async HTTP client for feeds and pages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchSettings:
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0          # minimum seconds between request starts to one host
    user_agent: str = ""                 # defaults to newsdesk.USER_AGENT


@dataclass
class FetchResult:
    url: str                     # final URL after redirects
    status: int                  # 200..299, or 304 (not modified: body is empty)
    body: bytes
    content_type: str | None     # media type without parameters, lower case
    charset: str | None          # from Content-Type, if any
    etag: str | None
    last_modified: str | None
    elapsed_ms: float
    headers: dict[str, str] = field(default_factory=dict)


class FetchError(Exception):
    """A fetch that failed. `kind` is one of: bad_url, network, timeout, http, too_large,
    too_many_redirects, redirect_loop, robots. `retry_after` is in seconds when the server said so."""

    def __init__(self, kind: str, message: str, *, url: str, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.status = status
        self.retry_after = retry_after


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None):
        raise NotImplementedError

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                    respect_robots: bool = False) -> FetchResult:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()
