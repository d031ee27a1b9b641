"""Items as reader apps receive them: an original article (its text as HTML paragraphs, the outlets that
reprinted it named), or a story page (headline, summary and takeaways with their outlets, the sources); as the
JSON of stream/contents and as the Atom entries of /reader/atom (with Google Reader's state categories, which
newsboat reads). Every text from outside is escaped."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from xml.etree import ElementTree as ET

from newsdesk.model import Article, Source
from newsdesk.sources import xml_text
from newsdesk.sync.greader_ids import LABEL_PREFIX, STATE_PREFIX, STORIES_STREAM, Stream, StreamKind, long_item_id
from newsdesk.sync.greader_view import ReaderView, Ref, StoryItem, parsed_page
from newsdesk.sync.items import STORIES_FEED_TITLE, is_story_item, story_of_item
from newsdesk.timeutil import to_utc, utcnow

ATOM = "http://www.w3.org/2005/Atom"
GR = "http://www.google.com/schemas/reader/atom/"
GR_SCHEME = "http://www.google.com/reader/"
ET.register_namespace("", ATOM)
ET.register_namespace("gr", GR)


@dataclass
class Entry:
    item_id: int
    title: str
    url: str
    published: datetime
    updated: datetime
    crawled: datetime
    author: str
    content: str                         # HTML, every outside text escaped
    origin_id: str
    origin_title: str
    origin_url: str
    states: list[str] = field(default_factory=list)      # reading-list, read, starred…
    labels: list[str] = field(default_factory=list)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{p.strip()}</p>" for p in html.escape(text).split("\n") if p.strip())


def feed_stream_id(source: Source) -> str:
    return f"feed/{source.feed_url}"


def article_entry(article: Article, source: Source | None, read: bool, starred: bool,
                  reprinted_by: list[str]) -> Entry:
    body = _paragraphs(article.text or article.summary or "")
    if reprinted_by:
        body += f"<p><em>Also published by {html.escape(', '.join(reprinted_by))}.</em></p>"
    outlet = article.outlet or (source.name if source else "")
    return Entry(
        item_id=article.id, title=article.title or article.url, url=article.url, published=article.time,
        updated=article.updated_at or article.time, crawled=article.first_seen_at,
        author=article.author or outlet, content=body,
        origin_id=feed_stream_id(source) if source else "", origin_title=source.name if source else outlet,
        origin_url=(source.site_url or source.feed_url) if source else "",
        states=["reading-list", "read" if read else "fresh", *(["starred"] if starred else [])],
        labels=[source.folder] if source and source.folder else [])


def _attributed(sentence: dict) -> str:
    outlets = [sentence.get("outlet") or ""] + [also[1] for also in sentence.get("also", []) if len(also) > 1]
    named = ", ".join(o for o in dict.fromkeys(outlets) if o)
    return html.escape(sentence.get("text", "")) + (f" <em>({html.escape(named)})</em>" if named else "")


@lru_cache(maxsize=1024)
def _story_body(page_json: str, url: str) -> tuple[str, str]:
    """(content HTML, author) of a story item: made once per process for each text of the page."""
    page = parsed_page(page_json)
    parts = [f"<p>{_attributed(s)}</p>" for s in page.get("summary", [])]
    if page.get("takeaways"):
        parts.append("<p><strong>Key takeaways</strong></p><ul>"
                     + "".join(f"<li>{_attributed(s)}</li>" for s in page["takeaways"]) + "</ul>")
    independent = page.get("independent", [])
    if independent:
        parts.append(f"<p>Reported by {html.escape(', '.join(independent))}"
                     + (f"; reprinted by {html.escape(', '.join(r[0] for r in page.get('reprints', [])))}"
                        if page.get("reprints") else "") + ".</p>")
    parts.append(f'<p><a href="{html.escape(url)}">The whole story on the desk</a></p>')
    return "".join(parts), ", ".join(independent[:3]) or "newsdesk"


def story_entry(item: StoryItem, base: str, origin: Stream | None = None) -> Entry:
    story = item.story
    url = f"{base}/stories/{story.slug}"
    content, author = _story_body(story.page_json, url)
    return Entry(
        item_id=item.item_id, title=item.page.get("headline") or story.headline or "(untitled story)", url=url,
        published=story.first_published or story.created_at, updated=item.time, crawled=item.time,
        author=author, content=content,
        origin_id=origin.id if origin is not None else STORIES_STREAM,
        origin_title=f"{STORIES_FEED_TITLE}: {origin.value}" if origin is not None else STORIES_FEED_TITLE,
        origin_url=f"{base}/",
        states=["reading-list", "read" if item.read else "fresh", *(["starred"] if item.starred else [])])


def entries(view: ReaderView, item_ids: list[int], base: str, stream: Stream | None = None) -> list[Entry]:
    """The entries of these items that exist in the user's view, in the order given (reprints are no items);
    stories read from a folder's Stories feed come from that feed."""
    storage, user = view.storage, view.user
    originals = storage.original_article_ids([i for i in item_ids if not is_story_item(i)])
    shown = set(originals) - storage.hidden_article_ids(view.own, originals)
    articles = storage.articles_by_ids(sorted(shown)) if shown else {}
    origin = stream if stream is not None and stream.kind == StreamKind.FOLDER_STORIES else None
    states = storage.article_states(user.id, user.read_before, list(articles))
    copies = storage.copy_outlets(list(articles))
    stories = {item.item_id: item for item in
               view.story_items(sorted({story_of_item(i) for i in item_ids if is_story_item(i)}))}
    found: list[Entry] = []
    for item_id in dict.fromkeys(item_ids):
        if item_id in stories:
            found.append(story_entry(stories[item_id], base, origin))
        elif item_id in articles:
            article = articles[item_id]
            read, starred = states.get(item_id, (False, False))
            found.append(article_entry(article, view.all_sources.get(article.source_id), read, starred,
                                       copies.get(item_id, [])))
    return found


def _seconds(when: datetime) -> int:
    return int(to_utc(when).timestamp())


def _usec(when: datetime) -> str:
    return str(int(to_utc(when).timestamp() * 1_000_000))


def entry_json(entry: Entry) -> dict:
    return {
        "id": long_item_id(entry.item_id),
        "crawlTimeMsec": str(int(to_utc(entry.crawled).timestamp() * 1000)),
        "timestampUsec": _usec(entry.crawled),
        "published": _seconds(entry.published),
        "updated": _seconds(entry.updated),
        "title": entry.title,
        "author": entry.author,
        "categories": [f"{STATE_PREFIX}{s}" for s in entry.states if s != "fresh"]
                      + [f"{LABEL_PREFIX}{label}" for label in entry.labels],
        "alternate": [{"href": entry.url, "type": "text/html"}],
        "canonical": [{"href": entry.url}],
        "summary": {"direction": "ltr", "content": entry.content},
        "content": {"direction": "ltr", "content": entry.content},
        "origin": {"streamId": entry.origin_id, "title": entry.origin_title, "htmlUrl": entry.origin_url},
        "enclosure": [],
    }


def stream_json(stream_id: str, title: str, base: str, path: str, author: str, found: list[Entry],
                continuation: str | None) -> dict:
    now = utcnow()
    doc = {"direction": "ltr", "id": stream_id, "title": title, "description": "",
           "self": [{"href": base + path}], "updated": _seconds(now), "updatedUsec": _usec(now),
           "author": author, "items": [entry_json(e) for e in found]}
    if continuation:
        doc["continuation"] = continuation
    return doc


def item_refs_json(refs: list[Ref], continuation: str | None) -> dict:
    doc: dict = {"itemRefs": [{"id": str(r.item_id), "directStreamIds": [],
                               "timestampUsec": _usec(r.time)} for r in refs]}
    if continuation:
        doc["continuation"] = continuation
    return doc


def _stamp(when: datetime) -> str:
    return to_utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        node.text = xml_text(text)
    return node


def atom_feed(stream_id: str, title: str, base: str, path: str, found: list[Entry], continuation: str | None) -> bytes:
    """The stream as Google Reader's Atom: each entry's state as categories of the reader scheme."""
    a = f"{{{ATOM}}}"
    root = ET.Element(f"{a}feed")
    _add(root, f"{a}id", f"tag:google.com,2005:reader/{stream_id}")
    _add(root, f"{a}title", title)
    _add(root, f"{a}link", rel="self", href=base + path)
    _add(root, f"{a}link", rel="alternate", href=base + "/", type="text/html")
    _add(root, f"{a}updated", _stamp(max((e.updated for e in found), default=utcnow())))
    _add(_add(root, f"{a}author"), f"{a}name", "newsdesk")
    _add(root, f"{a}generator", "newsdesk")
    if continuation:
        _add(root, f"{{{GR}}}continuation", continuation)
    for e in found:
        crawled = str(int(to_utc(e.crawled).timestamp() * 1000))
        node = _add(root, f"{a}entry", **{f"{{{GR}}}crawl-timestamp-msec": crawled})
        _add(node, f"{a}id", long_item_id(e.item_id))
        for state in e.states:
            _add(node, f"{a}category", term=f"{STATE_PREFIX}{state}", scheme=GR_SCHEME, label=state)
        for label in e.labels:
            _add(node, f"{a}category", term=f"{LABEL_PREFIX}{label}", scheme=GR_SCHEME, label=label)
        _add(node, f"{a}title", e.title, type="text")
        _add(node, f"{a}published", _stamp(e.published))
        _add(node, f"{a}updated", _stamp(e.updated))
        _add(node, f"{a}link", rel="alternate", href=e.url, type="text/html")
        _add(node, f"{a}content", e.content, type="html")
        _add(_add(node, f"{a}author"), f"{a}name", e.author)
        source = _add(node, f"{a}source", **{f"{{{GR}}}stream-id": e.origin_id})
        _add(source, f"{a}id", f"tag:google.com,2005:reader/{e.origin_id}")
        _add(source, f"{a}title", e.origin_title)
        _add(source, f"{a}link", rel="alternate", href=e.origin_url, type="text/html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
