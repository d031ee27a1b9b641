"""The page around a generated news article: each outlet's template (navigation and menu, cookie and newsletter
boxes, inline script and style, utility-class markup, icons, teaser cards, ad slots, layout wrappers, footer) and
one article laid out in it (headline, standfirst, byline, dateline, picture, body with an inline promotion and a
"Read more" link, tags, related and most-read links). Sized and shaped like real news pages (see
bench/newspages.py for how they were measured). Every word here is the project's own."""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import dataclass
from datetime import datetime
from html import escape

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
class Site:
    outlet: str
    host: str
    css: str
    sections: list[str]
    script: str
    style: str
    block_paragraphs: bool      # each paragraph in a block of its own, as some publishing systems write them
    cards: int                  # teasers of other articles under the article
    wrappers: int               # layout containers around the article


def outlet_site(outlet: str, rng: random.Random) -> Site:
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
    return Site(outlet, host, css, sections, script, style, rng.random() < 0.4, rng.randint(6, 40),
                 rng.randint(0, 3))


def slug(title: str) -> str:
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


def _menu(site: Site) -> str:
    """The header's drop-down menu: every section with its sub-sections."""
    css = site.css
    columns = "".join(
        f'<div class="{css}-menu__col"><h4 class="{css}-menu__heading">{escape(section)}</h4>'
        + _links([(f"/{section.lower()}/{slug(part)}/", f"{section} {part}")
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
            tag = (f'<a class="{css}-inline-link" href="/topic/{slug(name)}/">{escape(name)}</a>'
                   if rng.random() < 0.7 else f"<strong>{escape(name)}</strong>")
            return paragraph.replace(escape(name), tag, 1)
    return paragraph


def render(site: Site, title: str, paragraphs: list[str], *, url: str, published: datetime,
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
                     f'<button class="{css}-topic__follow" type="button" data-topic="{slug(s)}">Follow</button></li>'
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
    tags = _links([(f"/topic/{slug(w)}/", w) for w in
                   rng.sample(site.sections, 4) + [title.split()[0], title.split()[-1].strip(",:")]], css, "tags")
    share = (f'<div class="{css}-share">' + "".join(
        f'<a class="{css}-share__button {_UTILITY}" href="/share/{k}?u={escape(url)}" title="Share by {k}">'
        f'{_ICON.format(css=css)}<span class="{css}-visually-hidden">{k.title()}</span></a>'
        for k in ("email", "messenger", "social", "print", "copy", "save")) + "</div>")
    footer = "".join(_links([(f"/{slug(s)}/", s) for s in chunk], css, "footer-list")
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
<meta property="og:image" content="https://{site.host}/img/lead/{slug(title)}.jpg">
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
<div class="{css}-byline">By <a rel="author" href="/profile/{slug(byline)}">{escape(byline)}</a>, {escape(role)}</div>
<div class="{css}-dateline"><time datetime="{published.isoformat()}">{stamp}</time>{updated_html}</div>
{share}</header>
<figure class="{css}-figure"><img src="https://{site.host}/img/lead/{slug(title)}.jpg" alt="" width="1200" height="675">
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
