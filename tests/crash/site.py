"""A local news site for the crash tests: N generated articles (about 5% reprints) behind F RSS feeds on
127.0.0.1, served by a separate process. Feeds carry an ETag and answer a matching If-None-Match with 304,
as real publishers do, so a desk that saves a feed's validators too early loses entries."""

from __future__ import annotations

import hashlib
import multiprocessing
import socket
import time
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from newsdesk_lab.bench.ingest import BenchPage, generate_pages


def page_html(page: BenchPage) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in page.paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(page.title)}</title>'
            f'<meta property="og:site_name" content="{escape(page.outlet)}">'
            f'<meta property="article:published_time" content="{page.published.isoformat()}"></head>'
            f'<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><main><article>'
            f'<h1>{escape(page.title)}</h1><p class="byline">By Staff Reporter</p>{body}</article></main>'
            f"<footer>Copyright {escape(page.outlet)}</footer></body></html>")


def site(articles: int, feeds: int, base_url: str, seed: int = 7) -> dict[str, tuple[bytes, str]]:
    pages = generate_pages(articles, seed=seed, copy_share=0.05)
    bodies = {p.path: (page_html(p).encode("utf-8"), "text/html; charset=utf-8") for p in pages}
    bodies["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
    for k in range(feeds):
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{base_url}{p.path}</link><guid>{base_url}{p.path}</guid>"
            f"<pubDate>{format_datetime(p.published)}</pubDate><description>{escape(p.paragraphs[0][:200])}"
            f"</description></item>" for p in pages[k::feeds])
        bodies[f"/feed/{k}.xml"] = ((f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                     f"<title>Crash feed {k}</title><link>{base_url}/</link>{items}</channel></rss>"
                                     ).encode("utf-8"), "application/rss+xml")
    return bodies


def _serve(articles: int, feeds: int, sock: socket.socket, ready, stall) -> None:
    bodies = site(articles, feeds, f"http://127.0.0.1:{sock.getsockname()[1]}")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            found = bodies.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, ctype = found
            while stall.is_set() and self.path.startswith("/a/"):
                time.sleep(0.05)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.path.startswith("/feed/") and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if self.path.startswith("/feed/"):
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def server_bind(self):
            pass

        def handle_error(self, request, client_address):
            pass   # a killed desk drops its connections; that is the point of the test

    httpd = Server(sock.getsockname(), Handler, bind_and_activate=False)
    httpd.socket = sock
    sock.listen(256)
    ready.put(len([p for p in bodies if p.startswith("/a/")]))
    httpd.serve_forever()


class CrashSite:
    def __init__(self, articles: int = 1000, feeds: int = 20):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.feed_urls = [f"{self.base_url}/feed/{k}.xml" for k in range(feeds)]
        ctx = multiprocessing.get_context("fork")
        self._ready = ctx.Queue()
        self.stall = ctx.Event()     # while set, article pages do not answer (feeds still do)
        self._process = ctx.Process(target=_serve, args=(articles, feeds, self.sock, self._ready, self.stall),
                                    daemon=True)
        self.pages = 0

    def __enter__(self) -> "CrashSite":
        self._process.start()
        self.pages = self._ready.get(timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        self._process.terminate()
        self._process.join(5)
        self.sock.close()
