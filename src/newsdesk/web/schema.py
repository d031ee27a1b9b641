"""The shapes of the JSON API's answers, as the OpenAPI schema documents them. The routes build their JSON
themselves (web.data, web.api); these models describe it and the tests hold the two together."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ArticleId = int
StoryId = int


class Answer(BaseModel):
    """A documented answer: a field the model does not declare makes it invalid."""
    model_config = ConfigDict(extra="forbid")


class Error(Answer):
    error: str = Field(description="what went wrong, for a person to read")


class Paged(Answer):
    page: int = Field(description="the page asked for, from 1")
    per_page: int


class StoryCard(Answer):
    """One story in a list."""
    id: StoryId
    slug: str
    headline: str
    summary: str = Field(description="the summary's sentences as one text")
    independent_count: int = Field(description="articles that are not reprints")
    reprint_count: int
    article_count: int
    outlets: list[str] = Field(description="outlets with an independent report, earliest first")
    first_published: datetime | None
    last_updated: datetime | None
    image: str | None = Field(description="path of the lead article's image, through the desk's image proxy")
    url: str = Field(description="path of the story page")
    api_url: str = Field(description="path of the story in this API")


class StoryList(Paged):
    stories: list[StoryCard]
    total: int = Field(description="stories matching, over all pages")


class Attributed(Answer):
    """A sentence quoted from one article."""
    text: str
    article_id: ArticleId = Field(description="the article it is quoted from")
    outlet: str
    also: list[tuple[ArticleId, str]] = Field(description="[article id, outlet] of other reports saying the same")
    source_text: str = Field("", description="the report's own words, when `text` shows them otherwise (relative "
                                             "days such as \"yesterday\" as the dates they were); empty when the same")


TimelineEntry = Annotated[
    tuple[datetime, ArticleId, str, str, Literal["published", "updated"]] | tuple[datetime, ArticleId, str, str],
    Field(description="[when, article id, outlet, the article's title then, what happened]; pages written before "
                      "updates were shown hold the first four, every report as published")]
Reprint = Annotated[tuple[str, str | None],
                    Field(description="[outlet, outlet of the original when the original is in the story]")]


class StorySource(Answer):
    """One article of a story."""
    article_id: ArticleId
    outlet: str
    title: str | None
    url: str = Field(description="the article at its outlet")
    author: str | None
    published: datetime = Field(description="when published; when first seen where the outlet gives no date")
    reprint_of: ArticleId | None = Field(description="the article this one copies, when it is a reprint")
    also_published_by: list[str] = Field(description="outlets that published copies of it")
    lang: str | None = Field(None, description="its language (ISO 639-1), detected from its title and text")


class RelatedStory(Answer):
    id: StoryId
    slug: str
    headline: str | None
    outlet: str | None = Field(description="its first independent outlet")
    last_updated: datetime | None
    similarity: float = Field(description="cosine of the two stories' centroids")


class LLMCheck(Answer):
    """The verdict on one sentence the language model wrote."""
    part: Literal["headline", "summary", "takeaways"]
    text: str
    kept: bool
    reason: str = Field(description="why it was dropped, empty when kept")
    similarity: float = Field(description="cosine of the closest source sentence")
    detail: str = Field(description="what the reason points at: the number or name not found in the sources, "
                                    "the share of its words found, its length")


class LLMReport(Answer):
    """How a language model's draft of the page was checked against the sources."""
    model: str
    generated: int = Field(description="sentences the model wrote")
    kept: int
    dropped: int
    reasons: dict[str, int] = Field(description="dropped sentences by reason")
    fallback: list[str] = Field(description="parts written wholly by the extractive writer")
    padded: int = Field(description="extractive sentences added to reach the minimum summary and takeaways")
    error: str
    seconds: float
    checks: list[LLMCheck]


class NewReport(Answer):
    """A report of the story that the reader has not seen."""
    article_id: ArticleId
    outlet: str
    title: str
    published: datetime | None
    url: str | None
    new_outlet: bool = Field(description="no independent report of this outlet was seen")
    reprint_of: ArticleId | None = Field(description="for a reprint: the article it copies")


class FigureChange(Answer):
    """A figure whose current values differ from those the reports seen stated."""
    kind: str = Field(description="deaths, injured, missing, arrested, evacuated, displaced, rescued, affected or "
                                  "without_power")
    before: list[str] = Field(description="the values stated then; empty when no report seen stated the kind")
    now: list[str]
    article_id: ArticleId | None = Field(description="the report stating the current values")
    outlet: str | None


class Changes(Answer):
    """What changed in the story since the reader last read it (or since the time asked for)."""
    since: datetime | None = Field(description="when the reader read it, or the time asked for")
    seen_articles: list[ArticleId] = Field(description="the articles the page was written from then")
    nothing_new: bool = Field(description="no new independent report, fact, figure or notable update")
    line: str = Field(description='the changes in one line: "2 new sources (+1 reprint), 3 new facts, deaths 2 → 3"')
    new_sources: list[str] = Field(description="outlets with a new independent report that had none seen")
    new_reports: list[NewReport] = Field(description="independent reports added since, earliest first")
    new_reprints: list[NewReport] = Field(description="reprints added since, counted apart")
    new_facts: list[Attributed] = Field(description="sentences of the new and updated reports whose content no "
                                                    "report seen had, attributed as the page's")
    figures: list[FigureChange]
    updates: list[TimelineEntry] = Field(description="notable updates of the reports seen, made since, under their "
                                                     "new titles")
EntityKind = Literal["person", "organisation", "place", "product", "event"]


class EntityBrief(Answer):
    """An entity, named."""
    id: int
    slug: str
    name: str = Field(description="the fullest form stories use, accents kept")
    type: EntityKind
    url: str = Field(description="path of the entity's page")
    api_url: str = Field(description="path of the entity in this API")


class StoryEntity(EntityBrief):
    """A person, organisation or place a story names."""
    sources: int = Field(description="independent sources (outlets) whose reports name it")
    mentions: int = Field(description="times the story's independent reports name it")
    part_of: int | None = Field(description="the entity it is a longer form of, when the story names that one too "
                                            "(\"Hikvision Canada Inc.\" of \"Hikvision\"): shown together")


class EntitySummary(EntityBrief):
    """An entity with when stories first and last named it."""
    first_seen: datetime | None = Field(description="the earliest report naming it")
    last_seen: datetime | None = Field(description="the latest report naming it")
    story_count: int = Field(description="stories naming it")


class EntityList(Answer):
    query: str
    entities: list[EntitySummary] = Field(description="exact names first, then by the stories naming them")


class EntityForm(EntityBrief):
    relation: Literal["longer form", "shorter form"]


class EntityStoryItem(Answer):
    """A story that names the entity."""
    id: StoryId
    slug: str
    headline: str
    url: str
    first_published: datetime | None
    last_updated: datetime | None
    outlets: int = Field(description="the story's independent outlets")
    sources: int = Field(description="of them, those naming the entity")


class CoEntity(EntityBrief):
    stories: int = Field(description="stories naming both")


class EntityDocument(EntitySummary):
    """One entity: the stories naming it, newest first, and the entities named with it most often."""
    aliases: list[str] = Field(description="the names stories gave it, as written")
    forms: list[EntityForm] = Field(description="linked entities: its longer forms (a subsidiary) or the shorter "
                                                "one it is a form of")
    stories: list[EntityStoryItem]
    related: list[CoEntity] = Field(description="the entities most often named in the same stories")


class DifferStatement(Answer):
    """One outlet stating one version of a figure."""
    article_id: ArticleId
    outlet: str
    at: datetime | None = Field(description="when the report said it (its update time for an updated report)")
    superseded_by: str | None = Field(description="the value the same outlet stated later, when it changed its "
                                                  "figure; null when this is the outlet's latest")


class DifferVersion(Answer):
    value: str = Field(description="the figure as stated, normalised (\"3\", \"$12m\")")
    statements: list[DifferStatement] = Field(description="who stated it and when, latest first")


class Difference(Answer):
    """Independent sources stating different values of one figure, compared by what it counts."""
    what: str = Field(description="the figure's kind: deaths, injured, missing, arrested, evacuated, displaced, "
                                  "rescued, affected, without_power, fine, settlement, damages, bail, ransom, "
                                  "compensation, bailout; or claim:NAME where one outlet says NAME confirmed "
                                  "something another says NAME denied")
    label: str = Field(description="the kind in words (\"the dead\")")
    latest: str = Field(description="the value of the latest statement: the one the summary gives")
    versions: list[DifferVersion] = Field(description="each value stated, the latest first")


class RunnerUp(Answer):
    """The best-scored other story an article did not join."""
    id: StoryId
    slug: str
    headline: str
    probability: float | None = Field(description="the join model's probability for that story")


class JoinWhy(Answer):
    """Why one article is in the story, as the grouper recorded it when it placed the article."""
    article: ArticleId
    reasons: list[str] = Field(description="the facts the join model weighed, in words (\"same names: Joly, "
                                           "Hikvision\", \"title 0.82 similar\", \"published 40 min after the "
                                           "story's latest report\", \"3 numbers shared\"); for a report that "
                                           "started the story, a reprint or an article grouped before reasons were "
                                           "kept, that")
    probability: float | None = Field(description="the join probability; null for the report that started the "
                                                  "story and for articles grouped before reasons were kept")
    runner_up: RunnerUp | None = Field(description="the best-scored story it did not join; null when none was "
                                                   "near or when that story has since merged into this one")


class ListPage(Answer):
    """Which page of a story's list this is."""
    page: int = Field(description="1-based")
    per_page: int
    total: int = Field(description="items in the whole list")
    pages: int


class Edition(Answer):
    """The headline and summary written from a story's reports in one language."""
    headline: str
    headline_article_id: ArticleId | None
    summary: list[Attributed]


class StorylineEvent(Answer):
    """One event (story) of a storyline, with its coverage."""
    id: StoryId
    slug: str
    headline: str | None
    first_published: datetime | None
    last_updated: datetime | None
    independent_count: int
    article_count: int
    sources: list[str] = Field(description="outlets with an independent report, earliest first")


class StorylineSummary(Answer):
    """A storyline: the events (stories) of one developing matter, linked over weeks."""
    id: int
    slug: str
    title: str | None = Field(description="the headline of its most representative event")
    url: str
    event_count: int
    first_activity: datetime | None
    last_activity: datetime | None


class StorylineBrief(StorylineSummary):
    events: list[StorylineEvent] = Field(description="its events, oldest first")


class StorylineSentence(Answer):
    """A sentence of the story so far (an event's opening summary sentence, or the LLM writer's sentence that its
    events' sentences support), attributed as on story pages: `story_id` is the event it tells."""
    text: str
    article_id: ArticleId | None
    outlet: str | None
    also: list[tuple[ArticleId, str]] = Field(description="other outlets that report the same")
    story_id: StoryId
    story_slug: str
    when: datetime | None


class StorylineEntity(EntityBrief):
    events: int = Field(description="how many of its events name it")


class StorylineDocument(StorylineBrief):
    """Everything on a storyline page."""
    so_far: list[StorylineSentence] = Field(description="the story so far, from its latest events' summaries")
    so_far_by: Literal["extractive", "llm"] = Field(
        description="who told it: the events' own opening sentences (extractive) or the LLM writer, every sentence "
                    "checked")
    so_far_note: str | None = Field(description="why the LLM writer's story so far is not shown, when it failed")
    entities: list[StorylineEntity] = Field(description="the entities most of its events name")
    merged: list[int] = Field(description="storylines merged into this one (their ids lead here)")


class StorylineList(Answer):
    total: int
    storylines: list[StorylineSummary]


class StoryDocument(Answer):
    """Everything on a story page."""
    id: StoryId
    slug: str
    headline: str
    headline_article_id: ArticleId | None = Field(description="the article whose title is the headline")
    summary: list[Attributed]
    takeaways: list[Attributed]
    unique: dict[str, list[Attributed]] = Field(description="per outlet, what only that outlet reports")
    first_published: datetime | None
    last_updated: datetime | None
    timeline: list[TimelineEntry] = Field(description="by time: each report as published, then its notable "
                                                      "updates; the `page` asked for (see `timeline_page`)")
    timeline_page: ListPage = Field(description="the timeline's page shown and how many there are")
    independent: list[str] = Field(description="outlets with an independent report, earliest first")
    reprints: list[Reprint]
    llm: LLMReport | None = Field(None, description="present when a language model wrote the page")
    sources: list[StorySource] = Field(description="the story's articles, oldest first (then by id); the `page` "
                                                   "asked for (see `sources_page`)")
    sources_page: ListPage = Field(description="the sources' page shown and how many there are")
    editions: dict[str, Edition] | None = Field(None, description="per language of its reports, when it has reports "
                                                "in more than one: the headline and summary from those alone")
    headline_pinned: bool | None = Field(None, description="true when a person pinned the headline")
    languages: dict[str, int] = Field(default_factory=dict, description="independent reports per language (ISO "
                                      "639-1; 'und' where unknown), most first")
    languages_apart: list[str] = Field(default_factory=list, description="languages of its reports that group only "
                                       "with reports in the same language (the grouping does not compare them "
                                       "across languages)")
    article_count: int
    independent_count: int
    reprint_count: int
    page_written_at: datetime | None
    related: list[RelatedStory] = Field(description="the nearest other stories in time and meaning")
    changes: Changes | None = Field(None, description="with `since`: what changed since then; null when it cannot "
                                                      "be told (`changes_reason` says why)")
    changes_reason: str | None = Field(None, description="with `since`: why `changes` is null; null otherwise")
    entities: list[StoryEntity] = Field(description="the people, organisations and places the story names, by "
                                                    "the independent sources naming each (empty for a page "
                                                    "written before entities, or in another language)")
    why: list[JoinWhy] = Field(description="per article in `sources` (this page), why it joined")
    differ: list[Difference] = Field(default_factory=list, description="where independent sources state "
                                     "different figures (\"Sources differ\"); empty when they agree, and for "
                                     "pages written before it was checked")
    coverage: dict[str, dict[str, int]] = Field(description="per label group (lean, country…), the independent "
                                                            "sources carrying each label the desk's sources use")
    blindspots: dict[str, list[str]] = Field(description="per label group, the labels no independent source of "
                                                         "the story carries (from two labelled sources up)")
    storyline: StorylineBrief | None = Field(None, description="the storyline the story is an event of; null when "
                                                               "it is in none")


class Article(Answer):
    """One article, without its text."""
    id: ArticleId
    url: str
    title: str | None
    outlet: str | None
    source_id: int | None = Field(description="the subscription it came from; none for a local file")
    author: str | None
    published: datetime | None
    updated: datetime | None = Field(description="when the outlet last changed it, where known")
    first_seen: datetime = Field(description="when the desk first fetched it")
    language: str | None
    lang: str | None = Field(None, description="its language as ISO 639-1")
    image: str | None = Field(description="path of its image, through the desk's image proxy")
    reprint_of: ArticleId | None = Field(description="the article this one copies, when it is a reprint")
    story_id: StoryId | None
    revision_count: int = Field(description="versions of the text the desk has seen")
    full_text: bool = Field(description="false when only the feed's excerpt could be read")


class ArticleList(Paged):
    articles: list[Article]


class ArticleCopy(Answer):
    """A reprint of the article."""
    id: ArticleId
    outlet: str | None
    url: str
    published: datetime


class ArticleDocument(Article):
    """One article with its text and the reprints of it."""
    text: str
    copies: list[ArticleCopy]


class Source(Answer):
    """One subscription and its health."""
    id: int
    title: str = Field(description="the feed's title, or its URL when it has none")
    feed_url: str
    site_url: str | None
    folder: str | None
    format: str | None = Field(description="the feed's format, once read")
    language: str | None
    enabled: bool
    disabled_reason: str | None
    last_fetch_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_error_at: datetime | None
    error_count: int = Field(description="failed fetches in a row")
    next_fetch_at: datetime | None
    article_count: int
    labels: dict[str, str] = Field(description="the source's label in each label group, e.g. {\"lean\": \"left\"}")


class SourceList(Answer):
    sources: list[Source]


class RemovedSource(Answer):
    removed: int = Field(description="the id of the source removed")
    articles_deleted: int = Field(description="its articles deleted with it (with purge)")


class Snippet(Answer):
    snippet: str = Field(description="the matching text, plain")
    snippet_html: str = Field(description="the same, escaped, with each match in <mark>")


class SearchHit(Snippet):
    article_id: ArticleId
    title: str
    outlet: str | None
    published: datetime | None
    rank: float = Field(description="higher is better")


class SearchGroup(Snippet):
    """The hits of one story, or one article in no story yet."""
    story_id: StoryId | None
    headline: str | None
    url: str = Field(description="path of the story page, or of the article when it is in no story")
    hits: list[SearchHit] = Field(description="the best few matching articles")
    hit_count: int = Field(description="matching articles in the group")


class SearchResults(Answer):
    query: str
    total: int = Field(description="groups matching")
    page: int
    groups: list[SearchGroup]


class CorrectionEntry(Answer):
    """One correction of the grouping or of how a story shows."""
    id: int
    kind: Literal["move", "merge", "split", "rename", "hide", "pin"]
    story: StoryId | None = Field(description="the story corrected (merge: the one kept; move: where the article was)")
    target: StoryId | None = Field(description="merge: the story merged away; move, split: where the articles went")
    what: str = Field(description="the correction in words")
    detail: dict = Field(description="what was done and what undoing it needs")
    by: str = Field(description="the user who made it")
    at: datetime
    undone_at: datetime | None
    undone_by: str | None


class CorrectionLog(Answer):
    corrections: list[CorrectionEntry] = Field(description="newest first")


class CorrectionDone(Answer):
    correction: CorrectionEntry
    stories: list[StoryId] = Field(description="the stories whose pages were written again")
