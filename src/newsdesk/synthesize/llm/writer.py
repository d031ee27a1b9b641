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

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsdesk.config import Settings
from newsdesk.extract import word_count
from newsdesk.model import Attributed, StoryArticle, StoryPage
from newsdesk.synthesize import text as textutil
from newsdesk.synthesize.llm.checks import figures, missing_names, source_words, split_generated
from newsdesk.synthesize.llm.client import ChatClient, LLMError
from newsdesk.synthesize.llm.prompt import build_messages, parse_reply
from newsdesk.synthesize.dates import anchor_days
from newsdesk.synthesize.figures import superseded
from newsdesk.synthesize.standalone import needs_context
from newsdesk.synthesize.writer import Analysis, Writer

log = logging.getLogger(__name__)

PARTS = ("headline", "summary", "takeaways")

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
    reason: str = ""          # why it was dropped: unsupported, number, name, superseded, context, repeat, fragment,
                              # length, limit
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

    def prepare(self, reports: Sequence[tuple[str | None, ...]]) -> None:
        """Embed ahead what the extractive writer underneath will read (see Writer.prepare)."""
        self.writer.prepare(reports)

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
            terms = set(textutil.terms(sentence))
            if check.kept and part != "headline" and (closest >= self.config.repeat or any(
                    textutil.repeats(terms, set(textutil.terms(item.text)))
                    for item in kept["summary"] + kept["takeaways"])):
                check.kept, check.reason = False, "repeat"
            if check.kept and part == "summary" and (
                    len(kept["summary"]) >= self.config.summary_sentences[1]
                    or summary_words + word_count(sentence) > self.config.summary_words):
                check.kept, check.reason = False, "limit"
            if check.kept and part == "takeaways" and len(kept["takeaways"]) >= self.config.takeaways[1]:
                check.kept, check.reason = False, "limit"
            report.record(check)
            if check.kept:
                kept[part].append(self.attribute(analysis, sentence, sims[row], headline=part == "headline"))
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
            said = self._encode_all(summary)
            takeaways = [t for t in page.takeaways if not self._repeats(t.text, said) and not any(
                textutil.repeats(set(textutil.terms(t.text)), set(textutil.terms(s.text))) for s in summary)]
            report.fallback.append("takeaways")
        else:
            takeaways = self._pad(takeaways, page.takeaways + page.summary, self.config.takeaways[0],
                                  kept_vectors, report, beside=summary)
        shown = [set(textutil.terms(item.text)) for item in summary + takeaways]
        unique = {outlet: kept_items for outlet, items in page.unique.items()
                  if (kept_items := [i for i in items
                                     if not any(textutil.repeats(set(textutil.terms(i.text)), s) for s in shown)])}
        return LLMStoryPage(**(vars(page) | {"headline": headline, "headline_article_id": headline_id,
                                             "summary": summary, "takeaways": takeaways, "unique": unique}),
                            llm=report)

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
        if superseded(sentence, analysis.current):
            return Check(part, sentence, False, "superseded", similarity)
        if part != "headline" and needs_context(sentence):
            return Check(part, sentence, False, "context", similarity)
        unknown = missing_names(sentence, words)
        if unknown:
            return Check(part, sentence, False, "name", similarity, ", ".join(unknown))
        return Check(part, sentence, True, "", similarity)

    def attribute(self, analysis: Analysis, sentence: str, sims: np.ndarray, headline: bool = False) -> Attributed:
        """The article of the closest source sentence, and the other outlets whose sentence comes close; the
        sentence's relative days shown as the dates they were when that article was published."""
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
        article = analysis.articles[analysis.units[best].article]
        shown = anchor_days(sentence, article.published, self.writer.config.zone, headline=headline)
        return Attributed(shown, article.id, own, [(article_id, outlet) for outlet, article_id in also.items()],
                          sentence if shown != sentence else "")

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
             report: LLMReport, word_budget: int | None = None,
             beside: Sequence[Attributed] = ()) -> list[Attributed]:
        """Extractive sentences that say something new (to the part and to what is shown `beside` it), added
        until the part has its minimum."""
        items = list(items)
        words = sum(word_count(i.text) for i in items)
        for candidate in extra:
            if len(items) >= minimum:
                break
            if word_budget is not None and words + word_count(candidate.text) > word_budget:
                continue
            terms = set(textutil.terms(candidate.text))
            if (self._repeats(candidate.text, kept_vectors)
                    or any(textutil.repeats(terms, set(textutil.terms(i.text))) for i in [*items, *beside])):
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
