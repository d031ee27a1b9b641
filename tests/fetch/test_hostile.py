"""Hostile responses cost bounded time and memory: slow and stalled servers, compression bombs, codings the
fetcher does not decode, oversized headers."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from newsdesk.fetch import Fetcher, FetchError, FetchSettings

LOCAL = "127.0.0.1/32,::1/128"


def settings(**overrides) -> FetchSettings:
    values = dict(connect_timeout=0.5, total_timeout=5.0, idle_timeout=5.0, per_host_delay=0.0, allow=LOCAL)
    values.update(overrides)
    return FetchSettings(**values)


async def measured(url: str, fetch_settings: FetchSettings) -> tuple[FetchError, float, int]:
    """The error, the seconds it took and the peak traced memory."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        async with Fetcher(fetch_settings) as fetcher:
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(url)
        return info.value, time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_stalled_server_is_cut_off_by_the_idle_timeout(server):
    error, seconds, _ = await measured(server.url("/stall?for=5"), settings(idle_timeout=0.5, total_timeout=4))
    assert (error.kind, str(error)) == ("timeout", f"timed out: 127.0.0.1:{server.port} sent nothing for 0.5 s")
    assert 0.4 <= seconds < 1.5, seconds


async def test_one_byte_a_second_is_cut_off_by_the_total_timeout(server):
    # Each byte arrives well inside the idle timeout, so only the total timeout can end this.
    error, seconds, _ = await measured(server.url("/drip"), settings(idle_timeout=2.0, total_timeout=2.5))
    assert (error.kind, str(error)) == ("timeout", "timed out: no complete response within 2.5 s")
    assert 2.4 <= seconds < 3.5, seconds


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip, gzip", "compress", "x-evil"])
async def test_codings_not_decoded_are_refused_without_decoding(coding, server):
    error, seconds, peak = await measured(server.url(f"/encoded?coding={coding}&size={512 * 1024}"), settings())
    assert (error.kind, str(error)) == ("http", f"unsupported Content-Encoding {coding!r}")
    assert seconds < 3, (seconds, peak)
    assert peak < 4 * 1024 * 1024, (seconds, peak)


async def test_brotli_is_not_even_offered(server):
    import json
    async with Fetcher(settings()) as fetcher:
        sent = json.loads((await fetcher.fetch(server.url("/echo"))).body)
    assert sent["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize("path", ["/gzip-bomb", "/deflate-bomb", "/gzip-members-bomb"])
async def test_compression_bombs_stop_at_the_cap_in_bounded_memory(path, server):
    server.prepare_gzip_bomb()
    error, seconds, peak = await measured(server.url(path), settings(max_bytes=256 * 1024))
    assert (error.kind, str(error)) == ("too_large", "response larger than 256 KB; refused")
    assert seconds < 3, seconds
    assert peak < 4 * 1024 * 1024, peak


async def test_endless_header_is_refused_in_bounded_memory(server):
    error, seconds, peak = await measured(server.url("/huge-header"), settings())
    assert error.kind == "network", error
    assert seconds < 3, (seconds, peak)
    assert peak < 16 * 1024 * 1024, (seconds, peak)
