"""Function words of the languages the grouping reads across, dropped from a report's words before they are
counted (the grouping's own list is English): without them two French reports of different events share
"de", "la", "les" and "des" and look alike."""

from __future__ import annotations

import re

STOPWORDS = {
    "fr": """a à au aux avec ce ces cette c d dans de des du elle en est et il ils je l la le les leur lui
        mais me même ne nous on ou où par pas pour qu que qui s sa se ses son sont sur ta te un une vous y été
        être a ont avait fait plus selon après avant depuis entre sans sous tout tous très ainsi aussi lors""",
    "es": """a al algo ante antes como con contra cual cuando de del desde donde durante e el ella ellos en
        entre era es esa ese esta este está están fue fueron ha han hasta la las le les lo los más mientras muy
        ni no nos o otra otro para pero por que qué se según ser si sin sobre su sus también tras un una uno y
        ya""",
    "de": """aber als am an auch auf aus bei bis da damit dann das dass dem den der des die dies diese dieser
        doch durch ein eine einem einen einer eines er es für hat hatte haben im in ist ja jedoch kein mit nach
        nicht noch nur oder seit sich sie sind so über um und uns unter vom von vor war waren wie wird wurde
        wurden zu zum zur zwischen""",
    "it": """a ad al alla alle agli ai anche che chi con da dal dalla dei del della delle di dopo e è gli ha
        hanno i il in la le lo ma nei nel nella non o per più si sono su sua suo sul sulla tra un una uno""",
    "pt": """a ao aos as à com como da das de do dos e é em entre foi foram há mais mas na nas no nos o os ou
        para pela pelo por que se sem ser seu sua são também um uma""",
    "nl": """aan al als bij dan dat de der deze die dit door een en er het hij in is maar met na naar niet nog
        of om onder op over te tot uit van voor was werd worden zich zijn""",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in STOPWORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def without_function_words(text: str, language: str | None) -> str:
    """The text less the function words of its language (as it is for a language without a list here)."""
    words = _WORDS.get(language or "")
    if not words or not text:
        return text
    return _TOKEN.sub(lambda m: "" if m.group(0).lower() in words else m.group(0), text)


def function_words(language: str | None) -> frozenset[str]:
    """The function words of `language` (empty for a language without a list here)."""
    return _WORDS.get(language or "", frozenset())
