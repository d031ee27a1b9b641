import gzip
import json
import time
from pathlib import Path

import lxml.html
import pytest

from newsdesk_lab.extract.evaluate import (
    evaluate_extraction,
    extract_pages,
    load_benchmark,
    load_predictions,
    page_counts,
    page_precision_recall,
    score_predictions,
    shingles,
    tokenize,
)

TESTDATA = Path(__file__).resolve().parents[2] / "extract" / "testdata"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "extraction" / "scrapinghub"
needs_benchmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared benchmark data is not present")


# --- the metric on hand-computed examples --------------------------------------------------------------


def test_tokens_are_unicode_words():
    assert tokenize("Hello, wörld! Ünïcode—42 _x_ 東京") == ["Hello", "wörld", "Ünïcode", "42", "_x_", "東京"]


def test_shingles_are_a_multiset_of_4_grams():
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    assert sum(shingles("a b c d a b c d").values()) == 5
    assert shingles("") == {} and shingles(None) == {} and shingles(" ... ") == {}
    assert shingles("a b") == {("a", "b"): 1}  # shorter than 4 tokens: one shingle of all tokens


def test_page_counts_and_precision_recall():
    # pred {abcd, bcde}, truth {abcd, bcdf}: one shared shingle
    assert page_counts("a b c d e", "a b c d f") == (1, 1, 1)
    assert page_precision_recall(1, 1, 1) == (0.5, 0.5)
    # multiset: the truth has abcd once, the prediction twice (plus bcda, cdab, dabc)
    assert page_counts("a b c d a b c d", "a b c d") == (1, 4, 0)
    assert page_precision_recall(1, 4, 0) == (0.2, 1.0)
    # punctuation and case of separators do not matter, tokens do
    assert page_counts("A, b. c; d!", "A b c d") == (1, 0, 0)
    assert page_counts("a b c d", "A b c d") == (0, 1, 1)


def test_precision_is_skipped_for_an_empty_prediction_and_perfect_pages_score_one():
    assert page_precision_recall(*page_counts("", "a b c d e")) == (None, 0.0)
    assert page_precision_recall(*page_counts(None, "a b c d e")) == (None, 0.0)
    assert page_precision_recall(*page_counts("a b c d e", "a b c d e")) == (1.0, 1.0)
    assert page_precision_recall(0, 0, 0) == (1.0, 1.0)


def test_score_is_f1_of_mean_precision_and_mean_recall():
    truth = {"p1": "a b c d e f", "p2": "g h i j k l", "p3": "m n o p q r"}
    predictions = {
        "p1": "a b c d e f",  # P=1, R=1
        "p2": "g h i j k",  # shingles ghij, hijk of ghij, hijk, ijkl: P=1, R=2/3
        # p3 missing: empty prediction, precision skipped, R=0
    }
    scores = score_predictions(predictions, truth)
    assert scores["pages"] == 3
    assert scores["precision"] == pytest.approx(1.0)
    assert scores["recall"] == pytest.approx((1 + 2 / 3 + 0) / 3)
    r = (1 + 2 / 3) / 3
    assert scores["f1"] == pytest.approx(2 * r / (1 + r))


def test_f1_is_not_the_mean_of_per_page_f1():
    truth = {"x": "a b c d e f g", "y": "f g h i j"}
    predictions = {"x": "a b c d e", "y": "f g h i j k l"}  # x: P=1, R=1/2; y: P=1/2, R=1
    scores = score_predictions(predictions, truth)
    assert scores["precision"] == pytest.approx(0.75)
    assert scores["recall"] == pytest.approx(0.75)
    assert scores["f1"] == pytest.approx(0.75)  # the mean of the per-page F1 would be 2/3


def test_load_predictions_reads_plain_and_wrapped_files(tmp_path):
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"a": {"articleBody": "text a"}, "b": {"articleBody": None}}))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"version": "1.2.3", "output": {"a": {"articleBody": "text a"}}}))
    assert load_predictions(plain) == {"a": "text a", "b": None}
    assert load_predictions(wrapped) == {"a": "text a"}


# --- evaluate_extraction on a small benchmark written here ---------------------------------------------


def write_benchmark(directory: Path) -> dict:
    html = (TESTDATA / "article.html").read_bytes()
    tree = lxml.html.fromstring(html)
    body = "\n\n".join(p.text_content().strip() for p in tree.xpath("//div[@class='story-body']/p"))
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n"
    (directory / "html").mkdir(parents=True)
    (directory / "html" / "story.html.gz").write_bytes(gzip.compress(html))
    (directory / "html" / "report.html.gz").write_bytes(gzip.compress(pdf))
    (directory / "html" / "unlabelled.html.gz").write_bytes(gzip.compress(html))
    truth = {
        "story": {"articleBody": body, "url": "https://courier.example/local/2024/03/library-repair-cafe"},
        "report": {"articleBody": "An annual report with figures for the harbour board.", "url": None},
    }
    (directory / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def test_evaluate_extraction_scores_pages_and_reports_progress(tmp_path):
    write_benchmark(tmp_path)
    calls = []
    result = evaluate_extraction(tmp_path, progress=lambda done, total: calls.append((done, total)))

    assert set(result) >= {"precision", "recall", "f1", "pages_per_s", "pages"}
    assert result["pages"] == 2  # only pages with a ground truth
    assert result["failures"] == 1  # the PDF raises: an empty prediction
    assert result["precision"] == pytest.approx(1.0)  # the empty prediction is left out of precision
    assert result["recall"] == pytest.approx(0.5)  # the story is complete, the PDF scores 0
    assert result["pages_per_s"] > 0
    assert calls == [(1, 2), (2, 2)]


def test_evaluate_extraction_explains_a_wrong_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="ground-truth.json"):
        evaluate_extraction(tmp_path)
    (tmp_path / "ground-truth.json").write_text("{}")
    with pytest.raises(ValueError, match="no benchmark pages"):
        evaluate_extraction(tmp_path)


# --- sanity checks against the published benchmark ------------------------------------------------------


@needs_benchmark
def test_metric_reproduces_the_published_full_page_text_baseline():
    # The benchmark's baselines html-text 0.7.0 and beautifulsoup 4.13.5 (all visible text of the page)
    # are published at F1 0.665, precision 0.500 / 0.499, recall 0.994.
    pages = load_benchmark(SHARED)

    def full_text(html: bytes, url: str | None) -> str:
        tree = lxml.html.fromstring(html.decode("utf-8"))
        for element in tree.xpath("//script | //style | //noscript | //template"):
            element.drop_tree()
        return " ".join(tree.itertext())

    predictions, _, _ = extract_pages(pages, full_text)
    truth = {page.id: page.truth for page in pages}
    scores = score_predictions(predictions, truth)
    assert scores["pages"] == 181
    assert scores["f1"] == pytest.approx(0.665, abs=0.003)
    assert scores["precision"] == pytest.approx(0.500, abs=0.003)
    assert scores["recall"] == pytest.approx(0.994, abs=0.003)

    assert score_predictions(truth, truth)["f1"] == pytest.approx(1.0)


@needs_benchmark
def test_extractor_on_a_sample_of_benchmark_pages():
    ids = sorted(json.loads((SHARED / "ground-truth.json").read_text()))[::9]
    pages = load_benchmark(SHARED, ids)
    assert len(pages) >= 20
    started = time.perf_counter()
    predictions, _, failures = extract_pages(pages)
    elapsed = time.perf_counter() - started
    scores = score_predictions(predictions, {page.id: page.truth for page in pages})
    assert failures == 0
    assert scores["f1"] > 0.9
    assert elapsed < 10
