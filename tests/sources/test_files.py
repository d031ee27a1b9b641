import gzip
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsdesk.sources import LocalDocument, LocalDocumentError, iter_documents

UTC = timezone.utc

ARTICLE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Tide tables revised | Quayside Times</title>
<meta property="og:title" content="Tide tables revised for the spring">
<meta property="og:site_name" content="Quayside Times">
<meta property="og:url" content="https://quayside.example/og-url">
<meta property="article:published_time" content="2024-03-18T06:00:00+01:00">
<link rel="canonical" href="https://quayside.example/2024/tides">
</head><body><article><p>The harbour master published new tables.</p></article></body></html>
"""


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_single_html_file(tmp_path):
    path = write(tmp_path / "tides.html", ARTICLE)
    [doc] = list(iter_documents(path))
    assert isinstance(doc, LocalDocument)
    assert doc.origin == str(path)
    assert doc.url == "https://quayside.example/2024/tides"
    assert doc.source == "Quayside Times"
    assert doc.title == "Tide tables revised for the spring"
    assert doc.published == datetime(2024, 3, 18, 5, 0, tzinfo=UTC)
    assert "harbour master" in doc.html
    assert doc.text is None


def test_html_without_metadata_and_og_url_fallback(tmp_path):
    bare = write(tmp_path / "bare.htm", "<html><head><title>Plain page</title></head><body>Hi</body></html>")
    [doc] = list(iter_documents(bare))
    assert (doc.url, doc.source, doc.title) == (None, None, "Plain page")
    og_only = write(tmp_path / "og.html", ARTICLE.replace('<link rel="canonical" href="https://quayside.example/2024/tides">', ""))
    assert next(iter_documents(og_only)).url == "https://quayside.example/og-url"


def test_html_in_a_declared_legacy_charset(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"><title>Grüße aus Köln</title></head><body>Straße</body></html>'
    [doc] = list(iter_documents(write(tmp_path / "koeln.html", page.encode("iso-8859-1"))))
    assert doc.title == "Grüße aus Köln"
    assert "Straße" in doc.html


def test_directory_is_walked_recursively_in_order(tmp_path):
    write(tmp_path / "b.html", ARTICLE)
    write(tmp_path / "a" / "z.htm", "<html><head><title>z</title></head></html>")
    write(tmp_path / "a" / "deeper" / "y.html.gz", gzip.compress(b"<html><head><title>y</title></head></html>"))
    write(tmp_path / "notes.txt", "ignored")
    write(tmp_path / "c.html.gz", b"this is not gzip data")
    write(tmp_path / "d.html", b"\x00\x01\x02binary\x00" * 20)
    write(tmp_path / "e.html", b"")
    results = list(iter_documents(tmp_path))
    origins = [r.origin for r in results]
    assert origins == sorted(origins)
    docs = [r for r in results if isinstance(r, LocalDocument)]
    errors = {Path(r.origin).name: r.message for r in results if isinstance(r, LocalDocumentError)}
    assert [d.title for d in docs] == ["y", "z", "Tide tables revised for the spring"]
    assert set(errors) == {"c.html.gz", "d.html", "e.html"}
    assert errors["c.html.gz"].startswith("cannot read file")
    assert errors["d.html"].startswith("cannot decode file")
    assert errors["e.html"] == "file is empty"


def test_jsonl_good_and_bad_lines(tmp_path):
    lines = [
        json.dumps({"url": "https://wire.example/1", "title": "One", "html": "<p>One</p>",
                    "published": "2024-03-01T10:00:00Z", "source": "Wire"}),
        "",
        "{not json",
        json.dumps({"url": "https://wire.example/3", "title": "No body"}),
        json.dumps({"text": "Dated badly", "published": "the day before yesterday"}),
        json.dumps({"text": "RFC 2822 date", "published": "Fri, 01 Mar 2024 12:00:00 +0200"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "Naive ISO date", "published": "2024-03-02T08:00:00"}),
        json.dumps({"text": "relative url", "url": "/relative"}),
        json.dumps({"text": "Ünïcode ✓"}, ensure_ascii=False),
    ]
    path = write(tmp_path / "dump.jsonl", "\n".join(lines) + "\n")
    results = list(iter_documents(path))
    assert [r.origin for r in results] == [f"{path}:{n}" for n in (1, 3, 4, 5, 6, 7, 8, 9, 10)]
    first = results[0]
    assert first == LocalDocument(f"{path}:1", "https://wire.example/1", "One", "<p>One</p>", None,
                                  datetime(2024, 3, 1, 10, 0, tzinfo=UTC), "Wire")
    assert isinstance(results[1], LocalDocumentError)
    assert "invalid JSON" in results[1].message
    assert isinstance(results[2], LocalDocumentError)
    assert "neither" in results[2].message
    assert isinstance(results[3], LocalDocumentError)
    assert "published" in results[3].message
    assert results[4].published == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert isinstance(results[5], LocalDocumentError)
    assert "object" in results[5].message
    assert results[6].published == datetime(2024, 3, 2, 8, 0, tzinfo=UTC)
    assert isinstance(results[7], LocalDocumentError)
    assert "url" in results[7].message
    assert results[8].text == "Ünïcode ✓"


def test_jsonl_gz_and_undecodable_line(tmp_path):
    body = json.dumps({"text": "fine"}).encode() + b"\n" + b'{"text": "\xff\xfe"}\n' + json.dumps({"html": "<p>x</p>"}).encode()
    path = write(tmp_path / "dump.jsonl.gz", gzip.compress(body))
    results = list(iter_documents(path))
    assert [type(r).__name__ for r in results] == ["LocalDocument", "LocalDocumentError", "LocalDocument"]
    assert results[1].origin == f"{path}:2"


def test_truncated_jsonl_gz_reports_and_keeps_what_was_read(tmp_path):
    body = "\n".join(json.dumps({"text": f"line {i} " + os.urandom(100).hex()}) for i in range(2000)).encode()
    path = write(tmp_path / "cut.jsonl.gz", gzip.compress(body)[:20000])
    results = list(iter_documents(path))
    assert isinstance(results[-1], LocalDocumentError)
    assert "cannot read file" in results[-1].message
    assert all(isinstance(r, LocalDocument) for r in results[:-1])
    assert len(results) > 10


def test_jsonl_is_streamed(tmp_path):
    fifo = tmp_path / "live.jsonl"
    os.mkfifo(fifo)
    got_first = threading.Event()
    first_before_close = []

    def writer():
        with open(fifo, "w") as handle:
            handle.write(json.dumps({"text": "first"}) + "\n")
            handle.flush()
            first_before_close.append(got_first.wait(timeout=10))
            handle.write(json.dumps({"text": "second"}) + "\n")

    thread = threading.Thread(target=writer)
    thread.start()
    documents = iter_documents(fifo)
    first = next(documents)
    got_first.set()
    rest = list(documents)
    thread.join(timeout=10)
    assert first.text == "first"
    assert [d.text for d in rest] == ["second"]
    assert first_before_close == [True]


def test_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file or directory"):
        iter_documents(tmp_path / "nope.jsonl")


def test_unsupported_file_type(tmp_path):
    [error] = list(iter_documents(write(tmp_path / "x.pdf", b"%PDF")))
    assert isinstance(error, LocalDocumentError)
    assert "unsupported" in error.message
