"""What the grouping reads from an article's words: content terms, proper nouns and numbers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

STOPWORDS = frozenset("""
a about above according across after afterwards again against ago all almost alone along already also although
always am among amongst an and another any anyone anything anyway are around as at back be became because become
becomes been before being below beside besides between beyond both but by can cannot could did do does doing done
down due during each either else elsewhere enough etc even ever every everyone everything except few first for
former formerly from further get gets got had has have having he her here hers herself him himself his how however
i if in inc including into is it its itself just last latest least less like made make many may me meanwhile might
mine more moreover most mostly mr mrs ms much must my myself near new news next no nobody none nor not nothing now
of off often on once one only onto or other others otherwise our ours ourselves out over own per perhaps please
put rather re said same say says see seem seemed seems several she should show since so some someone something
sometimes still such than that the their theirs them themselves then there thereafter therefore these they this
those though through throughout thus to today together told too toward towards under until up upon us very via was
we week well were what whatever when whenever where whether which while who whoever whole whom whose why will with
within without would year years yes yet you your yours yourself yourselves monday tuesday wednesday thursday
friday saturday sunday reported report reports reuters ap afp update updated
""".split())

# Capitalised words that are rarely names of anything; they open sentences and fill title-case headlines.
_COMMON_CAPS = frozenset("""
breaking exclusive live watch video photos opinion analysis editorial update updates read more click here sign
subscribe advertisement related story stories says said new first last top how why what who when where after
""".split())

_LETTER = r"[^\W\d_]"   # a letter of any alphabet: "Séverin" is one word, not "S" and "verin"
_WORD = re.compile(rf"{_LETTER}(?:{_LETTER}|['’\-\.])*{_LETTER}|{_LETTER}|\d[\d,\.:/]*\d|\d")
_SENTENCE_END = re.compile(r"[.!?]['\"”’)]*$")
_NUMBER_WORDS = {"hundred", "thousand", "million", "billion", "trillion"}


def stem(word: str) -> str:
    """A light suffix stripper: enough to make 'quakes'/'quake' and 'killed'/'kills' meet."""
    if len(word) <= 3:
        return word
    for suffix, repl in (("'s", ""), ("’s", ""), ("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"),
                         ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + repl
    return word


def _clean(token: str) -> str:
    return token.strip(".'’-")


def normalise_number(token: str) -> str | None:
    t = token.replace(",", "").rstrip(".:/")
    if not t:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", t):
        if "." in t:
            t = t.rstrip("0").rstrip(".")
        return t.lstrip("0") or "0"
    return t


@dataclass
class Analysed:
    terms: Counter = field(default_factory=Counter)       # stemmed content words of title and text
    title_terms: Counter = field(default_factory=Counter)
    entities: set[str] = field(default_factory=set)      # lower-cased proper nouns
    numbers: set[str] = field(default_factory=set)
    words: int = 0                                       # words in title and text


def _is_title_case(tokens: list[str]) -> bool:
    words = [t for t in tokens if t[0].isalpha() and len(t) > 3]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) / len(words) > 0.6


def _proper_nouns(text: str, lower_seen: set[str]) -> list[str]:
    """Capitalised words that do not open a sentence, all-caps acronyms, and sentence openers that the text
    also shows capitalised elsewhere."""
    out: list[str] = []
    sentence_start = True
    mid_caps: set[str] = set()
    openers: list[str] = []
    for raw in _WORD.findall(text):
        token = _clean(raw)
        if not token:
            continue
        if token[0].isalpha() and token[0].isupper():
            low = token.lower()
            if low not in STOPWORDS and low not in _COMMON_CAPS and len(low) > 1:
                if sentence_start:
                    openers.append(low)
                else:
                    mid_caps.add(low)
                    out.append(low)
        sentence_start = bool(_SENTENCE_END.search(raw)) or raw.endswith(":")
    out.extend(o for o in openers if o in mid_caps or o not in lower_seen)
    return out


def body_of(title: str, text: str) -> str:
    """The text beyond the headline: empty when the text only repeats the title (a headline-only item that was
    stored with its title as text reads as the headline it is)."""
    text = text or ""
    if not title or len(text) > 2 * len(title) + 8:    # far longer than the title: cannot be the title again
        return text
    if " ".join(text.split()).casefold() == " ".join(title.split()).casefold():
        return ""
    return text


def analyse(title: str, text: str, lead_words: int = 400) -> Analysed:
    """Terms from the title and the first `lead_words` words of the text (the lead carries the event; the
    tail of long articles drifts into background)."""
    title = title or ""
    body_words = body_of(title, text).split()
    body = " ".join(body_words[:lead_words])
    result = Analysed(words=len(title.split()) + len(body_words))
    lower_seen: set[str] = set()
    title_tokens = [_clean(t) for t in _WORD.findall(title)]
    body_tokens = [_clean(t) for t in _WORD.findall(body)]
    for token in title_tokens + body_tokens:
        if token and token[0].isalpha() and token[0].islower():
            lower_seen.add(token.lower())
    for token in title_tokens + body_tokens:
        if not token:
            continue
        if token[0].isdigit():
            number = normalise_number(token)
            if number and (len(number) > 1 or "." in number):
                result.numbers.add(number)
            continue
        low = token.lower()
        if low in _NUMBER_WORDS:
            continue
        if low in STOPWORDS or len(low) < 2:
            continue
        result.terms[stem(low)] += 1
    for token in title_tokens:
        if token and not token[0].isdigit():
            low = token.lower()
            if low not in STOPWORDS and len(low) > 1:
                result.title_terms[stem(low)] += 1
    entities = _proper_nouns(body, lower_seen)
    if _is_title_case(title_tokens):
        entities += [t.lower() for t in title_tokens if t and t[0].isupper() and t.lower() not in lower_seen
                     and t.lower() not in STOPWORDS and t.lower() not in _COMMON_CAPS and len(t) > 1]
    else:
        entities += _proper_nouns(title, lower_seen)
    result.entities = set(entities)
    return result


def lead_texts(title: str, text: str, words: int = 60) -> list[str]:
    """What an article's grouping vector is the mean of: its title and its opening sentences up to `words`
    words — the same strings the story writer embeds, so the model runs once for both. Without sentences (a
    short text) the opening words stand in for them; an empty article gives one empty text."""
    from newsdesk.extract import split_sentences

    texts = [title.strip()] if title and title.strip() else []
    text = body_of(title, text)
    taken = 0
    for sentence in split_sentences(text or ""):
        if taken >= words:
            break
        texts.append(sentence.text)
        taken += sentence.text.count(" ") + 1
    if taken == 0:
        opening = " ".join((text or "").split()[:words])
        if opening or not texts:
            texts.append(opening)
    return texts


def lead_vectors(embedder, articles: list[tuple[str, str]], words: int = 60) -> np.ndarray:
    """(len(articles), dim) float32: each (title, text)'s grouping vector, the normalised mean of the vectors
    of its `lead_texts`, all embedded in one call. Measured on ECB+ dev and NeuS val, grouping with this vector
    scores as with one vector of the title and 60 words (B³ F1 0.9437 vs 0.9439, 0.8471 vs 0.8475)."""
    spans, texts = [], []
    for title, text in articles:
        parts = lead_texts(title, text, words)
        spans.append((len(texts), len(texts) + len(parts)))
        texts.extend(parts)
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32) if texts else np.zeros((0, 0), np.float32)
    out = np.zeros((len(articles), vectors.shape[1] if len(texts) else 0), dtype=np.float32)
    for row, (start, end) in enumerate(spans):
        mean = vectors[start:end].mean(axis=0)
        out[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return out
