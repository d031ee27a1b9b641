"""The names a story's articles gave, counted again in the part of each article the recogniser did not read
(past `ner.MAX_CHARS`): a cheap string match that keeps a story's sources for a name one report writes in its
lead and another only further down. It finds no name the recogniser did not find in some article's lead."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from newsdesk.entities.sentences import common_words
from newsdesk.model import EntityType, Mention


def named_again(mentions: Mapping[int, Sequence[Mention]], tails: Mapping[int, str]) -> dict[int, list[Mention]]:
    """Each article's mentions (article id -> the names found in what was read), plus the times the story's
    names as written occur, as whole words, in its unread tail (article id -> the text not read)."""
    types: dict[str, Counter] = {}
    for found in mentions.values():
        for m in found:
            if m.name.lower() not in common_words():
                types.setdefault(m.name, Counter())[m.type] += m.count
    result = {article_id: list(found) for article_id, found in mentions.items()}
    if not types:
        return result
    forms = sorted(types, key=len, reverse=True)        # "Mélanie Joly" before "Joly" where both start
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")
    kind: dict[str, EntityType] = {form: counts.most_common(1)[0][0] for form, counts in types.items()}
    for article_id, tail in tails.items():
        if not tail:
            continue
        again = Counter(match.group() for match in pattern.finditer(tail))
        if not again:
            continue
        counts = Counter({(m.name, m.type): m.count for m in result.get(article_id, [])})
        for form, n in again.items():
            counts[form, kind[form]] += n
        result[article_id] = [Mention(name, type_, n) for (name, type_), n in counts.items()]
    return result
