"""One async HTTP client for feeds and pages.

Over 400 lines because conditional requests, redirects, the size and time limits, robots.txt and per-host
pacing all act on the same request and the same client.
"""

from __future__ import annotations

import asyncio
import email.utils
import http
import http.cookiejar
import http.cookies
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpcore
import httpx

from newsdesk import USER_AGENT
from newsdesk.errors import NewsdeskError
from newsdesk.fetch.body import ACCEPT_ENCODING, CorruptBody, UnsupportedEncoding, decoder_for
from newsdesk.fetch.guard import AddressPolicy, AddressRefused, GuardedBackend
from newsdesk.fetch.hosts import HostPacers
from newsdesk.fetch.robots import RobotsCache, RobotsRules, allow_all, parse_robots

ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
          "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER = 30 * 24 * 3600.0
_HOST_RE = re.compile(r"^[A-Za-z0-9._:\-]+$")
CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")


@dataclass
class FetchSettings:
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    idle_timeout: float = 10.0           # longest silence while reading a response
    allow: str = ""                      # networks and host names exempt from the address policy (fetch_allow)
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0          # minimum seconds between request starts to one host
    user_agent: str = ""                 # defaults to newsdesk.USER_AGENT
    robots_ttl: float = 3600.0           # how long a fetched (or 4xx, i.e. absent) robots.txt is trusted
    robots_error_ttl: float = 300.0      # after a 5xx/timeout/network error: allow, and ask again soon
    robots_max_bytes: int = 512 * 1024   # longer robots.txt files are cut here, as major crawlers do
    max_crawl_delay: float = 60.0        # a robots.txt Crawl-delay is honoured up to this many seconds


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


class FetchError(NewsdeskError):
    """A fetch that failed. `kind` is one of: bad_url, network, timeout, http, too_large,
    too_many_redirects, redirect_loop, robots, refused (an address the policy forbids). `retry_after` is
    in seconds when the server said so."""

    def __init__(self, kind: str, message: str, *, url: str, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.status = status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"FetchError({self.kind!r}, {str(self)!r}, url={self.url!r}, status={self.status!r})"


@dataclass
class _Hop:
    status: int
    reason: str
    headers: httpx.Headers
    body: bytes


class _Budget:
    """The total timeout, shared by every hop of one fetch; time spent waiting for a host slot is free."""

    def __init__(self, seconds: float):
        self.total = seconds
        self.spent = 0.0

    @property
    def remaining(self) -> float:
        return self.total - self.spent


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None):
        self.settings = s = settings or FetchSettings()
        self.policy = AddressPolicy(s.allow)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=20)
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(None, connect=s.connect_timeout, read=s.idle_timeout, write=s.idle_timeout),
            transport=_guarded_transport(self.policy, limits),
            cookies=_no_cookies(),
            headers={"User-Agent": s.user_agent or USER_AGENT, "Accept": ACCEPT,
                     "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._pacers = HostPacers(s.per_host_concurrency, s.per_host_delay)
        self._robots = RobotsCache()

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                    respect_robots: bool = False) -> FetchResult:
        self._refuse_literal(url, url)
        target = _parse_url(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._get(target, headers, respect_robots=respect_robots,
                               max_bytes=self.settings.max_bytes, truncate=False)

    async def post(self, url: str, body: bytes, headers: dict[str, str], *, max_bytes: int = 64 * 1024) -> FetchResult:
        """POST `body` (a webhook) under the same address guard and time limits as a fetch; redirects are not
        followed, the answer is read up to `max_bytes`, and any status but 2xx is a FetchError."""
        self._refuse_literal(url, url)
        target = _parse_url(url)
        hop = await self._hop(target, headers, _Budget(self.settings.total_timeout), max_bytes=max_bytes,
                              truncate=True, method="POST", content=body)
        if hop.status >= 300:
            retry_after = parse_retry_after(hop.headers.get("retry-after")) if hop.status in (429, 503) else None
            moved = " (redirects are not followed)" if hop.status in REDIRECT_STATUSES else ""
            raise FetchError("http", f"HTTP {hop.status} {hop.reason}".rstrip() + moved, url=url, status=hop.status,
                             retry_after=retry_after)
        content_type, charset = _parse_content_type(hop.headers.get("content-type"))
        return FetchResult(url=url, status=hop.status, body=hop.body, content_type=content_type, charset=charset,
                           etag=None, last_modified=None, elapsed_ms=0.0, headers=dict(hop.headers.items()))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def _get(self, target: httpx.URL, headers: dict[str, str], *, respect_robots: bool,
                   max_bytes: int, truncate: bool) -> FetchResult:
        s = self.settings
        budget = _Budget(s.total_timeout)
        seen = {str(target)}
        redirects = 0
        current = target
        jar: dict[tuple, dict[str, str]] = {}      # cookies set during this fetch, by origin
        while True:
            if respect_robots:
                await self._check_robots(current)
            hop_headers = dict(headers)
            if jar.get(_origin(current)):
                hop_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar[_origin(current)].items())
            hop = await self._hop(current, hop_headers, budget, max_bytes=max_bytes, truncate=truncate)
            where = str(current)
            if hop.status in REDIRECT_STATUSES:
                _keep_cookies(jar, current, hop.headers)
                self._refuse_literal(hop.headers.get("location") or "", where, current)
                previous, current = current, _redirect_target(current, hop)
                if _origin(current) != _origin(previous):
                    # Credentials are for the origin they were given to, never for where it redirects.
                    headers = {k: v for k, v in headers.items() if k.lower() not in CREDENTIAL_HEADERS}
                    if current.userinfo and not _explicit_userinfo(hop.headers.get("location") or ""):
                        current = current.copy_with(username=None, password=None)
                elif previous.userinfo and not current.userinfo:
                    current = current.copy_with(userinfo=previous.userinfo)
                key = str(current)
                if key in seen:
                    raise FetchError("redirect_loop", f"redirect loop: {key} was reached twice", url=where,
                                     status=hop.status)
                redirects += 1
                if redirects > s.max_redirects:
                    raise FetchError("too_many_redirects", f"more than {s.max_redirects} redirects",
                                     url=where, status=hop.status)
                seen.add(key)
                continue
            if hop.status >= 300 and hop.status != 304:
                retry_after = None
                if hop.status in (429, 503):
                    retry_after = parse_retry_after(hop.headers.get("retry-after"))
                raise FetchError("http", f"HTTP {hop.status} {hop.reason}".rstrip(), url=where,
                                 status=hop.status, retry_after=retry_after)
            content_type, charset = _parse_content_type(hop.headers.get("content-type"))
            return FetchResult(url=where, status=hop.status, body=hop.body, content_type=content_type,
                               charset=charset, etag=hop.headers.get("etag"),
                               last_modified=hop.headers.get("last-modified"),
                               elapsed_ms=budget.spent * 1000.0, headers=dict(hop.headers.items()))

    async def _hop(self, url: httpx.URL, headers: dict[str, str], budget: _Budget, *, max_bytes: int,
                   truncate: bool, method: str = "GET", content: bytes | None = None) -> _Hop:
        s = self.settings
        where = str(url)
        async with self._pacers[url.host].slot():
            if budget.remaining <= 0:
                raise FetchError("timeout", f"timed out: no complete response within {s.total_timeout:g} s", url=where)
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                async with asyncio.timeout(budget.remaining):
                    request = self._client.build_request(method, url, headers=headers, content=content)
                    response = await self._client.send(request, stream=True)
                    try:
                        body = b""
                        if 200 <= response.status_code < 300:
                            body = await self._read_body(response, where, max_bytes=max_bytes,
                                                         truncate=truncate)
                        return _Hop(response.status_code, _reason(response), response.headers, body)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise FetchError("timeout", f"timed out: no complete response within {s.total_timeout:g} s",
                                 url=where) from None
            except AddressRefused as exc:
                raise FetchError("refused", str(exc), url=where) from None
            except httpx.ReadTimeout:
                raise FetchError("timeout", f"timed out: {_hostport(url)} sent nothing for {s.idle_timeout:g} s",
                                 url=where) from None
            except httpx.ConnectTimeout:
                raise FetchError("timeout", f"timed out: could not connect to {_hostport(url)} within "
                                 f"{s.connect_timeout:g} s", url=where) from None
            except httpx.TimeoutException as exc:
                raise FetchError("timeout", f"timed out talking to {_hostport(url)}: {exc}",
                                 url=where) from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchError("bad_url", f"invalid URL {where!r}: {exc}", url=where) from None
            except (httpx.HTTPError, OSError) as exc:
                raise FetchError("network", _network_message(exc, url), url=where) from None
            finally:
                budget.spent += loop.time() - started

    def _refuse_literal(self, location: str, where: str, base: httpx.URL | None = None) -> None:
        """Refuse a URL whose host is a forbidden IP address in any spelling, before httpx (which rejects
        some spellings the OS accepts, such as 0177.0.0.1) gets to parse it; the connect-time check is the
        one that matters, this one only words the error well."""
        try:
            parts = urlsplit(location.strip())
            host = parts.hostname
        except ValueError:
            return
        if parts.scheme.lower() not in ("", "http", "https"):
            return      # refused as an unsupported scheme instead
        if host is None and base is not None:
            return      # a relative redirect stays on a host already checked
        try:
            self.policy.check_literal(host or "")
        except AddressRefused as exc:
            raise FetchError("refused", str(exc), url=where) from None

    async def _read_body(self, response: httpx.Response, where: str, *, max_bytes: int,
                         truncate: bool) -> bytes:
        too_large = FetchError("too_large", f"response larger than {_human_size(max_bytes)}; refused",
                               url=where, status=response.status_code)
        length = response.headers.get("content-length", "").strip()
        if length.isascii() and length.isdigit() and (len(length) > 18 or int(length) > max_bytes) \
                and not truncate:
            raise too_large
        try:
            decoder = decoder_for(response.headers.get("content-encoding"))
        except UnsupportedEncoding as exc:
            raise FetchError("http", f"unsupported Content-Encoding {str(exc)!r}", url=where,
                             status=response.status_code) from None
        body = bytearray()
        try:
            async for chunk in response.aiter_raw():
                body += decoder.feed(chunk, max_bytes - len(body) + 1)
                if len(body) > max_bytes:
                    break
            else:
                body += decoder.flush()
        except CorruptBody as exc:
            raise FetchError("network", f"response body is corrupt: {exc}", url=where,
                             status=response.status_code) from None
        if len(body) > max_bytes:
            if not truncate:
                raise too_large
            del body[max_bytes:]
        return bytes(body)

    async def _check_robots(self, url: httpx.URL) -> None:
        robots_url = httpx.URL(scheme=url.scheme, host=url.host, port=url.port, path="/robots.txt")
        origin = str(robots_url)
        rules = self._robots.fresh(origin)
        if rules is None:
            async with self._robots.lock(origin):
                rules = self._robots.fresh(origin)
                if rules is None:
                    rules = await self._load_robots(robots_url)
                    self._robots.put(origin, rules)
                    delay = rules.crawl_delay or 0.0
                    self._pacers[url.host].floor = max(0.0, min(delay, self.settings.max_crawl_delay))
        if not rules.allows(str(url)):
            raise FetchError("robots", "blocked by robots.txt", url=str(url))

    async def _load_robots(self, robots_url: httpx.URL) -> RobotsRules:
        s = self.settings
        try:
            result = await self._get(robots_url, {}, respect_robots=False, max_bytes=s.robots_max_bytes,
                                     truncate=True)
        except FetchError as exc:
            if exc.kind == "http" and exc.status is not None and 400 <= exc.status < 500:
                return allow_all(s.robots_ttl)
            if exc.kind in ("too_many_redirects", "redirect_loop", "bad_url"):
                return allow_all(s.robots_ttl)
            return allow_all(s.robots_error_ttl)
        return parse_robots(result.body, s.robots_ttl)


def _guarded_transport(policy: AddressPolicy, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(limits=limits)
    # httpx offers no public way to choose httpcore's network backend; the pool is rebuilt with the same
    # arguments httpx gives it, plus the guarded backend through which every connection is made.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=transport._pool._ssl_context, max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(policy))
    return transport


def _no_cookies() -> http.cookiejar.CookieJar:
    """The client keeps no cookies between fetches (`_keep_cookies` handles one redirect chain)."""
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _origin(url: httpx.URL) -> tuple:
    return url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme)


def _keep_cookies(jar: dict[tuple, dict[str, str]], url: httpx.URL, headers: httpx.Headers) -> None:
    """Cookies a redirecting response sets go back to its own origin only, for the rest of this fetch."""
    for value in headers.get_list("set-cookie"):
        cookie = http.cookies.SimpleCookie()
        try:
            cookie.load(value)
        except http.cookies.CookieError:
            continue
        for name, morsel in cookie.items():
            jar.setdefault(_origin(url), {})[name] = morsel.value


def _explicit_userinfo(location: str) -> bool:
    try:
        return bool(urlsplit(location.strip()).username)
    except ValueError:
        return False


def _parse_url(url: str) -> httpx.URL:
    if not isinstance(url, str) or not url.strip():
        raise FetchError("bad_url", "empty URL", url=str(url))
    text = url.strip()
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError("bad_url", f"invalid URL {text!r}: {exc}", url=text) from None
    _check_url(parsed, text)
    return parsed.copy_with(fragment=None)


def _check_url(parsed: httpx.URL, text: str) -> None:
    if not parsed.scheme:
        raise FetchError("bad_url", f"not an absolute http(s) URL: {text!r}", url=text)
    if parsed.scheme not in ("http", "https"):
        raise FetchError("bad_url", f"unsupported URL scheme {parsed.scheme!r}: "
                         "only http and https are fetched", url=text)
    if not parsed.raw_host:
        raise FetchError("bad_url", f"URL has no host: {text!r}", url=text)
    if not _HOST_RE.match(parsed.raw_host.decode("ascii", errors="replace")):
        raise FetchError("bad_url", f"URL has an invalid host: {text!r}", url=text)
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchError("bad_url", f"URL has an invalid port: {text!r}", url=text)


def _redirect_target(current: httpx.URL, hop: _Hop) -> httpx.URL:
    location = (hop.headers.get("location") or "").strip()
    where = str(current)
    if not location:
        status = f"HTTP {hop.status} {hop.reason}".rstrip()
        raise FetchError("http", f"{status} without a Location header", url=where, status=hop.status)
    try:
        target = current.join(location)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("bad_url", f"redirect to an invalid URL {location!r}: {exc}", url=where,
                         status=hop.status) from None
    try:
        _check_url(target, location)
    except FetchError as exc:
        raise FetchError("bad_url", f"redirect to an unfetchable URL: {exc}", url=where,
                         status=hop.status) from None
    return target.copy_with(fragment=None)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date (a past date gives 0)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return MAX_RETRY_AFTER if len(value) > 9 else min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, min((when - now).total_seconds(), MAX_RETRY_AFTER))


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return media.strip().lower() or None, charset


def _reason(response: httpx.Response) -> str:
    if response.reason_phrase:
        return response.reason_phrase
    try:
        return http.HTTPStatus(response.status_code).phrase
    except ValueError:
        return ""


def _human_size(n: int) -> str:
    mib, kib = 1024 * 1024, 1024
    if n >= mib and n % mib == 0:
        return f"{n // mib} MB"
    if n >= kib and n % kib == 0:
        return f"{n // kib} KB"
    return f"{n} bytes"


def _hostport(url: httpx.URL) -> str:
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{url.port}" if url.port else host


def _causes(exc: BaseException):
    stack, seen = [exc], set()
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        if isinstance(e, BaseExceptionGroup):
            stack.extend(e.exceptions)
        stack.extend((e.__cause__, e.__context__))


def _network_message(exc: BaseException, url: httpx.URL) -> str:
    where = _hostport(url)
    for e in _causes(exc):
        if isinstance(e, ConnectionRefusedError):
            return f"connection refused by {where}"
        if isinstance(e, socket.gaierror):
            return f"could not resolve host {url.host!r}"
        if isinstance(e, ConnectionResetError):
            return f"connection reset by {where}"
        if isinstance(e, ssl.SSLCertVerificationError):
            return f"TLS certificate of {where} not accepted: {e.verify_message or e}"
        if isinstance(e, ssl.SSLError):
            return f"TLS with {where} failed: {e.reason or e}"
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{where} broke off or garbled the response: {detail}"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {where}: {detail}"
    return f"network error talking to {where}: {detail}"
