"""SSRF: the fetcher connects only to public addresses (or those fetch_allow names), checked on the
resolved address at connect time, for every request and redirect hop. Names are resolved by a local
resolver: `newsdesk.fetch.guard.resolve`, the one lookup the connect path makes, is replaced."""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import quote

import httpcore
import pytest

from newsdesk.config import load_settings
from newsdesk.fetch import Fetcher, FetchError, FetchSettings
from newsdesk.fetch import guard
from newsdesk.fetch.guard import AddressPolicy, parse_ip, why_forbidden

LOCAL = "127.0.0.1/32,::1/128"
PUBLIC = "93.184.215.14"           # stands for "somewhere on the internet"; see `internet` below


def settings(**overrides) -> FetchSettings:
    values = dict(connect_timeout=0.5, total_timeout=2.0, per_host_delay=0.0, per_host_concurrency=4)
    values.update(overrides)
    return FetchSettings(**values)


class Resolver:
    """name -> list of answers; each lookup pops the next answer (the last one repeats)."""

    def __init__(self):
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def add(self, name: str, *answers: list[str]) -> None:
        self.answers[name] = list(answers)

    async def __call__(self, host: str, port: int):
        self.lookups.append(host)
        literal = parse_ip(host)
        if literal is not None:
            return [literal]
        queue = self.answers.get(host)
        if not queue:
            import socket
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return [ipaddress.ip_address(a) for a in answer]


@pytest.fixture
def resolver(monkeypatch) -> Resolver:
    fake = Resolver()
    monkeypatch.setattr(guard, "resolve", fake)
    return fake


@pytest.fixture
def internet(monkeypatch, server):
    """Connections the guard lets through to PUBLIC land on the local test server instead, below the
    guard, so a test can play a public host without leaving the machine."""
    real = httpcore.AnyIOBackend.connect_tcp
    dialled: list[str] = []

    async def connect_tcp(self, host, port, *args, **kwargs):
        dialled.append(host)
        if host == PUBLIC:
            host = "127.0.0.1"
        return await real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", connect_tcp)
    return dialled


async def refused(url: str, fetch_settings: FetchSettings | None = None, **kwargs) -> FetchError:
    async with Fetcher(fetch_settings or settings()) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(url, **kwargs)
    assert info.value.kind == "refused", repr(info.value)
    return info.value


# --- every class of address ---------------------------------------------------------------------------

FORBIDDEN = [
    ("0.0.0.0", "unspecified"), ("0.1.2.3", "unspecified"),
    ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"),
    ("10.0.0.5", "a private address"), ("172.16.0.1", "a private address"), ("172.31.255.255", "a private address"),
    ("192.168.1.1", "a private address"),
    ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.254", "carrier-grade NAT"),
    ("169.254.169.254", "link-local"),
    ("192.0.0.8", "IETF protocol assignment"),
    ("192.0.2.1", "documentation"), ("198.51.100.7", "documentation"), ("203.0.113.9", "documentation"),
    ("198.18.0.1", "benchmarking"), ("198.19.255.1", "benchmarking"),
    ("192.88.99.1", "6to4 relay"),
    ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"), ("255.255.255.255", "broadcast"),
    ("::", "unspecified"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback address (IPv4-mapped form of 127.0.0.1)"),
    ("::ffff:10.1.2.3", "a private address (IPv4-mapped form of 10.1.2.3)"),
    ("::ffff:169.254.169.254", "link-local address (IPv4-mapped form of 169.254.169.254)"),
    ("64:ff9b::a00:1", "a private address (NAT64 form of 10.0.0.1)"),
    ("64:ff9b::7f00:1", "loopback address (NAT64 form of 127.0.0.1)"),
    ("64:ff9b:1::1", "local-use NAT64"),
    ("2002:a00:1::1", "a private address (6to4 form of 10.0.0.1)"),
    ("2002:7f00:1::", "loopback address (6to4 form of 127.0.0.1)"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback address (Teredo form of 127.0.0.1)"),
    ("::7f00:1", "IPv4-compatible"),
    ("fc00::1", "unique local"), ("fd12:3456:789a::1", "unique local"),
    ("fe80::1", "link-local"), ("fec0::1", "site-local"),
    ("ff02::1", "multicast"), ("ff05::2", "multicast"),
    ("2001:db8::1", "documentation"), ("3fff::1", "documentation"),
    ("2001:2::1", "benchmarking"), ("2001:10::1", "ORCHID"), ("100::1", "discard-only"),
]
PUBLIC_ADDRESSES = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
                    "::ffff:8.8.8.8", "64:ff9b::808:808", "100.63.255.255", "100.128.0.1", "172.32.0.1",
                    "192.169.0.1", "198.20.0.1"]


@pytest.mark.parametrize("address, why", FORBIDDEN)
def test_forbidden_classes(address, why):
    reason = why_forbidden(ipaddress.ip_address(address))
    assert reason is not None, reason
    assert why in reason, reason


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_pass(address):
    assert why_forbidden(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address, why", FORBIDDEN)
async def test_name_resolving_to_forbidden_address_is_refused_at_connect(address, why, resolver, internet):
    resolver.add("probe.test", [address])
    error = await refused("http://probe.test:8080/feed")
    assert str(error).startswith(f"refused: probe.test resolves to {ipaddress.ip_address(address)}, which is")
    assert why in str(error)
    assert str(error).endswith("(set fetch_allow to permit it)")
    assert resolver.lookups == ["probe.test"]
    assert internet == []           # no connection was attempted


async def test_one_forbidden_answer_among_public_ones_refuses(resolver, internet):
    resolver.add("mixed.test", [PUBLIC, "10.0.0.7"])
    error = await refused("http://mixed.test/")
    assert "10.0.0.7, which is a private address" in str(error)
    assert internet == []


async def test_the_message_the_user_sees(resolver):
    error = await refused("http://10.0.0.5/feed")
    assert str(error) == "refused: 10.0.0.5 is a private address (set fetch_allow to permit it)"
    assert error.url == "http://10.0.0.5/feed"


# --- odd spellings of an address ----------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [
    "0177.0.0.1", "0x7f.1", "0x7f.0.0.1", "2130706433", "127.1", "127.0.1", "017700000001", "0x7f000001",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:1]", "[::1]", "[0::1]", "127.0.0.1.",
])
async def test_odd_spellings_of_loopback_are_refused(spelling, server):
    error = await refused(f"http://{spelling}:{server.port}/feed")
    assert "loopback address" in str(error)
    assert server.state.seen == []


@pytest.mark.parametrize("spelling, address", [
    ("0x7f.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("127.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
    ("012.0.0.1", "10.0.0.1"), ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"), ("2852039166", "169.254.169.254"),
    ("[::ffff:a9fe:a9fe]", "::ffff:a9fe:a9fe"),
])
def test_spellings_parse_as_the_os_does(spelling, address):
    assert parse_ip(spelling) == ipaddress.ip_address(address)


async def test_spelled_loopback_reaches_the_server_when_allowed(server):
    async with Fetcher(settings(allow="127.0.0.1/32")) as fetcher:
        for spelling in ("0x7f.1", "2130706433", "127.1"):
            result = await fetcher.fetch(f"http://{spelling}:{server.port}/feed")
            assert result.body == server.feed
    assert len(server.state.seen) == 3


# --- redirects -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/latest/",
    "http://0xa9fea9fe/latest/", "http://metadata.test/computeMetadata/v1/", "//100.100.100.200/latest/meta-data",
])
async def test_redirect_from_allowed_host_to_forbidden_one(target, server, resolver, internet):
    resolver.add("metadata.test", ["169.254.169.254"])
    url = server.url(f"/redirect-to?to={quote(target, safe='')}")
    error = await refused(url, settings(allow="127.0.0.1/32"))
    assert [s.path.split("?")[0] for s in server.state.seen] == ["/redirect-to"]
    assert internet == ["127.0.0.1"]        # only the allowed first hop was ever dialled


async def test_redirect_to_other_schemes_is_refused(server):
    for target in ("file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "dict://127.0.0.1:11211/stats",
                   "ftp://127.0.0.1/"):
        async with Fetcher(settings(allow=LOCAL)) as fetcher:
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(server.url(f"/redirect-to?to={quote(target, safe='')}"))
        assert info.value.kind == "bad_url"
        assert "unsupported URL scheme" in str(info.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "ftp://example.test/feed"])
async def test_only_http_and_https(url):
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(url)
    assert info.value.kind == "bad_url"
    assert "only http and https are fetched" in str(info.value)


# --- DNS rebinding -------------------------------------------------------------------------------------

async def test_rebinding_name_is_refused_on_the_lookup_that_connects(resolver, internet, server):
    resolver.add("rebind.test", [PUBLIC], ["127.0.0.1"])
    async with Fetcher(settings()) as fetcher:
        first = await fetcher.fetch(f"http://rebind.test:{server.port}/feed")
    assert first.body == server.feed
    # A new fetcher has no pooled connection, so it must look the name up again: now it says 127.0.0.1.
    error = await refused(f"http://rebind.test:{server.port}/feed")
    assert "rebind.test resolves to 127.0.0.1, which is a loopback address" in str(error)
    assert resolver.lookups == ["rebind.test", "rebind.test"]     # one lookup per connection, no separate check
    assert internet == [PUBLIC]                                    # and the checked address is the one dialled
    assert len(server.state.seen) == 1


async def test_rebinding_within_one_redirect_chain(resolver, internet, server):
    resolver.add("flip.test", [PUBLIC], ["10.9.8.7"])
    # First hop on flip.test (public), then a redirect to another port of the same name: a new connection,
    # a new lookup, and this time the private answer is refused.
    url = f"http://flip.test:{server.port}/redirect-to?to=http://flip.test:{server.port + 1}/x"
    error = await refused(url)
    assert "flip.test resolves to 10.9.8.7, which is a private address" in str(error)
    assert internet == [PUBLIC]


# --- the allowlist -------------------------------------------------------------------------------------

async def test_allowlisted_host_name(resolver, server):
    resolver.add("intranet.test", ["127.0.0.1"])
    await refused(f"http://intranet.test:{server.port}/feed")
    async with Fetcher(settings(allow="intranet.test")) as fetcher:
        result = await fetcher.fetch(f"http://intranet.test:{server.port}/feed")
    assert result.body == server.feed


async def test_allowlisted_network_is_exact(resolver, server):
    resolver.add("lab.test", ["127.0.0.1"])
    async with Fetcher(settings(allow="127.0.0.0/30")) as fetcher:
        assert (await fetcher.fetch(f"http://lab.test:{server.port}/feed")).status == 200
    await refused(f"http://127.0.0.9:{server.port}/feed", settings(allow="127.0.0.0/30"))
    await refused(f"http://10.0.0.1:{server.port}/feed", settings(allow="127.0.0.0/8,other.test"))


def test_policy_parses_networks_addresses_and_names():
    policy = AddressPolicy(" 127.0.0.1/32, 10.0.0.0/8 ,fd00::/8,intranet.example, 192.168.1.7,[::1], ")
    assert [str(n) for n in policy.networks] == ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8", "192.168.1.7/32",
                                                  "::1/128"]
    assert policy.hosts == {"intranet.example"}
    with pytest.raises(ValueError, match="neither a network nor a host name"):
        AddressPolicy("http://bad/")


def test_fetch_allow_setting_from_environment_and_file(tmp_path):
    toml = tmp_path / "config.toml"
    toml.write_text('fetch_allow = "intranet.example"\n')
    assert load_settings(toml, env={}).fetch_allow == "intranet.example"
    assert load_settings(toml, env={"NEWSDESK_FETCH_ALLOW": "10.0.0.0/8"}).fetch_allow == "10.0.0.0/8"
    assert load_settings(tmp_path / "none.toml", env={}).fetch_allow == ""


# --- credentials never follow a redirect to another origin --------------------------------------------

async def test_credentials_and_cookies_stay_with_their_origin(resolver, server):
    resolver.add("other.test", ["127.0.0.1"])
    cross = f"http://other.test:{server.port}/echo"
    same = f"http://127.0.0.1:{server.port}/echo"
    async with Fetcher(settings(allow=LOCAL)) as fetcher:
        start = f"http://reader:s3cret@127.0.0.1:{server.port}/redirect-to?cookie=session=abc&to="
        to_other = json.loads((await fetcher.fetch(start + cross)).body)
        to_same = json.loads((await fetcher.fetch(start + same)).body)
        later = json.loads((await fetcher.fetch(cross)).body)
    assert "authorization" not in to_other
    assert "cookie" not in to_other
    # the same checks can fail: on the same origin both are sent
    assert to_same["authorization"].startswith("Basic ")
    assert to_same["cookie"] == "session=abc"
    # and nothing is kept from one fetch to the next
    assert "cookie" not in later
    assert "authorization" not in later


# --- where the user sees it ----------------------------------------------------------------------------

async def test_refusal_is_recorded_on_the_source(sqlite_storage, resolver, tmp_path):
    from newsdesk.config import Settings
    from newsdesk.pipeline import Desk

    resolver.add("intranet.test", ["10.20.30.40"])
    direct = sqlite_storage.add_source("http://10.0.0.5/feed")
    named = sqlite_storage.add_source("http://intranet.test/feed")
    async with Desk(sqlite_storage, Settings(db=str(tmp_path / "desk.db"), fetch_allow="")) as desk:
        reports = await desk.poll(due_only=False)
    assert sorted(r.status for r in reports) == ["error", "error"]
    first, second = sqlite_storage.get_source(direct.id), sqlite_storage.get_source(named.id)
    assert first.last_status == "error"
    assert first.last_error == "refused: 10.0.0.5 is a private address (set fetch_allow to permit it)"
    assert second.last_error == ("refused: intranet.test resolves to 10.20.30.40, which is a private address "
                                 "(set fetch_allow to permit it)")
