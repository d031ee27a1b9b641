"""Labelled article streams for training and evaluating the grouping: JSONL files and NeuS story lines."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from newsdesk.language import base_language, language_of


@dataclass
class LabelledArticle:
    id: str
    title: str
    text: str
    event: str
    published: datetime | None = None
    source: str | None = None
    lang: str | None = None       # ISO 639-1; None where unknown

    @property
    def label(self) -> str:
        """What names the article in a report: its title, else the start of its text."""
        return self.title or self.text[:80]


_ARTICLE = re.compile(r"^\s*TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*?)\s*$", re.S)


def parse_neus_line(line: str) -> list[tuple[str, str]]:
    """One NeuS source line → its (title, text) pairs. The title keeps no trailing period that the format
    adds."""
    out = []
    for part in line.rstrip("\n").split("[SEP]"):
        m = _ARTICLE.match(part)
        if not m:
            continue
        title, text = m.group(1), m.group(2)
        if title.endswith("."):
            title = title[:-1]
        out.append((title.strip(), text.strip()))
    return out


def read_neus(path: Path) -> list[list[tuple[str, str]]]:
    with open(path, encoding="utf-8") as fh:
        return [parse_neus_line(line) for line in fh]


def neus_articles(path: Path, seed: int | None = 0) -> list[LabelledArticle]:
    """Every article of every story line, event = line number, shuffled together when seed is not None."""
    articles = [LabelledArticle(id=f"{n}-{k}", title=title, text=text, event=str(n))
                for n, story in enumerate(read_neus(path)) for k, (title, text) in enumerate(story)]
    if seed is not None:
        random.Random(seed).shuffle(articles)
    return articles


def headline(article: LabelledArticle) -> LabelledArticle:
    """The article as a headline-only feed item gives it: its title and no text. A title too short to be a
    headline (ECB+ titles are first sentences, sometimes a bare date line) gives way to the first line of the
    text that is."""
    def words(line: str) -> int:
        return sum(1 for w in line.split() if any(c.isalpha() for c in w))

    title = article.title.strip()
    if words(title) < 4:
        title = next((line.strip() for line in article.text.split("\n") if words(line) >= 4), title)
    return LabelledArticle(id=article.id, title=title, text="", event=article.event, published=article.published,
                           source=article.source, lang=article.lang)


def _parse_time(value) -> datetime | None:
    if not value:
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, timezone.utc)
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OSError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def iter_jsonl(path: Path) -> Iterator[LabelledArticle]:
    """The records of a clustering JSONL. `lang` (ISO 639-1 or 639-3) is kept as its 639-1 code; a record
    without one gets the language the desk would detect in its title and text."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            row = json.loads(line)
            if "textCleaned" in row and "title" not in row:      # the Google News storylines set, as it comes
                row = {"id": row.get("Id", n), "title": row["textCleaned"], "event": row.get("clusterNo")}
            title, text = row.get("title") or "", row.get("text") or ""
            lang = base_language(row.get("lang")) if row.get("lang") else language_of(title, text)
            yield LabelledArticle(id=str(row.get("id", n)), title=title, text=text,
                                  event=str(row.get("event")), published=_parse_time(row.get("published")),
                                  source=row.get("source") or None, lang=lang)


def stream_order(articles: list[LabelledArticle]) -> list[LabelledArticle]:
    """Published order where the articles carry a time (stable, so ties keep file order; undated ones keep
    their place relative to each other after the dated ones), file order otherwise."""
    if not any(a.published for a in articles):
        return list(articles)
    far = datetime.max.replace(tzinfo=timezone.utc)
    return sorted(articles, key=lambda a: a.published or far)


def write_jsonl(articles: list[LabelledArticle], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            row = {"id": a.id, "title": a.title, "text": a.text, "event": a.event}
            if a.published:
                row["published"] = a.published.isoformat()
            if a.source:
                row["source"] = a.source
            if a.lang:
                row["lang"] = a.lang
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
