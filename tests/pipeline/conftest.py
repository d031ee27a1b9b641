"""A local web of misbehaving and well-behaved sites for the desk to poll."""

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsdesk.config import Settings

TESTDATA = Path(__file__).parent / "testdata"


class Site:
    """Routes: path -> (status, headers, body) or a callable(handler) that writes the response itself."""

    def __init__(self):
        self.routes: dict = {}
        self.hits: dict[str, int] = {}
        handler_site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                handler_site.hits[self.path] = handler_site.hits.get(self.path, 0) + 1
                route = handler_site.routes.get(self.path)
                if route is None:
                    route = (404, {"Content-Type": "text/html"}, b"<html><body>not found</body></html>")
                if callable(route):
                    route(self)
                    return
                status, headers, body = route
                if isinstance(body, str):
                    body = body.encode("utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(self, path, body, status=200, content_type="text/html; charset=utf-8", **headers):
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path):
    return Settings(db=str(tmp_path / "desk.db"), per_host_delay=0.0, per_host_concurrency=8, total_timeout=3.0,
                    connect_timeout=5.0, max_bytes=200_000, extract_workers=1, poll_interval=900)


def rss(base, items, title="Test Feed", encoding="utf-8"):
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>{date}</pubDate><description>{teaser}</description></item>"
        for path, t, date, teaser in items)
    return (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{base}/</link>{entries}</channel></rss>")


def page(title, paragraphs, site_name="Test Site"):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/s/{i}">Section {i}</a></li>' for i in range(12))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:site_name" content="{site_name}"></head><body><nav><ul>{nav}</ul></nav>'
            f"<article><h1>{title}</h1>{body}</article><footer>Copyright {site_name}. All rights reserved."
            f"</footer></body></html>")


def slow(seconds):
    def write(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(int(seconds * 10)):
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.1)
    return write


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data)
