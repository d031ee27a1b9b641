"""Serve the demo corpus over HTTP on 127.0.0.1: one feed per outlet and one page per article.

Over 400 lines because the outlets' feeds, their pages, the revisions and the images are one invented site.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from lxml import etree

from newsdesk.demo.corpus import Corpus, DemoArticle, Outlet, Revision, load_corpus
from newsdesk.demo.pictures import lead_image

FEED_EXTENSIONS = {"rss20": "rss", "atom10": "atom", "rss10": "rdf", "json11": "json"}
FEED_MEDIA_TYPES = {
    "rss20": "application/rss+xml",
    "atom10": "application/atom+xml",
    "rss10": "application/rdf+xml",
    "json11": "application/feed+json",
}
OPML_FOLDERS = {"wire": "Wire", "broadsheet": "National", "tabloid": "National", "regional": "Regional",
                "business": "Business", "technology": "Technology"}

_ATOM = "http://www.w3.org/2005/Atom"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS1 = "http://purl.org/rss/1.0/"

_FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]

# What surrounds the article on each outlet's pages: the boilerplate an extractor has to see past.
_CHROME: dict[str, dict] = {
    "meridian-press": dict(
        nav=["World", "Business", "Markets", "Politics", "Technology", "Science", "Sport", "Pictures"],
        related="Related coverage",
        cookie="Meridian Press Agency and its partners use cookies to deliver and measure our services. "
               "You can accept all cookies or choose which ones we may use.",
        footer=["Meridian Press Agency supplies news, pictures and video to more than 900 media clients. "
                "All quotes are delayed by at least 15 minutes.",
                "Client services · Corrections · Editorial standards · Careers · Terms of use · Privacy"],
        promo=None),
    "aldermark-chronicle": dict(
        nav=["News", "National", "World", "Politics", "Business", "Science", "Sport", "Opinion", "Culture"],
        related="More on this story",
        cookie="We use cookies and similar technologies to personalise content, measure readership and "
               "support our journalism. Choose “Accept all” or manage your preferences.",
        footer=["The Aldermark Chronicle is published by Chronicle Media Group, 14 Quayside Row, "
                "Hollinsport. Registered in Aldermark no. 004417.",
                "About us · Contact the newsroom · Complaints and corrections · Subscribe · Archive · "
                "Privacy policy · Cookie settings",
                "© 2026 Chronicle Media Group. All rights reserved."],
        promo="Sign up to The Morning Chronicle: the day’s essential stories, in your inbox before 7am."),
    "daily-beacon": dict(
        nav=["News", "Showbiz", "Sport", "Money", "Health", "Travel", "Puzzles", "Competitions"],
        related="YOU MIGHT ALSO LIKE",
        cookie="We value your privacy. We and our 148 partners store and access information on your device "
               "to show you personalised ads and content. Click “I agree” to continue.",
        footer=["The Daily Beacon is a trading name of Beacon Newspapers Ltd. Beacon Newspapers Ltd is a "
                "member of the Press Standards Council.",
                "Contact us · Advertise with us · Terms and conditions · Competition rules · Privacy",
                "© Beacon Newspapers Ltd 2026"],
        promo="DON’T MISS A THING: get the Beacon’s top stories sent straight to your phone. Download our "
              "free app today!"),
    "fenwick-gazette": dict(
        nav=["Local News", "Thornbury", "Millbeck", "Aldous Cross", "Sport", "What's On", "Family Notices",
             "Jobs"],
        related="Read more",
        cookie="This site uses cookies. By continuing to browse you are agreeing to our use of cookies.",
        footer=["The Fenwick Valley Gazette, Market Street, Thornbury. Published every day online and in "
                "print on Thursdays.",
                "Send us your news · Advertise · Family notices · Contact · Privacy notice",
                "© 2026 Valley Newspapers Ltd"],
        promo="Advertisement"),
    "commerce-ledger": dict(
        nav=["Markets", "Companies", "Economy", "Banking", "Energy", "Technology", "Personal Finance",
             "Data"],
        related="Related stories",
        cookie="The Commerce Ledger uses cookies to keep you signed in and to understand how our journalism "
               "is read. Manage cookies or accept to continue.",
        footer=["Market data delayed by 15 minutes. Nothing on this site is investment advice.",
                "Subscriptions · Group licences · Contact · Terms · Privacy · Accessibility",
                "© The Commerce Ledger 2026. All rights reserved."],
        promo=None),
    "circuitry": dict(
        nav=["Reviews", "Security", "Telecoms", "Space", "AI", "Gaming", "Deals", "Newsletter"],
        related="Keep reading",
        cookie="Yes, we use cookies. Mostly so the site remembers your dark-mode setting and so we know "
               "which stories you actually read.",
        footer=["Circuitry is an independent technology publication. When you buy through links on our "
                "site we may earn a commission.",
                "About · Ethics policy · Tips (encrypted) · Jobs · Privacy",
                "© 2026 Circuitry Media"],
        promo="Circuitry Weekly: the tech stories worth your time, every Saturday. Free."),
    "le-veilleur": dict(
        nav=["Politique", "International", "Lorvenne", "Économie", "Culture", "Sports", "Idées",
             "Le Veilleur Week-end"],
        related="À lire aussi",
        cookie="Avec votre accord, nous et nos partenaires utilisons des cookies pour mesurer l’audience et "
               "personnaliser les contenus. Vous pouvez modifier vos choix à tout moment.",
        footer=["Le Veilleur, quotidien du soir édité par la Société du Veilleur, 8 quai des Tanneurs, "
                "Belmaris.",
                "Mentions légales · Nous contacter · Abonnements · Charte de déontologie · "
                "Politique de confidentialité",
                "© Le Veilleur 2026 – Tous droits réservés"],
        promo="Abonnez-vous au Veilleur : l’essentiel de l’actualité chaque soir, "
              "dès 1 franc le premier mois."),
}
_DEFAULT_CHROME = _CHROME["meridian-press"]


def _slug(label: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in label.lower()).split())


def _teaser(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def _human_time(value: datetime, language: str) -> str:
    value = value.astimezone(timezone.utc)
    if language == "fr":
        month = _FR_MONTHS[value.month - 1]
        return f"{value.day} {month} {value.year} à {value.hour} h {value.minute:02d} (GMT)"
    return f"{value.day} {value:%B %Y}, {value:%H:%M} GMT"


class DemoServer:
    """Context manager (or start()/stop()); `.base_url`, `.feed_urls` (outlet id -> feed URL),
    `.article_url(article_id)`, `.site_url(outlet_id)`, `.opml()`.
    `revision` chooses which version of updated articles is served (0 = original); `set_revision()` switches
    it while running. Routes: /feeds/<outlet>.<rss|atom|rdf|json>, /<outlet>/, /<outlet>/<article>.html,
    /<outlet>/images/<article>.png, /robots.txt, /feeds.opml. `.requests` logs (method, path, status)."""

    def __init__(self, corpus=None, host: str = "127.0.0.1", port: int = 0, revision: int = 0):
        self.corpus: Corpus = corpus if corpus is not None else load_corpus()
        self.host = host
        self.port = port
        self._revision = max(0, int(revision))
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str, int]] = []      # (method, path, status), in arrival order
        self._outlets = {o.id: o for o in self.corpus.outlets}
        self._articles = {a.id: a for a in self.corpus.articles}
        self._corpus_end = self.corpus.latest() or datetime(2026, 11, 1, tzinfo=timezone.utc)

    def start(self) -> "DemoServer":
        if self._httpd is not None:
            return self
        handler = type("DemoHandler", (_Handler,), {"demo": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="newsdesk-demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the demo server is not running; call start() or use it as a context manager")
        return f"http://{self.host}:{self.port}"

    @property
    def fetch_allow(self) -> str:
        """The `fetch_allow` entry that lets the desk fetch from this server (it listens on a local address)."""
        return f"{self.host}/32" if ":" not in self.host else f"{self.host}/128"

    @property
    def feed_urls(self) -> dict[str, str]:
        return {o.id: self.feed_url(o.id) for o in self.corpus.outlets}

    def feed_url(self, outlet_id: str) -> str:
        outlet = self._outlets[outlet_id]
        return f"{self.base_url}/feeds/{outlet.id}.{FEED_EXTENSIONS[outlet.feed_format]}"

    def site_url(self, outlet_id: str) -> str:
        return f"{self.base_url}/{self._outlets[outlet_id].id}/"

    def article_url(self, article_id: str) -> str:
        article = self._articles[article_id]
        return f"{self.base_url}/{article.outlet}/{article.id}.html"

    def image_url(self, article_id: str) -> str:
        article = self._articles[article_id]
        return f"{self.base_url}/{article.outlet}/images/{article.id}.png"

    def lead_image(self, article: DemoArticle) -> bytes:
        """The article's picture (a PNG drawn for its event, the same on every request)."""
        subject = f"{article.event} {self.corpus.events[article.event]}"
        return lead_image(article.id, subject, article.published.hour)

    @property
    def revision(self) -> int:
        return self._revision

    def set_revision(self, revision: int) -> None:
        """Serve a later (or the original) version of updated articles from now on."""
        self._revision = max(0, int(revision))

    def _edition_time(self, revision: int) -> datetime:
        # The moment the desk "republished" at this revision: after everything in the corpus, so that
        # Last-Modified moves forward whenever a revision switch changes a resource.
        return self._corpus_end + timedelta(hours=revision)

    def _entry(self, article: DemoArticle, revision: int) -> tuple[Revision, datetime]:
        """The served version and its updated time."""
        version = article.version(revision)
        return version, version.at

    def opml(self) -> str:
        root = etree.Element("opml", version="2.0")
        head = etree.SubElement(root, "head")
        etree.SubElement(head, "title").text = "newsdesk demo desk"
        etree.SubElement(head, "dateCreated").text = _http_date(self._corpus_end)
        body = etree.SubElement(root, "body")
        folders: dict[str, etree._Element] = {}
        for outlet in self.corpus.outlets:
            folder = "International" if outlet.language != "en" else OPML_FOLDERS.get(outlet.kind, "News")
            if folder not in folders:
                folders[folder] = etree.SubElement(body, "outline", text=folder, title=folder)
            etree.SubElement(folders[folder], "outline", type="rss", text=outlet.name, title=outlet.name,
                             xmlUrl=self.feed_url(outlet.id), htmlUrl=self.site_url(outlet.id),
                             language=outlet.language, description=outlet.tagline)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")

    def render_feed(self, outlet_id: str, revision: int | None = None) -> tuple[bytes, str, datetime]:
        """(body, content type, last modified) of the outlet's feed."""
        revision = self._revision if revision is None else revision
        outlet = self._outlets[outlet_id]
        entries = []
        for article in self.corpus.articles_of(outlet.id):
            version, updated = self._entry(article, revision)
            entries.append((article, version, updated))
        newest = max((e[2] for e in entries), default=self._corpus_end)
        changed = any(e[2] != e[0].published for e in entries)
        last_modified = max(newest, self._edition_time(revision)) if changed else newest
        render = {"rss20": self._rss20, "atom10": self._atom10, "rss10": self._rss10,
                  "json11": self._json11}[outlet.feed_format]
        body = render(outlet, entries, last_modified)
        return body, FEED_MEDIA_TYPES[outlet.feed_format] + "; charset=utf-8", last_modified

    def _guid(self, article: DemoArticle) -> str:
        return f"tag:{article.outlet}.demo.newsdesk,2026:{article.id}"

    @staticmethod
    def _xml(root) -> bytes:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _rss20(self, outlet: Outlet, entries, last_modified: datetime) -> bytes:
        rss = etree.Element("rss", version="2.0", nsmap={"atom": _ATOM, "dc": _DC, "dcterms": _DCTERMS})
        channel = etree.SubElement(rss, "channel")
        etree.SubElement(channel, "title").text = outlet.name
        etree.SubElement(channel, "link").text = self.site_url(outlet.id)
        etree.SubElement(channel, "description").text = outlet.tagline or outlet.name
        etree.SubElement(channel, "language").text = outlet.language
        etree.SubElement(channel, "lastBuildDate").text = _http_date(last_modified)
        etree.SubElement(channel, f"{{{_ATOM}}}link", href=self.feed_url(outlet.id), rel="self",
                         type=FEED_MEDIA_TYPES["rss20"])
        for article, version, updated in entries:
            item = etree.SubElement(channel, "item")
            etree.SubElement(item, "title").text = version.title
            etree.SubElement(item, "link").text = self.article_url(article.id)
            etree.SubElement(item, "description").text = version.paragraphs[0]
            etree.SubElement(item, "pubDate").text = _http_date(article.published)
            if updated != article.published:
                etree.SubElement(item, f"{{{_DCTERMS}}}modified").text = _iso(updated)
            etree.SubElement(item, "guid", isPermaLink="false").text = self._guid(article)
            if article.author:
                etree.SubElement(item, f"{{{_DC}}}creator").text = article.author
            etree.SubElement(item, "category").text = article.section
        return self._xml(rss)

    def _atom10(self, outlet: Outlet, entries, last_modified: datetime) -> bytes:
        feed = etree.Element(f"{{{_ATOM}}}feed", nsmap={None: _ATOM})
        feed.set("{http://www.w3.org/XML/1998/namespace}lang", outlet.language)

        def sub(parent, tag, text=None, **attrs):
            element = etree.SubElement(parent, f"{{{_ATOM}}}{tag}", **attrs)
            if text is not None:
                element.text = text
            return element

        sub(feed, "id", f"tag:{outlet.id}.demo.newsdesk,2026:feed")
        sub(feed, "title", outlet.name)
        sub(feed, "subtitle", outlet.tagline)
        sub(feed, "updated", _iso(last_modified))
        sub(feed, "link", rel="self", type=FEED_MEDIA_TYPES["atom10"], href=self.feed_url(outlet.id))
        sub(feed, "link", rel="alternate", type="text/html", href=self.site_url(outlet.id))
        for article, version, updated in entries:
            entry = sub(feed, "entry")
            sub(entry, "id", self._guid(article))
            sub(entry, "title", version.title, type="text")
            sub(entry, "link", rel="alternate", type="text/html", href=self.article_url(article.id))
            sub(entry, "published", _iso(article.published))
            sub(entry, "updated", _iso(updated))
            if article.author:
                sub(sub(entry, "author"), "name", article.author)
            sub(entry, "category", term=article.section)
            sub(entry, "summary", version.paragraphs[0], type="text")
        return self._xml(feed)

    def _rss10(self, outlet: Outlet, entries, last_modified: datetime) -> bytes:
        nsmap = {"rdf": _RDF, None: _RSS1, "dc": _DC, "dcterms": _DCTERMS}
        rdf = etree.Element(f"{{{_RDF}}}RDF", nsmap=nsmap)
        channel = etree.SubElement(rdf, f"{{{_RSS1}}}channel")
        channel.set(f"{{{_RDF}}}about", self.feed_url(outlet.id))
        etree.SubElement(channel, f"{{{_RSS1}}}title").text = outlet.name
        etree.SubElement(channel, f"{{{_RSS1}}}link").text = self.site_url(outlet.id)
        etree.SubElement(channel, f"{{{_RSS1}}}description").text = outlet.tagline or outlet.name
        etree.SubElement(channel, f"{{{_DC}}}language").text = outlet.language
        etree.SubElement(channel, f"{{{_DC}}}date").text = _iso(last_modified)
        seq = etree.SubElement(etree.SubElement(channel, f"{{{_RSS1}}}items"), f"{{{_RDF}}}Seq")
        for article, _, _ in entries:
            etree.SubElement(seq, f"{{{_RDF}}}li").set(f"{{{_RDF}}}resource", self.article_url(article.id))
        for article, version, updated in entries:
            item = etree.SubElement(rdf, f"{{{_RSS1}}}item")
            item.set(f"{{{_RDF}}}about", self.article_url(article.id))
            etree.SubElement(item, f"{{{_RSS1}}}title").text = version.title
            etree.SubElement(item, f"{{{_RSS1}}}link").text = self.article_url(article.id)
            etree.SubElement(item, f"{{{_RSS1}}}description").text = version.paragraphs[0]
            etree.SubElement(item, f"{{{_DC}}}date").text = _iso(article.published)
            etree.SubElement(item, f"{{{_DCTERMS}}}issued").text = _iso(article.published)
            if updated != article.published:
                etree.SubElement(item, f"{{{_DCTERMS}}}modified").text = _iso(updated)
            if article.author:
                etree.SubElement(item, f"{{{_DC}}}creator").text = article.author
            etree.SubElement(item, f"{{{_DC}}}subject").text = article.section
        return self._xml(rdf)

    def _json11(self, outlet: Outlet, entries, last_modified: datetime) -> bytes:
        items = []
        for article, version, updated in entries:
            item = {
                "id": self._guid(article),
                "url": self.article_url(article.id),
                "title": version.title,
                "summary": version.paragraphs[0],
                "content_text": version.paragraphs[0],
                "image": self.image_url(article.id),
                "date_published": _iso(article.published),
                "date_modified": _iso(updated),
                "tags": [article.section],
            }
            if article.author:
                item["authors"] = [{"name": article.author}]
            items.append(item)
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": outlet.name,
            "home_page_url": self.site_url(outlet.id),
            "feed_url": self.feed_url(outlet.id),
            "description": outlet.tagline,
            "language": outlet.language,
            "items": items,
        }
        return json.dumps(feed, ensure_ascii=False, indent=2).encode("utf-8")

    def _head_common(self, outlet: Outlet) -> str:
        return ('<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f'<link rel="alternate" type="{FEED_MEDIA_TYPES[outlet.feed_format]}" '
                f'title="{escape(outlet.name)}" href="{escape(self.feed_url(outlet.id))}">\n'
                f'<link rel="stylesheet" href="/{outlet.id}/static/site.css">\n')

    def _header(self, outlet: Outlet, chrome: dict) -> str:
        links = "".join(f'<li><a href="/{outlet.id}/section/{_slug(label)}">'
                        f"{escape(label)}</a></li>" for label in chrome["nav"])
        fr = outlet.language == "fr"
        subscribe, sign_in = ("S’abonner", "Se connecter") if fr else ("Subscribe", "Sign in")
        accept, manage = ("Tout accepter", "Paramétrer") if fr else ("Accept all", "Manage preferences")
        return (f'<div id="cookie-banner" class="cookie-consent" role="dialog">\n'
                f'<p>{escape(chrome["cookie"])}</p>\n'
                f'<button class="accept">{accept}</button> <button class="manage">{manage}</button>\n</div>\n'
                f'<header class="site-header">\n'
                f'<a class="logo" href="/{outlet.id}/">{escape(outlet.name)}</a>\n'
                f'<p class="tagline">{escape(outlet.tagline)}</p>\n'
                f'<nav class="main-menu"><ul>{links}</ul></nav>\n'
                f'<div class="account"><a href="/{outlet.id}/subscribe">{subscribe}</a> · '
                f'<a href="/{outlet.id}/login">{sign_in}</a></div>\n</header>\n')

    def _footer(self, outlet: Outlet, chrome: dict) -> str:
        lines = "".join(f"<p>{escape(line)}</p>\n" for line in chrome["footer"])
        return f'<footer class="site-footer">\n{lines}</footer>\n'

    def render_article(self, article_id: str, revision: int | None = None) -> tuple[bytes, datetime]:
        revision = self._revision if revision is None else revision
        article = self._articles[article_id]
        outlet = self._outlets[article.outlet]
        chrome = _CHROME.get(outlet.id, _DEFAULT_CHROME)
        version, updated = self._entry(article, revision)
        url = self.article_url(article.id)
        fr = outlet.language == "fr"
        separator = " - " if fr else " | "

        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": version.title,
            "datePublished": _iso(article.published),
            "dateModified": _iso(updated),
            "inLanguage": outlet.language,
            "articleSection": article.section,
            "mainEntityOfPage": url,
            "image": [self.image_url(article.id)],
            "publisher": {"@type": "Organization", "name": outlet.name,
                          "logo": {"@type": "ImageObject",
                                   "url": f"{self.base_url}/{outlet.id}/static/logo.png"}},
        }
        if article.author:
            ld["author"] = [{"@type": "Organization" if article.author == outlet.name or
                             article.author.endswith("Agency") else "Person", "name": article.author}]
        ld_json = json.dumps(ld, ensure_ascii=False, indent=1).replace("</", "<\\/")

        meta = [
            f'<meta name="description" content="{escape(_teaser(version.paragraphs[0]))}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{escape(version.title)}">',
            f'<meta property="og:site_name" content="{escape(outlet.name)}">',
            f'<meta property="og:url" content="{escape(url)}">',
            f'<meta property="og:image" content="{escape(self.image_url(article.id))}">',
            f'<meta property="article:published_time" content="{_iso(article.published)}">',
            f'<meta property="article:section" content="{escape(article.section)}">',
        ]
        if updated != article.published:
            meta.append(f'<meta property="article:modified_time" content="{_iso(updated)}">')
        if article.author:
            meta.append(f'<meta name="author" content="{escape(article.author)}">')

        body_parts = []
        for index, paragraph in enumerate(version.paragraphs):
            body_parts.append(f"<p>{escape(paragraph)}</p>")
            if index == 2 and chrome["promo"] and len(version.paragraphs) > 4:
                css = "ad-slot" if chrome["promo"] == "Advertisement" else "newsletter-promo"
                body_parts.append(f'<aside class="{css}"><p>{escape(chrome["promo"])}</p></aside>')
        byline = ""
        if article.author:
            byline = (f'<p class="byline">{"Par" if fr else "By"} '
                      f'<span class="author" rel="author">{escape(article.author)}</span></p>\n')
        stamp = (f'<p class="dateline"><time datetime="{_iso(article.published)}" class="published">'
                 f"{escape(_human_time(article.published, outlet.language))}</time></p>\n")
        if updated != article.published:
            stamp += (f'<p class="updated">{"Mis à jour le" if fr else "Updated"} '
                      f'<time datetime="{_iso(updated)}">{escape(_human_time(updated, outlet.language))}'
                      f"</time></p>\n")

        others = [a for a in self.corpus.articles_of(outlet.id) if a.id != article.id]
        others.sort(key=lambda a: (a.section != article.section, -a.published.timestamp()))
        related = "".join(f'<li><a href="/{a.outlet}/{a.id}.html">{escape(a.version(revision).title)}'
                          f"</a></li>" for a in others[:4])
        share = "Partager cet article" if fr else "Share this article"

        page = (
            f'<!DOCTYPE html>\n<html lang="{outlet.language}">\n<head>\n{self._head_common(outlet)}'
            f"<title>{escape(version.title)}{separator}{escape(outlet.name)}</title>\n"
            + "\n".join(meta) + "\n"
            f'<link rel="canonical" href="{escape(url)}">\n'
            f'<script type="application/ld+json">\n{ld_json}\n</script>\n'
            f"</head>\n<body>\n{self._header(outlet, chrome)}"
            f'<main id="content">\n<article class="story">\n'
            f'<p class="kicker"><a href="/{outlet.id}/section/{_slug(article.section)}">'
            f"{escape(article.section)}</a></p>\n"
            f"<h1>{escape(version.title)}</h1>\n{byline}{stamp}"
            f'<figure class="lead-image"><img src="{escape(self.image_url(article.id))}" alt=""></figure>\n'
            f'<div class="article-body">\n' + "\n".join(body_parts) + "\n</div>\n"
            f'<div class="share"><span>{share}:</span> <a href="#">Email</a> · <a href="#">Link</a></div>\n'
            f'</article>\n<aside class="related">\n<h2>{escape(chrome["related"])}</h2>\n<ul>{related}</ul>\n'
            f"</aside>\n</main>\n{self._footer(outlet, chrome)}</body>\n</html>\n"
        )
        return page.encode("utf-8"), updated

    def render_home(self, outlet_id: str, revision: int | None = None) -> tuple[bytes, datetime]:
        revision = self._revision if revision is None else revision
        outlet = self._outlets[outlet_id]
        chrome = _CHROME.get(outlet.id, _DEFAULT_CHROME)
        items, times = [], []
        for article in self.corpus.articles_of(outlet.id):
            version, updated = self._entry(article, revision)
            times.append(updated)
            items.append(f'<li class="teaser"><h2><a href="/{outlet.id}/{article.id}.html">'
                         f"{escape(version.title)}</a></h2>\n<p>{escape(version.paragraphs[0])}</p>\n"
                         f'<time datetime="{_iso(article.published)}">'
                         f"{escape(_human_time(article.published, outlet.language))}</time></li>")
        newest = max(times, default=self._corpus_end)
        page = (
            f'<!DOCTYPE html>\n<html lang="{outlet.language}">\n<head>\n{self._head_common(outlet)}'
            f"<title>{escape(outlet.name)}{' - ' if outlet.language == 'fr' else ' | '}"
            f"{escape(outlet.tagline)}</title>\n"
            f'<meta property="og:site_name" content="{escape(outlet.name)}">\n'
            f'<link rel="canonical" href="{escape(self.site_url(outlet.id))}">\n'
            f"</head>\n<body>\n{self._header(outlet, chrome)}"
            f'<main id="content">\n<h1 class="visually-hidden">{escape(outlet.name)}</h1>\n'
            f'<ul class="front-page">\n' + "\n".join(items) + "\n</ul>\n</main>\n"
            f"{self._footer(outlet, chrome)}</body>\n</html>\n"
        )
        return page.encode("utf-8"), newest

    def render_index(self) -> bytes:
        items = "".join(f'<li><a href="/{o.id}/">{escape(o.name)}</a> — {escape(o.tagline)} '
                        f'(<a href="/feeds/{o.id}.{FEED_EXTENSIONS[o.feed_format]}">feed</a>)</li>\n'
                        for o in self.corpus.outlets)
        return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                f"<title>newsdesk demo newsstand</title>\n</head>\n<body>\n<h1>The demo newsstand</h1>\n"
                f'<p>Invented outlets publishing invented news, for trying newsdesk offline. '
                f'<a href="/feeds.opml">All feeds as OPML</a>.</p>\n<ul>\n{items}</ul>\n</body>\n</html>\n'
                ).encode("utf-8")

    def _current(self, render) -> tuple[bytes, datetime]:
        """Render at the current revision; when that changes the resource without moving its own dates
        (a revised headline in a list of links), Last-Modified moves to the revision's edition time."""
        revision = self._revision
        body, modified = render(revision)
        if revision:
            original, original_modified = render(0)
            if body != original and modified <= original_modified:
                modified = max(modified, self._edition_time(revision))
        return body, modified

    def route(self, path: str) -> tuple[int, bytes, str, datetime | None, dict[str, str]]:
        """(status, body, content type, last modified, extra headers) for a request path."""
        html = "text/html; charset=utf-8"
        parts = [unquote(p) for p in path.split("/")[1:]]
        if path == "/":
            return 200, self.render_index(), html, None, {}
        if path == "/robots.txt":
            return 200, b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8", None, {}
        if path == "/feeds.opml":
            return 200, self.opml().encode("utf-8"), "text/x-opml; charset=utf-8", None, {}
        if len(parts) == 2 and parts[0] == "feeds" and "." in parts[1]:
            outlet_id, _, ext = parts[1].rpartition(".")
            outlet = self._outlets.get(outlet_id)
            if outlet is not None and FEED_EXTENSIONS[outlet.feed_format] == ext:
                body, ctype, modified = self.render_feed(outlet.id)
                return 200, body, ctype, modified, {}
        elif parts and parts[0] in self._outlets:
            outlet_id = parts[0]
            if len(parts) == 1:
                return 301, b"", html, None, {"Location": f"/{outlet_id}/"}
            if len(parts) == 2 and parts[1] in ("", "index.html"):
                body, modified = self._current(lambda r: self.render_home(outlet_id, r))
                return 200, body, html, modified, {}
            if len(parts) == 2 and parts[1].endswith(".html"):
                article = self._articles.get(parts[1][: -len(".html")])
                if article is not None and article.outlet == outlet_id:
                    body, modified = self._current(lambda r: self.render_article(article.id, r))
                    return 200, body, html, modified, {}
            if len(parts) == 3 and parts[1] == "images" and parts[2].endswith(".png"):
                article = self._articles.get(parts[2][: -len(".png")])
                if article is not None and article.outlet == outlet_id:
                    return 200, self.lead_image(article), "image/png", article.published, {}
            if len(parts) == 3 and parts[1] == "static" and parts[2] == "site.css":
                return 200, b"body{font-family:serif;max-width:48rem;margin:auto}\n", "text/css", None, {}
        body = (b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Page not found</title>'
                b"</head><body><h1>404</h1><p>We couldn't find that page.</p></body></html>\n")
        return 404, body, html, None, {}


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


class _Handler(BaseHTTPRequestHandler):
    demo: DemoServer
    protocol_version = "HTTP/1.1"
    server_version = "newsdesk-demo/1.0"
    timeout = 10
    disable_nagle_algorithm = True

    def log_message(self, format, *args) -> None:   # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        try:
            status, body, ctype, modified, extra = self.demo.route(path)
        except Exception:   # a bug in rendering must still answer, never hang the client
            status, body, ctype, modified, extra = 500, b"internal error\n", "text/plain", None, {}
        headers = {"Content-Type": ctype, **extra}
        if status == 200:
            etag = _etag(body)
            headers["ETag"] = etag
            if modified is not None:
                headers["Last-Modified"] = _http_date(modified)
            if self._not_modified(etag, modified):
                status, body = 304, b""
                headers.pop("Content-Type")
        with self.demo._lock:
            self.demo.requests.append((self.command, self.path, status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def _not_modified(self, etag: str, modified: datetime | None) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, etag)
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since and modified is not None:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=timezone.utc)
            return modified.replace(microsecond=0) <= since
        return False
