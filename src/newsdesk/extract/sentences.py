"""Sentences of extracted article text: split with a trained Punkt model and repaired by the rules of the
text's language (`sentence_rules`: abbreviations, quotation marks), stripped of datelines and labels, with
boilerplate (`boilerplate`: bylines, agency credits, captions, newsletter prompts, fragments) left out."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.extract.boilerplate import is_boilerplate, label_pattern
from newsdesk.extract.sentence_rules import SentenceRules, sentence_rules

MIN_WORDS = 5
MAX_WORDS = 90

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DASH = r"(?:\s*(?:[—–]|--?)\s*)"
_AGENCIES = (r"AP|Reuters|AFP|CNN|CNN Business|CNN Politics|UPI|Bloomberg|dpa|DPA|PTI|IANS|ANI|TASS|Xinhua|"
             r"BBC|NPR|Sputnik|Yonhap|Kyodo|EFE|ANSA|AAP|CP|Canadian Press|Project Syndicate|"
             r"The Conversation|Reuters Health|AP Photo|JTA|RNS|WWD|KFF Health News|Axios")
# "HOLLINSPORT, Nov 10 (Meridian) —", "MONSEY, N.Y. (AP) —", "WASHINGTON —", "MINNEAPOLIS—"
_DATELINE_CAPS = re.compile(
    r"^[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}"
    r"(?:, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)?"
    rf"(?:,? {_MONTH} \d{{1,2}}(?:, \d{{4}})?)?"
    r"(?: ?\([A-Z][^()]{0,40}\))?" + _DASH)
_DATELINE_AGENCY_DASH = re.compile(
    r"^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}(?:, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)?"
    rf"(?:,? {_MONTH} \d{{1,2}}(?:, \d{{4}})?)?"
    r" \([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2}\)" + _DASH)
# "Washington (CNN)Secretary …", "London (Reuters) Officials …"
_DATELINE_AGENCY = re.compile(
    r"^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}(?:, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)?"
    rf" \((?:{_AGENCIES})\)\s*")
_DATELINE_BARE_AGENCY = re.compile(rf"^\((?:{_AGENCIES}|[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?)\)" + _DASH)
_DATELINE_GLUED = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2} \([A-Z][A-Za-z ]{1,25}\)(?=[A-Z])")

_INITIALS = re.compile(r"\s[A-Z]\.$")
_SPACE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_ALPHA = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    paragraph: int
    position: int  # index among the article's kept sentences


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).replace("\u00a0", " ")
    return text


def strip_dateline(text: str) -> str:
    """Remove a dateline or an agency credit at the start of a paragraph, keeping the sentence after it."""
    for pattern in (_DATELINE_CAPS, _DATELINE_AGENCY_DASH, _DATELINE_AGENCY, _DATELINE_BARE_AGENCY,
                    _DATELINE_GLUED):
        match = pattern.match(text)
        if match and match.end() < len(text) and _ALPHA.search(text[match.end():]):
            rest = text[match.end():].lstrip()
            if rest[:1].isupper() or rest[:1] in "\"“‘'(0123456789":
                return rest
    return text


def strip_label(text: str, language: str | None = None) -> str:
    match = label_pattern(language).match(text)
    if match and match.end() < len(text):
        rest = text[match.end():]
        return rest[:1].upper() + rest[1:]
    return text


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@lru_cache(maxsize=1)
def _tokenizer():
    import nupunkt

    return nupunkt.load("default")


def _merge_abbreviation_splits(pieces: list[str], rules: SentenceRules) -> list[str]:
    merged: list[str] = []
    for piece in (cut for whole in pieces for cut in rules.cut_after_quotes(whole)):
        piece = piece.strip()
        if not piece:
            continue
        if merged and (rules.continues(merged[-1]) or _INITIALS.search(merged[-1])
                       or piece[:1].islower() or piece[:1] in ",;:)"):
            merged[-1] = f"{merged[-1]} {piece}" if piece[:1] not in ",;:)" else merged[-1] + piece
        else:
            merged.append(piece)
    return merged


def quote_is_open(text: str, language: str | None = None) -> bool:
    """Whether text opens a quotation it does not close (straight quotes by parity, the language's paired
    marks by count: “ ” in English, « » in French, „ “ in German)."""
    if text.count('"') % 2 == 1:
        return True
    return any(sum(map(text.count, opening)) > sum(map(text.count, closing))
               for opening, closing in sentence_rules(language).quote_pairs(text))


def _merge_quote_splits(pieces: list[str], max_words: int = MAX_WORDS, language: str | None = None) -> list[str]:
    """Join a quotation the splitter cut at its inner full stops ('... grovelled: "We are sorry.' | 'Our
    customers trusted us."') when it closes within the paragraph and `max_words`; else leave the pieces."""
    merged: list[str] = []
    index = 0
    while index < len(pieces):
        piece, end = pieces[index], index + 1
        if quote_is_open(piece, language):
            joined = piece
            for later in range(index + 1, len(pieces)):
                joined = f"{joined} {pieces[later]}"
                if word_count(joined) > max_words:
                    break
                if not quote_is_open(joined, language):
                    piece, end = joined, later + 1
                    break
        merged.append(piece)
        index = end
    return merged


def raw_sentences(paragraph: str, language: str | None = None) -> list[str]:
    """The sentences of one paragraph as the splitter finds them, abbreviation and quotation cuts repaired by
    the rules of its `language` (ISO 639-1; English's when None)."""
    paragraph = _SPACE.sub(" ", paragraph).strip()
    if not paragraph:
        return []
    pieces = _merge_abbreviation_splits(_tokenizer().tokenize(paragraph), sentence_rules(language))
    return _merge_quote_splits(pieces, language=language)


def split_paragraphs(text: str) -> list[str]:
    return [p for p in (line.strip() for line in normalise(text).splitlines()) if p]


def split_sentences(text: str, *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS,
                    language: str | None = None) -> list[Sentence]:
    """Content sentences of an article's extracted text in `language` (its stored ISO 639-1 code; English's
    rules when None), in order. The last 4,096 texts' results are kept: the grouper and the story writer read
    the same articles' sentences, the writer again on each page rewrite."""
    return list(_split_sentences(text, min_words, max_words, language))


@lru_cache(maxsize=4096)
def _split_sentences(text: str, min_words: int, max_words: int, language: str | None) -> tuple[Sentence, ...]:
    kept: list[Sentence] = []
    for index, paragraph in enumerate(split_paragraphs(text)):
        paragraph = strip_label(strip_dateline(paragraph), language)
        if is_boilerplate(paragraph, language) and word_count(paragraph) <= 25:
            continue
        for raw in raw_sentences(paragraph, language):
            sentence = strip_label(strip_dateline(raw), language).strip()
            words = word_count(sentence)
            if words < min_words or words > max_words or is_boilerplate(sentence, language):
                continue
            if not _ALPHA.search(sentence):
                continue
            kept.append(Sentence(sentence, index, len(kept)))
    return tuple(kept)
