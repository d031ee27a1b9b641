"""Generated news pages as HTML, of the length and shape of real ones: the events, reports, wire reprints of
`corpus.generate_articles`, each report lengthened to a real article's length and laid out in its outlet's page
(header and navigation, cookie and newsletter boxes, headline, standfirst, byline, dateline, picture, body,
tags, related and most-read links, teaser cards, footer), and now and then updated after publication (the same
address again, later, with a new figure and an editor's note).

What "real" means here is measured on the Scrapinghub article-extraction benchmark's 181 pages (their words,
never copied): `python -m newsdesk_lab.bench.realpages DIR` prints those figures beside this generator's.
Every word list here is the project's own."""

from __future__ import annotations

import json
import math
import random
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from html import escape

from newsdesk_lab.bench.corpus import Facts, GeneratedArticle, generate_articles

# The body's length in words is drawn from a log-normal with the real pages' median and quartiles (529; 311 and
# 808 words): sigma from the quartiles' spread around the median.
BODY_WORDS_MEDIAN = 529
BODY_WORDS_SIGMA = 0.70
BODY_WORDS_RANGE = (90, 3000)
# Real bodies have a median of 16 paragraphs (about 33 words each, one to three sentences); the report's own
# short paragraphs come first, so the added ones aim a little shorter.
PARAGRAPH_WORDS = 29

_SUBJECTS = ["Residents of {place}", "{role_person}", "Officials in {country}", "{expert}",
             "A spokesperson for the {region} council", "Opposition politicians in {country}",
             "Business owners in {place}", "Several community groups", "The regional newspaper in {place}",
             "A senior civil servant who asked not to be named", "Neighbours in the old quarter of {place}",
             "Two members of parliament from the {region}", "The chamber of commerce in {place}",
             "Campaigners", "Teachers at the secondary school in {place}", "{person}"]
_VERBS = ["said", "told {outlet}", "argued", "warned", "wrote in a post online", "repeated", "insisted",
          "told a meeting in {place}", "said in a short interview", "pointed out", "suggested", "conceded"]
_CONTENTS = ["that the events of {weekday} would shape the debate in the {region} for months",
             "that nobody in {place} had been told in advance what was planned",
             "that the response from the capital had been far too slow",
             "that questions remained about who knew what, and when they knew it",
             "that the costs would fall on ordinary families in the {region}",
             "that the lessons of {year} had not been learned",
             "that {n3} separate complaints had been filed with the authorities since the spring",
             "that the figures published so far were almost certainly too low",
             "that a public inquiry was the only way to restore trust",
             "that they had raised the same concerns with ministers in {year}",
             "that the affair showed how little the national government understood the {region}",
             "that the numbers would be checked again before the end of the month",
             "that more than {n2} people had signed a petition calling for answers",
             "that the town had been promised new investment several times before",
             "that it was too early to say what the long-term consequences would be",
             "that {firm} had a duty to explain itself to the people of {place}"]
_TAILS = ["", "", " on {weekday}", " in an interview", " at a packed meeting in {place}", " late in the evening",
          " in a statement released by her office", " when asked about the plans", " before the vote"]
_QUOTES = ["We have waited long enough for someone to take responsibility",
           "Nobody here expected it to happen so quickly",
           "This is not the end of the story, and everyone in {place} knows it",
           "We will look at every option, and we will do it in the open",
           "People deserve straight answers, not another round of promises",
           "It is a difficult day, but the town has come through worse",
           "The numbers speak for themselves",
           "I have lived in {place} for {n3} years and I have never seen anything like it",
           "We were told one thing in public and another in private",
           "There will be time for blame later; today is about helping people"]
_QUOTE_WHO = ["said {role_person}", "said {expert}", "said one resident of {place}", "said {person}",
              "a shopkeeper in the high street said", "a spokesperson for {firm} said",
              "said a councillor who represents part of {place}"]
_CONTEXT = ["{place}, a town of about {n2} people, lies roughly {n3} kilometres from the capital of {country}.",
            "The {region} has seen its population fall by about {n1}% since {year}, according to official figures.",
            "{firm} employs several thousand people across {country}, including about {n2} in the {region}.",
            "{country} holds a general election next year, and the issue is expected to feature in the campaign.",
            "The government of {country} has faced criticism over a series of decisions affecting the {region}.",
            "The local economy of {place} has long depended on farming, light industry and tourism.",
            "Similar disputes in neighbouring regions took years to resolve, often in the courts.",
            "A report published in {year} warned of many of the problems now being discussed.",
            "Opinion polls suggest that trust in public institutions in {country} has fallen to a record low.",
            "The regional assembly of the {region} meets again next week and is expected to discuss the matter.",
            "Records seen by {outlet} show that the issue was raised at least {n1} times in the past decade.",
            "Independent experts have called for the data behind the decision to be published in full.",
            "Earlier this year {country}'s auditor found that spending in the {region} was poorly tracked.",
            "Until {year}, the site on the edge of {place} was used as a depot by the state railway."]
_CONNECTORS = ["", "", "", "", "However, ", "In addition, ", "At the same time, ", "For now, ", "Still, ",
               "Later, ", "In {place}, ", "Privately, ", "On {weekday}, "]
_UPDATE_NOTES = ["This article was updated on {weekday} with new figures from the authorities.",
                 "This story has been updated with further details and a statement from {firm}.",
                 "Update: the figures in this report were revised after new information from officials."]

# The outlets' page templates: what differs from site to site.
_SECTIONS = ["World", "Politics", "Business", "Markets", "Technology", "Science", "Health", "Climate", "Sport",
             "Culture", "Opinion", "Travel", "Education", "Money", "Cities", "Regions", "Investigations",
             "Video", "Podcasts", "Newsletters", "Weather", "Puzzles", "Obituaries", "Letters"]
_SERVICE = ["About us", "Contact", "Careers", "Advertise", "Terms of use", "Privacy notice", "Cookie settings",
            "Accessibility", "Corrections", "Editorial standards", "Subscribe", "Help centre", "Archive",
            "Site map", "RSS feeds", "Press office", "Syndication", "Complaints"]
_BYLINES = ["Harriet Okafor", "Jonas Pelt", "Mira Castellan", "Tomasz Adair", "Leona Fisk", "Ravi Amberley",
            "Greta Holloway", "Etienne Marsh", "Dalia Westbrook", "Bram Oyelaran", "Celeste Varn", "Hugo Pennick"]
_ROLES = ["Political correspondent", "Business reporter", "Regional affairs editor", "Staff reporter",
          "Senior correspondent", "Data reporter", "Chief reporter"]
_PROMOS = ["Sign up for our morning briefing: the day's news in five minutes.",
           "Get the best of our journalism in your inbox every Friday.",
           "Support independent reporting from the regions. Subscribe from one crown a week.",
           "Download our app for breaking news alerts."]


@dataclass(frozen=True)
class NewsPage:
    """One page as a site serves it: `version` 2 is the same report updated, at the same address, later."""
    url: str
    html: str
    event: str
    report: str               # the report it renders (the corpus article's id)
    published: datetime       # when this version appeared
    outlet: str
    body_words: int
    paragraphs: int
    version: int = 1
    reprint_of: str | None = None

    def jsonl_row(self) -> dict:
        """As `newsdesk ingest` (and `bench pipeline`) read a page: its address and HTML, nothing else."""
        return {"url": self.url, "html": self.html}


def _values(facts: Facts, fields: dict, outlet: str) -> dict:
    return {**facts.__dict__, "surname": facts.surname, **fields, "outlet": outlet}


def _joined(connector: str, sentence: str) -> str:
    """A connector before a sentence that does not begin with a name lowers its first letter."""
    if connector and not sentence.startswith("{"):
        sentence = sentence[0].lower() + sentence[1:]
    return connector + sentence


def _sentence(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return _joined(rng.choice(_CONNECTORS), f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} "
                                                f"{rng.choice(_CONTENTS)}{rng.choice(_TAILS)}.")
    if roll < 0.65:
        return f"\"{rng.choice(_QUOTES)},\" {rng.choice(_QUOTE_WHO)}."
    return _joined(rng.choice(_CONNECTORS), rng.choice(_CONTEXT))


def _capital(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:] if sentence else sentence


def body_words_target(rng: random.Random) -> int:
    low, high = BODY_WORDS_RANGE
    return max(low, min(high, round(BODY_WORDS_MEDIAN * math.exp(rng.gauss(0.0, BODY_WORDS_SIGMA)))))


def lengthen(article: GeneratedArticle, rng: random.Random) -> list[str]:
    """The report's own paragraphs (its lead and facts first), then more of the outlet's reporting — reactions,
    quotes, background, each naming the event's places and people — until the body reaches a real length,
    laid out in paragraphs of one to three sentences."""
    values = _values(article.extra["facts"], article.extra["fields"], article.source)
    target = body_words_target(rng)
    lead, *own = [p for p in article.text.split("\n\n") if p.strip()]
    words = len(article.text.split())
    added: list[str] = []
    used: set[str] = set()
    current: list[str] = []
    while words < target - 10:      # a sentence is ~20 words: stop about half of one short of the target
        sentence = _sentence(rng)
        for _ in range(4):           # a report says a thing once
            if sentence not in used:
                break
            sentence = _sentence(rng)
        used.add(sentence)
        text = _capital(sentence.format(**values))
        current.append(text)
        words += len(text.split())
        if sum(len(s.split()) for s in current) >= rng.uniform(0.5, 1.5) * PARAGRAPH_WORDS:
            added.append(" ".join(current))
            current = []
    if current:
        added.append(" ".join(current))
    # the lead stays first; the report's facts and the added reporting are interleaved as a writer would
    merged: list[str] = []
    while own or added:
        if own and (not added or rng.random() < len(own) / (len(own) + len(added))):
            merged.append(own.pop(0))
        else:
            merged.append(added.pop(0))
    return [lead] + merged


@dataclass(frozen=True)
class _Site:
    outlet: str
    host: str
    css: str
    sections: list[str]
    script: str
    style: str
    block_paragraphs: bool      # each paragraph in a block of its own, as some publishing systems write them
    cards: int                  # teasers of other articles under the article
    wrappers: int               # layout containers around the article


def _site(outlet: str, rng: random.Random) -> _Site:
    host = "www." + "".join(c for c in outlet.lower() if c.isalnum()) + ".example"
    css = rng.choice(["st", "nw", "pg", "ar", "c", "x"])
    sections = rng.sample(_SECTIONS, rng.randint(14, len(_SECTIONS)))
    # Real pages carry a median of ~24 KB of inline script (10 to 50 KB for half of them) (analytics, ads, settings) and a little inline style.
    entries = ",".join(f'"{css}_{k}":"{rng.getrandbits(64):x}{rng.getrandbits(32):x}"'
                       for k in range(rng.randint(150, 1150)))
    script = ("window.__SITE_CONFIG__={" + entries + "};(function(){var q=window.dataLayer=window.dataLayer||[];"
              "q.push({event:'pageview',section:document.body&&document.body.dataset.section});})();")
    style = "".join(f".{css}-{k}{{margin:{k % 9}px {k % 5}px;padding:{k % 7}px;color:#{(k * 97) % 4096:03x}}}"
                    for k in range(rng.randint(20, 60)))
    return _Site(outlet, host, css, sections, script, style, rng.random() < 0.4, rng.randint(6, 40),
                 rng.randint(0, 3))


def _slug(title: str) -> str:
    return "-".join("".join(c for c in w.lower() if c.isalnum()) for w in title.split()[:9]).strip("-") or "story"


_ICON = ('<svg class="{css}-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">'
         '<path d="M12 2.2c-5.4 0-9.8 4.4-9.8 9.8s4.4 9.8 9.8 9.8 9.8-4.4 9.8-9.8S17.4 2.2 12 2.2zm0 17.6c-4.3 '
         '0-7.8-3.5-7.8-7.8S7.7 4.2 12 4.2s7.8 3.5 7.8 7.8-3.5 7.8-7.8 7.8zm-1-12.3h2v5.2l4.1 2.5-1 1.7L11 13.8V7.5z"/>'
         '</svg>')
# Real templates spell their layout out in utility classes on every element.
_UTILITY = ("flex items-center justify-between gap-2 px-4 py-2 text-sm font-medium leading-tight text-neutral-800 "
            "hover:underline focus:outline-none focus-visible:ring-2 md:px-6 lg:gap-4")


def _links(items: list[tuple[str, str]], css: str, cls: str) -> str:
    return (f'<ul class="{css}-{cls}">'
            + "".join(f'<li class="{css}-{cls}__item"><a class="{_UTILITY}" data-link-name="{cls}:{k}" '
                      f'href="{escape(href)}">{escape(text)}</a></li>' for k, (href, text) in enumerate(items))
            + "</ul>")


def _menu(site: _Site) -> str:
    """The header's drop-down menu: every section with its sub-sections."""
    css = site.css
    columns = "".join(
        f'<div class="{css}-menu__col"><h4 class="{css}-menu__heading">{escape(section)}</h4>'
        + _links([(f"/{section.lower()}/{_slug(part)}/", f"{section} {part}")
                  for part in ("latest",)], css, "menu")
        + "</div>" for section in site.sections)
    return f'<div class="{css}-menu" hidden>{_ICON.format(css=css)}{columns}</div>'


def _image(href: str) -> int:
    return zlib.crc32(href.encode()) % 10**8


def _srcset(href: str, kind: str) -> str:
    return ", ".join(f"/img/{_image(href)}-{w}.{kind} {w}w" for w in (160, 320, 480, 640, 960))


def _linked(paragraph: str, names: tuple[str, ...], css: str, rng: random.Random) -> str:
    """Now and then a name in the paragraph links to its topic page, or is set in bold, as editors do."""
    for name in names:
        if name in paragraph and rng.random() < 0.3:
            tag = (f'<a class="{css}-inline-link" href="/topic/{_slug(name)}/">{escape(name)}</a>'
                   if rng.random() < 0.7 else f"<strong>{escape(name)}</strong>")
            return paragraph.replace(escape(name), tag, 1)
    return paragraph


def render(site: _Site, title: str, paragraphs: list[str], *, url: str, published: datetime,
           updated: datetime | None, section: str, headlines: list[tuple[str, str]], rng: random.Random,
           note: str | None = None, names: tuple[str, ...] = ()) -> str:
    """One article page in the outlet's template: the page around the article is as large and as busy as a real
    news page's (a median of ~115 KB, ~770 elements, ~135 links)."""
    css = site.css
    byline, role = rng.choice(_BYLINES), rng.choice(_ROLES)
    standfirst = paragraphs[0].split(". ")[0].rstrip(".") + "."
    stamp = published.strftime("%-d %B %Y, %H:%M UTC")
    nav = _links([(f"/{s.lower()}/", s) for s in site.sections], css, "nav")
    subnav = _links([(f"/{section.lower()}/{k}/", f"{section} {w}") for k, w in
                     enumerate(["latest", "analysis", "explainers", "data", "live", "in pictures", "in depth"])],
                    css, "subnav")
    picked = rng.sample(headlines, min(len(headlines), 16 + site.cards))
    related = _links(picked[:6], css, "related")
    most_read = ("<ol class=\"" + css + "-mostread\">"
                 + "".join(f'<li><span class="{css}-rank">{i + 1}</span><a href="{escape(h)}">{escape(t)}</a></li>'
                           for i, (h, t) in enumerate(picked[6:16])) + "</ol>")
    cards = "".join(
        f'<div class="{css}-card {_UTILITY}" data-component="card" data-config=\'{{"id":"{_image(h)}",'
        f'"layout":"compact","lazy":true,"tracking":{{"list":"more","position":{k},"section":"{section.lower()}"}}}}\'>'
        f'<a class="{css}-card__link" href="{escape(h)}"><div class="{css}-card__media">'
        f'<picture><source type="image/webp" srcset="{_srcset(h, "webp")}"><img src="/img/{_image(h)}.jpg" '
        f'srcset="{_srcset(h, "jpg")}" sizes="(min-width: 980px) 320px, 50vw" alt="" loading="lazy" width="320" '
        f'height="180"></picture></div>'
        f'<h3 class="{css}-card__title">{escape(t)}</h3></a><span class="{css}-card__meta">'
        f'{rng.choice(site.sections)}</span> <time class="{css}-card__time">{rng.randint(1, 23)}h ago</time></div>'
        for k, (h, t) in enumerate(picked[16:]))
    ads = "".join(f'<div class="{css}-ad {css}-ad--{k}" data-ad-slot="bottom-{k}" data-ad-size="300x250">'
                  f'<div class="{css}-ad__inner"><span class="{css}-ad__label">Advertisement</span></div></div>'
                  for k in range(8))
    follow = "".join(f'<li class="{css}-topic {_UTILITY}"><span class="{css}-topic__name">{escape(s)}</span>'
                     f'<button class="{css}-topic__follow" type="button" data-topic="{_slug(s)}">Follow</button></li>'
                     for s in site.sections[:12])
    layout_open = "".join(f'<div class="{css}-layout-{k}">' for k in range(site.wrappers))
    layout_close = "</div>" * site.wrappers
    body_parts = []
    middle = len(paragraphs) // 2
    for i, p in enumerate(paragraphs):
        text = _linked(escape(p), names, css, rng)
        body_parts.append(f'<div class="{css}-block" data-block="{i}"><p>{text}</p></div>' if site.block_paragraphs
                          else f"<p>{text}</p>")
        if i == middle and picked:
            body_parts.append(f'<p class="{css}-readmore"><strong>Read more:</strong> '
                              f'<a href="{escape(picked[0][0])}">{escape(picked[0][1])}</a></p>')
        if i == 2:
            body_parts.append(f'<div class="{css}-promo" data-slot="inline"><p>{escape(rng.choice(_PROMOS))}</p></div>')
    tags = _links([(f"/topic/{_slug(w)}/", w) for w in
                   rng.sample(site.sections, 4) + [title.split()[0], title.split()[-1].strip(",:")]], css, "tags")
    share = (f'<div class="{css}-share">' + "".join(
        f'<a class="{css}-share__button {_UTILITY}" href="/share/{k}?u={escape(url)}" title="Share by {k}">'
        f'{_ICON.format(css=css)}<span class="{css}-visually-hidden">{k.title()}</span></a>'
        for k in ("email", "messenger", "social", "print", "copy", "save")) + "</div>")
    footer = "".join(_links([(f"/{_slug(s)}/", s) for s in chunk], css, "footer-list")
                     for chunk in (site.sections[:8], _SERVICE[:6], _SERVICE[6:12]))
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": published.isoformat(),
                     "dateModified": (updated or published).isoformat(),
                     "author": {"@type": "Person", "name": byline},
                     "publisher": {"@type": "Organization", "name": site.outlet},
                     "mainEntityOfPage": url, "articleSection": section})
    note_html = f'<p class="{css}-note"><em>{escape(note)}</em></p>' if note else ""
    updated_html = (f' <span class="{css}-updated">Updated <time datetime="{updated.isoformat()}">'
                    f'{updated.strftime("%-d %B %Y, %H:%M UTC")}</time></span>') if updated else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {escape(site.outlet)}</title>
<meta name="description" content="{escape(standfirst)}">
<link rel="canonical" href="{escape(url)}">
<meta property="og:type" content="article"><meta property="og:title" content="{escape(title)}">
<meta property="og:url" content="{escape(url)}"><meta property="og:site_name" content="{escape(site.outlet)}">
<meta property="og:image" content="https://{site.host}/img/lead/{_slug(title)}.jpg">
<meta property="article:published_time" content="{published.isoformat()}">
<meta property="article:section" content="{escape(section)}"><meta name="author" content="{escape(byline)}">
<link rel="stylesheet" href="/static/{css}/main.css"><link rel="icon" href="/favicon.ico">
<script type="application/ld+json">{ld}</script>
<script>{site.script}</script>
<style>{site.style}</style></head>
<body class="{css}-body" data-section="{escape(section.lower())}">
<a class="{css}-skip" href="#main">Skip to content</a>
<div class="{css}-cookie" role="dialog"><p>We use cookies and similar technologies to run this site, measure
audiences and show you relevant advertising. You can change your choices at any time.</p>
<button type="button">Accept all</button> <button type="button">Manage settings</button></div>
<header class="{css}-header"><div class="{css}-masthead"><a class="{css}-logo" href="/">{escape(site.outlet)}</a>
<form class="{css}-search" action="/search"><input type="search" name="q" placeholder="Search"><button>Search</button></form>
<a class="{css}-account" href="/account">Sign in</a> <a class="{css}-subscribe" href="/subscribe">Subscribe</a></div>
<button class="{css}-menu-button" aria-expanded="false">{_ICON.format(css=css)}Menu</button>{_menu(site)}
<nav class="{css}-nav-wrap" aria-label="Sections">{nav}</nav><nav class="{css}-subnav-wrap">{subnav}</nav></header>
<div class="{css}-ad" data-ad-slot="top"><span>Advertisement</span></div>
<div class="{css}-page"><div class="{css}-container"><div class="{css}-grid {_UTILITY}">{layout_open}
<main id="main" class="{css}-main"><div class="{css}-column"><article class="{css}-article">
<header class="{css}-article__header"><a class="{css}-kicker" href="/{section.lower()}/">{escape(section)}</a>
<h1 class="{css}-headline">{escape(title)}</h1>
<p class="{css}-standfirst">{escape(standfirst)}</p>
<div class="{css}-byline">By <a rel="author" href="/profile/{_slug(byline)}">{escape(byline)}</a>, {escape(role)}</div>
<div class="{css}-dateline"><time datetime="{published.isoformat()}">{stamp}</time>{updated_html}</div>
{share}</header>
<figure class="{css}-figure"><img src="https://{site.host}/img/lead/{_slug(title)}.jpg" alt="" width="1200" height="675">
<figcaption>Photograph: {escape(site.outlet)} picture desk</figcaption></figure>
<div class="{css}-article__content"><div class="{css}-article__wrapper"><div class="{css}-article__body">
{note_html}{"".join(body_parts)}</div></div></div>
<footer class="{css}-article__footer">{tags}<p class="{css}-copyright">&copy; {published.year} {escape(site.outlet)}.
Reproduction without permission is prohibited.</p></footer></article></div>
<aside class="{css}-rail"><section><h2>Related</h2>{related}</section><section><h2>Most read</h2>{most_read}</section>
<div class="{css}-ad" data-ad-slot="rail"><span>Advertisement</span></div>
<section class="{css}-follow"><h2>Topics</h2><ul>{follow}</ul></section>
<section class="{css}-newsletter"><h2>Newsletters</h2><p>{escape(rng.choice(_PROMOS))}</p>
<form action="/newsletters"><input type="email" name="email" placeholder="Your email"><button>Sign up</button></form></section>
</aside>
<section class="{css}-more"><h2>More from {escape(site.outlet)}</h2><div class="{css}-more__grid"><div class="{css}-more__row">{cards}</div></div></section>{ads}</main>
{layout_close}</div></div></div>
<footer class="{css}-footer">{footer}<p>&copy; {published.year} {escape(site.outlet)}. All rights reserved.</p></footer>
</body></html>"""


def _updated(article: GeneratedArticle, paragraphs: list[str], rng: random.Random) -> tuple[str, list[str], str]:
    """The report as its outlet updated it: a figure in the title and the lead moved on, and an editor's note."""
    facts: Facts = article.extra["facts"]
    old, new = str(facts.n1), str(facts.n1 + rng.randint(1, max(2, facts.n1 // 2)))
    title = article.title.replace(old, new) if old in article.title else f"{article.title}: latest"
    lead = paragraphs[0].replace(old, new)
    note = rng.choice(_UPDATE_NOTES).format(**_values(facts, article.extra["fields"], article.source))
    return title, [lead] + paragraphs[1:], note


def generate_pages(n: int, seed: int = 7, start: datetime | None = None, days: float | None = None,
                   update_share: float = 0.05) -> list[NewsPage]:
    """n pages in the order they appear: the reports (and reprints) of `generate_articles`, lengthened and laid
    out, with `update_share` of them appearing a second time, updated, 1 to 12 hours after the first."""
    updates = int(n * update_share)
    articles = generate_articles(n - updates, seed=seed, start=start, days=days)
    rng = random.Random(seed * 7919 + 1)
    sites = {outlet: _site(outlet, random.Random(f"{seed}:{outlet}")) for outlet in sorted({a.source for a in articles})}
    headlines = [(f"/news/{_slug(a.title)}-{i}", a.title) for i, a in enumerate(articles[:400])]
    bodies: dict[str, list[str]] = {}
    for a in articles:
        if a.reprint_of is None:
            bodies[a.id] = lengthen(a, random.Random(f"{seed}:{a.id}"))
    for a in articles:
        if a.reprint_of is not None:
            bodies[a.id] = bodies[a.reprint_of] + ["(With agency inputs)"]
    pages: list[NewsPage] = []
    originals = [a for a in articles if a.reprint_of is None]
    chosen = set(a.id for a in rng.sample(originals, min(updates, len(originals))))
    for a in articles:
        site = sites[a.source]
        section = rng.choice(site.sections[:6])
        url = f"https://{site.host}/{section.lower()}/{a.published:%Y/%m/%d}/{_slug(a.title)}-{a.id}"
        paragraphs = bodies[a.id]
        page_rng = random.Random(f"{seed}:{a.id}:page")
        facts: Facts = a.extra["facts"]
        names = (facts.place, facts.firm, facts.person, facts.country, facts.expert)
        html = render(site, a.title, paragraphs, url=url, published=a.published, updated=None, section=section,
                      headlines=headlines, rng=page_rng, names=names)
        page = NewsPage(url, html, a.event, a.id, a.published, a.source, sum(len(p.split()) for p in paragraphs),
                        len(paragraphs), 1, a.reprint_of)
        pages.append(page)
        if a.id in chosen:
            later = a.published + timedelta(hours=rng.uniform(1, 12))
            title, changed, note = _updated(a, paragraphs, rng)
            html = render(site, title, changed, url=url, published=a.published, updated=later, section=section,
                          headlines=headlines, rng=random.Random(f"{seed}:{a.id}:update"), note=note, names=names)
            pages.append(replace(page, html=html, published=later, version=2,
                                 body_words=sum(len(p.split()) for p in changed) + len(note.split())))
    pages.sort(key=lambda p: (p.published, p.report, p.version))
    return pages
