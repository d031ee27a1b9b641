"""Real HTTP servers on 127.0.0.1 for the fetch tests: a well-behaved-on-request one and a raw socket one
that misbehaves."""

from __future__ import annotations

import email.utils
import gzip
import json
import os
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

FEED = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Test desk</title>'
        b"<item><title>Harbour bridge reopens</title><link>http://example.test/a</link></item>"
        b"</channel></rss>\n")
FEED_ETAG = '"feed-v1"'
FEED_LAST_MODIFIED = "Tue, 03 Mar 2026 10:00:00 GMT"
MB = 1024 * 1024
GZIP_BOMB_DECODED = 16 * MB
_gzip_bomb: bytes | None = None


def gzip_bomb() -> bytes:
    global _gzip_bomb
    if _gzip_bomb is None:
        _gzip_bomb = gzip.compress(b"\0" * GZIP_BOMB_DECODED, compresslevel=9)
    return _gzip_bomb


_bombs: dict[str, bytes] = {}


def other_bombs() -> dict[str, bytes]:
    """A deflate bomb, and a gzip body of 32 members that each inflate to 1 MB."""
    if not _bombs:
        _bombs["deflate"] = zlib.compress(b"\0" * GZIP_BOMB_DECODED, 9)
        _bombs["members"] = gzip.compress(b"\0" * MB, compresslevel=9) * 32
    return _bombs


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    started: float          # time.monotonic() when the server began handling it


@dataclass
class ServerState:
    robots: str | None = "User-agent: *\nDisallow: /private/\n"
    robots_status: int = 200
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


class Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args):
        pass

    def do_GET(self):
        state = self.server.state
        with state.lock:
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.seen.append(Seen(self.path, headers, time.monotonic()))
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            self.route(urlsplit(self.path), state)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with state.lock:
                state.in_flight -= 1

    def reply(self, status: int, body: bytes = b"", content_type: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None, length: bool = True):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self, url, state: ServerState):
        path, query = url.path, parse_qs(url.query)
        if path == "/feed":
            if (self.headers.get("If-None-Match") == FEED_ETAG
                    or self.headers.get("If-Modified-Since") == FEED_LAST_MODIFIED):
                self.send_response(304)
                self.send_header("ETag", FEED_ETAG)
                self.end_headers()
                return
            self.reply(200, FEED, "application/rss+xml; charset=UTF-8",
                       {"ETag": FEED_ETAG, "Last-Modified": FEED_LAST_MODIFIED})
        elif path == "/echo":
            headers = {k.lower(): v for k, v in self.headers.items()}
            self.reply(200, json.dumps(headers).encode(), "application/json")
        elif path.startswith("/status/"):
            self.reply(int(path.rsplit("/", 1)[1]), b"no such thing\n")
        elif path == "/429":
            self.reply(429, b"slow down\n", headers={"Retry-After": "120"})
        elif path == "/503":
            when = email.utils.formatdate(time.time() + 60, usegmt=True)
            self.reply(503, b"maintenance\n", headers={"Retry-After": when})
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            if left == 0:
                self.reply(200, b"arrived\n")
            else:
                target = f"http://127.0.0.1:{self.server.server_port}/redirect/{left - 1}"
                self.reply(302, headers={"Location": target})
        elif path == "/loop/a":
            self.reply(301, headers={"Location": "/loop/b"})
        elif path == "/loop/b":
            self.reply(308, headers={"Location": "/loop/a"})
        elif path == "/rel/a/start":
            self.reply(302, headers={"Location": "../end?x=1"})
        elif path == "/rel/end":
            self.reply(200, b"relative ok\n")
        elif path == "/redirect-to":        # ?to=URL[&cookie=name=value]
            headers = {"Location": query["to"][0]}
            if "cookie" in query:
                headers["Set-Cookie"] = query["cookie"][0] + "; Path=/"
            self.reply(302, headers=headers)
        elif path == "/stall":              # headers and a little body, then silence
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"<html>")
            self.wfile.flush()
            time.sleep(float(query.get("for", ["3"])[0]))
        elif path == "/drip":               # one byte a second, for ever (well, a minute)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "60")
            self.end_headers()
            for _ in range(60):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(1.0)
        elif path == "/encoded":            # ?coding=br&size=N: random bytes labelled with a coding
            size = int(query.get("size", ["65536"])[0])
            self.reply(200, os.urandom(size), "application/xml",
                       {"Content-Encoding": query["coding"][0]})
        elif path == "/deflate-bomb":
            self.reply(200, other_bombs()["deflate"], "application/xml", {"Content-Encoding": "deflate"})
        elif path == "/gzip-members-bomb":  # many small gzip members, each inflating to 1 MB
            self.reply(200, other_bombs()["members"], "application/xml", {"Content-Encoding": "gzip"})
        elif path == "/huge-header":
            self.send_response(200)
            self.send_header("X-Filler", "a" * (4 * MB))
            self.end_headers()
        elif path == "/redirect-ftp":
            self.reply(302, headers={"Location": "ftp://127.0.0.1/file"})
        elif path == "/redirect-private":
            self.reply(302, headers={"Location": "/private/secret"})
        elif path == "/big":
            size = int(query.get("size", [str(11 * MB)])[0])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self._stream(size)
        elif path == "/endless":           # no Content-Length: the body ends when the connection closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self._stream(64 * MB)
        elif path == "/gzip-bomb":
            bomb = gzip_bomb()
            self.reply(200, bomb, "application/xml", {"Content-Encoding": "gzip"})
        elif path == "/gzip":
            self.reply(200, gzip.compress(FEED), "application/rss+xml", {"Content-Encoding": "gzip"})
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/slow":
            time.sleep(float(query.get("delay", ["0.2"])[0]))
            self.reply(200, b"slow ok\n")
        elif path == "/robots.txt":
            if state.robots is None:
                self.reply(404, b"none\n")
            else:
                self.reply(state.robots_status, state.robots.encode())
        elif path.startswith(("/private/", "/public/", "/news/")):
            self.reply(200, b"<html><body>page</body></html>", "text/html; charset=iso-8859-1")
        else:
            self.reply(404, b"unknown\n")

    def _stream(self, size: int):
        chunk = b"a" * 65536
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: ServerState

    def handle_error(self, request, client_address):
        pass


class TestServer:
    __test__ = False
    feed, feed_etag, feed_last_modified = FEED, FEED_ETAG, FEED_LAST_MODIFIED

    def __init__(self):
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.state = self.state = ServerState()
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def prepare_gzip_bomb(self) -> None:
        gzip_bomb()
        other_bombs()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class RawServer:
    """Accepts connections and then misbehaves: `mode` is "silent" (never answers), "reset" (reads the
    request, then aborts the connection) or "garbage" (answers with something that is not HTTP)."""

    def __init__(self, mode: str):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            if self.mode == "silent":
                self.held.append(conn)
                continue
            conn.settimeout(1)
            try:
                conn.recv(65536)
                if self.mode == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    conn.sendall(b"this is not http at all\r\n\r\n")
            except OSError:
                pass
            conn.close()

    def close(self):
        self._stop.set()
        self.thread.join()
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture
def server():
    srv = TestServer()
    yield srv
    srv.close()


@pytest.fixture
def raw_server():
    servers = []

    def make(mode: str) -> RawServer:
        servers.append(RawServer(mode))
        return servers[-1]

    yield make
    for srv in servers:
        srv.close()


@pytest.fixture
def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
