"""Extraction quality on a benchmark directory (the Scrapinghub article-extraction-benchmark layout).

Layout: DIR/html/<id>.html.gz and DIR/ground-truth.json = {"<id>": {"articleBody": str, "url": str}}.

Metric (as published with that benchmark): per page, the text is split into \\w+ tokens and the 4-grams of
tokens ("shingles") are compared as multisets. precision = tp/(tp+fp), recall = tp/(tp+fn) per page; a page
whose prediction has no shingle is left out of the precision mean (it still scores 0 recall); a page with
no false positive and no false negative scores 1.0 for both. Overall precision and recall are the means of
the per-page values and F1 is computed from those two means.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdesk.extract import extract_article

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4

Progress = Callable[[int, int], None]


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of token n-grams. A text shorter than `size` tokens is one shingle of all its tokens."""
    tokens = tokenize(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_counts(predicted: str | None, truth: str | None) -> tuple[int, int, int]:
    """(tp, fp, fn) of the shingle multisets of one page."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    return tp, sum(pred.values()) - tp, sum(true.values()) - tp


def page_precision_recall(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    """Per-page precision and recall; None means the page does not count in that mean."""
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def f1_score(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_predictions(predictions: Mapping[str, str | None], ground_truth: Mapping[str, str]) -> dict:
    """Score predicted article bodies against the true ones, page by page (ids of `ground_truth`).

    A page missing from `predictions` (or predicted as None) counts as an empty prediction.
    Returns {"precision", "recall", "f1", "pages"}.
    """
    precisions: list[float] = []
    recalls: list[float] = []
    for page_id, truth in ground_truth.items():
        precision, recall = page_precision_recall(*page_counts(predictions.get(page_id), truth))
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
    mean_p = sum(precisions) / len(precisions) if precisions else 0.0
    mean_r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": mean_p, "recall": mean_r, "f1": f1_score(mean_p, mean_r), "pages": len(ground_truth)}


@dataclass(frozen=True)
class BenchmarkPage:
    id: str
    url: str | None
    html: bytes
    truth: str


def load_ground_truth(directory: Path) -> dict[str, dict]:
    path = Path(directory) / "ground-truth.json"
    if not path.is_file():
        raise FileNotFoundError(f"not an extraction benchmark: {path} is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path} must map page ids to {{'articleBody', 'url'}}")
    return data


def load_benchmark(directory: Path, ids: Iterable[str] | None = None) -> list[BenchmarkPage]:
    """The pages of the benchmark (those of ground-truth.json that have an HTML file), sorted by id."""
    directory = Path(directory)
    truth = load_ground_truth(directory)
    wanted = sorted(truth) if ids is None else list(ids)
    pages = []
    for page_id in wanted:
        html_path = directory / "html" / f"{page_id}.html.gz"
        if page_id not in truth or not html_path.is_file():
            continue
        entry = truth[page_id]
        pages.append(
            BenchmarkPage(
                id=page_id,
                url=entry.get("url"),
                html=gzip.decompress(html_path.read_bytes()),
                truth=entry.get("articleBody") or "",
            )
        )
    if not pages:
        raise ValueError(f"no benchmark pages found in {directory / 'html'} (expected <id>.html.gz)")
    return pages


def load_predictions(path: Path) -> dict[str, str | None]:
    """Predictions file as published with the benchmark: {id: {"articleBody": ...}}, optionally wrapped
    as {"version": ..., "output": {id: {...}}}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data.get("output"), dict) and "version" in data:
        data = data["output"]
    return {page_id: (entry or {}).get("articleBody") for page_id, entry in data.items()}


def extract_pages(
    pages: list[BenchmarkPage],
    extract: Callable[[bytes, str | None], str | None] | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, str | None], float, int]:
    """Run the extractor on every page: (predictions, seconds spent extracting, pages that failed).

    A page whose extraction raises (ExtractionError or anything else) is an empty prediction."""
    extract = extract or _extract_text
    predictions: dict[str, str | None] = {}
    elapsed = 0.0
    failures = 0
    total = len(pages)
    for done, page in enumerate(pages, start=1):
        started = time.perf_counter()
        try:
            predictions[page.id] = extract(page.html, page.url)
        except Exception:  # noqa: BLE001 -- any failure on a page scores as an empty prediction
            predictions[page.id] = None
            failures += 1
        elapsed += time.perf_counter() - started
        if progress is not None:
            progress(done, total)
    return predictions, elapsed, failures


def evaluate_extraction(directory: Path, *, progress: Progress | None = None) -> dict:
    """Extract every benchmark page with `extract_article` and score the text against the ground truth.

    Returns {"precision", "recall", "f1", "pages", "pages_per_s", "failures"}; pages_per_s counts
    extraction time only (single process). `progress(done, total)` is called after each page.
    """
    pages = load_benchmark(Path(directory))
    predictions, elapsed, failures = extract_pages(pages, progress=progress)
    scores = score_predictions(predictions, {page.id: page.truth for page in pages})
    scores["pages_per_s"] = len(pages) / elapsed if elapsed > 0 else float("inf")
    scores["failures"] = failures
    return scores


def _extract_text(html: bytes, url: str | None) -> str:
    return extract_article(html, url).text
