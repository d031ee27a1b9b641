"""`newsdesk eval summaries`: ROUGE of the story writer against NeuS-format references.

PREFIX.source holds one story per line, its articles joined by ` [SEP] `, each
`TITLE=> title. ARTICLE=> text`; PREFIX.target holds the same line's reference,
`TITLE=> headline. ARTICLE=> summary`. The text scored is the writer's headline followed by its summary
sentences, as the reference is a headline followed by its summary."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from newsdesk.model import StoryArticle, StoryPage
from newsdesk.synthesize import Writer

_MARKER = re.compile(r"\s*\b(?:TITLE|ARTICLE)=>\s*")
_SEP = " [SEP] "
_SPLIT = re.compile(r"\s*ARTICLE=>\s*")


def strip_markers(text: str) -> str:
    return _MARKER.sub(" ", text).strip()


def parse_source_line(line: str, story: int = 0) -> list[StoryArticle]:
    articles: list[StoryArticle] = []
    for index, chunk in enumerate(part for part in line.split(_SEP) if part.strip()):
        parts = _SPLIT.split(chunk, maxsplit=1)
        title, text = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")
        title = strip_markers(title)
        if title.endswith("."):
            title = title[:-1].rstrip()
        articles.append(StoryArticle(id=f"{story}-{index}", outlet=f"source {index + 1}", title=title,
                                     text=strip_markers(text)))
    return articles


def read_pairs(prefix: Path) -> list[tuple[list[StoryArticle], str]]:
    source = Path(f"{prefix}.source")
    target = Path(f"{prefix}.target")
    sources = source.read_text(encoding="utf-8").splitlines()
    targets = target.read_text(encoding="utf-8").splitlines()
    if len(sources) != len(targets):
        raise ValueError(f"{source} has {len(sources)} lines but {target} has {len(targets)}")
    return [(parse_source_line(src, number), strip_markers(tgt))
            for number, (src, tgt) in enumerate(zip(sources, targets)) if src.strip()]


def page_text(page: StoryPage) -> str:
    return " ".join([page.headline, *(item.text for item in page.summary)]).strip()


def rouge_scorer():
    from rouge_score import rouge_scorer as scorer

    return scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def score_texts(predictions: list[str], references: list[str]) -> dict:
    scorer = rouge_scorer()
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for prediction, reference in zip(predictions, references):
        scores = scorer.score(reference, prediction)
        for key in totals:
            totals[key] += scores[key].fmeasure
    n = max(len(predictions), 1)
    return {key: 100.0 * value / n for key, value in totals.items()} | {"stories": len(predictions)}


def evaluate_summaries(prefix: Path, progress: Callable[[int, int], None] | None = None,
                       writer: Writer | Callable[[list[StoryArticle]], StoryPage] | None = None,
                       limit: int | None = None) -> dict:
    """Mean ROUGE-1/2/L F1 ×100 of the writer's headline + summary against each story's reference (the
    first `limit` stories when given). Pages of the LLM writer add the totals of their sentence checks."""
    pairs = read_pairs(Path(prefix))
    if limit is not None:
        pairs = pairs[:max(limit, 0)]
    write = writer if writer is not None else Writer()
    predictions: list[str] = []
    reports = []
    started = time.perf_counter()
    for done, (articles, _) in enumerate(pairs, 1):
        page = write(articles)
        predictions.append(page_text(page))
        if getattr(page, "llm", None) is not None:
            reports.append(page.llm)
        if progress is not None:
            progress(done, len(pairs))
    elapsed = time.perf_counter() - started
    result = score_texts(predictions, [reference for _, reference in pairs])
    result["stories_per_s"] = len(pairs) / elapsed if elapsed > 0 else 0.0
    result["seconds"] = elapsed
    if reports:
        from newsdesk.synthesize import summarise_reports

        result |= summarise_reports(reports)
    return result
