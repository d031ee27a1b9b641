"""Language codes: what the desk stores (ISO 639-1, two letters) from what pages, feeds and files give."""

from __future__ import annotations

# ISO 639-3 (and 639-2/B) → 639-1 for the languages the detector knows; others pass through lower-cased.
_THREE_TO_TWO = {
    "afr": "af", "ara": "ar", "bul": "bg", "ben": "bn", "cat": "ca", "ces": "cs", "cze": "cs", "dan": "da",
    "deu": "de", "ger": "de", "ell": "el", "gre": "el", "eng": "en", "spa": "es", "est": "et", "eus": "eu",
    "baq": "eu", "fas": "fa", "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "gle": "ga", "glg": "gl",
    "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu", "ind": "id", "isl": "is", "ice": "is", "ita": "it",
    "jpn": "ja", "kor": "ko", "lit": "lt", "lav": "lv", "msa": "ms", "may": "ms", "nld": "nl", "dut": "nl",
    "nor": "no", "nob": "no", "nno": "no", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru",
    "slk": "sk", "slo": "sk", "slv": "sl", "sqi": "sq", "alb": "sq", "srp": "sr", "swe": "sv", "swa": "sw",
    "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi", "zho": "zh", "chi": "zh", "cmn": "zh",
}

NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian",
    "vi": "Vietnamese", "zh": "Chinese",
}


def base_language(code: str | None) -> str | None:
    """The ISO 639-1 code of a language tag ("fr-CA", "fra", "en_GB", "DE" → "fr", "fr", "en", "de"); None for
    none or for text that is no language tag."""
    if not code or not isinstance(code, str):
        return None
    head = code.strip().lower().replace("_", "-").split("-")[0]
    if not head.isascii() or not head.isalpha() or len(head) not in (2, 3):
        return None
    return _THREE_TO_TWO.get(head, head)


def language_name(code: str | None) -> str:
    """"French" for "fr"; the code itself for a language without a name here."""
    base = base_language(code)
    return NAMES.get(base or "", base or "unknown")
