"""The page linter (issue 23): what on a story page does not read as if an editor wrote it, counted per 100 pages.

A page is the document `/api/v1/stories/{id}` returns; the linter reads its `headline` (and
`headline_article_id`), `summary`, `takeaways` (lists of `{"text", "article_id", "outlet", ...}`), `unique`
(outlet -> list of `{"text", ...}`) and `timeline` (`[when, article_id, outlet, title, kind]` entries). Each shown
item counts as one shown sentence (an item the writer kept as one unit of two sentences is judged by its
opening). Checks:

- `needs_context`: a summary, takeaway or "what each source adds" sentence opening on a word that points at
  something not shown (pronoun, conjunction, definite back-reference) or a fragment;
- `relative_days`: relative day words ("yesterday", "last night" ...) in a shown sentence (headline included);
- `near_repeats`: pairs of shown sentences anywhere in the page's text (summary, takeaways, unique) that say
  the same thing;
- `superseded_figures`: shown sentences (headline included) stating a figure (the dead, the injured, the
  arrested ...) that a later-dated article on the page states otherwise: superseded figures shown as current.

What a figure is comes from the product (`newsdesk.synthesize.figure_claims`, and `superseded` compares them):
the linter and the desk hold one copy of that rule, so the linter measures what the product would find, and a
figure the product misreads is misread here too.

The timeline's entries are not judged themselves (they are dated report titles, not sentences of the page's
text); their titles and dates serve `superseded_figures` as the reports' own word and time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from newsdesk.synthesize import figure_claims, superseded

CHECKS = ("needs_context", "relative_days", "near_repeats", "superseded_figures")

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
    superseded_figures: list[tuple[str, str]] = field(default_factory=list)


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
        found.append(Shown("headline", str(doc["headline"]), doc.get("headline_article_id")))
    for section in ("summary", "takeaways"):
        for item in doc.get(section) or []:
            found.append(Shown(section, str(item.get("text", "")), item.get("article_id")))
    for outlet, items in (doc.get("unique") or {}).items():
        for item in items or []:
            found.append(Shown(f"unique:{outlet}", str(item.get("text", "")), item.get("article_id")))
    return [s for s in found if s.text.strip()]


# "First, ...", "Finally, ...": one item of a list whose opening is not shown.
ENUMERATION = re.compile(r"(?:first|second|third|secondly|thirdly|finally|lastly|next)\s*,", re.IGNORECASE)


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
    if COLON_FRAGMENT.match(stripped) or ENUMERATION.match(stripped):
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


def _title_case(text: str) -> bool:
    words = re.findall(r"[A-Za-z]{4,}", text)
    return len(words) >= 2 and sum(word[0].isupper() for word in words) >= 0.75 * len(words)


def _names_a_thing(text: str, start: int) -> bool:
    """A day word written with a capital inside a sentence is part of a name ("USA Today", "the Today show")."""
    return text[start].isupper() and re.search(r"(?:^|[.!?:]\s+|[\"“‘(]\s*)$", text[:start]) is None


def relative_days(sentences: list[Shown]) -> list[str]:
    """Rule: a shown sentence (headline included) holding a relative day word: yesterday, today, tonight,
    tomorrow, this morning/afternoon/evening, last night, last week; one capitalised inside a sentence is part
    of a name and not counted, except in a headline set in title case."""
    flagged = []
    for s in sentences:
        title_case = s.section == "headline" and _title_case(s.text)
        if any(title_case or not _names_a_thing(s.text, m.start()) for m in RELATIVE_DAYS.finditer(s.text)):
            flagged.append(s.text)
    return flagged


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
    """Rule: each pair of shown sentences anywhere in the page's text (summary, takeaways, unique) that say the
    same thing (`same_thing`), counted once. The headline is not paired: the lead sentence under it says what
    it says, at length, as every news page does."""
    body = [s for s in sentences if s.section != "headline"]
    return [(a.text, b.text) for i, a in enumerate(body) for b in body[i + 1:] if same_thing(a.text, b.text)]


def _when(value: object) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Dated:
    """A text on the page, the time its article said it and the figures it states."""
    text: str
    when: datetime
    figures: dict[str, set[str]]


def dated_texts(doc: dict, sentences: list[Shown]) -> tuple[list[tuple[Shown, datetime]], list[Dated]]:
    """The shown sentences whose article the timeline dates, each with its article's latest entry (a shown
    sentence is from the article's current text), and every dated text of the page: those sentences and the
    timeline's titles, each title with the time of its own entry (it is what the report said then)."""
    latest: dict[object, datetime] = {}
    titles = []
    for entry in doc.get("timeline") or []:
        if not isinstance(entry, (list, tuple)) or len(entry) < 4 or (when := _when(entry[0])) is None:
            continue
        article_id, title = entry[1], entry[3]
        if article_id not in latest or when > latest[article_id]:
            latest[article_id] = when
        if title:
            titles.append(Dated(str(title), when, figure_claims(str(title))))
    shown = [(s, latest[s.article_id]) for s in sentences if s.article_id in latest]
    return shown, [Dated(s.text, when, figure_claims(s.text)) for s, when in shown] + titles


def superseded_figures(doc: dict, sentences: list[Shown]) -> list[tuple[str, str]]:
    """Rule: a shown sentence (headline included) states a figure of a kind (`figure_claims`) for which a
    text from a later-dated article (another shown sentence, or a timeline title) states another value: a
    superseded figure shown as current. Dates come from the timeline: a shown sentence's is its article's
    latest entry, a timeline title's its own entry's. Each such sentence counts once, with the latest text that
    supersedes it; a sentence whose article the timeline does not date is not judged."""
    shown, texts = dated_texts(doc, sentences)
    latest_first = sorted((t for t in texts if t.figures), key=lambda t: t.when, reverse=True)
    flagged = []
    for sentence, when in shown:
        newer = next((t for t in latest_first if t.when > when and superseded(sentence.text, t.figures)), None)
        if newer is not None:
            flagged.append((sentence.text, newer.text))
    return flagged


def lint_page(doc: dict) -> PageFindings:
    sentences = shown_sentences(doc)
    return PageFindings(doc.get("id"), len(sentences), needs_context(sentences), relative_days(sentences),
                        near_repeats(sentences), superseded_figures(doc, sentences))


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
