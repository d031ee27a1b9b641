"""How a name as written becomes the name shown and the key names are matched by.

- Matching folds accents and case ("Mélanie" and "MELANIE" match "melanie"), treats curly and straight
  apostrophes, dashes and runs of spaces alike, and ignores dots and commas ("Dr." is "Dr", "Inc." is "Inc").
- A possessive goes: "Joly's", "Joly’s" and "Rivers'" name Joly and Rivers.
- A person's titles and offices before the name go: "Minister Mélanie Joly", "Foreign Minister Mélanie Joly",
  "Mr Joly", "Dr. Ada Voss", "President Biden" name Mélanie Joly, Joly, Ada Voss, Biden.
- A leading "the" goes from organisations and places ("the Aldermark Space Agency").
- An organisation's legal form is left out of its key, not its name: "Hikvision Inc." matches "Hikvision";
  so is a possessive inside a name ("St Oswin's Church" is keyed "st oswin church").
"""

from __future__ import annotations

import re
import unicodedata

from newsdesk.model import EntityType

# Words that, before a person's name, are an office or a form of address and not part of the name.
TITLES = frozenset("""
mr mrs ms miss mx dr prof professor sir dame lord lady madam madame monsieur mme m
minister ministers secretary president vice premier chancellor governor mayor senator sen congressman
congresswoman representative rep deputy mp mep ambassador commissioner chairman chairwoman chair ceo cfo coo cto
director chief executive judge justice attorney general gen lt lieutenant col colonel capt captain cmdr commander
sgt sergeant officer inspector detective superintendent constable rev reverend father bishop archbishop cardinal
coach manager boss striker midfielder defender goalkeeper spokesman spokeswoman spokesperson leader
""".split())
# Words of an organisation's legal form, left out of its key.
LEGAL_FORMS = frozenset("inc incorporated ltd limited llc plc corp corporation co company sa ag gmbh nv bv spa "
                        "pty lp llp".split())
_CONNECTORS = frozenset("of the and for de du des la le y".split())

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_DASHES = re.compile(r"[‐‑‒–—―]")
_POSSESSIVE = re.compile(r"(?:'s|')$", re.IGNORECASE)
_KEY_DROP = re.compile(r"[^\w\s'-]+")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


def fold(text: str) -> str:
    """Lower case without accents, apostrophes and dashes made plain."""
    text = _DASHES.sub("-", text.translate(_APOSTROPHES))
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return _SPACES.sub(" ", _DASHES.sub("-", text.translate(_APOSTROPHES))).strip(" \t\n,;:-\"'()[]").split(" ")


def _plain(word: str) -> str:
    return fold(word).strip(".,'")


def clean_name(text: str, kind: EntityType) -> str:
    """The name to show for `text` as written, without possessive, titles (persons) or a leading "the"."""
    words = [w for w in _words(text) if w]
    if not words:
        return ""
    last = _POSSESSIVE.sub("", words[-1])
    words = [*words[:-1], last] if last else words[:-1]
    if kind == EntityType.PERSON:
        titled = [i for i, w in enumerate(words[:-1]) if _plain(w) in TITLES]
        # "Foreign Minister Mélanie Joly": everything up to the last title word goes, the name stays
        if titled:
            words = words[titled[-1] + 1:]
    elif kind in (EntityType.ORGANISATION, EntityType.PLACE, EntityType.EVENT) and len(words) > 1 \
            and _plain(words[0]) == "the":
        words = words[1:]
    return " ".join(words).strip(" ,;:")


def match_key(name: str, kind: EntityType) -> str:
    """The key names of one thing share: `name` (already cleaned) folded, without dots and commas, and for an
    organisation without its legal form."""
    words = [_POSSESSIVE.sub("", w).strip("'-") for w in _KEY_DROP.sub(" ", fold(name)).split()]
    words = [w for w in words if w]
    if kind == EntityType.ORGANISATION:
        while len(words) > 1 and words[-1] in LEGAL_FORMS:
            words.pop()
    return " ".join(words)


def acronym(key: str) -> str:
    """The initials of a key's words, connectors left out: "aldermark space agency" -> "asa"."""
    return "".join(w[0] for w in key.split() if w not in _CONNECTORS)


# Forms of address: a name after one of these is a person's, whatever type the model gave it ("Ms Calloway").
ADDRESS = frozenset("mr mrs ms miss mx dr sir dame madam madame monsieur mme".split())
_LOWER_OK = frozenset("of the and for de du des la le les y von van der den da di al el bin ibn on upon in at "
                      "et und".split())
_NOT_IN_NAMES = re.compile(r"[:;!?“”\"«»„|/\\<>{}\[\]=+*#@]")


def addressed(text: str) -> bool:
    """Whether `text` begins with a form of address ("Mr", "Dr.", "Ms")."""
    words = _words(text)
    return len(words) > 1 and _plain(words[0]) in ADDRESS


def plausible(text: str, kind: EntityType | None = None) -> bool:
    """Whether the NER's span can be a name at all: letters, capitals, no sentence punctuation or quotes, every
    word capitalised but short connectors ("of", "de"), and no digits in a person's name."""
    stripped = text.strip()
    if not 2 <= len(stripped) <= 80 or "\n" in stripped or not _LETTER.search(stripped):
        return False
    if _NOT_IN_NAMES.search(stripped):
        return False
    words = stripped.split()
    if len(words) > 8:
        return False
    for word in words:
        first = next((c for c in word if c.isalpha()), None)
        if first is not None and not first.isupper() and fold(word).strip(".,'") not in _LOWER_OK \
                and not word[:2].lower() in ("d'", "l'") and not word.startswith(("al-", "el-")):
            return False
    if kind == EntityType.PERSON and any(c.isdigit() for c in stripped):
        return False
    return True


def search_key(text: str) -> str:
    """What a reader types, as the keys names are stored under: folded, titles and possessive kept as typed."""
    return match_key(" ".join(text.split()), EntityType.PLACE)


def name_keys(text: str) -> list[str]:
    """The keys a name as a reader types it may be stored under, as the desk cleans names of each type:
    "Minister Mélanie Joly" and "Joly's" lose the title and the possessive (a person), "the Aldermark Space
    Agency" its "the" and "Hikvision Inc." its legal form (an organisation); the first is `search_key`'s."""
    text = " ".join(text.split())
    keys = [search_key(text)]
    for kind in EntityType:
        keys.append(match_key(clean_name(text, kind), kind))
    return [k for k in dict.fromkeys(keys) if len(k) >= 2]
