"""One user's desk as a Google Reader client sees it: the sources they do not hide or block (each a feed, in its
folder as a label), the virtual "Stories" feed and one "Stories: FOLDER" feed per folder (the stories with an
independent report from a source of that folder; the same items as in "Stories", so read in one is read in
both); which items a stream holds, in what order, read or not; and marking items read, unread, starred. Every
read and write is the user's own state, and nothing out of the user's own view (alerts.own_view) is an item."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from newsdesk.alerts import own_view
from newsdesk.model import ArticleOutline, Source, Story, StoryRead, User
from newsdesk.reading import change_mark
from newsdesk.storage import Storage
from newsdesk.sync.greader_ids import NotFound, Stream, StreamKind, Tag
from newsdesk.sync.items import is_story_item, story_item_id, story_of_item
from newsdesk.synthesize import is_update, page_version
from newsdesk.timeutil import utcnow

# The Stories feed holds the live stories most recently updated: reading an app's list of them must not read
# every story the desk ever grouped.
STORY_FEED_SIZE = 200
# Past this many items into a stream, a continuation reads nothing more.
MAX_OFFSET = 100_000


@lru_cache(maxsize=1024)
def parsed_page(page_json: str) -> dict:
    """A story page's document, parsed once per process for each text it has had (the Stories feed asks for the
    same few hundred pages again and again). Shared: read it, never change it."""
    return json.loads(page_json)


@dataclass
class StoryItem:
    story: Story
    members: list[ArticleOutline] | None     # None: not read from storage (a story the user never read)
    read: bool
    starred: bool
    folders: frozenset[str] = frozenset()      # the user's folders with a source that reported it independently

    @property
    def page(self) -> dict:
        return parsed_page(self.story.page_json)

    @property
    def item_id(self) -> int:
        return story_item_id(self.story.id)

    @property
    def time(self) -> datetime:
        return self.story.last_updated or self.story.updated_at


@dataclass(frozen=True)
class Ref:
    item_id: int
    time: datetime


def changed_notably(story_id: int, read: StoryRead | None, page: dict, members: list[ArticleOutline]) -> bool:
    """Whether the story reads as unread: never read; or since it was read an outlet brought an independent
    report when the reader had seen none of that outlet's (the desk's change marks, `reading.change_mark`), or
    the desk fetched a change of a report the reader had seen that the story's timeline shows as a notable
    update. A new report from an outlet already read, a reprint, or a small correction is not notable."""
    if read is None or read.read_at is None:
        return True
    if change_mark(story_id, members, read).new_sources:
        return True
    seen = set(read.seen_articles) or {a.id for a in members if a.first_seen <= read.read_at}
    version = page_version(page)
    notable = {entry[1] for entry in page.get("timeline", []) if is_update(entry, version)}
    return any(a.id in seen and a.id in notable and a.original_id is None and a.revised_at is not None
               and a.revised_at > read.read_at for a in members)


class ReaderView:
    def __init__(self, storage: Storage, user: User):
        self.storage = storage
        self.user = user
        self.own = own_view(storage, user)
        self.all_sources = {s.id: s for s in storage.list_sources(with_counts=False)}
        self.sources = [s for s in self.all_sources.values() if s.id not in self.own.hidden_sources]
        self.hides_any = len(self.sources) < len(self.all_sources)
        self._window: list[Ref] | None = None
        self._items: dict[int, StoryItem] = {}
        self._unread: list[Ref] | None = None
        self._folders: dict[int, frozenset[str]] = {}

    # -- what the user subscribes to ---------------------------------------------------------------------------

    def folders(self) -> list[str]:
        return sorted({s.folder for s in self.sources if s.folder})

    def source(self, value: str) -> Source:
        """The visible source a `feed/…` stream names, by feed URL or by id."""
        for s in self.sources:
            if s.feed_url == value or (value.isascii() and value.isdigit() and str(s.id) == value.lstrip("0")):
                return s
        raise NotFound(f"no feed {value[:200]!r} among this user's subscriptions")

    def _source_ids(self, stream: Stream) -> list[int] | None:
        """The sources whose articles the stream holds (None: no articles at all)."""
        if stream.kind == StreamKind.STORIES:
            return None
        if stream.kind == StreamKind.FOLDER_STORIES:
            if stream.value not in self.folders():
                raise NotFound(f"no folder {stream.value[:200]!r} among this user's subscriptions")
            return None
        if stream.kind == StreamKind.FEED:
            return [self.source(stream.value).id]
        if stream.kind == StreamKind.LABEL:
            ids = [s.id for s in self.sources if s.folder == stream.value]
            if not ids:
                raise NotFound(f"no folder {stream.value[:200]!r} among this user's subscriptions")
            return ids
        return [s.id for s in self.sources]

    @staticmethod
    def _with_stories(stream: Stream) -> bool:
        return stream.kind not in (StreamKind.FEED, StreamKind.LABEL)

    # -- stories -----------------------------------------------------------------------------------------------

    def story_items(self, story_ids: list[int], *, with_members: bool = False) -> list[StoryItem]:
        """The live ones of these stories in the user's view (merged and page-less ones left out), with the
        user's state. A story's articles are read only where its state needs them (the user read it) or
        `with_members` asks (marking it read records them)."""
        wanted = [i for i in dict.fromkeys(story_ids) if i not in self._items or
                  (with_members and self._items[i].members is None)]
        if wanted:
            hidden = self.storage.hidden_story_ids(self.own, wanted)
            stories = [s for s in self.storage.stories_by_ids(wanted)
                       if s.merged_into is None and s.page_json and s.id not in hidden]
            reads = self.storage.story_reads(self.user.id, [s.id for s in stories])
            outlined = [s.id for s in stories if with_members or (s.id in reads and reads[s.id].read_at is not None)]
            members = self.storage.story_article_outlines(outlined) if outlined else {}
            folders = self.story_folders([s.id for s in stories])
            for story in stories:
                read = reads.get(story.id)
                mine = members.get(story.id, []) if story.id in outlined else None
                unread = (read is None or read.read_at is None
                          or changed_notably(story.id, read, parsed_page(story.page_json), mine or []))
                self._items[story.id] = StoryItem(story, mine, read=not unread, starred=bool(read and read.starred),
                                                  folders=folders.get(story.id, frozenset()))
        return [self._items[i] for i in dict.fromkeys(story_ids) if i in self._items]

    def story_folders(self, story_ids: list[int]) -> dict[int, frozenset[str]]:
        """story id -> the user's visible folders with a source that reported it independently."""
        wanted = [i for i in story_ids if i not in self._folders]
        if wanted:
            visible = {s.id: s.folder for s in self.sources if s.folder}
            found = self.storage.story_independent_sources(wanted)
            for story_id in wanted:
                self._folders[story_id] = frozenset(visible[s] for s in found.get(story_id, ()) if s in visible)
        return {i: self._folders[i] for i in story_ids}

    def story_window(self) -> list[Ref]:
        """The Stories feed: the STORY_FEED_SIZE live stories in the user's view most recently updated, as items
        and times (their pages are read only for what is shown or asked about)."""
        if self._window is None:
            self._window = [Ref(story_item_id(story_id), time)
                            for story_id, time in self.storage.recent_story_times(STORY_FEED_SIZE, self.own)]
        return self._window

    def stories_of(self, stream: Stream) -> list[Ref]:
        """The stories a stream holds: those of the Stories feed, or of a folder's."""
        window = self.story_window()
        if stream.kind == StreamKind.FOLDER_STORIES:
            folders = self.story_folders([story_of_item(r.item_id) for r in window])
            return [r for r in window if stream.value in folders[story_of_item(r.item_id)]]
        return window

    def story_states(self, refs: list[Ref]) -> dict[int, tuple[bool, bool]]:
        """item id -> (read, starred) of these stories: unread and not starred without a read row; the story's
        page and articles are read only for the stories the user has read (whether a notable change since
        makes them unread)."""
        story_ids = [story_of_item(r.item_id) for r in refs]
        reads = self.storage.story_reads(self.user.id, story_ids)
        read_once = [i for i in story_ids if i in reads and reads[i].read_at is not None]
        items = {item.story.id: item for item in self.story_items(read_once)}
        states = {}
        for story_id in story_ids:
            if story_id in items:
                states[story_item_id(story_id)] = (items[story_id].read, items[story_id].starred)
            else:
                read = reads.get(story_id)
                states[story_item_id(story_id)] = (False, bool(read and read.starred))
        return states

    # -- streams -----------------------------------------------------------------------------------------------

    def refs(self, stream: Stream, *, exclude: frozenset[Tag] = frozenset(), include: frozenset[Tag] = frozenset(),
             since: datetime | None = None, until: datetime | None = None, oldest_first: bool = False,
             offset: int = 0, limit: int = 20) -> tuple[list[Ref], bool]:
        """One page of the stream's items (newest first unless `oldest_first`) and whether more follow.
        `exclude`/`include` keep only items without/with the read or starred state."""
        read = {StreamKind.READ: True, StreamKind.KEPT_UNREAD: False}.get(stream.kind)
        starred = True if stream.kind == StreamKind.STARRED else None
        wanted = [(Tag.READ, True, "read"), (Tag.STARRED, True, "starred")]
        for tag, _, name in wanted:
            for chosen, value in ((include, True), (exclude, False)):
                if tag not in chosen:
                    continue
                current = read if name == "read" else starred
                if current is not None and current != value:
                    return [], False          # asks for items both with and without the state
                if name == "read":
                    read = value
                else:
                    starred = value
        source_ids = self._source_ids(stream)
        if offset >= MAX_OFFSET:
            return [], False
        if not self._with_stories(stream):
            found = self.storage.stream_articles(self.user.id, self.user.read_before, source_ids, read=read,
                                                 starred=starred, since=since, until=until,
                                                 oldest_first=oldest_first, offset=offset, limit=limit + 1,
                                                 view=self.own)
            return [Ref(i, t) for i, t in found[:limit]], len(found) > limit
        refs: list[Ref] = []
        if source_ids is not None:
            refs += [Ref(i, t) for i, t in self.storage.stream_articles(
                self.user.id, self.user.read_before, source_ids, read=read, starred=starred, since=since,
                until=until, oldest_first=oldest_first, offset=0, limit=offset + limit + 1, view=self.own)]
        stories = self.stories_of(stream)
        if starred and stream.kind != StreamKind.FOLDER_STORIES:
            known = {story_of_item(r.item_id) for r in stories}
            extra = [i for i in self.storage.starred_story_ids(self.user.id) if i not in known]
            stories = stories + [Ref(item.item_id, item.time) for item in self.story_items(extra)]
        stories = [r for r in stories if (since is None or r.time >= since) and (until is None or r.time < until)]
        if read is not None or starred is not None:
            states = self.story_states(stories)
            stories = [r for r in stories if (read is None or states[r.item_id][0] == read)
                       and (starred is None or states[r.item_id][1] == starred)]
        refs += stories
        refs.sort(key=lambda r: (r.time, r.item_id), reverse=not oldest_first)
        return refs[offset:offset + limit], len(refs) > offset + limit

    def unread_stories(self) -> list[Ref]:
        """The Stories feed's unread items."""
        if self._unread is None:
            window = self.story_window()
            states = self.story_states(window)
            self._unread = [r for r in window if not states[r.item_id][0]]
        return self._unread

    def unread_counts(self) -> tuple[dict[int, int], int]:
        """Unread articles in the user's view per visible source, and unread stories in the Stories feed."""
        counts = self.storage.unread_counts(self.user.id, self.user.read_before, self.own)
        visible = {s.id for s in self.sources}
        by_source = {source: n for source, n in counts.by_source.items() if source in visible}
        return by_source, len(self.unread_stories())

    def unread_stories_by_folder(self) -> dict[str, list[Ref]]:
        """folder -> the unread items of its Stories feed (folders with none left out)."""
        unread = self.unread_stories()
        folders = self.story_folders([story_of_item(r.item_id) for r in unread])
        found: dict[str, list[Ref]] = {}
        for ref in unread:
            for folder in folders[story_of_item(ref.item_id)]:
                found.setdefault(folder, []).append(ref)
        return found

    # -- changing state ----------------------------------------------------------------------------------------

    def mark(self, item_ids: list[int], *, read: bool | None = None, starred: bool | None = None) -> int:
        """Mark the user's items; ids of no item (unknown, reprints, merged stories) are skipped. The number of
        items marked."""
        if read is None and starred is None:
            return 0
        articles = list(self.storage.original_article_ids([i for i in item_ids if not is_story_item(i)]))
        marked = self.storage.mark_articles(self.user.id, articles, read=read, starred=starred) if articles else 0
        stories = self.story_items(sorted({story_of_item(i) for i in item_ids if is_story_item(i)}),
                                   with_members=read is True)
        for item in stories:
            self._mark_story(item, read=read, starred=starred)
        return marked + len(stories)

    def _mark_story(self, item: StoryItem, *, read: bool | None, starred: bool | None) -> None:
        user_id, story_id = self.user.id, item.story.id
        if read is True:
            self.storage.mark_story_read(user_id, story_id, [a.id for a in item.members])
        elif read is False:
            self.storage.mark_story_unread(user_id, story_id)
        if starred is not None:
            self.storage.star_story(user_id, story_id, starred)

    def mark_all_read(self, stream: Stream, before: datetime | None) -> None:
        """Everything in the stream up to `before` (default: now) read; the read and starred streams are left
        as they are."""
        if stream.kind in (StreamKind.READ, StreamKind.STARRED, StreamKind.KEPT_UNREAD):
            return
        before = min(before or utcnow(), utcnow())
        source_ids = self._source_ids(stream)
        if source_ids is not None:
            everything = stream.kind == StreamKind.READING_LIST and not self.hides_any
            self.storage.mark_all_read(self.user.id, before, None if everything else source_ids)
        if self._with_stories(stream):
            unread = {r.item_id for r in self.unread_stories()}
            due = [story_of_item(r.item_id) for r in self.stories_of(stream) if r.item_id in unread and r.time <= before]
            for item in self.story_items(due, with_members=True):
                self._mark_story(item, read=True, starred=None)
