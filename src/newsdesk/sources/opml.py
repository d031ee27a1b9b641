"""OPML subscription lists: import, export, and the default list shipped with newsdesk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import lxml.etree as etree

from newsdesk.errors import NewsdeskError
from newsdesk.sources._util import xml_text
from newsdesk.sources._xmlguard import dtd_problem


class OpmlError(NewsdeskError):
    pass


@dataclass
class OpmlFeed:
    feed_url: str
    title: str | None = None
    site_url: str | None = None
    folder: str | None = None      # the enclosing outline's title ("World", "Technology"...)
    expected_format: str | None = None   # the newsdeskFormat attribute: what the feed is believed to serve
    labels: str | None = None    # the newsdeskLabels attribute: the source's labels, "lean=left, country=uk"


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_BARE_AMPERSAND = re.compile(rb"&(?!#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


def read_opml(data: bytes) -> list[OpmlFeed]:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        raise OpmlError("empty OPML file")
    sample = data.replace(b"\x00", b"") if b"\x00" in data[:4096] else data
    if _ENTITY_DECL.search(sample):
        raise OpmlError("OPML file declares XML entities; refused")
    problem = dtd_problem(data)
    if problem:
        raise OpmlError(f"OPML file {problem}; refused")
    try:
        root = _parse(data)
    except etree.XMLSyntaxError as first_error:
        # Several exporters write raw '&' in URLs; that is the one repair worth making.
        try:
            root = _parse(_BARE_AMPERSAND.sub(b"&amp;", data))
        except etree.XMLSyntaxError:
            raise OpmlError(f"malformed OPML: {first_error}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise OpmlError("OPML file carries a DOCTYPE/DTD; refused")
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise OpmlError(f"not an OPML file: the root element is <{name}>, expected <opml>")
    body = next((child for child in root if _local(child) == "body"), None)
    if body is None:
        raise OpmlError("not an OPML file: it has no <body>")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    _walk(body, None, feeds, seen)
    if not feeds:
        outlines = sum(1 for element in body.iter() if isinstance(element.tag, str) and _local(element) == "outline")
        if outlines:
            raise OpmlError(f"no feeds in this OPML file: none of its {outlines} outlines has an xmlUrl "
                            "(the address of a feed)")
    return feeds


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    return etree.fromstring(data, parser=parser)


def _walk(parent: etree._Element, folder: str | None, feeds: list[OpmlFeed], seen: set[str]) -> None:
    for outline in parent:
        if _local(outline) != "outline":
            continue
        attrs = {key.lower(): (value or "").strip() for key, value in outline.attrib.items()}
        feed_url = attrs.get("xmlurl") or ""
        label = attrs.get("title") or attrs.get("text") or None
        if feed_url:
            if feed_url not in seen:
                seen.add(feed_url)
                feeds.append(OpmlFeed(
                    feed_url=feed_url,
                    title=None if label == feed_url else label,
                    site_url=attrs.get("htmlurl") or None,
                    folder=folder,
                    expected_format=attrs.get("newsdeskformat") or None,
                    labels=attrs.get("newsdesklabels") or None,
                ))
            _walk(outline, folder, feeds, seen)
        else:
            _walk(outline, f"{folder}/{label}" if folder and label else (label or folder), feeds, seen)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def write_opml(feeds: list[OpmlFeed], title: str = "newsdesk subscriptions") -> str:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_text(title)
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}

    def folder_element(path: str) -> etree._Element:
        if path in folders:
            return folders[path]
        parent_path, _, name = path.rpartition("/")
        parent = folder_element(parent_path) if parent_path else body
        element = etree.SubElement(parent, "outline", text=xml_text(name), title=xml_text(name))
        folders[path] = element
        return element

    for feed in feeds:
        folder = "/".join(part for part in (feed.folder or "").split("/") if part.strip())
        parent = folder_element(folder) if folder else body
        attrs = {"type": "rss", "text": feed.title or feed.feed_url}
        if feed.title:
            attrs["title"] = feed.title
        attrs["xmlUrl"] = feed.feed_url
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        if feed.expected_format:
            attrs["newsdeskFormat"] = feed.expected_format
        if feed.labels:
            attrs["newsdeskLabels"] = feed.labels
        etree.SubElement(parent, "outline", {key: xml_text(value) for key, value in attrs.items()})
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def default_feeds() -> list[OpmlFeed]:
    data = resources.files("newsdesk.sources").joinpath("default_feeds.opml").read_bytes()
    return read_opml(data)
