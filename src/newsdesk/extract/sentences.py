"""Sentences of extracted article text: split with a trained Punkt model, stripped of datelines and labels,
with boilerplate (bylines, agency credits, captions, newsletter prompts, fragments) left out."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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

_LABELS = re.compile(
    r"^(?:Why it matters|The big picture|Driving the news|The bottom line|Bottom line|Between the lines|"
    r"What's next|What’s next|What to watch|Details|Context|Background|Catch up quick|Yes, but|Flashback|"
    r"By the numbers|Zoom in|Zoom out|The latest|What they're saying|What they’re saying|Our thought bubble|"
    r"What happened|The backstory|Where it stands|The other side|The intrigue|State of play|Reality check|"
    r"Be smart|Go deeper|Key quote|Worth noting|Of note|Meanwhile|Update|Updated|UPDATE|Breaking|BREAKING|"
    r"Exclusive|EXCLUSIVE|Analysis|ANALYSIS|Opinion|OPINION|Editor's note|Editor’s note|Watch|WATCH|"
    r"Live updates|LIVE)\s*(?::|[—–]|--)\s*")

_BOILERPLATE = [re.compile(p) for p in (
    r"^\(?\s*[Ww]ith (?:agency|wire|additional) (?:inputs|reporting|reports)\b",
    r"^\(?\s*(?:[Aa]dditional )?[Rr]eporting by (?:[A-Z][\w.'’\-]+ ?){1,4}(?:[;,)]|\.?$|in |and |&)",
    r"\b(?:[Ww]riting|[Ee]diting|[Cc]ompiled|[Rr]eporting) by [A-Z][a-z]+(?: [A-Z][a-z]+)*"
    r"\s*(?:[;,)]|$|and\b)",
    r"\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b",
    r"^(?:[—–-]+|\|)\s*[A-Z][\w.&' ]{1,60}$",                       # "— Meridian Press Agency"
    r"^[Bb][Yy] [A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){0,3}(?:\s*(?:,|\||and|&|[—–-])\s*[A-Z][\w.'’\- ]*){0,3}$",
    r"^(?:[A-Z][a-z]+ ){1,3}(?:is|was) an? (?:staff |senior |national |political |White House )*"
    r"(?:reporter|writer|correspondent|editor|columnist)\b",
    r"^(?:[Pp]hoto|[Pp]hotograph|[Ii]mage|[Pp]icture|[Vv]ideo|[Ff]ile [Pp]hoto|FILE PHOTO|FILE|"
    r"[Cc]aption|[Cc]redit|[Ss]ource)\s*(?::|[—–])",
    r"\((?:[A-Z][A-Za-z]* )?(?:[Pp]hoto|[Ii]mage|[Pp]icture)s? (?:by|credit|courtesy|:)[^)]*\)",
    r"\(AP Photo\b|\bGetty Images\b|\bAFP via Getty\b|/ ?(?:Reuters|AFP|AP|EPA|Getty)\)?\s*$",
    r"^(?:[Rr]ead [Mm]ore|READ MORE|[Rr]elated|RELATED|[Ss]ee [Aa]lso|[Aa]lso [Rr]ead|[Mm]ore [Oo]n|"
    r"[Ww]atch|WATCH|[Ll]isten|LISTEN)\b\s*(?::|[—–]|\.\.\.|…|$)",
    r"\b(?:[Ss]ign up|[Ss]ubscribe)\b.{0,60}\b(?:newsletter|inbox|updates|today|here|now|free)\b",
    r"\bnewsletter\b",
    r"^(?:[Cc]lick|[Tt]ap) here\b|\b[Cc]lick here to\b",
    r"^(?:[Ff]ollow|[Ll]ike) (?:us|me|him|her|them)\b.{0,40}\b(?:on|@)\b",
    r"^(?:[Ss]hare|SHARE) (?:this|on)\b",
    r"^ADVERTISEMENT\b|^[Aa]dvertisement$|^Story continues below\b|^Continue reading\b",
    r"\b[Cc]opyright (?:©|\(c\)|\d{4})|©|\b[Aa]ll rights reserved\b",
    r"\b(?:This|The) (?:story|article|post) (?:has been|was|is being) (?:updated|corrected)\b",
    r"^(?:[Ww]e|[Tt]he [A-Z][a-z]+) (?:reached out|has reached out)\b.{0,40}\bcomment\b.{0,20}$",
    r"\b(?:Please|please) (?:enable|turn on|allow) (?:JavaScript|cookies)\b",
    r"\bcookies?\b.{0,40}\b(?:policy|settings|consent)\b",
)]

_TITLE_ABBREV = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Lt|Col|Gen|Sgt|Capt|Cmdr|Adm|Maj|Cpl|Pvt|Rev|Fr|Sr|Jr|St|Ste|"
    r"Ald|Del|Atty|Supt|Insp|Det|Hon|Pres|Amb|Sec|Gen\. Sec|No|Nos|Vol|Fig|Ft|Mt|Ave|Blvd|Inc|Corp|Co|Ltd|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|vs|etc|approx|est)\.$")
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


def strip_label(text: str) -> str:
    match = _LABELS.match(text)
    if match and match.end() < len(text):
        rest = text[match.end():]
        return rest[:1].upper() + rest[1:]
    return text


def is_boilerplate(sentence: str) -> bool:
    return any(pattern.search(sentence) for pattern in _BOILERPLATE)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@lru_cache(maxsize=1)
def _tokenizer():
    import nupunkt

    return nupunkt.load("default")


def _merge_abbreviation_splits(pieces: list[str]) -> list[str]:
    merged: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if merged and (_TITLE_ABBREV.search(merged[-1]) or _INITIALS.search(merged[-1])
                       or piece[:1].islower() or piece[:1] in ",;:)"):
            merged[-1] = f"{merged[-1]} {piece}" if piece[:1] not in ",;:)" else merged[-1] + piece
        else:
            merged.append(piece)
    return merged


def quote_is_open(text: str) -> bool:
    """Whether text opens a quotation it does not close (straight quotes by parity, curly ones by count)."""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def _merge_quote_splits(pieces: list[str], max_words: int = MAX_WORDS) -> list[str]:
    """Join a quotation the splitter cut at its inner full stops ('... grovelled: "We are sorry.' | 'Our
    customers trusted us."') when it closes within the paragraph and `max_words`; else leave the pieces."""
    merged: list[str] = []
    index = 0
    while index < len(pieces):
        piece, end = pieces[index], index + 1
        if quote_is_open(piece):
            joined = piece
            for later in range(index + 1, len(pieces)):
                joined = f"{joined} {pieces[later]}"
                if word_count(joined) > max_words:
                    break
                if not quote_is_open(joined):
                    piece, end = joined, later + 1
                    break
        merged.append(piece)
        index = end
    return merged


def raw_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph as the splitter finds them, abbreviation and quotation cuts repaired."""
    paragraph = _SPACE.sub(" ", paragraph).strip()
    if not paragraph:
        return []
    return _merge_quote_splits(_merge_abbreviation_splits(_tokenizer().tokenize(paragraph)))


def split_paragraphs(text: str) -> list[str]:
    return [p for p in (line.strip() for line in normalise(text).splitlines()) if p]


def split_sentences(text: str, *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Sentence]:
    """Content sentences of an article's extracted text, in order. The last 4,096 texts' results are kept: the
    grouper and the story writer read the same articles' sentences, the writer again on each page rewrite."""
    return list(_split_sentences(text, min_words, max_words))


@lru_cache(maxsize=4096)
def _split_sentences(text: str, min_words: int, max_words: int) -> tuple[Sentence, ...]:
    kept: list[Sentence] = []
    for index, paragraph in enumerate(split_paragraphs(text)):
        paragraph = strip_label(strip_dateline(paragraph))
        if is_boilerplate(paragraph) and word_count(paragraph) <= 25:
            continue
        for raw in raw_sentences(paragraph):
            sentence = strip_label(strip_dateline(raw)).strip()
            words = word_count(sentence)
            if words < min_words or words > max_words or is_boilerplate(sentence):
                continue
            if not _ALPHA.search(sentence):
                continue
            kept.append(Sentence(sentence, index, len(kept)))
    return tuple(kept)
