"""A backfill's inputs: paths and globs expanded into files and folders, each read in a fixed order, so that a
record is named by its input and its number there and a rerun skips what was done."""

from __future__ import annotations

import glob
import gzip
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsdesk.errors import NewsdeskError
from newsdesk.sources import LocalDocument, LocalDocumentError, iter_documents

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


class BackfillInputError(NewsdeskError):
    """An input that names nothing to read."""


@dataclass
class Record:
    input_key: str        # the input file or folder, absolute
    number: int           # 1-based position in the input
    document: LocalDocument | LocalDocumentError


def expand_inputs(patterns: list[str]) -> list[Path]:
    """Files and folders the patterns name (globs expanded, sorted), each once, in the order given."""
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(os.path.expanduser(pattern), recursive=True))
        if not matches and not glob.has_magic(pattern):
            raise BackfillInputError(f"{pattern}: no such file or directory")
        if not matches:
            raise BackfillInputError(f"{pattern}: matches no file")
        for match in matches:
            path = Path(match).resolve()
            if path not in found:
                found.append(path)
    return found


def iter_records(inputs: list[Path], done: dict[str, int]) -> Iterator[Record]:
    """Every record of every input after the `done` first of each (input key → records done)."""
    for path in inputs:
        key = str(path)
        skip = done.get(key, 0)
        for number, document in enumerate(iter_documents(path), start=1):
            if number > skip:
                yield Record(key, number, document)


def count_records(inputs: list[Path]) -> int:
    """How many records the inputs hold, counted without extracting them (for the progress bar's ETA)."""
    return sum(_count(path) for path in inputs)


def _count(path: Path) -> int:
    name = path.name.lower()
    try:
        if path.is_dir():
            return sum(1 for _, _, files in os.walk(path) for f in files if f.lower().endswith(HTML_SUFFIXES))
        if name.endswith((".jsonl", ".jsonl.gz")):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as handle:
                return sum(1 for line in handle if line.strip())
        if name.endswith((".warc", ".warc.gz")):
            from warcio.archiveiterator import ArchiveIterator

            with open(path, "rb") as handle:
                return sum(1 for r in ArchiveIterator(handle) if r.rec_type == "response")
    except Exception:       # a file that breaks while counting is read (and its error reported) later
        return 0
    return 1
