"""A local web of misbehaving and well-behaved sites for the desk to poll."""

import gzip
import time
from pathlib import Path

import pytest

from newsdesk.config import Settings

TESTDATA = Path(__file__).parent / "testdata"


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
