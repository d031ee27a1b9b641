"""The optional LLM story writer: a chat model behind an OpenAI-compatible endpoint (llama.cpp server,
Ollama, vLLM) rewrites the headline, summary and takeaways from the sentences the extractive writer found.

Nothing the model says is shown unchecked. Each sentence it returns must be supported by the story's own
sentences: the closest source sentence must be near enough in embedding space, every number it states must
appear in the source sentences that support it, and every capitalised name must occur in the story's
articles. A supported sentence is attributed to the article of its closest source sentence, with the other
outlets that say the same; an unsupported one is dropped and counted by reason. Whatever is left empty is
taken from the extractive page, and an endpoint that cannot be reached or answers nonsense leaves the
extractive page as it was."""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import numpy as np

from newsdesk.config import ConfigError, Settings, load_settings
from newsdesk.errors import NewsdeskError
from newsdesk.synthesize import text as textutil
from newsdesk.extract.sentences import normalise, raw_sentences, word_count
from newsdesk.synthesize.writer import Analysis, Attributed, StoryArticle, StoryPage, Writer

log = logging.getLogger(__name__)

PARTS = ("headline", "summary", "takeaways")


class LLMError(NewsdeskError):
    """The endpoint could not be reached, timed out, or answered something that is not a chat completion."""


@dataclass
class LLMConfig:
    url: str                          # base URL of the server, or its full /v1/chat/completions URL
    model: str = ""
    api_key: str = ""
    timeout: float = 120.0
    max_tokens: int = 220
    temperature: float = 0.2
    candidates: int = 12              # the extractive writer's best sentences shown to the model
    candidate_words: int = 50         # longer candidates are left out of the prompt
    support: float = 0.65             # cosine of the closest source sentence at which a sentence stands
    support_covered: float = 0.5      # ... or this, when its supporting sentences hold most of its words
    coverage: float = 0.7             # the share of its content words that "most" means
    evidence: float = 0.4             # source sentences this close support it (numbers, words)
    also: float = 0.6                 # another outlet's sentence this close reports the same
    repeat: float = 0.88              # a sentence this close to one already kept says it again
    headline_words: int = 20
    min_words: int = 4                # shorter summary sentences and takeaways are fragments
    summary_sentences: tuple[int, int] = (2, 3)
    summary_words: int = 80
    takeaways: tuple[int, int] = (3, 6)


@dataclass
class Check:
    """The verdict on one generated sentence."""

    part: str                 # headline | summary | takeaways
    text: str
    kept: bool
    reason: str = ""          # why it was dropped: unsupported, number, name, repeat, fragment, length, limit
    similarity: float = 0.0   # cosine of the closest source sentence
    detail: str = ""          # the number or name not found in the sources


@dataclass
class LLMReport:
    model: str = ""
    generated: int = 0
    kept: int = 0
    dropped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    fallback: list[str] = field(default_factory=list)   # parts written wholly by the extractive writer
    padded: int = 0           # extractive sentences added to reach the minimum summary / takeaways
    error: str = ""
    seconds: float = 0.0
    checks: list[Check] = field(default_factory=list)

    def record(self, check: Check) -> None:
        self.checks.append(check)
        self.generated += 1
        if check.kept:
            self.kept += 1
        else:
            self.dropped += 1
            self.reasons[check.reason] = self.reasons.get(check.reason, 0) + 1


@dataclass
class LLMStoryPage(StoryPage):
    llm: LLMReport = field(default_factory=LLMReport)


@dataclass
class Draft:
    """What the model wrote, before any check."""

    headline: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    takeaways: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.headline or self.summary or self.takeaways)


# -- the endpoint ----------------------------------------------------------------------------------------------

def chat_url(base: str) -> str:
    base = base.strip().rstrip("/")
    if not base:
        raise LLMError("no LLM endpoint configured (llm_url / NEWSDESK_LLM_URL)")
    if not re.match(r"^https?://[^/\s]+", base):
        raise LLMError(f"LLM endpoint {base!r} is not an http:// or https:// URL")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


class ChatClient:
    """POST {base}/v1/chat/completions; every failure becomes an LLMError naming the endpoint."""

    def __init__(self, url: str, model: str = "", api_key: str = "", timeout: float = 120.0) -> None:
        self.url = chat_url(url)
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), headers=headers)

    def complete(self, messages: list[dict[str, str]], max_tokens: int = 220, temperature: float = 0.2) -> str:
        body: dict = {"messages": messages, "max_tokens": max_tokens, "temperature": temperature,
                      "stream": False}
        if self.model:
            body["model"] = self.model
        try:
            response = self._http.post(self.url, json=body)
        except httpx.TimeoutException as exc:
            raise LLMError(f"{self.url}: no answer in time ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"{self.url}: cannot reach the endpoint ({exc})") from exc
        if response.status_code != 200:
            raise LLMError(f"{self.url}: HTTP {response.status_code}: {response.text[:200].strip()}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.url}: not a chat completion: {response.text[:200].strip()!r}") from exc
        if not isinstance(content, str):
            raise LLMError(f"{self.url}: the completion has no text")
        return content

    def close(self) -> None:
        self._http.close()


# -- the prompt and the reply ----------------------------------------------------------------------------------

# One user turn and no system message (Gemma's chat template has no system role), with a worked example of
# an invented event: small models follow an example better than instructions.
PREAMBLE = ("You are a careful news editor. Rewrite the source sentences about one news event as a headline, a "
            "short summary and key takeaways. Use only facts stated in the sources: never add a name, number, "
            "date or claim that is not in them.")

EXAMPLE = """Example.
Sources:
- [Dale Gazette] Heavy snow closed the Brenner mountain road on Tuesday, stranding 40 lorries.
- [North Wire] Police said 40 lorries were stuck on the Brenner road after Tuesday's snowfall.
- [Valley News] Snowploughs are expected to reopen the road on Wednesday morning.
HEADLINE: Snow closes Brenner road, stranding 40 lorries
SUMMARY: Heavy snow closed the Brenner mountain road on Tuesday and left 40 lorries stuck. Snowploughs are expected to reopen it on Wednesday morning.
TAKEAWAY: 40 lorries were stranded on the road.
TAKEAWAY: The road should reopen on Wednesday morning."""

INSTRUCTIONS = """Answer in the format of the example: one HEADLINE line, one SUMMARY line of two or three
sentences, then three to five TAKEAWAY lines, and nothing else."""


def build_messages(candidates: list[tuple[str, str]], titles: list[tuple[str, str]]) -> list[dict[str, str]]:
    """candidates and titles are (outlet, text) pairs."""
    lines = [PREAMBLE, "", EXAMPLE, "", "Now the story.", "Sources:"]
    lines += [f"- [{outlet}] {text}" for outlet, text in candidates]
    if titles:
        lines.append("Headlines of the outlets:")
        lines += [f"- [{outlet}] {text}" for outlet, text in titles]
    lines += ["", INSTRUCTIONS.replace("\n", " ")]
    return [{"role": "user", "content": "\n".join(lines)}]


_SECTIONS = {"headline": "headline", "title": "headline", "summary": "summary", "takeaway": "takeaways",
             "takeaways": "takeaways", "key takeaways": "takeaways", "key takeaway": "takeaways",
             "key points": "takeaways", "key point": "takeaways", "key facts": "takeaways",
             "key fact": "takeaways", "bullets": "takeaways"}
_LABEL = re.compile(r"^[\s#>*_•\-]*(?:\d+[.)]\s*)?(key takeaways?|key points?|key facts?|takeaways?|headline|"
                    r"title|summary|bullets)\b[\s*_]*(?:[:：]|$)[\s*_]*(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•–]+|\d+[.)])\s+")
_DECORATION = re.compile(r"^[\s*_\"“”'`]+|[\s*_\"“”'`]+$")


_OUTLET = re.compile(r"^\[[^\]]{1,80}\]\s*")


def _clean(line: str) -> str:
    line = _OUTLET.sub("", _BULLET.sub("", line))
    line = _DECORATION.sub("", line)
    line = re.sub(r"\*\*|__", "", line)
    return re.sub(r"\s+", " ", line).strip()


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _parse_json(reply: str) -> Draft | None:
    start, end = reply.find("{"), reply.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(reply[start:end + 1])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    draft = Draft()
    for key, value in data.items():
        part = _SECTIONS.get(str(key).strip().lower())
        if part:
            getattr(draft, part).extend(_clean(v) for v in _as_list(value) if _clean(v))
    return None if draft.empty() else draft


def parse_reply(reply: str) -> Draft:
    """The headline, summary and takeaways of a reply in the asked line format, in JSON, or in the markdown
    small models tend to write instead. A reply with no section at all is taken as summary prose (a base
    model continues the sources rather than answer); otherwise lines outside any section are ignored."""
    parsed = _parse_json(reply)
    if parsed is not None:
        return parsed
    draft = Draft()
    part = ""
    prose: list[str] = []
    for raw in normalise(reply).splitlines():
        match = _LABEL.match(raw)
        if match:
            part = _SECTIONS[match.group(1).lower()]
            rest = _clean(match.group(2))
        else:
            rest = _clean(raw)
        if not rest:
            continue
        if not part:
            if not rest.endswith(":") and re.search(r"[A-Za-z]{2}", rest):
                prose.append(rest)
            continue
        if part == "headline" and draft.headline:
            continue   # a second headline line is not asked for
        getattr(draft, part).append(rest)
    if draft.empty():
        draft.summary = prose
    return draft


# -- the checks ------------------------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                 "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
                 "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
                 "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                 "eighty": "80", "ninety": "90", "dozen": "12", "hundred": "hundred", "thousand": "thousand",
                 "million": "million", "billion": "billion", "trillion": "trillion"}
_CAPITALISED = re.compile(r"(?<![\w'’])(?:[A-Z]\.){2,}|(?<![\w'’])[A-Z][\w'’\-]*\w")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’.\-]*[a-z0-9]|[a-z0-9]")


def figures(text: str) -> set[str]:
    """The numbers a sentence states, digits or words, normalised ("2,000" and "2000"; "six" and "6")."""
    found = set()
    for raw in _DIGITS.findall(text):
        value = raw.rstrip(",").replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value.lstrip("0") or "0")
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
        elif word.endswith("s") and word[:-1] in ("hundred", "thousand", "million", "billion", "dozen"):
            found.add(_NUMBER_WORDS[word[:-1]])
    return found


def _word_key(word: str) -> str:
    word = word.lower().replace("’", "'").replace(".", "")
    return word.removesuffix("'s").removesuffix("'")


def source_words(texts: Sequence[str]) -> set[str]:
    """Every word of the sources, lower-cased, with its stem and the parts of hyphenated words."""
    words: set[str] = set()
    for text in texts:
        for raw in _WORD.findall(text.lower()):
            key = _word_key(raw)
            for part in {key, *key.split("-")}:
                if part:
                    words.add(part)
                    words.add(textutil.stem(part))
    return words


def names(sentence: str) -> set[str]:
    """Capitalised words that do not open the sentence and are not common words: a cheap stand-in for the
    names, places and organisations it mentions."""
    found = set()
    for match in _CAPITALISED.finditer(sentence):
        if not sentence[:match.start()].strip(" \"“‘'([*"):
            continue
        key = _word_key(match.group(0))
        acronym = match.group(0).replace(".", "").isupper()
        if len(key) < 2 or (not acronym and (key in textutil.STOPWORDS or key in _COMMON_NAMES)):
            continue
        found.add(key)
    return found


_COMMON_NAMES = frozenset(textutil._COMMON_CAPS) | {"may"}


def missing_names(sentence: str, words: set[str]) -> list[str]:
    missing = []
    for name in sorted(names(sentence)):
        parts = [p for p in name.split("-") if p]
        if name in words or textutil.stem(name) in words:
            continue
        if parts and all(p in words or textutil.stem(p) in words for p in parts):
            continue
        missing.append(name)
    return missing


def split_generated(text: str) -> list[str]:
    return [s.strip() for s in raw_sentences(text) if s.strip()]


# -- the writer ------------------------------------------------------------------------------------------------

class LLMWriter:
    """Callable like the extractive Writer: articles in, a page out (an LLMStoryPage with its report)."""

    def __init__(self, config: LLMConfig, writer: Writer | None = None, client: ChatClient | None = None) -> None:
        self.config = config
        self.writer = writer or Writer()
        self._client = client

    @property
    def client(self) -> ChatClient:
        if self._client is None:
            self._client = ChatClient(self.config.url, self.config.model, self.config.api_key,
                                      self.config.timeout)
        return self._client

    def __call__(self, articles: Sequence[StoryArticle]) -> LLMStoryPage:
        return self.write(articles)

    def write(self, articles: Sequence[StoryArticle]) -> LLMStoryPage:
        page = self.writer.write(articles)
        report = LLMReport(model=self.config.model)
        started = time.perf_counter()
        try:
            result = self._rewrite(articles, page, report)
        except LLMError as exc:
            log.warning("LLM writer: %s; the story keeps its extractive page", exc)
            result = self._extractive(page, report, str(exc))
        except Exception as exc:  # the extractive page is always there: a daemon never dies of the model
            log.exception("LLM writer failed; the story keeps its extractive page")
            result = self._extractive(page, report, f"{type(exc).__name__}: {exc}")
        report.seconds = time.perf_counter() - started
        return result

    @staticmethod
    def _extractive(page: StoryPage, report: LLMReport, error: str) -> LLMStoryPage:
        report.error = error
        report.fallback = list(PARTS)
        return LLMStoryPage(**vars(page), llm=report)

    # -- prompt ---------------------------------------------------------------------------------------------

    def messages(self, analysis: Analysis) -> list[dict[str, str]]:
        scores = self.writer.scores(analysis)
        candidates: list[tuple[str, str]] = []
        for row in np.argsort(-scores, kind="stable"):
            unit = analysis.units[analysis.sentences[row]]
            if unit.words > self.config.candidate_words:
                continue
            candidates.append((analysis.outlet_of[unit.article], unit.text))
            if len(candidates) >= self.config.candidates:
                break
        titles = [(analysis.outlet_of[analysis.units[k].article], analysis.units[k].text)
                  for k in analysis.titles if analysis.units[k].text]
        return build_messages(candidates, titles)

    # -- rewrite and check ----------------------------------------------------------------------------------

    def _rewrite(self, articles: Sequence[StoryArticle], page: StoryPage, report: LLMReport) -> LLMStoryPage:
        analysis = self.writer.analyse(articles)
        if not analysis.sentences and not any(analysis.units[k].text for k in analysis.titles):
            raise LLMError("the story has no sentences to rewrite")
        reply = self.client.complete(self.messages(analysis), self.config.max_tokens, self.config.temperature)
        draft = parse_reply(reply)
        if draft.empty():
            raise LLMError(f"the model's reply has no headline, summary or takeaways: {reply[:120]!r}")

        generated = [("headline", s) for s in draft.headline[:1]]
        generated += [("summary", s) for text in draft.summary for s in split_generated(text)]
        generated += [("takeaways", s) for text in draft.takeaways for s in split_generated(text)]
        if not generated:
            raise LLMError(f"the model's reply has no sentences: {reply[:120]!r}")
        vectors = self._encode([text for _, text in generated])
        sims = vectors @ analysis.vectors.T
        words = source_words([t for a in analysis.articles for t in (a.title or "", a.text or "")])

        kept: dict[str, list[Attributed]] = {part: [] for part in PARTS}
        kept_vectors: list[np.ndarray] = []
        summary_words = 0
        for row, (part, sentence) in enumerate(generated):
            check = self.check(analysis, part, sentence, sims[row], words)
            closest = max((float(v @ vectors[row]) for v in kept_vectors), default=0.0)
            if check.kept and closest >= self.config.repeat:
                check.kept, check.reason = False, "repeat"
            if check.kept and part == "summary" and (
                    len(kept["summary"]) >= self.config.summary_sentences[1]
                    or summary_words + word_count(sentence) > self.config.summary_words):
                check.kept, check.reason = False, "limit"
            if check.kept and part == "takeaways" and len(kept["takeaways"]) >= self.config.takeaways[1]:
                check.kept, check.reason = False, "limit"
            report.record(check)
            if check.kept:
                kept[part].append(self.attribute(analysis, sentence, sims[row]))
                if part != "headline":
                    kept_vectors.append(vectors[row])
                if part == "summary":
                    summary_words += word_count(sentence)

        headline, headline_id = page.headline, page.headline_article_id
        if kept["headline"]:
            headline = kept["headline"][0].text.rstrip(".")
            headline_id = kept["headline"][0].article_id
        else:
            report.fallback.append("headline")
        summary, takeaways = kept["summary"], kept["takeaways"]
        if not summary:
            summary = list(page.summary)
            report.fallback.append("summary")
        else:
            summary = self._pad(summary, page.summary, self.config.summary_sentences[0], kept_vectors, report,
                                self.config.summary_words)
        if not takeaways:
            takeaways = [t for t in page.takeaways if not self._repeats(t.text, self._encode_all(summary))]
            takeaways = takeaways or list(page.takeaways)
            report.fallback.append("takeaways")
        else:
            takeaways = self._pad(takeaways, page.takeaways + page.summary, self.config.takeaways[0],
                                  kept_vectors, report)
        return LLMStoryPage(**(vars(page) | {"headline": headline, "headline_article_id": headline_id,
                                             "summary": summary, "takeaways": takeaways}), llm=report)

    def check(self, analysis: Analysis, part: str, sentence: str, sims: np.ndarray, words: set[str]) -> Check:
        """Whether one generated sentence is supported by the story's sentences (sims: its cosine with each
        of analysis.units)."""
        count = word_count(sentence)
        if part == "headline" and count > self.config.headline_words:
            return Check(part, sentence, False, "length", detail=f"{count} words")
        if part != "headline" and count < self.config.min_words:
            return Check(part, sentence, False, "fragment", detail=f"{count} words")
        usable = [k for k, u in enumerate(analysis.units) if u.text]
        if not usable:
            return Check(part, sentence, False, "unsupported")
        best = max(usable, key=lambda k: sims[k])
        similarity = float(sims[best])
        evidence = [k for k in usable if sims[k] >= self.config.evidence] or [best]
        if similarity < self.config.support:
            terms = set(textutil.terms(sentence))
            known = set().union(*(analysis.units[k].terms for k in evidence))
            covered = len(terms & known) / len(terms) if terms else 0.0
            if similarity < self.config.support_covered or covered < self.config.coverage:
                return Check(part, sentence, False, "unsupported", similarity, f"{covered:.0%} of its words")
        stated = set().union(*(figures(analysis.units[k].text) for k in evidence))
        missing = sorted(figures(sentence) - stated)
        if missing:
            return Check(part, sentence, False, "number", similarity, ", ".join(missing))
        unknown = missing_names(sentence, words)
        if unknown:
            return Check(part, sentence, False, "name", similarity, ", ".join(unknown))
        return Check(part, sentence, True, "", similarity)

    def attribute(self, analysis: Analysis, sentence: str, sims: np.ndarray) -> Attributed:
        """The article of the closest source sentence, and the other outlets whose sentence comes close."""
        order = [int(k) for k in np.argsort(-sims, kind="stable") if analysis.units[int(k)].text]
        best = order[0]
        own = analysis.outlet_of[analysis.units[best].article]
        also: dict[str, object] = {}
        for k in order[1:]:
            if sims[k] < self.config.also:
                break
            article = analysis.units[k].article
            outlet = analysis.outlet_of[article]
            if outlet != own and outlet not in also and not analysis.articles[article].is_reprint:
                also[outlet] = analysis.articles[article].id
        return Attributed(sentence, analysis.articles[analysis.units[best].article].id, own,
                          [(article_id, outlet) for outlet, article_id in also.items()])

    # -- helpers --------------------------------------------------------------------------------------------

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.writer.encoder.encode(texts), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def _encode_all(self, items: list[Attributed]) -> list[np.ndarray]:
        return list(self._encode([i.text for i in items])) if items else []

    def _repeats(self, text: str, vectors: list[np.ndarray]) -> bool:
        if not vectors:
            return False
        vector = self._encode([text])[0]
        return max(float(v @ vector) for v in vectors) >= self.config.repeat

    def _pad(self, items: list[Attributed], extra: list[Attributed], minimum: int, kept_vectors: list[np.ndarray],
             report: LLMReport, word_budget: int | None = None) -> list[Attributed]:
        """Extractive sentences that say something new, added until the part has its minimum."""
        items = list(items)
        words = sum(word_count(i.text) for i in items)
        for candidate in extra:
            if len(items) >= minimum:
                break
            if word_budget is not None and words + word_count(candidate.text) > word_budget:
                continue
            if self._repeats(candidate.text, kept_vectors) or any(i.text == candidate.text for i in items):
                continue
            items.append(candidate)
            kept_vectors.append(self._encode([candidate.text])[0])
            words += word_count(candidate.text)
            report.padded += 1
        return items


# -- configuration ---------------------------------------------------------------------------------------------

def config_from_settings(settings: Settings, url: str | None = None, model: str | None = None) -> LLMConfig:
    return LLMConfig(url=url if url is not None else settings.llm_url,
                     model=model if model is not None else settings.llm_model,
                     api_key=settings.llm_api_key, timeout=settings.llm_timeout)


_configured: dict[tuple, LLMWriter] = {}
_settings: Settings | None = None


def use_settings(settings: Settings | None) -> None:
    """The settings `configured_writer` reads (the desk's, with its command-line options) instead of loading
    them from the environment and the TOML file."""
    global _settings
    _settings = settings


def configured_writer(settings: Settings | None = None) -> LLMWriter | None:
    """The LLM writer when llm_url is set, else None (the extractive writer). One writer per endpoint and
    model, so its sentence vectors stay cached across pages."""
    global _settings
    if settings is None:
        if _settings is None:
            try:
                _settings = load_settings()
            except ConfigError as exc:
                log.warning("LLM writer not used: %s", exc)
                _settings = Settings()
        settings = _settings
    if not settings.llm_url:
        return None
    key = (settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout)
    if key not in _configured:
        _configured[key] = LLMWriter(config_from_settings(settings))
    return _configured[key]


def summarise_reports(reports: Sequence[LLMReport]) -> dict:
    """Totals over many pages, for `newsdesk eval summaries --writer llm`."""
    reasons: Counter = Counter()
    fallback: Counter = Counter()
    for report in reports:
        reasons.update(report.reasons)
        fallback.update(report.fallback)
    return {"generated": sum(r.generated for r in reports), "kept": sum(r.kept for r in reports),
            "dropped": sum(r.dropped for r in reports), "dropped_reasons": dict(reasons),
            "errors": sum(1 for r in reports if r.error), "fallback": dict(fallback),
            "padded": sum(r.padded for r in reports), "llm_seconds": sum(r.seconds for r in reports)}
