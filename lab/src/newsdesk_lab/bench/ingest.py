"""`newsdesk bench ingest`: N generated news pages served on 127.0.0.1, ingested end to end — fetch, extract,
copy detection, store, and (unless asked not to) stories: embeddings, grouping, story pages and entities — with
articles/s, wall ms per stage and CPU per article (this process's by stage, the extraction workers' and the NER
worker's).

The pages are bench/newspages.py's (real length, events with several reports and reprints); the older random
pages below (`generate_pages`, `BenchPage`) stay for `bench load` and the crash tests."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import resource
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from newsdesk_lab.bench.cpu import StageCpu
from newsdesk_lab.bench.newspages import generate_pages as generate_news_pages
from newsdesk.config import Settings
from newsdesk.fetch import with_allowed
from newsdesk.pipeline import Desk
from newsdesk.storage import open_storage

_PLACES = ["Marrowby", "Kestrel Bay", "Upper Fenwick", "Altamira Flats", "Duneholm", "Port Celandine", "Vessering",
           "Lowmoor", "Tallis Ridge", "Oriel Sound", "Brackwater", "Hollin Cross"]
_PEOPLE = ["Ines Calder", "Tomasz Reyne", "Adaeze Holm", "Piet Varga", "Mira Okonjo", "Lucan Drever", "Sofia Lindqvist",
           "Rafe Atherton", "Nadia Brunel", "Oskar Feld", "Yara Mendel", "Callum Petrie"]
_ROLES = ["the regional transport minister", "a spokesperson for the harbour authority", "the town's mayor",
          "an economist at the Institute for Coastal Trade", "the head of the emergency services",
          "a local shop owner", "the chair of the council's finance committee", "a union representative"]
_TOPICS = ["the new tram line", "the flood defences", "the fishing quota", "the hospital extension",
           "the wind farm tender", "the school budget", "the bridge repairs", "the port expansion",
           "the water tariff", "the housing plan", "the rail strike", "the festival funding"]
_VERBS = ["approved", "delayed", "criticised", "defended", "cancelled", "expanded", "reviewed", "questioned"]
_CLAUSES = ["after a long debate that ran past midnight", "despite objections from residents",
            "following a report by independent auditors", "as costs rose for the third year in a row",
            "in a vote that split the governing coalition", "weeks before the regional election",
            "citing safety concerns raised by inspectors", "after talks with neighbouring districts broke down"]


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return (f"The council in {rng.choice(_PLACES)} {rng.choice(_VERBS)} {rng.choice(_TOPICS)} "
                f"{rng.choice(_CLAUSES)}.")
    if kind == 1:
        return (f"\"We cannot wait another {rng.randint(2, 30)} months,\" said {rng.choice(_PEOPLE)}, "
                f"{rng.choice(_ROLES)}.")
    if kind == 2:
        return (f"Officials put the cost at {rng.randint(2, 900)} million crowns, up {rng.randint(3, 60)} per cent "
                f"on the estimate published in {rng.choice(['March', 'June', 'September', 'January'])}.")
    return (f"{rng.choice(_PEOPLE)}, {rng.choice(_ROLES)}, said {rng.choice(_TOPICS)} would be "
            f"{rng.choice(_VERBS)} again {rng.choice(_CLAUSES)}.")


@dataclass
class BenchPage:
    path: str
    title: str
    paragraphs: list[str]
    published: datetime
    outlet: str


def generate_pages(n: int, seed: int = 7, copy_share: float = 0.1) -> list[BenchPage]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    pages: list[BenchPage] = []
    for i in range(n):
        outlet = f"Bench Outlet {i % 20}"
        published = start + timedelta(minutes=7 * i)
        if pages and rng.random() < copy_share:
            source = rng.choice(pages)
            paragraphs = source.paragraphs[:-1] + ["(With agency inputs)"]
            title = f"{source.title}: what we know"
        else:
            paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(6, 10))]
            title = f"{rng.choice(_PLACES)} {rng.choice(_VERBS)} {rng.choice(_TOPICS)} ({i})"
        pages.append(BenchPage(f"/a/{i}.html", title, paragraphs, published, outlet))
    return pages


def _page_html(page: BenchPage, rng: random.Random) -> str:
    """A page shaped like a real news page (the Scrapinghub benchmark's median: ~110 KB, ~740 elements):
    menus, scripts and styles, teaser cards, related links and a footer around the article."""
    nav = "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(60))
    related = "".join(f'<li><a href="/a/{rng.randrange(100000)}.html">{escape(_sentence(rng))}</a></li>'
                      for _ in range(25))
    cards = "".join(f'<div class="card"><a href="/a/{rng.randrange(100000)}.html"><img src="/i/{k}.jpg" alt="">'
                    f"<h3>{escape(_sentence(rng)[:70])}</h3></a><p>{escape(_sentence(rng))}</p></div>"
                    for k in range(84))
    script = "var config = {" + ",".join(f'"key{k}": "{rng.getrandbits(64):x}"' for k in range(2200)) + "};"
    style = "".join(f".c{k}{{margin:{k % 9}px;padding:{k % 7}px;color:#{k % 4096:03x}}}" for k in range(500))
    body = "".join(f"<p>{escape(p)}</p>" for p in page.paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(page.title)}</title>
<meta property="og:site_name" content="{escape(page.outlet)}">
<meta property="article:published_time" content="{page.published.isoformat()}">
<script>{script}</script><style>{style}</style></head>
<body><header><ul class="nav">{nav}</ul><div class="cookie">We use cookies to improve your experience.</div></header>
<main><article><h1>{escape(page.title)}</h1><p class="byline">By Staff Reporter</p>{body}</article>
<aside><h2>Related</h2><ul>{related}</ul></aside><section class="more">{cards}</section></main>
<footer><p>Copyright {page.outlet}. All rights reserved.</p><ul>{nav}</ul></footer></body></html>"""


def _with_feeds(pages: dict[str, bytes], items: list[str], feeds: int, base_url: str) -> dict[str, tuple[bytes, str]]:
    """The pages (path → HTML), robots.txt, and the RSS `items` dealt over `feeds` feeds."""
    bodies = {path: (html, "text/html; charset=utf-8") for path, html in pages.items()}
    bodies["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
    for k in range(feeds):
        bodies[f"/feed/{k}.xml"] = ((f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                     f"<title>Bench feed {k}</title><link>{base_url}/</link>{''.join(items[k::feeds])}"
                                     f"</channel></rss>").encode("utf-8"), "application/rss+xml")
    return bodies


def _site(pages: list[BenchPage], feeds: int, base_url: str) -> dict[str, tuple[bytes, str]]:
    rng = random.Random(11)
    html = {p.path: _page_html(p, rng).encode("utf-8") for p in pages}
    items = [f"<item><title>{escape(p.title)}</title><link>{base_url}{p.path}</link><guid>{base_url}{p.path}</guid>"
             f"<pubDate>{format_datetime(p.published)}</pubDate><description>{escape(p.paragraphs[0][:200])}"
             f"</description></item>" for p in pages]
    return _with_feeds(html, items, feeds, base_url)


def _news_site(pages: int, feeds: int, base_url: str) -> dict[str, tuple[bytes, str]]:
    """The generated news pages (first versions only: a static server has one version of a page) at their paths,
    listed in `feeds` RSS feeds (links only: the desk reads each page for its title and text)."""
    news = generate_news_pages(pages, update_share=0.0)
    html = {urlsplit(p.url).path: p.html.encode("utf-8") for p in news}
    items = [f"<item><link>{base_url}{urlsplit(p.url).path}</link><guid>{base_url}{urlsplit(p.url).path}</guid>"
             f"<pubDate>{format_datetime(p.published)}</pubDate></item>" for p in news]
    return _with_feeds(html, items, feeds, base_url)


def _serve(pages: int, feeds: int, sock: socket.socket, ready, news: bool = False) -> None:
    """Runs in its own process, so serving pages does not compete with the desk for the interpreter."""
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    bodies = _news_site(pages, feeds, base_url) if news else _site(generate_pages(pages), feeds, base_url)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            found = bodies.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, ctype = found
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def server_bind(self):
            pass

    httpd = Server(sock.getsockname(), Handler, bind_and_activate=False)
    httpd.socket = sock
    sock.listen(256)
    ready.put(sum(len(b) for p, (b, kind) in bodies.items() if kind.startswith("text/html")))
    httpd.serve_forever()


class BenchServer:
    """N generated pages and their feeds, served on 127.0.0.1 by a separate process."""

    def __init__(self, pages: int, feeds: int = 20, news: bool = False):
        """`news`: bench/newspages.py's pages (real length, events and reprints) instead of the random ones."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.feed_paths = [f"/feed/{k}.xml" for k in range(feeds)]
        ctx = multiprocessing.get_context("fork")
        self._ready = ctx.Queue()
        self._process = ctx.Process(target=_serve, args=(pages, feeds, self.sock, self._ready, news),
                                    daemon=True)
        self.html_bytes = 0

    def __enter__(self) -> "BenchServer":
        self._process.start()
        self.html_bytes = self._ready.get(timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        self._process.terminate()
        self._process.join(5)
        self.sock.close()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ingest_bench(pages: int = 1000, workers: int = 0, db: str | None = None, stories: bool = True,
                     entities: bool = True) -> dict:
    """`stories`: group the articles and write their pages as the desk does (`entities`: with the names)."""
    if stories:
        from newsdesk.embed import get_embedder
        from newsdesk.pipeline import ner_cpu_seconds, warm_ner
        from newsdesk_lab.bench.pipeline import distinct_stories

        get_embedder().encode(["warm up"])
        if entities:
            warm_ner()
    with BenchServer(pages, news=True) as server, tempfile.TemporaryDirectory() as tmp:
        html_bytes = server.html_bytes
        settings = Settings(db=db or str(Path(tmp) / "bench.db"), per_host_delay=0.0, per_host_concurrency=8,
                            stories=stories, entities=entities, max_parallel_sources=20, extract_workers=workers)
        settings.fetch_allow = with_allowed(settings.fetch_allow, "127.0.0.1/32")    # the bench's own server
        storage = open_storage(settings.database_url())
        for path in server.feed_paths:
            storage.add_source(server.base_url + path)

        async def main():
            async with Desk(storage, settings) as desk:
                started = time.perf_counter()
                reports = await desk.poll(due_only=False)
                return desk, reports, time.perf_counter() - started

        ner_before = (ner_cpu_seconds() or 0.0) if stories and entities else 0.0
        children_before, load_before = _children_cpu(), os.getloadavg()
        with StageCpu() as meter:
            desk, reports, elapsed = asyncio.run(main())     # the desk's close joins its extraction workers
        workers_cpu = _children_cpu() - children_before
        ner_cpu = max(0.0, (ner_cpu_seconds() or 0.0) - ner_before) if stories and entities else 0.0
        stored = storage.count_articles()
        copies = storage.count_copies()
        errors = [e for r in reports for e in r.errors]
        per_article = 1000 / max(1, stored)
        stage_cpu = {"fetch": 0.0, **meter.by_stage(), "extract workers": workers_cpu}
        stage_cpu["entities"] += ner_cpu
        cpu = meter.total + workers_cpu + ner_cpu
        result = {
            "pages": pages, "stored": stored, "originals": stored - copies, "copies": copies,
            "errors": len(errors),
            "first_errors": errors[:3], "seconds": round(elapsed, 2),
            "articles_per_s": round(stored / elapsed, 1) if elapsed else 0.0,
            "avg_page_kb": round(html_bytes / max(1, pages) / 1024, 1),
            "ms_per_article": {stage: round(1000 * s / max(1, stored), 2) for stage, s in desk.stage_seconds.items()},
            "stories": distinct_stories(storage, list(range(1, stored + 1))) if stories else 0,
            "cpu_seconds": round(cpu, 2), "cpu_ms_per_article_total": round(cpu * per_article, 2),
            "cpu_ms_per_article": {k: round(v * per_article, 2) for k, v in stage_cpu.items()},
            "sampler_cpu_seconds": round(meter.sampler_seconds, 2), "sampled_share": round(meter.coverage, 3),
            "load_average_before": [round(x, 2) for x in load_before],
        }
        storage.close()
    return result
