"""The extractive story writer: one attributed page from the articles of a story.

Sentences of the independent reports (a reprint only follows its original) are embedded once and scored by a
linear model of how central each is to the story — against a centroid that weighs every outlet equally, so
what several outlets say pulls hardest — and of a few marks of a poor summary sentence (a quote, first person,
an opening pronoun, no final stop or an unclosed quotation, words in capitals for emphasis). The weights were
fitted on NeuS train (`newsdesk_lab.synthesize.tune`). The headline is the independent title closest to the story
that neither shouts nor asks a question (any title, when all do); the summary takes the best sentences up to a
word budget, skipping any that mostly repeat what it already says; the takeaways take the next best that say
something new; every sentence shown lists the other outlets that report the same thing.

Over 400 lines because choosing, ordering and attributing sentences are one pass over one story's
sentences; the LLM writer (`synthesize/llm/`) builds on what it finds.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from typing import Protocol

import numpy as np

from newsdesk.extract import MAX_WORDS as MAX_SENTENCE_WORDS
from newsdesk.extract import Sentence, quote_is_open, split_sentences, word_count
from newsdesk.language import english_numerals
from newsdesk.model import ArticleId, Attributed, StoryArticle, StoryPage
from newsdesk.synthesize import text as textutil
from newsdesk.synthesize.marks import finished, first_person, opens_on_pronoun, quotes
from newsdesk.synthesize.standalone import needs_context
from newsdesk.synthesize.dates import anchor_days
from newsdesk.synthesize.differ import differences
from newsdesk.synthesize.figures import current_figures, superseded
from newsdesk.synthesize.timeline import last_updated, report_time, timeline

log = logging.getLogger(__name__)



class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


FEATURES = ("centrality", "agreement", "agreement_max", "title", "lexical", "lexical_agreement", "lead",
            "first", "length", "quote", "first_person", "question", "unfinished", "numbers", "pronoun",
            "shouting")

# Coordinate ascent on mean ROUGE-1 + ROUGE-2 + ROUGE-L over NeuS train (2,452 stories), see tune.py.
# "shouting" is set by hand (NeuS hardly shouts, so tune.py finds nothing to gain by moving it): strong enough
# that a sentence in capitals for emphasis is used only when nothing else is left.
DEFAULT_WEIGHTS = {"lexical": 1.0, "centrality": 0.6, "agreement_max": 0.05, "quote": -0.05,
                   "first_person": -0.125, "unfinished": -0.125, "pronoun": -0.125, "shouting": -1.0}


@dataclass
class WriterConfig:
    summary_words: int = 75          # the summary never exceeds this many words
    summary_target: int = 45         # stop adding sentences once the summary has this many
    summary_sentences: tuple[int, int] = (2, 3)
    takeaways: tuple[int, int] = (3, 6)
    takeaway_words: int = 50         # bullets longer than this are used only when there are too few
    duplicate: float = 0.85          # summary: a sentence this similar to one chosen says the same thing
    novelty: float = 0.4             # ... and one with less than this share of its content words unsaid,
    novelty_if_same: float = 0.5     # takeaways: less than this share of its words unsaid, beside what is shown
    takeaway_duplicate: float = 0.72  # takeaways are held apart more strictly (and by `says_same`)
    clause_check: float = 0.4        # ... and, from this cosine to a compound sentence shown, by its clauses
    same: float = 0.72               # cosine at which another outlet's sentence reports the same
    same_with_facts: float = 0.55    # ... or this, sharing a number or two names and no clashing number
    unique_below: float = 0.50       # unique: no sentence or title of another outlet comes this close
    unique_per_outlet: int = 3
    # Across languages (the sentence-embedding model reads English): a sentence whose multilingual vector
    # (embed's multilingual encoder, the grouping's cosine) comes this close to one shown above it in another
    # language says it again, and is not among what its source adds (docs/research/multilingual.md).
    across_same: float = 0.60
    across_same_with_facts: float = 0.45     # ... or this, sharing a number and no clashing one
    order: str = "score"             # summary sentences by "score" or in "source" order (article, position)
    headline_weights: tuple[float, float, float] = (0.5, 1.0, -0.04)  # embedding, TF-IDF centrality, words
    max_articles: int = 40           # larger stories: the latest article of each outlet, most recent first
    # The lead carries the news, and each sentence costs an embedding: NeuS val ROUGE is the same at 5, 6, 8
    # and 15; `bench pipeline` (5,000 articles) runs 23.2 articles/s at 6 and 20.3 at 8.
    max_sentences_per_article: int = 6
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    zone: tzinfo = timezone.utc      # the desk's time zone: "yesterday" is shown as the day it was there


@dataclass
class Unit:
    text: str
    article: int            # index into Analysis.articles
    position: int           # sentence index in its article; -1 for the title
    words: int
    numbers: set[str]
    entities: set[str]
    terms: set[str]
    last: int = -1          # the index of its last sentence: a sentence shown with the one before it spans two

    def overlaps(self, other: Unit) -> bool:
        """Whether the two units share a sentence of one article."""
        return (self.article == other.article and self.position >= 0 and other.position >= 0
                and self.position <= max(other.last, other.position)
                and other.position <= max(self.last, self.position))


@dataclass
class Analysis:
    """What the writer knows about a story's sentences before it chooses among them."""

    articles: list[StoryArticle]    # chronological
    sources: list[int]              # indices of the articles whose sentences are used
    outlet_of: list[str]            # outlet of each article
    units: list[Unit]               # candidate sentences, then the titles of the source articles
    vectors: np.ndarray             # (len(units), d) L2-normalised embeddings
    lexical: np.ndarray             # (len(units), v) L2-normalised TF-IDF
    sims: np.ndarray                # (len(units), len(units)) embedding cosine
    sentences: list[int]            # indices into units of the candidate sentences
    titles: list[int]               # indices into units of the titles
    features: np.ndarray            # (len(sentences), len(FEATURES))
    title_features: np.ndarray      # (len(titles), 3): embedding centrality, TF-IDF centrality, words
    ordinary: set[str]              # words the story's reports write in lower case (see textutil.shouts)
    current: dict[str, set[str]] = field(default_factory=dict)  # the latest figures of each kind
    stale: set[int] = field(default_factory=set)  # units stating a figure a later report superseded
    across: dict[int, np.ndarray] | None = None   # multilingual vectors of the sentences (Writer.across)

    def similarity(self, i: int, j: int) -> float:
        return float(self.sims[i, j])


_CLAUSE_BREAK = re.compile(r"\s*(?:[;:]|,? (?:and|but|while|whereas|although)\b)\s*")


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def _chronological(article: StoryArticle) -> tuple:
    return (article.published is None, article.published.timestamp() if article.published else 0.0,
            str(article.id))


class TfidfEncoder:
    """Story-local TF-IDF vectors, for a writer explicitly built without the embedding model."""

    def encode(self, texts: list[str]) -> np.ndarray:
        return textutil.tfidf_vectors([textutil.terms(t) for t in texts])


def default_encoder() -> Encoder:
    """The process's shared embedder, which remembers recent texts: a story's page is rewritten as articles
    join, and its sentences (and the titles and opening sentences the grouper embedded) need no second pass
    through the model. A missing model raises ModelMissing naming the package (never a quiet fallback)."""
    from newsdesk.embed import get_embedder, locate_model_files

    locate_model_files()
    return get_embedder()


class Writer:
    def __init__(self, config: WriterConfig | None = None, encoder: Encoder | None = None,
                 multilingual: Encoder | None = None) -> None:
        """`multilingual`: the encoder that reads every language the desk groups across (the process's shared
        one when None), asked only about stories whose reports are in more than one language."""
        self.config = config or WriterConfig()
        self._encoder = encoder
        self._multilingual = multilingual

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = default_encoder()
        return self._encoder

    @property
    def multilingual(self) -> Encoder:
        if self._multilingual is None:
            from newsdesk.embed import get_multilingual_embedder

            self._multilingual = get_multilingual_embedder()
        return self._multilingual

    def __call__(self, articles: Sequence[StoryArticle]) -> StoryPage:
        return self.write(articles)

    # -- analysis --------------------------------------------------------------------------------------------

    def report_sentences(self, text: str | None, language: str | None = None) -> list[Sentence]:
        """The sentences of one report that a page may use, split by the rules of its `language`."""
        return split_sentences(text or "", language=language)[: self.config.max_sentences_per_article]

    def texts_to_embed(self, title: str | None, text: str | None, language: str | None = None) -> list[str]:
        """The strings `analyse` embeds for one independent report: its sentences, then its title."""
        return [s.text for s in self.report_sentences(text, language)] + [(title or "").strip() or "-"]

    def prepare(self, reports: Sequence[tuple[str | None, ...]]) -> None:
        """Embed the sentences and titles of these (title, text) or (title, text, language) reports now, in
        one call, so that writing their stories' pages later finds their vectors remembered by the encoder."""
        texts = [t for title, text, *language in reports
                 for t in self.texts_to_embed(title, text, language[0] if language else None)]
        if texts:
            self.encoder.encode(texts)

    def _sources(self, articles: list[StoryArticle]) -> list[int]:
        sources = [i for i, a in enumerate(articles) if not a.is_reprint] or list(range(len(articles)))
        if len(sources) <= self.config.max_articles:
            return sources
        latest: dict[str, int] = {}
        for i in sources:  # chronological, so the last one wins
            latest[articles[i].outlet] = i
        kept = sorted(latest.values(), reverse=True)[: self.config.max_articles]
        return sorted(kept)

    def report_units(self, sentences: Sequence[Sentence], language: str | None = None) -> list[tuple[int, int]]:
        """The (first, last) indices into one report's `sentences` (in `language`) of what may be shown: each
        sentence that stands alone, and each that needs the sentence before it (`needs_context`) joined to it
        when that one stands alone; the others are never shown."""
        spans = []
        for i, sentence in enumerate(sentences):
            if not needs_context(sentence.text, language):
                spans.append((i, i))
            elif i > 0 and not needs_context(sentences[i - 1].text, language):
                spans.append((i - 1, i))
        return spans

    def analyse(self, articles: Sequence[StoryArticle]) -> Analysis:
        articles = sorted(articles, key=_chronological)
        sources = self._sources(articles)
        outlet_of = [a.outlet or f"article {a.id}" for a in articles]
        languages = [articles[i].language for i in range(len(articles))]
        reports = [self.report_sentences(articles[i].text, languages[i]) for i in sources]
        titles_text = [(articles[i].title or "").strip() for i in sources]
        # Embedded as texts_to_embed gives them: each report's sentences, then its title.
        embedded = _normalise_rows(np.asarray(self.encoder.encode(
            [t for sentences, title in zip(reports, titles_text)
             for t in [s.text for s in sentences] + [title or "-"]]), dtype=np.float32))
        units: list[Unit] = []
        rows: list[np.ndarray] = []

        def unit(text: str, article: int, position: int, last: int) -> Unit:
            return Unit(text, article, position, word_count(text),
                        textutil.numbers(english_numerals(text, languages[article])),
                        textutil.entities(text), set(textutil.terms(text, languages[article])), last)

        offset = 0
        title_rows = []
        for index, sentences in zip(sources, reports):
            for first, last in self.report_units(sentences, languages[index]):
                text = " ".join(s.text for s in sentences[first:last + 1])
                units.append(unit(text, index, sentences[first].position, sentences[last].position))
                rows.append(embedded[offset + first:offset + last + 1].sum(axis=0))
            offset += len(sentences)
            title_rows.append(offset)
            offset += 1
        sentence_count = len(units)
        units.extend(unit(title, i, -1, -1) for i, title in zip(sources, titles_text))
        rows.extend(embedded[r] for r in title_rows)
        sentences = list(range(sentence_count))
        titles = list(range(sentence_count, len(units)))
        dimension = embedded.shape[1] if embedded.ndim == 2 else 1
        vectors = _normalise_rows(np.stack(rows)) if rows else np.zeros((0, dimension), dtype=np.float32)
        lexical = textutil.tfidf_vectors([textutil.terms(u.text or "-", languages[u.article]) for u in units])
        for k, u in enumerate(units):
            if not u.text:  # an empty title stands for nothing
                vectors[k] = 0.0
                lexical[k] = 0.0
        sims = vectors @ vectors.T
        ordinary = textutil.lowercase_words([f"{(articles[i].title or '').rstrip('.')}.\n{articles[i].text or ''}"
                                             for i in sources])
        analysis = Analysis(articles, sources, outlet_of, units, vectors, lexical, sims, sentences, titles,
                            np.zeros((len(sentences), len(FEATURES)), dtype=np.float32),
                            np.zeros((len(titles), 3), dtype=np.float32), ordinary)
        # The title ends a sentence of its own: "… toll rises to three" must not run into the text's first word.
        reports = [(report_time(articles[i]), f"{(articles[i].title or '').rstrip('.')}.\n{articles[i].text or ''}")
                   for i in sources if report_time(articles[i]) is not None]
        analysis.current = current = current_figures(reports)
        analysis.stale = {k for k, u in enumerate(units) if u.text and superseded(u.text, current)}
        self._features(analysis)
        return analysis

    def _features(self, a: Analysis) -> None:
        outlets = sorted({a.outlet_of[i] for i in a.sources})
        # The story's centre is taken over single sentences and titles: a pair repeats a sentence of its own.
        members = {o: [k for k, u in enumerate(a.units) if a.outlet_of[u.article] == o and u.text
                       and u.last <= u.position] for o in outlets}

        def centroid(matrix: np.ndarray) -> np.ndarray:
            rows = [matrix[m].mean(axis=0) for m in members.values() if m]
            if not rows:
                return np.zeros(matrix.shape[1], dtype=np.float32)
            mean = _normalise_rows(np.stack(rows)).mean(axis=0)
            return mean / max(float(np.linalg.norm(mean)), 1e-9)

        center, lex_center = centroid(a.vectors), centroid(a.lexical)
        central = a.vectors @ center
        lex_central = a.lexical @ lex_center
        lex_sims = a.lexical[a.sentences] @ a.lexical.T if a.sentences else np.zeros((0, len(a.units)))
        title_mean = a.vectors[a.titles].mean(axis=0) if a.titles else np.zeros(a.vectors.shape[1])
        for row, k in enumerate(a.sentences):
            u = a.units[k]
            language = a.articles[u.article].language
            others = [members[o] for o in outlets if o != a.outlet_of[u.article] and members[o]]
            if others:
                best = np.array([a.sims[k, m].max() for m in others])
                lex_best = np.array([lex_sims[row, m].max() for m in others])
                agreement, agreement_max, lexical_agreement = best.mean(), best.max(), lex_best.mean()
            else:
                agreement = agreement_max = central[k]
                lexical_agreement = lex_central[k]
            a.features[row] = (
                central[k], agreement, agreement_max, float(title_mean @ a.vectors[k]), lex_central[k],
                lexical_agreement,
                1.0 / (1.0 + u.position),
                u.position == 0,
                min(u.words, 40) / 40.0,
                quotes(u.text, language),
                first_person(u.text, language),
                u.text.rstrip("\"'”’").endswith("?"),
                not finished(u.text, language) or quote_is_open(u.text, language),
                bool(u.numbers),
                opens_on_pronoun(u.text, language),
                textutil.shouts(u.text, a.ordinary),
            )
        for row, k in enumerate(a.titles):
            a.title_features[row] = (central[k], lex_central[k], a.units[k].words)

    def scores(self, analysis: Analysis) -> np.ndarray:
        weights = np.array([self.config.weights.get(name, 0.0) for name in FEATURES], dtype=np.float32)
        return analysis.features @ weights

    # -- who says the same -----------------------------------------------------------------------------------

    def says_same(self, analysis: Analysis, i: int, j: int) -> bool:
        a, b = analysis.units[i], analysis.units[j]
        return self.same_content(analysis.similarity(i, j), a.numbers, a.entities, b.numbers, b.entities)

    def same_content(self, similarity: float, numbers_a: set[str], entities_a: set[str], numbers_b: set[str],
                     entities_b: set[str], across: bool = False) -> bool:
        """Whether two sentences report the same, from their embedding cosine (their multilingual vectors'
        when `across` languages), their numbers (`textutil.numbers`) and their names (`textutil.entities`):
        close enough, or fairly close and sharing a number (or, in one language, two names) with no clashing
        number."""
        same, same_with_facts = ((self.config.across_same, self.config.across_same_with_facts) if across
                                 else (self.config.same, self.config.same_with_facts))
        if similarity >= same:
            return True
        if similarity < same_with_facts:
            return False
        if numbers_a and numbers_b and not (numbers_a & numbers_b):
            return False
        if across:      # names are shared by every report of the event in every language: only a number counts
            return bool(numbers_a & numbers_b)
        return bool(numbers_a & numbers_b) or len(entities_a & entities_b) >= 2

    def also(self, analysis: Analysis, k: int) -> list[tuple[ArticleId, str]]:
        """Other outlets with an independent report whose sentence or title says what unit k says (in another
        language, whose sentence does, by `repeats_across`)."""
        own = analysis.outlet_of[analysis.units[k].article]
        across = self.across(analysis)
        best: dict[str, tuple[float, int]] = {}
        for j, other in enumerate(analysis.units):
            outlet = analysis.outlet_of[other.article]
            if outlet == own or not other.text or analysis.articles[other.article].is_reprint:
                continue
            if self.says_same(analysis, k, j):
                similarity = analysis.similarity(k, j)
            elif k in across and j in across and self.repeats_across(analysis, k, [j], across):
                similarity = float(across[k] @ across[j])
            else:
                continue
            if outlet not in best or similarity > best[outlet][0]:
                best[outlet] = (similarity, other.article)
        ranked = sorted(best.items(), key=lambda item: -item[1][0])
        return [(analysis.articles[article].id, outlet) for outlet, (_, article) in ranked]

    def shown(self, analysis: Analysis, k: int) -> str:
        """Unit k's text as the page shows it: its relative days ("yesterday") as dates."""
        unit = analysis.units[k]
        article = analysis.articles[unit.article]
        return anchor_days(unit.text, article.published, self.config.zone, headline=unit.position < 0,
                           language=article.language)

    def attributed(self, analysis: Analysis, k: int) -> Attributed:
        unit = analysis.units[k]
        text = self.shown(analysis, k)
        return Attributed(text, analysis.articles[unit.article].id, analysis.outlet_of[unit.article],
                          self.also(analysis, k), unit.text if text != unit.text else "")

    # -- choosing --------------------------------------------------------------------------------------------

    def _novelty(self, analysis: Analysis, k: int, said: set[str]) -> float:
        terms = analysis.units[k].terms
        return len(terms - said) / len(terms) if terms else 1.0

    def choose_summary(self, analysis: Analysis, scores: np.ndarray) -> list[int]:
        config = self.config
        across = self.across(analysis)
        chosen: list[int] = []
        said: set[str] = set()
        words = 0
        for row in np.argsort(-scores, kind="stable"):
            k = analysis.sentences[row]
            unit = analysis.units[k]
            if k in analysis.stale or unit.last > unit.position or words + unit.words > config.summary_words:
                continue  # a superseded figure; two sentences kept together, too long for the dek; no room
            if any(unit.overlaps(analysis.units[c]) or textutil.repeats(unit.terms, analysis.units[c].terms)
                   for c in chosen):
                continue
            if chosen:
                novelty = self._novelty(analysis, k, said)
                if novelty < config.novelty:
                    continue
                if any(analysis.similarity(k, c) >= config.duplicate for c in chosen):
                    continue
                if any(self.says_same(analysis, k, c) for c in chosen):
                    continue   # two dek sentences reporting the same event read as a repeat however worded
                if across and self.repeats_across(analysis, k, chosen, across):
                    continue
            chosen.append(k)
            said |= unit.terms
            words += unit.words
            if len(chosen) >= config.summary_sentences[1]:
                break
            if words >= config.summary_target and len(chosen) >= config.summary_sentences[0]:
                break
        if config.order == "source":
            chosen.sort(key=lambda k: (analysis.units[k].article, analysis.units[k].position))
        elif chosen:
            rank = {k: r for r, k in enumerate(chosen)}
            lead = max(chosen, key=lambda k: (analysis.units[k].position == 0, len(self.also(analysis, k)),
                                              -rank[k]))
            chosen.remove(lead)
            chosen.insert(0, lead)
        return chosen

    def by_importance(self, analysis: Analysis, chosen: list[int]) -> list[int]:
        """The chosen sentences, those more outlets report first, the better scored first among equals."""
        rank = {k: r for r, k in enumerate(chosen)}
        return sorted(chosen, key=lambda k: (-len(self.also(analysis, k)), rank[k]))

    def repeats(self, analysis: Analysis, k: int, shown: list[int], clauses: dict[int, np.ndarray],
                novelty: bool = True) -> bool:
        """Whether unit k says again what the `shown` units say: it shares a sentence with one, comes close
        to one (or to a clause of a compound one, `clause_vectors`, cached in `clauses`) or says the same,
        repeats most of one's words (`textutil.repeats`), or adds too few words of its own to all of them."""
        config = self.config
        unit = analysis.units[k]
        for c in shown:
            other = analysis.units[c]
            if unit.overlaps(other) or textutil.repeats(unit.terms, other.terms):
                return True
            similarity = analysis.similarity(k, c)
            if similarity >= config.takeaway_duplicate or self.says_same(analysis, k, c):
                return True
            if similarity < config.clause_check:
                continue
            if c not in clauses:
                clauses[c] = self.clause_vectors(other.text)
            if clauses[c].size and (clauses[c] @ analysis.vectors[k]).max() >= config.takeaway_duplicate:
                return True
        if not novelty or not shown:
            return False
        said = set().union(*(analysis.units[c].terms for c in shown))
        return self._novelty(analysis, k, said) < config.novelty_if_same

    def choose_takeaways(self, analysis: Analysis, scores: np.ndarray, summary: list[int],
                         clauses: dict[int, np.ndarray]) -> list[int]:
        """The best sentences that say something the summary does not. What several outlets report comes
        first; what one outlet alone reports is taken only to reach the fewest bullets, and is otherwise left
        to "what each source adds". Bullets of a readable length first; longer ones only when there would
        be too few otherwise."""
        config = self.config
        across = self.across(analysis)
        ranked = [analysis.sentences[row] for row in np.argsort(-scores, kind="stable")]
        single_source = len({analysis.outlet_of[i] for i in analysis.sources}) < 2
        chosen: list[int] = []
        fewest, most = config.takeaways
        passes = [(config.takeaway_words, True, most), (config.takeaway_words, False, fewest),
                  (MAX_SENTENCE_WORDS, True, fewest), (MAX_SENTENCE_WORDS, False, fewest)]
        for limit, shared_only, enough in passes:
            if len(chosen) >= config.takeaways[0]:
                break
            for k in ranked:
                if len(chosen) >= enough:
                    break
                if (k in summary or k in chosen or k in analysis.stale or analysis.units[k].words > limit
                        or (shared_only and not single_source and not self.also(analysis, k))
                        or self.repeats(analysis, k, chosen + summary, clauses)
                        or (across and self.repeats_across(analysis, k, chosen + summary, across))):
                    continue
                chosen.append(k)
        return self.by_importance(analysis, chosen)

    def clause_vectors(self, text: str) -> np.ndarray:
        """Vectors of the clauses of a compound sentence ("..., and no deaths have been reported"), so that a
        bullet saying what one clause says counts as said; empty for a simple sentence, and under story-local
        TF-IDF (whose separate calls share no vocabulary)."""
        parts = [p for p in _CLAUSE_BREAK.split(text) if word_count(p) >= 3]
        if len(parts) < 2 or isinstance(self.encoder, TfidfEncoder):
            return np.zeros((0, 0), dtype=np.float32)
        return _normalise_rows(np.asarray(self.encoder.encode(parts), dtype=np.float32))

    def unit_language(self, analysis: Analysis, k: int) -> str:
        return analysis.articles[analysis.units[k].article].language or "en"

    def across(self, analysis: Analysis) -> dict[int, np.ndarray]:
        """The multilingual vectors of the story's candidate sentences when its reports are in more than one
        language (computed once per analysis); none otherwise."""
        if analysis.across is None:
            languages = {analysis.articles[i].language or "en" for i in analysis.sources}
            analysis.across = self.across_vectors(analysis, analysis.sentences) if len(languages) > 1 else {}
        return analysis.across

    def across_vectors(self, analysis: Analysis, units: list[int]) -> dict[int, np.ndarray]:
        """The multilingual vectors of these units, by unit index."""
        texts = [analysis.units[k].text for k in units]
        vectors = _normalise_rows(np.asarray(self.multilingual.encode(texts), dtype=np.float32)) if texts else []
        return dict(zip(units, vectors))

    def repeats_across(self, analysis: Analysis, k: int, shown: list[int], across: dict[int, np.ndarray]) -> bool:
        """Whether unit k says again, in another language, what a `shown` unit says: `same_content` on their
        multilingual vectors (`across`) with the thresholds for pairs across languages."""
        language, unit = self.unit_language(analysis, k), analysis.units[k]
        return any(self.unit_language(analysis, c) != language
                   and self.same_content(float(across[k] @ across[c]), unit.numbers, unit.entities,
                                        analysis.units[c].numbers, analysis.units[c].entities, across=True)
                   for c in shown)

    def choose_unique(self, analysis: Analysis, scores: np.ndarray, shown: list[int],
                      clauses: dict[int, np.ndarray]) -> dict[str, list[int]]:
        """Per outlet, its best sentences that no other outlet's sentence or title comes close to, and that
        repeat nothing shown above them (the summary, the takeaways, the sentences already chosen here; in
        another language, by `repeats_across`, as the summary and the takeaways are held apart)."""
        unique: dict[str, list[int]] = {}
        if len({analysis.outlet_of[i] for i in analysis.sources}) < 2:
            return unique
        across = self.across(analysis)
        chosen: list[int] = []
        for row in np.argsort(-scores, kind="stable"):
            k = analysis.sentences[row]
            own = analysis.outlet_of[analysis.units[k].article]
            if k in shown or k in analysis.stale or len(unique.get(own, [])) >= self.config.unique_per_outlet:
                continue
            elsewhere = any(
                analysis.outlet_of[other.article] != own and other.text
                and (analysis.similarity(k, j) >= self.config.unique_below or self.says_same(analysis, k, j))
                for j, other in enumerate(analysis.units))
            if elsewhere or self.repeats(analysis, k, shown + unique.get(own, []), clauses, novelty=False):
                continue
            if across and self.repeats_across(analysis, k, shown + chosen, across):
                continue
            unique.setdefault(own, []).append(k)
            chosen.append(k)
        return unique

    def choose_headline(self, analysis: Analysis) -> int | None:
        """The independent title closest to the story; one that states a superseded figure, shouts or asks
        the reader a question only when every title does."""
        titles = [row for row, k in enumerate(analysis.titles) if analysis.units[k].text]
        if not titles:
            return None
        titles = [row for row in titles if analysis.titles[row] not in analysis.stale] or titles
        plain = [row for row in titles if not self.sensational(analysis, analysis.titles[row])]
        titles = plain or titles
        weights = np.array(self.config.headline_weights, dtype=np.float32)
        scores = analysis.title_features[titles] @ weights
        return analysis.titles[titles[int(np.argmax(scores))]]

    @staticmethod
    def sensational(analysis: Analysis, k: int) -> bool:
        text = analysis.units[k].text.rstrip("\"'”’ ")
        return text.endswith("?") or textutil.shouts(text, analysis.ordinary)

    # -- the page --------------------------------------------------------------------------------------------

    def write(self, articles: Sequence[StoryArticle]) -> StoryPage:
        if not articles:
            raise ValueError("a story needs at least one article")
        analysis = self.analyse(articles)
        articles = analysis.articles
        scores = self.scores(analysis)
        best = self.choose_headline(analysis)
        if best is not None:
            headline, headline_id = self.shown(analysis, best), articles[analysis.units[best].article].id
        else:
            first = articles[analysis.sources[0]]
            headline, headline_id = first.title or "", first.id
        summary = self.choose_summary(analysis, scores)
        clauses: dict[int, np.ndarray] = {}
        takeaways = self.choose_takeaways(analysis, scores, summary, clauses)
        unique = self.choose_unique(analysis, scores, summary + takeaways, clauses)
        events = timeline(articles)
        by_id = {a.id: a for a in articles}
        independent = list(dict.fromkeys(analysis.outlet_of[i] for i, a in enumerate(articles)
                                         if not a.is_reprint))
        reprints = [(a.outlet, by_id[a.original_id].outlet if a.original_id in by_id else None)
                    for a in articles if a.is_reprint]
        return StoryPage(
            headline=headline,
            headline_article_id=headline_id,
            summary=[self.attributed(analysis, k) for k in summary],
            takeaways=[self.attributed(analysis, k) for k in takeaways],
            unique={outlet: [self.attributed(analysis, k) for k in ks] for outlet, ks in unique.items()},
            first_published=min((a.published for a in articles if a.published), default=None),
            last_updated=last_updated(articles),
            timeline=events,
            independent=independent,
            reprints=reprints,
            differ=differences(articles),
        )


# The one module-level writer: set once, on first use, and never changed; it keeps no state of its own (the
# vectors it reuses are the shared embedder's), so every caller gets the same pages from it.
_default: Writer | None = None


def default_writer() -> Writer:
    """The process-wide extractive writer."""
    global _default
    if _default is None:
        _default = Writer()
    return _default


def write_story(articles: Sequence[StoryArticle], writer: Writer | None = None) -> StoryPage:
    """The page of one story, by the given writer or the process-wide default one."""
    return (writer or default_writer())(articles)
