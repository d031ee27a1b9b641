"""How the generated news pages (bench/newspages.py) compare with real ones: the length and shape of the
article bodies and pages of a labelled folder (the Scrapinghub benchmark's layout: DIR/ground-truth.json and
DIR/html/<id>.html.gz) beside the generator's, and the CPU the desk's extraction spends on each. Only figures
are printed; no text of the folder is kept.

    python -m newsdesk_lab.bench.realpages DIR [--pages 300] [--json]"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from lxml import html as lxml_html

from newsdesk_lab.bench.newspages import generate_pages
from newsdesk.extract import ExtractionError, extract_article

FIGURES = ("body_words", "body_paragraphs", "page_kb", "elements", "links", "paragraph_elements", "script_kb",
           "median_depth", "divs", "page_words_per_body_word", "extract_cpu_ms")


def page_shape(markup: str) -> dict[str, float]:
    """The page's size and busyness: bytes, elements, links, <p> elements, inline script, nesting, the words a
    reader could see."""
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", markup, re.S | re.I)
    root = lxml_html.fromstring(markup)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    depths = []
    for element in elements[::5]:
        depth, node = 0, element
        while node is not None:
            depth, node = depth + 1, node.getparent()
        depths.append(depth)
    for hidden in root.xpath("//script|//style|//noscript|//svg"):
        hidden.drop_tree()
    return {"page_kb": len(markup.encode("utf-8")) / 1024, "elements": len(elements),
            "links": sum(1 for e in elements if e.tag == "a"),
            "paragraph_elements": sum(1 for e in elements if e.tag == "p"),
            "script_kb": sum(len(s) for s in scripts) / 1024, "median_depth": statistics.median(depths or [0]),
            "divs": sum(1 for e in elements if e.tag == "div"), "page_words": len(root.text_content().split())}


def _extract_cpu_ms(markup: str, url: str | None) -> float:
    started = time.process_time()
    try:
        extract_article(markup, url)
    except ExtractionError:
        pass
    return 1000 * (time.process_time() - started)


def _row(markup: str, url: str | None, body: str) -> dict[str, float]:
    shape = page_shape(markup)
    words = len(body.split())
    return {**shape, "body_words": words,
            "body_paragraphs": len([p for p in re.split(r"\n+", body) if p.strip()]),
            "page_words_per_body_word": shape.pop("page_words") / max(1, words),
            "extract_cpu_ms": _extract_cpu_ms(markup, url)}


def real_rows(folder: Path) -> Iterable[dict[str, float]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for key, label in sorted(truth.items()):
        page = folder / "html" / f"{key}.html.gz"
        if page.is_file():
            markup = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
            yield _row(markup, label.get("url"), label.get("articleBody") or "")


def generated_rows(pages: int, seed: int = 7) -> Iterable[dict[str, float]]:
    for page in generate_pages(pages, seed=seed):
        if page.version == 1:
            inner = page.html.split("</article>", 1)[0]
            body = "\n".join(re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p>(.*?)</p>", inner))
            yield _row(page.html, page.url, body)


def summary(rows: Iterable[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Median and quartiles of each figure."""
    rows = list(rows)
    out = {}
    for figure in FIGURES:
        values = [r[figure] for r in rows]
        low, median, high = statistics.quantiles(values, n=4) if len(values) > 1 else (values[0],) * 3
        out[figure] = {"q1": round(low, 2), "median": round(median, 2), "q3": round(high, 2)}
    return {"pages": len(rows), "figures": out}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="DIR with ground-truth.json and html/<id>.html.gz")
    parser.add_argument("--pages", type=int, default=300, help="generated pages to compare (default 300)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    args = parser.parse_args(argv)
    if not (args.folder / "ground-truth.json").is_file():
        print(f"error: no ground-truth.json in {args.folder}", file=sys.stderr)
        return 2
    _extract_cpu_ms(next(iter(generate_pages(1))).html, None)     # trafilatura's first call loads its settings
    real, generated = summary(real_rows(args.folder)), summary(generated_rows(args.pages))
    print(f"{'figure':<26}{'real (median, q1-q3)':>28}{'generated (median, q1-q3)':>30}")
    for figure in FIGURES:
        r, g = real["figures"][figure], generated["figures"][figure]
        print(f"{figure:<26}{r['median']:>12g} ({r['q1']:g}-{r['q3']:g}){'':>4}"
              f"{g['median']:>14g} ({g['q1']:g}-{g['q3']:g})")
    print(f"pages: {real['pages']} real, {generated['pages']} generated")
    if args.json:
        print(json.dumps({"real": real, "generated": generated}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
