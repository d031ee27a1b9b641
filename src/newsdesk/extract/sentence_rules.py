"""How sentences end in each language the desk reads closely: the abbreviations a full stop does not end a
sentence after, the quotation marks that open and close, and the cuts the trained splitter (English Punkt)
misses or makes wrongly in that language. English (and a report whose language is unknown) keeps the rules
`sentences` always had."""

from __future__ import annotations

import re
from dataclasses import dataclass

ENGLISH_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Lt|Col|Gen|Sgt|Capt|Cmdr|Adm|Maj|Cpl|Pvt|Rev|Fr|Sr|Jr|St|Ste|Ald|Del|Atty|Supt|"
    "Insp|Det|Hon|Pres|Amb|Sec|Gen\\. Sec|No|Nos|Vol|Fig|Ft|Mt|Ave|Blvd|Inc|Corp|Co|Ltd|Jan|Feb|Mar|Apr|Aug|Sept|"
    "Sep|Oct|Nov|Dec|vs|etc|approx|est")

# Words written with a full stop that does not end the sentence (without the stop; "." inside one is literal).
ABBREVIATIONS = {
    "fr": "M|MM|Mme|Mmes|Mlle|Mlles|Me|Mgr|Dr|Pr|St|Ste|av|apr|J\\.-C|env|etc|cf|p|n°|No|art|chap|vol|éd|hab|"
          "janv|févr|avr|juil|sept|oct|nov|déc|min|max|boul|bd",
    "es": "Sr|Sra|Srta|Sres|Dr|Dra|Lic|Ing|Arq|Prof|D|Dña|Ud|Uds|Vd|Vds|EE|UU|EE\\. UU|EE\\.UU|pág|págs|núm|"
          "etc|aprox|Av|Avda|Gral|Cía|S\\.A|art|ej|tel|ene|feb|abr|jun|jul|ago|sept|oct|nov|dic",
    "de": "Dr|Prof|Hr|Hrn|Fr|Nr|St|ca|bzw|usw|vgl|sog|Mio|Mrd|Tsd|Jh|Jhd|Str|Abs|Bd|geb|gest|evtl|inkl|"
          "zzgl|max|min|Dipl|Ing|Jan|Feb|Aug|Sept|Okt|Nov|Dez|z\\. B|z\\.B|d\\. h|d\\.h|u\\. a|u\\.a|o\\. ä|"
          "v\\. a|v\\. Chr|n\\. Chr|i\\. d\\. R|s\\. o|u\\. U",
    "it": "Sig|Sigg|Sig\\.ra|Dott|Dott\\.ssa|Dr|Prof|Prof\\.ssa|Ing|Avv|Arch|On|Sen|Mons|S|sig|sigg|sig\\.ra|dott|"
          "dott\\.ssa|prof|prof\\.ssa|ing|avv|arch|on|sen|ecc|pag|pagg|art|"
          "n|gen|feb|apr|giu|lug|ago|sett|ott|nov|dic",
    "pt": "Sr|Sra|Srta|Dr|Dra|Prof|Profa|Eng|Exmo|Exma|D|V|Av|etc|pág|págs|núm|n|art|jan|fev|abr|jun|jul|"
          "ago|set|out|nov|dez",
    "nl": "dhr|Dhr|mevr|Mevr|mw|Mw|drs|Drs|ir|Ir|mr|Mr|prof|Prof|dr|Dr|bijv|Bijv|enz|o\\.a|m\\.n|i\\.p\\.v|"
          "t\\.a\\.v|nr|Nr|blz|ca|jl|St|jan|feb|mrt|apr|aug|sept|okt|nov|dec",
}

# Quotation marks per language: (the marks that open one, the marks that close one). A German text that opens
# with the low mark („) closes with “; one without it is read with the English pair.
_ENGLISH_QUOTES = (("“", "”"),)
QUOTES = {
    "fr": (("«", "»"), ("“", "”")),
    "es": (("«", "»"), ("“", "”")),
    "it": (("«", "»"), ("“", "”")),
    "pt": (("«", "»"), ("“", "”")),
    "nl": (("„“", "”"),),
}
_GERMAN_LOW_QUOTES = (("„", "“"), ("»", "«"))
_GERMAN_QUOTES = (("“", "”"), ("»", "«"))

_LOWERCASE_INITIAL = re.compile(r"(?:^|\s)[a-zäöüéèàç]\.$")
# "am 3. Oktober", "der 2. Weltkrieg": a German ordinal is a number and a full stop.
_GERMAN_ORDINAL = re.compile(r"(?:^|\s)\d{1,3}\.$")
# A cut the splitter missed after a closing quotation mark: „Wir sind bereit.“ Dann ging er.
_AFTER_CLOSING = {
    "de": re.compile(r"(?<=[.!?…][“«])\s+(?=[A-ZÄÖÜ„»])"),
    "fr": re.compile(r"(?<=[.!?…] »)\s+(?=[A-ZÀ-Ý«])"),
}


@dataclass(frozen=True)
class SentenceRules:
    language: str
    abbreviation: re.Pattern[str]      # a piece ending in one runs on into the next

    def continues(self, piece: str) -> bool:
        """Whether the splitter's piece ends on a full stop that does not end a sentence in this language."""
        if self.abbreviation.search(piece):
            return True
        if self.language == "en":
            return False
        return bool(_LOWERCASE_INITIAL.search(piece) or (self.language == "de" and _GERMAN_ORDINAL.search(piece)))

    def quote_pairs(self, text: str) -> tuple[tuple[str, str], ...]:
        if self.language == "de":
            return _GERMAN_LOW_QUOTES if "„" in text else _GERMAN_QUOTES
        return QUOTES.get(self.language, _ENGLISH_QUOTES)

    def cut_after_quotes(self, piece: str) -> list[str]:
        """The piece cut where a sentence ends inside a closing quotation mark (German, French)."""
        pattern = _AFTER_CLOSING.get(self.language)
        return pattern.split(piece) if pattern else [piece]


def _abbreviations(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|\s)(?:{words})\.$")


_RULES = {"en": SentenceRules("en", _abbreviations(ENGLISH_ABBREVIATIONS)),
          **{lang: SentenceRules(lang, _abbreviations(words)) for lang, words in ABBREVIATIONS.items()}}


def sentence_rules(language: str | None) -> SentenceRules:
    """The rules for text in `language` (ISO 639-1); English's for None and for languages without rules."""
    return _RULES.get(language or "en", _RULES["en"])
