"""Generated WARC files for backfill tests and benchmarks: `bench.corpus`'s articles as HTML response records
(their events known), with bad records mixed in where asked: a page in an encoding that cannot be read, an
image, a page with no text."""

from __future__ import annotations

from datetime import datetime
from html import escape
from io import BytesIO
from pathlib import Path

from newsdesk_lab.bench.corpus import GeneratedArticle, generate_articles

BAD_KINDS = ("encoding", "image", "empty")


def article_url(article: GeneratedArticle) -> str:
    return f"https://{article.source.lower().replace(' ', '-')}.example/{article.id}.html"


def article_html(article: GeneratedArticle) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in article.text.split("\n\n"))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(article.title)}</title>'
            f'<meta property="og:site_name" content="{escape(article.source)}">'
            f'<meta property="article:published_time" content="{article.published.isoformat()}"></head>'
            f'<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{escape(article.title)}'
            f"</h1>{body}</article><footer>Copyright {escape(article.source)}</footer></body></html>")


def write_warc(articles: list[GeneratedArticle], path: Path, bad_every: int = 0) -> list[str]:
    """The articles as one gzipped WARC file, a bad record after every `bad_every` of them (0: none). Returns
    the kinds of bad records written, in order."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    bad: list[str] = []
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)

        def record(url: str, body: bytes, content_type: str, when: datetime) -> None:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers,
                                            warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
            writer.write_record(rec)

        for number, article in enumerate(articles, start=1):
            record(article_url(article), article_html(article).encode("utf-8"), "text/html; charset=utf-8",
                   article.published)
            if bad_every and number % bad_every == 0:
                kind = BAD_KINDS[len(bad) % len(BAD_KINDS)]
                url = f"https://broken.example/{kind}/{number}"
                if kind == "encoding":
                    record(url, b"<html><body><p>" + bytes(range(256)) * 4, "text/html",
                           article.published)
                elif kind == "image":
                    record(url, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png", article.published)
                else:
                    record(url, b"<html><head><title>x</title></head><body></body></html>", "text/html",
                           article.published)
                bad.append(kind)
    return bad


def generated_warc(path: Path, n: int, seed: int = 7, bad_every: int = 0,
                   days: float | None = None) -> tuple[list[GeneratedArticle], list[str]]:
    """n generated articles written to `path` (see `write_warc`); the articles and the bad kinds."""
    articles = generate_articles(n, seed=seed, days=days)
    return articles, write_warc(articles, path, bad_every)
