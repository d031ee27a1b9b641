"""Coverage on NeuS stories (AllSides roundups: each line one event told by a left, a centre and a right outlet,
in random order). The articles are read from ../shared at test time, never copied into the project; skipped
when the data is absent. The line does not say which article is which side, so each story's three sources are
labelled left, centre and right in line order: the counts, not the mapping, are what is checked."""

import json
import re

import pytest

from newsdesk.model import NewArticle
from newsdesk.pipeline import blindspot_stories, stories_coverage
from tests.conftest import SHARED

NEUS = SHARED / "data" / "summarization" / "neus" / "val.source"
LEANS = ("left", "centre", "right")


def _articles(line: str) -> list[tuple[str, str]]:
    found = []
    for part in line.split(" [SEP] "):
        match = re.match(r"\s*TITLE=>\s*(.*?)\.?\s*ARTICLE=>\s*(.*)", part, re.S)
        if match and match.group(2).strip():
            found.append((match.group(1).strip(), match.group(2).strip()))
    return found


@pytest.fixture
def neus_stories():
    if not NEUS.exists():
        pytest.skip(f"NeuS is not at {NEUS}")
    lines = NEUS.read_text(encoding="utf-8").splitlines()
    stories = [a for a in (_articles(line) for line in lines[:20]) if len(a) == 3]
    return stories[:2]


def _story(storage, n: int, articles: list[tuple[str, str]], leans: tuple[str, ...]) -> int:
    story_id = storage.create_story(f"neus-{n}")
    for k, ((title, text), lean) in enumerate(zip(articles, leans)):
        source = storage.add_source(f"http://127.0.0.1:9/neus/{n}/{k}.xml", title=f"{lean} outlet {n}")
        storage.set_source_labels(source.id, {"lean": lean})
        article_id = storage.insert_article(NewArticle(url=f"http://127.0.0.1:9/neus/{n}/{k}", text=text,
                                                       text_hash=f"neus-{n}-{k}", source_id=source.id,
                                                       outlet=f"{lean} outlet {n}", title=title))
        storage.assign_story(article_id, story_id, 1.0)
    page = {"headline": articles[0][0], "headline_article_id": None, "summary": [], "takeaways": [],
            "unique": {}, "timeline": [], "independent": [], "reprints": []}
    storage.save_story_page(story_id, headline=articles[0][0], page_json=json.dumps(page), first_published=None,
                            last_updated=None, article_count=len(leans), independent_count=len(leans),
                            reprint_count=0)
    return story_id


def test_a_neus_story_is_covered_by_every_side(storage, neus_stories):
    storage.define_label_group("lean", list(LEANS))
    story_id = _story(storage, 0, neus_stories[0], LEANS)
    coverage = stories_coverage(storage, [story_id])[story_id]
    assert coverage.counts == {"lean": {"left": 1, "centre": 1, "right": 1}}
    assert coverage.blindspots == {}


def test_a_neus_story_without_its_right_outlet_is_a_blindspot(storage, neus_stories):
    storage.define_label_group("lean", list(LEANS))
    _story(storage, 0, neus_stories[0], LEANS)
    partial = _story(storage, 1, neus_stories[1][:2], LEANS[:2])
    found, _ = blindspot_stories(storage)
    assert [(story_id, coverage.blindspots) for story_id, coverage in found] == [(partial, {"lean": ["right"]})]
