"""Generated news pages as HTML, of the length and shape of real ones: the events, reports, wire reprints of
`corpus.generate_articles`, each report lengthened to a real article's length and laid out in its outlet's page
(`newspage_layout`), and now and then updated after publication (the same address again, later, with a new
figure and an editor's note).

What "real" means here is measured on the Scrapinghub article-extraction benchmark's 181 pages (their words,
never copied): `python -m newsdesk_lab.bench.realpages DIR` prints those figures beside this generator's.
Every word list here is the project's own."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newsdesk_lab.bench.corpus import Facts, GeneratedArticle, generate_articles
from newsdesk_lab.bench.newspage_layout import outlet_site, render, slug

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
    sites = {outlet: outlet_site(outlet, random.Random(f"{seed}:{outlet}")) for outlet in sorted({a.source for a in articles})}
    headlines = [(f"/news/{slug(a.title)}-{i}", a.title) for i, a in enumerate(articles[:400])]
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
        url = f"https://{site.host}/{section.lower()}/{a.published:%Y/%m/%d}/{slug(a.title)}-{a.id}"
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
