"""Backfill inputs the tests write: generated articles (the lab's corpus: invented events and outlets) as JSONL,
a folder of HTML files and a WARC file."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk_lab.backfill.warcgen import article_html, article_url, write_warc
from newsdesk_lab.bench.corpus import GeneratedArticle, generate_articles


def articles(n: int, seed: int) -> list[GeneratedArticle]:
    return generate_articles(n, seed=seed)


def write_jsonl(items: list[GeneratedArticle], path: Path, broken_line: bool = False) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for number, a in enumerate(items):
            handle.write(json.dumps({"url": article_url(a), "title": a.title, "text": a.text,
                                     "published": a.published.isoformat(), "source": a.source}) + "\n")
            if broken_line and number == len(items) // 2:
                handle.write('{"title": "half a record\n')
    return path


def write_folder(items: list[GeneratedArticle], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for a in items:
        (folder / f"{a.id}.html").write_text(article_html(a), encoding="utf-8")
    return folder


def write_warc_file(items: list[GeneratedArticle], path: Path, bad_every: int = 0) -> list[str]:
    return write_warc(items, path, bad_every)
