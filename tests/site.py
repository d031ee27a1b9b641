"""The local test site: a real HTTP server on 127.0.0.1 that serves what a test registers on it.

    site.add("/feed.xml", body, content_type="application/rss+xml", status=200, delay=0.0, **headers)
    site.handle("/slow.xml", handler)     # handler(request) writes the whole response itself
    site.add("*", body) / site.handle("*", handler)        # every path not registered otherwise

A path with a query string is looked up as written, then without its query. `site.hits` counts the requests
per path and `site.requests` records each one (method, path, headers, body). A handler gets the
`http.server` request handler, with the request's body in `request.body`. The `site` fixture (tests/conftest.py)
gives a fresh site per test; `with Site() as site:` serves one for a module-scoped fixture.

Servers kept elsewhere on purpose, because they misbehave in ways a route cannot express or own the timing:
- tests/fetch/conftest.py: `TestServer` counts requests in flight (per-host pacing), drips, trickles, stalls
  and streams unbounded bodies, serves compression bombs and a 4 MB header; `RawServer` is a raw socket that
  never answers, resets the connection or answers with something that is not HTTP.
- tests/crash/site.py: the crash tests' own site, kept with them.
- newsdesk.demo.DemoServer: the demo's feeds and pages, part of the product.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANY_PATH = "*"
NOT_FOUND = (404, {"Content-Type": "text/html"}, b"<html><body>not found</body></html>", 0.0)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Handler = Callable[[BaseHTTPRequestHandler], None]


class Site:
    """Routes: path -> (status, headers, body, delay) or a handler that writes the response itself."""

    def __init__(self):
        self.routes: dict[str, tuple | Handler] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[Request] = []
        site = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                site._answer(self)

            def do_POST(self):  # noqa: N802
                site._answer(self)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

        self.httpd = Server(("127.0.0.1", 0), RequestHandler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def add(self, path: str, body: bytes | str, status: int = 200, content_type: str = "text/html; charset=utf-8",
            *, delay: float = 0.0, **headers: str) -> None:
        """Serve `body` at `path` (after `delay` seconds) with `status`, `content_type` and `headers`."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body, delay)

    def handle(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        request.body = request.rfile.read(length) if length else b""
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        self.requests.append(Request(request.command, request.path, dict(request.headers), request.body))
        route = (self.routes.get(request.path) or self.routes.get(request.path.split("?", 1)[0])
                 or self.routes.get(ANY_PATH) or NOT_FOUND)
        try:
            if callable(route):
                route(request)
                return
            status, headers, body, delay = route
            if delay:
                time.sleep(delay)
            request.send_response(status)
            for name, value in headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass            # the client gave up (a timeout test)
