import asyncio
import json
import socket
import time
import tracemalloc

import pytest

from newsdesk import USER_AGENT
from newsdesk.fetch import Fetcher, FetchError, FetchSettings
from newsdesk.fetch.fetcher import parse_retry_after

LOCAL = "127.0.0.1/32,::1/128"      # the test servers listen on loopback


def fast(**overrides) -> FetchSettings:
    settings = dict(connect_timeout=0.5, total_timeout=1.0, per_host_delay=0.0, per_host_concurrency=4,
                    allow=LOCAL)
    settings.update(overrides)
    return FetchSettings(**settings)


async def fail(url: str, settings: FetchSettings | None = None, **kwargs) -> FetchError:
    async with Fetcher(settings or fast()) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(url, **kwargs)
    return info.value


# --- success, conditional GET, headers -------------------------------------------------------------

async def test_feed_then_not_modified(server):
    async with Fetcher(fast()) as fetcher:
        first = await fetcher.fetch(server.url("/feed"))
        assert first.status == 200
        assert first.body == server.feed
        assert first.url == server.url("/feed")
        assert first.content_type == "application/rss+xml"
        assert first.charset == "utf-8"
        assert first.etag == server.feed_etag
        assert first.last_modified == server.feed_last_modified
        assert first.headers["etag"] == server.feed_etag
        assert first.elapsed_ms > 0

        by_etag = await fetcher.fetch(server.url("/feed"), etag=first.etag)
        assert (by_etag.status, by_etag.body) == (304, b"")
        by_date = await fetcher.fetch(server.url("/feed"), last_modified=first.last_modified)
        assert (by_date.status, by_date.body) == (304, b"")

    sent = [s.headers for s in server.state.seen]
    assert "if-none-match" not in sent[0]
    assert "if-modified-since" not in sent[0]
    assert sent[1]["if-none-match"] == server.feed_etag
    assert sent[2]["if-modified-since"] == server.feed_last_modified


async def test_user_agent_default_and_configured(server):
    async with Fetcher(fast()) as fetcher:
        sent = json.loads((await fetcher.fetch(server.url("/echo"))).body)
    assert sent["user-agent"] == USER_AGENT
    assert sent["accept-encoding"] == "gzip, deflate"
    async with Fetcher(fast(user_agent="desk-test/1.0")) as fetcher:
        sent = json.loads((await fetcher.fetch(server.url("/echo"))).body)
    assert sent["user-agent"] == "desk-test/1.0"


async def test_gzip_body_is_decoded(server):
    async with Fetcher(fast()) as fetcher:
        result = await fetcher.fetch(server.url("/gzip"))
    assert result.body == server.feed


# --- bad URLs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, message", [
    ("ftp://example.test/feed.xml", "unsupported URL scheme 'ftp': only http and https are fetched"),
    ("not a url", "not an absolute http(s) URL: 'not a url'"),
    ("http://", "URL has no host: 'http://'"),
    ("", "empty URL"),
    ("http://exa mple.test/", "URL has an invalid host: 'http://exa mple.test/'"),
    ("http://example.test:99999/", "URL has an invalid port: 'http://example.test:99999/'"),
])
async def test_bad_urls(url, message):
    error = await fail(url)
    assert error.kind == "bad_url"
    assert str(error) == message


# --- HTTP errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, message", [
    (404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error"),
])
async def test_http_errors(server, status, message):
    error = await fail(server.url(f"/status/{status}"))
    assert (error.kind, str(error), error.status, error.retry_after) == ("http", message, status, None)


async def test_429_retry_after_seconds(server):
    error = await fail(server.url("/429"))
    assert (error.kind, str(error), error.status) == ("http", "HTTP 429 Too Many Requests", 429)
    assert error.retry_after == 120


async def test_503_retry_after_http_date(server):
    error = await fail(server.url("/503"))
    assert (error.kind, str(error), error.status) == ("http", "HTTP 503 Service Unavailable", 503)
    assert 55 <= error.retry_after <= 61


def test_parse_retry_after_forms():
    assert parse_retry_after("0") == 0
    assert parse_retry_after(" 30 ") == 30
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0          # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after("9" * 5000) == 30 * 24 * 3600
    assert parse_retry_after("\u00b2") is None


# --- redirects ---------------------------------------------------------------------------------------

async def test_redirect_chain_within_cap(server):
    async with Fetcher(fast(max_redirects=5)) as fetcher:
        result = await fetcher.fetch(server.url("/redirect/5"))
    assert result.status == 200
    assert result.body == b"arrived\n"
    assert result.url == server.url("/redirect/0")


async def test_too_many_redirects(server):
    error = await fail(server.url("/redirect/6"), fast(max_redirects=5))
    assert (error.kind, str(error)) == ("too_many_redirects", "more than 5 redirects")
    assert len(server.state.seen) == 6


async def test_redirect_loop(server):
    error = await fail(server.url("/loop/a"))
    assert error.kind == "redirect_loop"
    assert str(error) == f"redirect loop: {server.url('/loop/a')} was reached twice"


async def test_relative_redirect(server):
    async with Fetcher(fast()) as fetcher:
        result = await fetcher.fetch(server.url("/rel/a/start"))
    assert result.url == server.url("/rel/end?x=1")
    assert result.body == b"relative ok\n"


async def test_redirect_to_other_scheme(server):
    error = await fail(server.url("/redirect-ftp"))
    assert error.kind == "bad_url"
    assert str(error).startswith("redirect to an unfetchable URL: unsupported URL scheme 'ftp'")


# --- size limits -------------------------------------------------------------------------------------

async def test_too_large_by_content_length(server):
    started = time.monotonic()
    error = await fail(server.url("/big"), fast(total_timeout=5))
    assert (error.kind, str(error)) == ("too_large", "response larger than 10 MB; refused")
    assert time.monotonic() - started < 1


async def test_too_large_without_content_length(server):
    error = await fail(server.url("/endless"), fast(total_timeout=5))
    assert (error.kind, str(error)) == ("too_large", "response larger than 10 MB; refused")


async def test_just_under_the_cap_is_fine(server):
    async with Fetcher(fast(max_bytes=64 * 1024)) as fetcher:
        result = await fetcher.fetch(server.url(f"/big?size={64 * 1024}"))
    assert len(result.body) == 64 * 1024
    error = await fail(server.url(f"/big?size={64 * 1024 + 1}"), fast(max_bytes=64 * 1024))
    assert (error.kind, str(error)) == ("too_large", "response larger than 64 KB; refused")


async def test_gzip_bomb(server):
    error = await fail(server.url("/gzip-bomb"), fast(total_timeout=5))
    assert (error.kind, str(error)) == ("too_large", "response larger than 10 MB; refused")


async def test_gzip_bomb_is_never_inflated_past_the_cap(server):
    server.prepare_gzip_bomb()          # built outside the measurement
    tracemalloc.start()
    try:
        error = await fail(server.url("/gzip-bomb"), fast(max_bytes=256 * 1024, total_timeout=5))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (error.kind, str(error)) == ("too_large", "response larger than 256 KB; refused")
    assert peak < 4 * 1024 * 1024, peak


# --- timeouts and network errors ---------------------------------------------------------------------

async def test_trickle_hits_total_timeout(server):
    started = time.monotonic()
    error = await fail(server.url("/trickle"), fast(total_timeout=1.0))
    took = time.monotonic() - started
    assert (error.kind, str(error)) == ("timeout", "timed out: no complete response within 1 s")
    assert 0.9 <= took < 2.0


async def test_server_that_never_answers(raw_server):
    silent = raw_server("silent")
    started = time.monotonic()
    error = await fail(silent.url("/feed"), fast(total_timeout=0.5))
    assert (error.kind, str(error)) == ("timeout", "timed out: no complete response within 0.5 s")
    assert time.monotonic() - started < 1.5


async def test_connect_timeout():
    # A listening socket whose accept queue is full drops further SYNs, so connecting hangs.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    try:
        error = await fail(f"http://127.0.0.1:{port}/feed", fast(connect_timeout=0.3, total_timeout=3))
    finally:
        for sock in (*fillers, listener):
            sock.close()
    assert (error.kind, str(error)) == ("timeout", f"timed out: could not connect to 127.0.0.1:{port} within 0.3 s")


async def test_connection_refused(closed_port):
    error = await fail(f"http://127.0.0.1:{closed_port}/feed")
    assert (error.kind, str(error)) == ("network", f"connection refused by 127.0.0.1:{closed_port}")


async def test_connection_reset(raw_server):
    srv = raw_server("reset")
    error = await fail(srv.url("/feed"))
    assert error.kind == "network"
    assert str(error) == f"connection reset by 127.0.0.1:{srv.port}"


async def test_garbage_response(raw_server):
    srv = raw_server("garbage")
    error = await fail(srv.url("/feed"))
    assert error.kind == "network"
    assert str(error).startswith(f"127.0.0.1:{srv.port} broke off or garbled the response")


# --- politeness --------------------------------------------------------------------------------------

def starts(server, path_prefix: str) -> list[float]:
    return sorted(s.started for s in server.state.seen if s.path.startswith(path_prefix))


async def test_per_host_concurrency_and_delay(server):
    settings = fast(per_host_concurrency=2, per_host_delay=0.2, total_timeout=5)
    async with Fetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(server.url(f"/slow?delay=0.5&n={i}"))
                                         for i in range(5)))
    assert all(r.status == 200 for r in results)
    assert server.state.max_in_flight == 2
    times = starts(server, "/slow")
    gaps = [b - a for a, b in zip(times, times[1:])]
    # start times are seen at the server, so allow for a little thread and socket jitter
    assert min(gaps) >= 0.15, gaps
    assert times[-1] - times[0] >= 4 * 0.2 - 0.05, gaps


async def test_delay_between_sequential_requests(server):
    async with Fetcher(fast(per_host_delay=0.3, total_timeout=5)) as fetcher:
        await fetcher.fetch(server.url("/feed"))
        await fetcher.fetch(server.url("/feed"))
    first, second = starts(server, "/feed")
    assert second - first >= 0.25


async def test_different_hosts_are_not_serialised(server):
    settings = fast(per_host_concurrency=1, per_host_delay=1.0, total_timeout=5)
    async with Fetcher(settings) as fetcher:
        await asyncio.gather(fetcher.fetch(server.url("/slow?delay=0.3", host="127.0.0.1")),
                             fetcher.fetch(server.url("/slow?delay=0.3", host="localhost")))
    first, second = starts(server, "/slow")
    assert second - first < 0.2
    assert server.state.max_in_flight == 2


# --- robots.txt --------------------------------------------------------------------------------------

async def test_robots_blocks_disallowed_and_allows_others(server):
    async with Fetcher(fast()) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(server.url("/private/memo"), respect_robots=True)
        assert (info.value.kind, str(info.value)) == ("robots", "blocked by robots.txt")
        page = await fetcher.fetch(server.url("/public/story"), respect_robots=True)
        assert page.status == 200
        assert page.content_type == "text/html"
        assert page.charset == "iso-8859-1"
        await fetcher.fetch(server.url("/public/other"), respect_robots=True)
        feed = await fetcher.fetch(server.url("/private/feed"))       # feeds do not consult robots.txt
        assert feed.status == 200
    assert server.state.paths() == ["/robots.txt", "/public/story", "/public/other", "/private/feed"]


async def test_robots_group_for_newsdesk(server):
    server.state.robots = "User-agent: newsdesk\nDisallow: /news/\n\nUser-agent: *\nDisallow: /\n"
    async with Fetcher(fast()) as fetcher:
        assert (await fetcher.fetch(server.url("/public/a"), respect_robots=True)).status == 200
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(server.url("/news/a"), respect_robots=True)
    assert info.value.kind == "robots"


async def test_robots_checked_after_redirect(server):
    error = await fail(server.url("/redirect-private"), respect_robots=True)
    assert (error.kind, str(error)) == ("robots", "blocked by robots.txt")
    assert "/private/secret" not in server.state.paths()


async def test_missing_robots_allows_all_and_is_cached(server):
    server.state.robots = None
    async with Fetcher(fast()) as fetcher:
        await fetcher.fetch(server.url("/private/a"), respect_robots=True)
        await fetcher.fetch(server.url("/private/b"), respect_robots=True)
    assert server.state.paths().count("/robots.txt") == 1


async def test_robots_server_error_allows_but_is_not_kept(server):
    server.state.robots_status = 500
    async with Fetcher(fast(robots_error_ttl=0.0)) as fetcher:
        await fetcher.fetch(server.url("/private/a"), respect_robots=True)
        await fetcher.fetch(server.url("/private/b"), respect_robots=True)
    assert server.state.paths() == ["/robots.txt", "/private/a", "/robots.txt", "/private/b"]


async def test_robots_fetched_once_for_concurrent_pages(server):
    async with Fetcher(fast()) as fetcher:
        await asyncio.gather(*(fetcher.fetch(server.url(f"/public/{i}"), respect_robots=True)
                               for i in range(5)))
    assert server.state.paths().count("/robots.txt") == 1


async def test_crawl_delay_is_a_floor(server):
    server.state.robots = "User-agent: *\nCrawl-delay: 0.3\n"
    async with Fetcher(fast(per_host_delay=0.0, total_timeout=5)) as fetcher:
        await fetcher.fetch(server.url("/public/a"), respect_robots=True)
        await fetcher.fetch(server.url("/public/b"), respect_robots=True)
    first, second = starts(server, "/public/")
    assert second - first >= 0.25
