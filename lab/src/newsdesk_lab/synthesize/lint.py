"""The page linter (issue 23): what on a story page does not read as if an editor wrote it, counted per 100 pages.

A page is the document `/api/v1/stories/{id}` returns; the linter reads its `headline`, `summary`, `takeaways`
(lists of `{"text", "article_id", "outlet", ...}`) and `unique` (outlet -> list of `{"text", ...}`). Each shown
item counts as one shown sentence (an item the writer kept as one unit of two sentences is judged by its
opening). Checks:

- `needs_context`: a summary, takeaway or "what each source adds" sentence opening on a word that points at
  something not shown (pronoun, conjunction, definite back-reference) or a fragment;
- `relative_days`: relative day words ("yesterday", "last night" ...) in a shown sentence (headline included);
- `near_repeats`: pairs of shown sentences anywhere on the page (headline, summary, takeaways, unique) that say
  the same thing.

Not measured yet: the issue's "superseded figures shown as current" check, and the timeline's entries (they are
dated report titles, not sentences of the page's text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CHECKS = ("needs_context", "relative_days", "near_repeats")

POINTING_WORDS = frozenset({
    # personal and demonstrative pronouns and determiners
    "he", "she", "it", "they", "this", "that", "these", "those", "his", "her", "its", "their", "such",
    # conjunctions
    "and", "but", "so", "or", "yet", "nor", "also",
})
# "The <noun>" openings that refer back to something said before.
BACK_REFERENCES = frozenset({
    "move", "decision", "company", "deal", "plan", "announcement", "statement", "incident", "measure", "proposal",
    "report", "change", "agreement", "bill", "ruling", "attack", "case",
})
RELATIVE_DAYS = re.compile(
    r"\b(yesterday|today|tonight|tomorrow|this (?:morning|afternoon|evening)|last night|last week)(?:'s)?\b",
    re.IGNORECASE)
# A short clause ending in a colon at the start ("What wasn't: ...").
COLON_FRAGMENT = re.compile(r"^[^:.!?]{1,30}:\s")
STOPWORDS = frozenset(
    "a an the and or but of to in on at for by with from as is are was were be been it its this that these those "
    "he she they his her their has have had will would said says not no".split())
JACCARD = 0.6
CONTAINED = 0.8


@dataclass(frozen=True)
class Shown:
    """One sentence on the page: where it is shown and which article it comes from."""
    section: str              # "headline", "summary", "takeaways" or "unique:<outlet>"
    text: str
    article_id: object = None


@dataclass
class PageFindings:
    page_id: object
    sentences: int
    needs_context: list[str] = field(default_factory=list)
    relative_days: list[str] = field(default_factory=list)
    near_repeats: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class LintReport:
    pages: int
    sentences: int
    counts: dict[str, int]
    per_100_pages: dict[str, float]
    examples: dict[str, list[dict]]

    def figures(self) -> dict:
        return {"pages": self.pages, "sentences": self.sentences, "counts": self.counts,
                "per_100_pages": self.per_100_pages}


def shown_sentences(doc: dict) -> list[Shown]:
    """The page's shown sentences in reading order: headline, summary, takeaways, then each outlet's unique."""
    found: list[Shown] = []
    if doc.get("headline"):
        found.append(Shown("headline", str(doc["headline"])))
    for section in ("summary", "takeaways"):
        for item in doc.get(section) or []:
            found.append(Shown(section, str(item.get("text", "")), item.get("article_id")))
    for outlet, items in (doc.get("unique") or {}).items():
        for item in items or []:
            found.append(Shown(f"unique:{outlet}", str(item.get("text", "")), item.get("article_id")))
    return [s for s in found if s.text.strip()]


def _first_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z']*", text.lstrip(" \"'“‘(—–-"))[:2]


def opens_needing_context(text: str) -> bool:
    """True when the sentence opens on a word pointing at something not shown: a personal or demonstrative
    pronoun, a conjunction, "The <back-reference noun>" (a short explicit list), or it is a fragment (starts
    lowercase, or opens on a short clause ending in a colon)."""
    stripped = text.lstrip(" \"'“‘(—–-")
    if not stripped:
        return False
    if stripped[0].islower():
        return True
    if COLON_FRAGMENT.match(stripped):
        return True
    words = [w.lower().split("'")[0] for w in _first_words(stripped)]  # "It's" opens on "it"
    if not words:
        return False
    if words[0] in POINTING_WORDS:
        return True
    return len(words) == 2 and words[0] == "the" and words[1] in BACK_REFERENCES


def needs_context(sentences: list[Shown]) -> list[str]:
    """Rule: a summary, takeaway or unique sentence that opens needing context (`opens_needing_context`) is
    flagged, unless the sentence shown right before it in the same section is from the same article (the two
    read as one unit). The headline is not checked."""
    flagged = []
    previous: Shown | None = None
    for s in sentences:
        if s.section != "headline" and opens_needing_context(s.text):
            kept_with_previous = (previous is not None and previous.section == s.section
                                  and s.article_id is not None and previous.article_id == s.article_id)
            if not kept_with_previous:
                flagged.append(s.text)
        previous = s
    return flagged


def relative_days(sentences: list[Shown]) -> list[str]:
    """Rule: a shown sentence (headline included) holding a relative day word: yesterday, today, tonight,
    tomorrow, this morning/afternoon/evening, last night, last week."""
    return [s.text for s in sentences if RELATIVE_DAYS.search(s.text)]


def content_words(text: str) -> set[str]:
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    return {w for w in words if w not in STOPWORDS}


def same_thing(a: str, b: str) -> bool:
    """Word-set Jaccard >= 0.6, or one's content words contained >= 0.8 in the other's."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return False
    if len(wa & wb) / len(wa | wb) >= JACCARD:
        return True
    return len(wa & wb) / min(len(wa), len(wb)) >= CONTAINED


def near_repeats(sentences: list[Shown]) -> list[tuple[str, str]]:
    """Rule: each pair of shown sentences anywhere on the page (headline, summary, takeaways, unique) that say
    the same thing (`same_thing`), counted once."""
    return [(a.text, b.text) for i, a in enumerate(sentences) for b in sentences[i + 1:] if same_thing(a.text, b.text)]


def lint_page(doc: dict) -> PageFindings:
    sentences = shown_sentences(doc)
    return PageFindings(doc.get("id"), len(sentences), needs_context(sentences), relative_days(sentences),
                        near_repeats(sentences))


def lint_pages(docs: Iterable[dict], examples: int = 0) -> LintReport:
    pages = sentences = 0
    counts = {c: 0 for c in CHECKS}
    shown: dict[str, list[dict]] = {c: [] for c in CHECKS}
    for doc in docs:
        found = lint_page(doc)
        pages += 1
        sentences += found.sentences
        for check in CHECKS:
            hits = getattr(found, check)
            counts[check] += len(hits)
            for hit in hits[:max(0, examples - len(shown[check]))]:
                text = hit if isinstance(hit, str) else " | ".join(hit)
                shown[check].append({"page": found.page_id, "sentence": text})
    per_100 = {c: round(100 * counts[c] / pages, 2) if pages else 0.0 for c in CHECKS}
    return LintReport(pages, sentences, counts, per_100, shown)


class SourceError(ValueError):
    """The pages cannot be read from the source given; the message is for the user."""


def read_pages(source: str) -> list[dict]:
    """The page documents of SOURCE: a `.jsonl` file with one page document per line, or a desk's database (a
    SQLite path or postgresql:// URL), read as every live story's page JSON with its id."""
    if source.endswith(".jsonl"):
        path = Path(source)
        if not path.is_file():
            raise SourceError(f"{source} not found")
        docs = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SourceError(f"{source} line {number}: not JSON ({exc.msg})") from None
            if not isinstance(doc, dict):
                raise SourceError(f"{source} line {number}: not a page document (a JSON object)")
            docs.append(doc)
        return docs
    return _desk_pages(source)


def _desk_pages(url: str) -> list[dict]:
    from newsdesk.storage import StorageError, open_storage

    try:
        storage = open_storage(url, migrate=False, create=False)
    except StorageError as exc:
        raise SourceError(str(exc)) from None
    try:
        ids, _ = storage.rank_stories(limit=10**9)
        docs = []
        for story in storage.stories_by_ids(ids):
            if story.page_json:
                docs.append({"id": story.id, **json.loads(story.page_json)})
        return docs
    except StorageError as exc:        # also a database without the desk's tables ("no such table")
        raise SourceError(f"{url}: cannot read story pages ({exc})") from None
    finally:
        storage.close()
