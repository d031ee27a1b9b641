"""Which addresses the fetcher may connect to: public unicast only, unless the `fetch_allow` setting says so.

The check runs where the connection is made, on the address the name resolved to (see `GuardedBackend`), so
every request and every redirect hop is checked and a name that resolves differently on a second lookup
(DNS rebinding) gains nothing: the address that was checked is the address that is connected to."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable

import httpcore

from newsdesk.errors import NewsdeskError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
# Most specific first: the first network that holds an address names why it is refused.
_FORBIDDEN: tuple[tuple[IPNetwork, str], ...] = tuple((net, why) for net, why in (
    (_V4("0.0.0.0/8"), "an unspecified ('this network') address"),
    (_V4("127.0.0.0/8"), "a loopback address"),
    (_V4("10.0.0.0/8"), "a private address"),
    (_V4("172.16.0.0/12"), "a private address"),
    (_V4("192.168.0.0/16"), "a private address"),
    (_V4("100.64.0.0/10"), "a carrier-grade NAT (shared) address"),
    (_V4("169.254.0.0/16"), "a link-local address"),
    (_V4("192.0.0.0/24"), "an IETF protocol assignment address"),
    (_V4("192.0.2.0/24"), "a documentation address"),
    (_V4("198.51.100.0/24"), "a documentation address"),
    (_V4("203.0.113.0/24"), "a documentation address"),
    (_V4("198.18.0.0/15"), "a benchmarking address"),
    (_V4("192.88.99.0/24"), "a 6to4 relay anycast address"),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("255.255.255.255/32"), "the broadcast address"),
    (_V4("240.0.0.0/4"), "a reserved address"),
    (_V6("::/128"), "the unspecified address"),
    (_V6("::1/128"), "a loopback address"),
    (_V6("::/96"), "a deprecated IPv4-compatible address"),
    (_V6("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_V6("100::/64"), "a discard-only address"),
    (_V6("2001:db8::/32"), "a documentation address"),
    (_V6("3fff::/20"), "a documentation address"),
    (_V6("2001:2::/48"), "a benchmarking address"),
    (_V6("2001:10::/28"), "an ORCHID address"),
    (_V6("2001:20::/28"), "an ORCHID address"),
    (_V6("fc00::/7"), "a unique local (private) address"),
    (_V6("fe80::/10"), "a link-local address"),
    (_V6("fec0::/10"), "a site-local address"),
    (_V6("ff00::/8"), "a multicast address"),
))
_MAPPED = _V6("::ffff:0:0/96")
_NAT64 = _V6("64:ff9b::/96")
_SIX_TO_FOUR = _V6("2002::/16")
_TEREDO = _V6("2001::/32")
_IPV4_SPELLING = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)(?:\.(?:0[xX][0-9a-fA-F]*|[0-9]+)){0,3}\.?$")


class AddressRefused(NewsdeskError):
    """A connection the policy forbids. The message is for the user."""


def parse_ip(host: str) -> IPAddress | None:
    """`host` as an IP address when it is one in any spelling the OS accepts (0177.0.0.1, 0x7f.1,
    2130706433, 127.1, [::1]); None for a name."""
    text = host.strip().strip("[]")
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    if not _IPV4_SPELLING.match(text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text.rstrip(".")))
    except OSError:
        return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    if ip in _MAPPED or ip in _NAT64:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip in _SIX_TO_FOUR:
        return [ip.sixtofour]
    if ip in _TEREDO:
        server, client = ip.teredo
        return [server, client]
    return []


def why_forbidden(ip: IPAddress) -> str | None:
    """Why connecting to `ip` is refused by default, or None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in _embedded_v4(ip):
            why = why_forbidden(inner)
            if why:
                kind = ("IPv4-mapped" if ip in _MAPPED else "NAT64" if ip in _NAT64
                        else "6to4" if ip in _SIX_TO_FOUR else "Teredo")
                return f"{why} ({kind} form of {inner})"
        if ip in _MAPPED or ip in _NAT64:
            return None
    for network, why in _FORBIDDEN:
        if ip.version == network.version and ip in network:
            return why
    if not ip.is_global:
        return "a reserved address"
    return None


class AddressPolicy:
    """Public unicast addresses, plus the networks and host names of `allow`
    (comma-separated, e.g. "127.0.0.1/32,intranet.example")."""

    def __init__(self, allow: str | Iterable[str] = ""):
        entries = allow.split(",") if isinstance(allow, str) else list(allow)
        self.networks: list[IPNetwork] = []
        self.hosts: set[str] = set()
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            ip = parse_ip(entry)
            if ip is not None:
                self.networks.append(ipaddress.ip_network(ip))
            elif re.match(r"^[A-Za-z0-9_.\-]+$", entry):
                self.hosts.add(entry.lower().rstrip("."))
            else:
                raise ValueError(f"fetch_allow: {entry!r} is neither a network nor a host name")

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def _in_allowed_network(self, ip: IPAddress) -> bool:
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address):
            candidates += _embedded_v4(ip)
        return any(c.version == n.version and c in n for c in candidates for n in self.networks)

    def check(self, host: str, ip: IPAddress) -> None:
        """Raise AddressRefused unless connecting to `ip` (which `host` named) is allowed."""
        if self.host_allowed(host) or self._in_allowed_network(ip):
            return
        why = why_forbidden(ip)
        if why is None:
            return
        literal = parse_ip(host)
        if literal is None:
            subject = f"{host} resolves to {ip}, which is"
        else:
            subject = f"{ip} is" if host.strip("[]").lower() == str(ip) else f"{host} ({ip}) is"
        raise AddressRefused(f"refused: {subject} {why} (set fetch_allow to permit it)")

    def check_literal(self, host: str) -> None:
        """The early check of a URL whose host is an IP address (in any spelling)."""
        ip = parse_ip(host)
        if ip is not None:
            self.check(host, ip)


def with_allowed(allow: str, *entries: str) -> str:
    """`allow` with `entries` added, for code that serves its own pages on a local address."""
    return ",".join(part for part in (allow, *entries) if part and part.strip())


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order. The one lookup the fetcher's connections use."""
    literal = parse_ip(host)
    if literal is not None:
        return [literal]
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    return found


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the name itself, checks every address, and connects to a checked address. TLS still
    verifies and sends SNI for the name, which httpcore takes from the request, not from the socket."""

    def __init__(self, policy: AddressPolicy):
        self.policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options=None) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host!r} took longer than {timeout} s") from None
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"could not resolve {host!r}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"could not resolve {host!r}: no addresses")
        for ip in addresses:
            self.policy.check(host, ip)
        error: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(str(ip), port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise AddressRefused(f"refused: unix socket {path!r}")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
