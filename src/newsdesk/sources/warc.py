"""WARC files (CC-NEWS's format) as local documents: each HTML response record is one page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsdesk.sources._util import absolute_http_url, parse_datetime
from newsdesk.sources.files import MAX_HTML_BYTES, LocalDocument, LocalDocumentError, document_from_bytes

WARC_SUFFIXES = (".warc", ".warc.gz")


def iter_warc(path: Path) -> Iterator[LocalDocument | LocalDocumentError]:
    """The HTML responses of a WARC file, in file order; a record that cannot be read is an error in its place.
    A file whose framing breaks (a truncated or corrupt gzip member) ends there, with that error last."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    try:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                number += 1
                yield _document(f"{path}#{number}", record)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield LocalDocumentError(f"{path}#{number + 1}", f"broken WARC record: {exc}")


def _document(origin: str, record) -> LocalDocument | LocalDocumentError:
    url = absolute_http_url(record.rec_headers.get_header("WARC-Target-URI"), None)
    if url is None:
        return LocalDocumentError(origin, "WARC record without an http(s) WARC-Target-URI")
    content_type = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
    if content_type and "html" not in content_type.lower():
        return LocalDocumentError(origin, f"not an HTML page: {content_type}")
    document = document_from_bytes(origin, record.content_stream().read(MAX_HTML_BYTES + 1), "record")
    if isinstance(document, LocalDocument):
        document.url = document.url or url
        if document.published is None:
            document.published = parse_datetime(record.rec_headers.get_header("WARC-Date") or "")
    return document
