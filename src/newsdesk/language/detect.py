"""The language of an article from its title and text: py3langid (a naive Bayes model over byte n-grams,
packaged on PyPI) restricted to the languages news comes in, 0.07 ms a headline (lingua: 2.2 ms and a 20 s
load; docs/research/multilingual.md)."""

from __future__ import annotations

import threading

from newsdesk.language.codes import NAMES, base_language

# What the detector chooses among: every language named in codes.NAMES (the rest of py3langid's 97 include
# regional languages that short headlines in a major one get mistaken for).
CANDIDATES = tuple(sorted(NAMES))
# A detection below this probability gives way to the language the page or feed declared (or to none): on the
# titles of ECB+ dev and NeuS val (English), every wrong guess was at 0.5 or below; on the project's headlines in
# five languages every right one at 0.62 or above.
SURE = 0.6
# Characters of the text read after the title: enough for a confident guess, bounded cost.
READ_CHARS = 1500

_identifier = None
_lock = threading.Lock()


def _model():
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier
                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                ident.set_languages(list(CANDIDATES))
                _identifier = ident
    return _identifier


def detect(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) of the text's language; (None, 0.0) when it has no letters."""
    if not text or not any(c.isalpha() for c in text):
        return None, 0.0
    code, probability = _model().classify(text[:READ_CHARS + 500])
    return code, float(probability)


def language_of(title: str | None, text: str | None, declared: str | None = None) -> str | None:
    """The language an article is in: detected from its title and the start of its text, unless the detector
    is unsure (below SURE), when the page or feed's declared one is taken. ISO 639-1, or None when nothing
    tells (read as English by the grouping)."""
    sample = " ".join(part for part in ((title or "").strip(), (text or "")[:READ_CHARS].strip()) if part)
    code, probability = detect(sample)
    declared = base_language(declared)
    if code is None or probability < SURE:
        return declared
    return code
