"""`newsdesk eval entities`: how well names become things, and how well the NER finds them.

Merges: the demo corpus goes through the shipped entity path (the NER on each English original, the names
resolved per event as the story of its reports, then linked desk-wide in a real storage), and every pair of
labelled names (an event and a name as written, `demo_aliases.json`) is scored: merged when the desk gives
both one entity, rightly so when the labels give both one thing. Precision and recall of those merges are
over the names the NER found and the labels cover; "linked" counts a longer form shown with its shorter one
("Castry Mobile" with "Castry") as merged too. The baseline merges only names written the same.

NER: entity-level precision, recall and F1 of the shipped recogniser (its type mapping and filters) against a
CoNLL-2003-format file (`word … tag` per line, IOB1 or IOB2 tags, `-DOCSTART-` between documents): a found
name counts when its span and type are exactly a labelled one's. The model's person/organisation/place are
scored against PER/ORG/LOC; MISC has no counterpart among the types the desk shows and is left out on both
sides (the model's events and products are scored against MISC apart)."""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter, defaultdict
from importlib import resources
from itertools import combinations
from pathlib import Path

from newsdesk.demo import load_corpus
from newsdesk.entities import article_text, clean_name, find_mentions, find_spans, match_key, reads_language, resolve_story
from newsdesk.model import EntityType, NewArticle
from newsdesk.storage import open_storage

CONLL_TYPES = {EntityType.PERSON: "PER", EntityType.ORGANISATION: "ORG", EntityType.PLACE: "LOC",
               EntityType.EVENT: "MISC", EntityType.PRODUCT: "MISC"}


def load_aliases(path: Path | None = None) -> dict:
    if path is None:
        text = resources.files("newsdesk_lab.entities").joinpath("demo_aliases.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return json.loads(text)


def _scores(right: int, predicted: int, gold: int) -> dict:
    precision = right / predicted if predicted else 1.0
    recall = right / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "right": right, "predicted": predicted, "gold": gold}


def predicted_entities(db: str) -> dict[tuple[str, str], tuple[int, int, str | None]]:
    """(event, name as written) -> (entity id, the id of the entity it is shown with, the entity's type), for
    every name the NER finds in the demo corpus's English originals, through the shipped path into the storage
    at `db` (a name the desk makes no entity of has a negative id of its own and no type)."""
    corpus = load_corpus()
    languages = {o.id: o.language for o in corpus.outlets}
    storage = open_storage(db)
    found: dict[tuple[str, str], tuple[int, int]] = {}
    try:
        for event in corpus.events:
            articles = [a for a in corpus.articles_about(event) if a.reprint_of is None
                        and reads_language(languages[a.outlet])]
            if not articles:
                continue
            story_id = storage.create_story(event)
            ids, texts = [], []
            for a in articles:
                text = "\n\n".join(a.paragraphs)
                article_id = storage.insert_article(NewArticle(url=f"demo:{a.id}", text=text, text_hash=a.id,
                                                               title=a.title, outlet=a.outlet, published_at=a.published))
                storage.assign_story(article_id, story_id, None)
                ids.append(article_id)
                texts.append(article_text(a.title, text))
            mentions = find_mentions(texts)
            groups = resolve_story(zip(ids, mentions))
            keys = storage.save_story_entities(story_id, groups, times={i: a.published for i, a in zip(ids, articles)},
                                               outlets={i: a.outlet for i, a in zip(ids, articles)})
            by_alias = {alias: keys[g.key] for g in groups for alias in g.aliases}
            for names in mentions:
                for m in names:
                    entity_id = by_alias.get(match_key(clean_name(m.name, m.type), m.type))
                    if entity_id is not None or (event, m.name) not in found:
                        # a name the desk makes no entity of (too short, a surname two people share) is
                        # merged with nothing: it counts against recall, not for it
                        found[event, m.name] = (entity_id or -len(found) - 1, entity_id or -len(found) - 1)
        shown_with, types = {}, {}
        for entity_id, _ in found.values():
            entity = storage.get_entity(entity_id) if entity_id > 0 else None
            shown_with[entity_id] = (entity.parent_id or entity_id) if entity else entity_id
            types[entity_id] = str(entity.type) if entity else None
        return {k: (e, shown_with[e], types[e]) for k, (e, _) in found.items()}
    finally:
        storage.close()


def evaluate_merges(aliases: Path | None = None, db: str | None = None) -> dict:
    """Pairwise precision and recall of the desk's merges on the labelled demo aliases."""
    labels = load_aliases(aliases)
    gold = {(event, name): thing for event, names in labels["events"].items() for name, thing in names.items()}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        predicted = predicted_entities(db or str(Path(tmp) / "entities.db"))
    seconds = time.perf_counter() - started
    names = sorted(k for k in predicted if k in gold)
    counts = Counter()
    wrong_merges, missed = [], []
    for a, b in combinations(names, 2):
        same = gold[a] == gold[b]
        merged = predicted[a][0] == predicted[b][0]
        linked = predicted[a][1] == predicted[b][1]
        exact = a[1] == b[1]
        counts["gold"] += same
        counts["merged"] += merged
        counts["merged_right"] += merged and same
        counts["linked"] += linked
        counts["linked_right"] += linked and same
        counts["exact"] += exact
        counts["exact_right"] += exact and same
        if merged and not same:
            wrong_merges.append(f"{a[1]!r} ({a[0]}) with {b[1]!r} ({b[0]})")
        if same and not merged and a[1] != b[1]:
            missed.append(f"{a[1]!r} ({a[0]}) and {b[1]!r} ({b[0]}): {gold[a]}")
    typed = [k for k in names if predicted[k][2] is not None]
    wrong_types = sorted(f"{k[1]!r} ({k[0]}): {predicted[k][2]}, labelled {labels['types'][gold[k]]}"
                         for k in typed if predicted[k][2] != labels["types"][gold[k]])
    things_found = {gold[k] for k in names}
    per_thing = defaultdict(set)
    for k in names:
        per_thing[gold[k]].add(predicted[k][0])
    return {
        "names_labelled": len(gold), "names_found": len(names),
        "names_found_unlabelled": sorted({k[1] for k in predicted if k not in gold}),
        "things": len(things_found), "entities": len({predicted[k][0] for k in names}),
        "things_split": sorted(t for t, ids in per_thing.items() if len(ids) > 1),
        "merges": _scores(counts["merged_right"], counts["merged"], counts["gold"]),
        "merges_with_links": _scores(counts["linked_right"], counts["linked"], counts["gold"]),
        "baseline_same_text": _scores(counts["exact_right"], counts["exact"], counts["gold"]),
        "types": {"right": len(typed) - len(wrong_types), "of": len(typed),
                  "accuracy": round((len(typed) - len(wrong_types)) / len(typed), 4) if typed else 1.0},
        "wrong_types": wrong_types,
        "wrong_merges": wrong_merges, "missed_merges": missed, "seconds": round(seconds, 2),
    }


# -- the NER against a CoNLL-format file --------------------------------------------------------------------

def read_conll(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Documents of a CoNLL-2003-format file as (text, [(start, end, type)]): tokens joined by spaces, sentences
    by newlines; the tag is the last column."""
    docs: list[tuple[str, list[tuple[int, int, str]]]] = []
    text: list[str] = []
    spans: list[tuple[int, int, str]] = []
    length = 0
    open_span: list | None = None

    def close() -> None:
        nonlocal open_span
        if open_span is not None:
            spans.append(tuple(open_span))
            open_span = None

    def flush() -> None:
        nonlocal text, spans, length
        close()
        if text:
            docs.append(("".join(text).rstrip(), spans))
        text, spans, length = [], [], 0

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            close()
            if text and not text[-1].endswith("\n"):
                text[-1] = text[-1].rstrip(" ") + "\n"
            continue
        word, tag = parts[0], parts[-1]
        if word == "-DOCSTART-":
            flush()
            continue
        start = length
        text.append(word + " ")
        length += len(word) + 1
        if tag == "O":
            close()
            continue
        prefix, _, kind = tag.partition("-")
        if open_span is not None and (prefix == "B" or open_span[2] != kind):
            close()
        if open_span is None:
            open_span = [start, start + len(word), kind]
        else:
            open_span[1] = start + len(word)
    flush()
    return docs


def evaluate_ner(path: Path, limit: int | None = None) -> dict:
    """Entity-level P/R/F1 of the shipped recogniser against a CoNLL-format file."""
    docs = read_conll(path)[:limit] if limit else read_conll(path)
    started = time.perf_counter()
    counts: Counter = Counter()
    tokens = 0
    for text, gold in docs:
        tokens += len(text.split())
        predicted = {(s, e, CONLL_TYPES[t]) for s, e, t in find_spans(text)}
        gold_set = set(gold)
        for kind in ("PER", "ORG", "LOC", "MISC"):
            p = {x for x in predicted if x[2] == kind}
            g = {x for x in gold_set if x[2] == kind}
            counts[kind, "right"] += len(p & g)
            counts[kind, "predicted"] += len(p)
            counts[kind, "gold"] += len(g)
    seconds = time.perf_counter() - started
    by_type = {k: _scores(counts[k, "right"], counts[k, "predicted"], counts[k, "gold"])
               for k in ("PER", "ORG", "LOC", "MISC")}
    main = ("PER", "ORG", "LOC")
    return {"documents": len(docs), "tokens": tokens, "by_type": by_type,
            "per_org_loc": _scores(sum(counts[k, "right"] for k in main), sum(counts[k, "predicted"] for k in main),
                                   sum(counts[k, "gold"] for k in main)),
            "seconds": round(seconds, 2), "tokens_per_s": round(tokens / seconds, 1) if seconds else None}
