"""Why an article joined its story: the facts the join model weighed, kept compact at join time and told in
words when a page shows them ("same names: Joly, Hikvision; title 0.82 similar; published 40 min after;
3 numbers shared")."""

from __future__ import annotations

import math

import numpy as np

from newsdesk.cluster.features import FEATURES, ArticleRep, Story, Vocabulary

NAMES_KEPT = 8
NAMES_SHOWN = 4
KIND_WORDS = {"person": "people", "organisation": "organisations", "place": "places", "product": "products",
              "event": "events"}
_EMB, _TITLE, _NUM_SHARED = FEATURES.index("emb_centroid"), FEATURES.index("title_tfidf"), FEATURES.index("num_shared")


def join_facts(rep: ArticleRep, story: Story, features: np.ndarray, vocab: Vocabulary) -> dict:
    """What the join model read about the article against the story it joined (the story as it stood before the
    article), as a compact JSON-able dict: "n" shared proper nouns (lower-cased, those the story carries most
    and that are rarest first), "e" embedding cosine to the
    story, "t" title similarity, "k" numbers shared, "m" minutes after the story's latest article (negative:
    before; absent when either is undated), "s" 1 when the same outlet wrote in the story within two hours."""
    shared = [e for e in rep.analysed.entities if e in story.entities]
    shared.sort(key=lambda e: (-story.entities[e] * vocab.idf("@" + e), e))
    facts: dict = {"n": shared[:NAMES_KEPT], "e": round(float(features[_EMB]), 2),
                   "t": round(float(features[_TITLE]), 2),
                   "k": int(round(math.expm1(float(features[_NUM_SHARED]))))}
    if rep.published is not None and story.last is not None:
        facts["m"] = int(round((rep.published - story.last).total_seconds() / 60))
    if rep.source and rep.published is not None and story.sources.get(rep.source) is not None:
        if abs((rep.published - story.sources[rep.source]).total_seconds()) <= 2 * 3600:
            facts["s"] = 1
    return facts


def _span(minutes: int) -> str:
    size = abs(minutes)
    if size < 90:
        return f"{size} min"
    if size < 48 * 60:
        return f"{round(size / 60)} h"
    return f"{round(size / 1440)} days"


def _named(token: str, name: str) -> bool:
    words = [w.strip(".,'’").lower() for w in name.split()]
    return any(w == token or (len(token) >= 4 and w.startswith(token)) for w in words)


def name_groups(tokens: list[str], mentions: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """The shared proper nouns (`tokens`, as the grouping keeps them) as the names the article's NER found
    (`mentions`: (name as written, entity type)), by kind, at most NAMES_SHOWN in all; a token no name holds
    (a capitalised common word) is left out. Without mentions (the NER has not read the article), the tokens
    themselves, capitalised, under "names"."""
    if not mentions:
        return [("names", [t[:1].upper() + t[1:] for t in tokens[:NAMES_SHOWN]])] if tokens else []
    groups: dict[str, list[str]] = {}
    shown = 0
    for token in tokens:
        for name, kind in mentions:
            if shown < NAMES_SHOWN and _named(token, name) and not any(name in g for g in groups.values()):
                groups.setdefault(KIND_WORDS.get(kind, "names"), []).append(name)
                shown += 1
                break
    return list(groups.items())


def reasons_in_words(facts: dict, mentions: list[tuple[str, str]] | None = None) -> list[str]:
    """The join facts (`join_facts`) as short phrases, the strongest signals first; names as the article's NER
    found them when `mentions` ((name, type) pairs) are given (`name_groups`)."""
    reasons = [f"same {kind}: " + ", ".join(names) for kind, names in name_groups(facts.get("n", []), mentions or [])]
    if "t" in facts:
        reasons.append(f"title {facts['t']:.2f} similar")
    if "e" in facts:
        reasons.append(f"text {facts['e']:.2f} similar in meaning")
    minutes = facts.get("m")
    if minutes is not None:
        if minutes == 0:
            reasons.append("published at the same time as the story's latest report")
        else:
            side = "after" if minutes > 0 else "before"
            reasons.append(f"published {_span(minutes)} {side} the story's latest report")
    shared = facts.get("k", 0)
    if shared:
        reasons.append(f"{shared} number{'s' if shared != 1 else ''} shared")
    if facts.get("s"):
        reasons.append("its outlet wrote in this story within two hours")
    return reasons
