"""newsdesk's domain records: what every stage reads and writes, and the statuses they carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class SourceStatus(StrEnum):
    """How a source's last poll went."""
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ERROR = "error"


class FetchKind(StrEnum):
    FEED = "feed"
    PAGE = "page"
    FILE = "file"


class FetchOutcome(StrEnum):
    """What one fetch-log entry records."""
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    COPY = "copy"
    NOT_MODIFIED = "not_modified"
    OK = "ok"
    ERROR = "error"


class DocumentStatus(StrEnum):
    """What happened to one document on its way into storage (the pipeline's Outcome.status)."""
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    COPY = "copy"
    ERROR = "error"


class PollStatus(StrEnum):
    """How polling one source went (the pipeline's SourceReport.status)."""
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ERROR = "error"
    DISABLED = "disabled"


@dataclass
class Source:
    id: int
    feed_url: str
    title: str | None
    site_url: str | None
    folder: str | None
    format: str | None
    language: str | None
    added_at: datetime
    enabled: bool
    disabled_reason: str | None
    etag: str | None
    last_modified: str | None
    last_fetch_at: datetime | None
    last_status: SourceStatus | None
    last_error: str | None
    last_error_at: datetime | None
    error_count: int
    next_fetch_at: datetime | None
    article_count: int = 0
    labels: dict[str, str] = field(default_factory=dict)    # label group → the label it carries ("lean": "left")

    @property
    def name(self) -> str:
        return self.title or self.feed_url


@dataclass
class NewArticle:
    """What the pipeline hands to storage for one document."""
    url: str
    text: str
    text_hash: str
    source_id: int | None = None
    outlet: str | None = None
    entry_id: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    language: str | None = None
    image_url: str | None = None
    summary: str | None = None
    shingle_count: int = 0
    minhash: bytes | None = None
    band_keys: list[int] = field(default_factory=list)
    full_text: bool = True
    extraction_error: str | None = None
    html: bytes | None = None           # the fetched page, kept (packed) for re-extraction
    first_seen_at: datetime | None = None   # when the desk first saw it: now, unless a generated desk dates it


@dataclass
class Article:
    id: int
    url: str
    source_id: int | None
    outlet: str | None
    entry_id: str | None
    title: str | None
    author: str | None
    published_at: datetime | None
    updated_at: datetime | None
    first_seen_at: datetime
    language: str | None
    image_url: str | None
    summary: str | None
    text: str
    text_hash: str
    shingle_count: int
    minhash: bytes | None
    full_text: bool
    extraction_error: str | None
    revision_count: int
    original_id: int | None = None       # set when this article is a copy
    copy_method: str | None = None
    copy_similarity: float | None = None

    @property
    def time(self) -> datetime:
        return self.published_at or self.first_seen_at


@dataclass
class Revision:
    id: int
    article_id: int
    fetched_at: datetime
    title: str | None
    text: str
    text_hash: str
    html: bytes | None


@dataclass
class FetchLogEntry:
    id: int
    source_id: int | None
    url: str
    kind: FetchKind
    at: datetime
    outcome: FetchOutcome
    http_status: int | None
    error: str | None
    article_id: int | None
    duration_ms: float | None


@dataclass
class Story:
    id: int
    slug: str
    headline: str | None
    created_at: datetime
    updated_at: datetime
    first_published: datetime | None
    last_updated: datetime | None
    article_count: int
    independent_count: int
    reprint_count: int
    merged_into: int | None
    page_json: str | None
    page_written_at: datetime | None
    centroid: bytes | None = None       # mean title+lead vector of its articles, for related stories


@dataclass
class Storyline:
    """The events (stories) of one developing matter, linked over weeks; `merged_into` when it joined another
    (its id and slug then lead there)."""
    id: int
    slug: str
    title: str | None
    created_at: datetime
    updated_at: datetime
    first_activity: datetime | None
    last_activity: datetime | None
    event_count: int
    merged_into: int | None = None


@dataclass
class JoinReason:
    """Why the grouper put an article where it did, recorded when it did: the join model's probability and the
    facts it weighed (`facts`, cluster.join_facts; empty when the article started its story), the best-scored
    story it did not join, or for a reprint the article it copies."""
    article_id: int
    probability: float | None
    facts: dict
    runner_up_story: int | None = None
    runner_up_probability: float | None = None
    copy_of: int | None = None


class StoryCentroid(NamedTuple):
    """A live story's place in time and meaning: what finding related stories reads."""
    story_id: int
    last_updated: datetime | None
    centroid: bytes


@dataclass(frozen=True)
class CopyLink:
    """A copy and the article it reprints."""
    copy_id: int
    original_id: int
    similarity: float
    method: str


@dataclass
class Candidate:
    """An article that shares an LSH band or a text hash with a new text."""
    id: int
    time: datetime
    shingle_count: int
    minhash: bytes | None
    original_id: int | None
    original_time: datetime | None = None


@dataclass
class CopySignature:
    """An article as a backfill's copy finder reads it: its fingerprint, time and copy link (if any)."""
    id: int
    time: datetime
    text_hash: str
    shingle_count: int
    minhash: bytes | None
    band_keys: list[int]
    original_id: int | None = None
    similarity: float | None = None
    method: str | None = None
    original_time: datetime | None = None


class Span(NamedTuple):
    """Where a match is in a search snippet: text[start:end]."""
    start: int
    end: int


@dataclass
class SearchHit:
    """One matching article."""
    article_id: int
    story_id: int | None
    title: str
    outlet: str | None
    published_at: datetime | None
    snippet: str        # plain text, never HTML
    rank: float         # higher is better
    highlights: list[Span] = field(default_factory=list)    # the matches in `snippet`, in order


@dataclass
class SearchGroup:
    """The hits of one story, or one article that is in no story yet (story_id None)."""
    story_id: int | None
    headline: str | None
    hits: list[SearchHit]
    snippet: str = ""   # of the story's summary when the story itself matched
    rank: float = 0.0   # the best of its hits and of the story's own match
    hit_count: int = 0  # matching articles in the group (`hits` holds the best few); empty when only the story matched
    highlights: list[Span] = field(default_factory=list)    # the matches in `snippet`, in order


@dataclass
class SearchResults:
    query: str
    total: int          # groups matching
    groups: list[SearchGroup]
    capped: bool = False  # more articles matched than one query ranks: only the most recent were grouped


# --- story pages: what the writer produces and the page JSON holds ----------------------------------------

ArticleId = int | str


@dataclass
class StoryArticle:
    """One article as the story writer reads it."""
    id: ArticleId
    outlet: str
    title: str
    text: str
    published: datetime | None = None
    url: str | None = None
    is_reprint: bool = False
    original_id: ArticleId | None = None
    updated: datetime | None = None      # when the outlet last changed it, where known
    first_title: str | None = None       # the article as the desk first saw it, where it holds a later one
    first_text: str | None = None
    language: str | None = None          # its language code ("en"), where known


@dataclass
class Attributed:
    """A sentence shown on a story page, with the article it comes from."""
    text: str
    article_id: ArticleId
    outlet: str
    also: list[tuple[ArticleId, str]] = field(default_factory=list)  # other outlets that report the same
    source_text: str = ""     # the report's own words, when the page shows them otherwise (days as dates)


class TimelineKind(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"


class TimelineEntry(NamedTuple):
    """One line of a story's timeline; stored in the page JSON as the list of its fields, in this order."""
    when: datetime
    article_id: ArticleId
    outlet: str
    title: str                           # the report's title then
    kind: TimelineKind


@dataclass
class Statement:
    """One outlet stating one version of a figure, in one version of its report."""
    article_id: ArticleId
    outlet: str
    at: datetime | None                  # when the report said it (its update time for an updated report)
    superseded_by: str | None = None     # the value the same outlet stated later, when it changed its figure


@dataclass
class FigureVersion:
    value: str                           # normalised: "3", "$12m"
    statements: list[Statement]          # latest first


@dataclass
class Difference:
    """Independent outlets stating different values of one figure (what it counts: the dead, a fine ...)."""
    what: str                            # the figure's kind: "deaths", "injured", "fine" ...
    label: str                           # in words: "the dead", "the fine"
    latest: str                          # the value the latest statement gives
    versions: list[FigureVersion]        # the latest value first


@dataclass
class StoryPage:
    headline: str
    headline_article_id: ArticleId | None
    summary: list[Attributed]
    takeaways: list[Attributed]
    unique: dict[str, list[Attributed]]       # outlet -> what only that outlet reports
    first_published: datetime | None
    last_updated: datetime | None
    timeline: list[TimelineEntry]             # by time: each report as published, then its notable updates
    independent: list[str]                    # outlets with an independent report, earliest first
    reprints: list[tuple[str, str | None]]    # (outlet, outlet of the original when it is in the story)
    differ: list[Difference] = field(default_factory=list)   # where independent sources state other figures


class Role(StrEnum):
    ADMIN = "admin"      # sources, users, settings, and reading
    READER = "reader"    # reading, with their own reading state


class TokenKind(StrEnum):
    API = "api"          # the JSON API and Atom feeds: `Authorization: Bearer …`
    READER = "reader"    # the Google Reader API's `GoogleLogin auth=…`, made by ClientLogin
    CHANGES_FEED = "changes_feed"   # the secret in the URL of the user's private Atom feed of what changed


@dataclass
class User:
    id: int
    name: str
    role: Role
    disabled: bool
    created_at: datetime
    session_generation: str          # signed into the user's session cookies; a new one logs every browser out
    read_before: datetime            # articles first seen before this are read, unless marked unread

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


@dataclass
class StoryRead:
    """What a user last read of a story: when, and which of its articles the page was written from then."""
    story_id: int
    read_at: datetime | None
    seen_articles: list[int]
    starred: bool


@dataclass
class UnreadCounts:
    total: int
    by_source: dict[int, int]        # source id -> unread articles


# --- what changed in a story since a reader last read it ---------------------------------------------------

@dataclass
class NewReport:
    """A report of a story that the reader has not seen."""
    article_id: ArticleId
    outlet: str
    title: str
    published: datetime | None
    url: str | None = None
    new_outlet: bool = True              # the reader saw no independent report of this outlet in the story
    reprint_of: ArticleId | None = None  # for a reprint: the article it copies


@dataclass
class FigureChange:
    """A figure of the story (the dead, the injured...) whose current values differ from those the reader saw."""
    kind: str                            # a kind of `figure_claims`: "deaths", "injured", "missing"...
    before: list[str]                    # the values the reports seen then stated; empty when none stated the kind
    now: list[str]
    article_id: ArticleId | None = None  # the report stating the current values
    outlet: str | None = None


@dataclass
class StoryChanges:
    """What changed in a story since a moment (the reader's last read, or a time asked for)."""
    since: datetime | None
    seen: list[ArticleId]                # the articles the page was written from then
    new_reports: list[NewReport]         # independent reports added since, earliest first
    new_reprints: list[NewReport]        # reprints added since, counted apart
    new_facts: list[Attributed]          # sentences whose content no report seen then had
    figures: list[FigureChange]
    updates: list[TimelineEntry]         # notable updates of reports seen then, made since, under their new titles
    nothing_new: bool                    # no new independent report, fact, figure or notable update

    @property
    def new_sources(self) -> list[str]:
        """Outlets with a new independent report that had none the reader saw."""
        return list(dict.fromkeys(r.outlet for r in self.new_reports if r.new_outlet))


class ArticleOutline(NamedTuple):
    """One article of a story as the home page's change marks count it, without its text."""
    id: int
    outlet: str | None
    original_id: int | None              # set when it is a reprint
    first_seen: datetime
    revised_at: datetime | None          # when the desk last fetched a changed text of it; None when it never changed


@dataclass
class ChangeMark:
    """A story's changes since the reader's last read, counted without reading its texts (the home page's mark)."""
    story_id: int
    read_at: datetime | None
    new_sources: int                     # outlets with a new independent report that had none seen
    new_reports: int                     # independent reports added since (new outlets or not)
    new_reprints: int
    updated_reports: int                 # reports seen then that their outlet changed since

    @property
    def changed(self) -> bool:
        return bool(self.new_reports or self.updated_reports)
# --- entities: the people, organisations and places stories name ------------------------------------------

class EntityType(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"
    PRODUCT = "product"
    EVENT = "event"


class Mention(NamedTuple):
    """A name as the NER model found it in one article: its words as written, its type, how often."""
    name: str
    type: EntityType
    count: int


@dataclass
class EntityGroup:
    """The names of one real-world thing in one story, resolved: what the story's page links to."""
    name: str                            # the name shown: the fullest form the story uses
    type: EntityType
    key: str                             # the name's match key (names.match_key)
    aliases: dict[str, str]              # match key -> a form as written, for every form the story uses
    mentions: dict[int, int]             # article id -> mentions in it
    part_of: str | None = None           # the key of the group this one is a longer form of ("Hikvision Canada
                                         # Inc." of "Hikvision"): shown together, kept apart


@dataclass
class Entity:
    id: int
    slug: str
    name: str
    type: EntityType
    match_key: str
    parent_id: int | None                # the entity this one is a longer form of, shown with it
    first_seen: datetime | None          # the earliest and latest article naming it
    last_seen: datetime | None
    story_count: int = 0                 # live stories naming it (where the query counted them)


@dataclass
class NamedEntity:
    """An entity as one story names it."""
    entity: Entity
    sources: int                         # independent outlets whose reports name it
    mentions: int


@dataclass
class EntityStory:
    """A story that names an entity, as the entity's page lists it."""
    story_id: int
    slug: str
    headline: str | None
    last_updated: datetime | None
    first_published: datetime | None
    independent_count: int               # the story's independent outlets
    sources: int                         # of them, those that name the entity


@dataclass
class CoEntity:
    """An entity named in the same stories as another."""
    entity: Entity
    stories: int                         # stories naming both
# --- following and alerts (issue 25) ---------------------------------------------------------------------------

class WatchKind(StrEnum):
    """What a watchlist follows."""
    ENTITY = "entity"    # a person, organisation or place (an entity id)
    QUERY = "query"      # a search query (the search's syntax: words, "phrases", prefix*)
    SOURCE = "source"    # one source (a source id)
    FOLDER = "folder"    # the sources of one folder
    STORY = "story"      # one story
    STORYLINE = "storyline"  # one storyline: a new event in it


class AlertEvent(StrEnum):
    """What counts as news for a watchlist."""
    NEW = "new"          # a story the watchlist had not matched before
    GROWS = "grows"      # a story it knows gains an independent source
    UPDATE = "update"    # a report in a story it knows changed notably (new title or figures)


class Channel(StrEnum):
    """Where an alert is pushed (in the app and in the watchlist's Atom feed it always is)."""
    WEBHOOK = "webhook"
    EMAIL = "email"


class DeliveryState(StrEnum):
    PENDING = "pending"    # waiting for its time (quiet hours, backoff)
    SENDING = "sending"    # claimed by a worker; a worker killed meanwhile leaves it to be sent again
    SENT = "sent"
    FAILED = "failed"      # given up after its attempts, or its hook was disabled


class RuleAction(StrEnum):
    BLOCK = "block"        # hide what matches
    KEEP = "keep"          # show what matches, whatever a block rule or a hidden source or folder says


class RuleKind(StrEnum):
    QUERY = "query"
    ENTITY = "entity"
    SOURCE = "source"


@dataclass
class Watchlist:
    id: int
    user_id: int
    kind: WatchKind
    value: str                   # as the user gave it: the query, the folder, the id
    label: str                   # what pages show: the entity's or source's name, the story's headline
    events: frozenset[AlertEvent]
    created_at: datetime
    quiet_start: int | None = None       # minutes after midnight (the desk's zone) when quiet hours begin
    quiet_end: int | None = None
    min_gap_hours: float | None = None   # at most one alert per story per this many hours
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_failures: int = 0            # failed attempts in a row
    webhook_disabled: str | None = None  # why the hook was disabled (None: enabled)
    email: str | None = None
    has_feed: bool = False               # a private Atom feed token is set

    @property
    def entity_id(self) -> int | None:
        return int(self.value) if self.kind == WatchKind.ENTITY else None

    @property
    def story_id(self) -> int | None:
        return int(self.value) if self.kind == WatchKind.STORY else None

    @property
    def source_id(self) -> int | None:
        return int(self.value) if self.kind == WatchKind.SOURCE else None


@dataclass
class Alert:
    """One decided alert: a notification in the app, an entry of its watchlist's feed, and what is pushed."""
    id: int
    user_id: int
    watchlist_id: int
    story_id: int
    event: AlertEvent
    version: str                 # with user, watchlist, story and event: the idempotency key
    created_at: datetime
    due_at: datetime             # pushed from then on (after quiet hours)
    headline: str
    detail: str                  # what happened, in a line
    sources: int                 # independent sources of the story then
    article_id: int | None
    suppressed: bool = False     # decided but not shown nor pushed (at most one alert per story per N hours)
    read_at: datetime | None = None
    slug: str | None = None
    watchlist_label: str = ""

    @property
    def key(self) -> str:
        return f"{self.user_id}:{self.watchlist_id}:{self.story_id}:{self.event}:{self.version}"


@dataclass
class Delivery:
    id: int
    channel: Channel
    target: str                  # the hook URL or the e-mail address
    state: DeliveryState
    attempts: int
    next_at: datetime
    user_id: int
    watchlist_id: int | None
    alert_id: int | None         # an alert's push, or
    issue_id: int | None         # a digest's e-mail
    last_error: str | None = None
    sent_at: datetime | None = None


@dataclass
class DeliveryAttempt:
    """One line of the delivery log a user sees."""
    id: int
    delivery_id: int
    user_id: int
    watchlist_id: int | None
    channel: Channel
    target: str
    at: datetime
    ok: bool
    status: int | None
    error: str | None
    duration_ms: float | None


@dataclass
class Rule:
    id: int
    user_id: int
    action: RuleAction
    kind: RuleKind
    value: str
    label: str


@dataclass(frozen=True)
class OwnView:
    """What one user leaves out of their own view: the sources they hide (one by one, by folder, or by a block
    rule) and the entities and queries they block, less what their keep rules keep. Storage turns it into SQL
    (storage/own_view.py), so every list reads it the same way."""
    user_id: int
    hidden_sources: frozenset[int] = frozenset()
    block_entities: frozenset[int] = frozenset()
    block_queries: tuple[str, ...] = ()
    keep_sources: frozenset[int] = frozenset()
    keep_entities: frozenset[int] = frozenset()
    keep_queries: tuple[str, ...] = ()

    @property
    def hides_anything(self) -> bool:
        return bool(self.hidden_sources or self.block_entities or self.block_queries)

    @property
    def keeps_anything(self) -> bool:
        return bool(self.keep_sources or self.keep_entities or self.keep_queries)


@dataclass
class DigestSettings:
    user_id: int
    period: str                  # "daily" or "weekly"
    email: str | None
    hour: int                    # made at this hour, the desk's zone
    next_at: datetime
    last_at: datetime | None
    has_feed: bool = False


@dataclass
class DigestIssue:
    id: int
    user_id: int
    key: str                     # "daily:2026-12-07": one issue per user and period
    made_at: datetime
    title: str
    text: str
    html: str
    stories: dict[int, int]      # story id -> independent sources then (what the next issue compares with)


class CorrectionKind(StrEnum):
    """What a person corrected in the grouping or presentation of stories."""
    MOVE = "move"                # an article to another story (or a new one)
    MERGE = "merge"              # two stories into one
    SPLIT = "split"              # chosen articles out of a story into a new one
    RENAME = "rename"            # the headline, pinned until unpinned (headline None: unpinned)
    HIDE = "hide"                # out of every listing (or back: detail["hidden"] False)
    PIN = "pin"                  # to the top of the listing (or not: detail["pinned"] False)
    STORYLINE_MOVE = "storyline-move"    # an event (story) to another storyline, a new one, or out of any
    STORYLINE_MERGE = "storyline-merge"  # two storylines into one
    STORYLINE_SPLIT = "storyline-split"  # chosen events out of a storyline into a new one


class LinkKind(StrEnum):
    """A person's word on two articles: they report the same event, or different ones."""
    MUST = "must"
    CANNOT = "cannot"


@dataclass
class Correction:
    id: int
    kind: CorrectionKind
    story_id: int | None         # the story corrected (merge: the one kept; move: where the article was)
    target_id: int | None        # merge: the story merged away; move/split: the story the articles went to
    detail: dict                 # what was done and what undoing it needs
    actor: str
    created_at: datetime
    undone_at: datetime | None = None
    undone_by: str | None = None


@dataclass
class StoryOverride:
    story_id: int
    headline: str | None = None  # pinned headline: the page keeps it whatever the writer picks
    hidden: bool = False
    pinned: bool = False
@dataclass
class Coverage:
    """Who covers a story, by the labels its independent sources carry: per label group, the number of
    sources with each label the desk uses, and the labels with none (its blindspots)."""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    blindspots: dict[str, list[str]] = field(default_factory=dict)
    unlabelled: int = 0          # independent sources that carry no label at all


@dataclass
class AnswerSentence:
    """One sentence of an answer to a question about a story, with the articles that say it."""
    text: str
    article_id: ArticleId
    outlet: str
    also: list[tuple[ArticleId, str]] = field(default_factory=list)   # other outlets that report the same
    score: float = 0.0


@dataclass
class StoryAnswer:
    """An answer from a story's own articles: its sentences, or none when the sources don't say."""
    question: str
    sentences: list[AnswerSentence] = field(default_factory=list)
    method: str = "extractive"        # extractive | llm
    generated: int = 0                # sentences the LLM wrote
    dropped: int = 0                  # of those, unsupported by the articles and left out
    dropped_reasons: dict[str, int] = field(default_factory=dict)
    error: str = ""                   # why the LLM was not used, when it was configured and failed

    @property
    def answered(self) -> bool:
        return bool(self.sentences)
