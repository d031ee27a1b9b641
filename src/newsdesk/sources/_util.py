"""Small helpers shared by the sources modules: dates, plain text, URLs."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def parse_datetime(value: str) -> datetime | None:
    """ISO 8601 / RFC 3339 or RFC 2822 → aware UTC datetime; None when unparseable. Naive means UTC."""
    value = value.strip()
    if not value:
        return None
    dt: datetime | None = None
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        dt = _rfc2822(value) or _rfc2822(_anglicise(value))
    if dt is None:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def _rfc2822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


# Month abbreviations some non-English feeds put in RFC 822 dates ("Seg, 24 Set 2018 19:42:40 -0300").
_MONTHS = {
    "jan": "Jan", "janv": "Jan", "ene": "Jan", "gen": "Jan", "jän": "Jan",
    "fev": "Feb", "fév": "Feb", "févr": "Feb", "feb": "Feb", "fevr": "Feb",
    "mar": "Mar", "mars": "Mar", "mär": "Mar", "mrz": "Mar",
    "abr": "Apr", "avr": "Apr", "apr": "Apr",
    "mai": "May", "may": "May", "mag": "May",
    "jun": "Jun", "juin": "Jun", "giu": "Jun",
    "jul": "Jul", "juil": "Jul", "lug": "Jul",
    "ago": "Aug", "aoû": "Aug", "août": "Aug", "aout": "Aug", "aug": "Aug",
    "set": "Sep", "sep": "Sep", "sept": "Sep",
    "out": "Oct", "oct": "Oct", "okt": "Oct", "ott": "Oct",
    "nov": "Nov",
    "dez": "Dec", "dic": "Dec", "déc": "Dec", "dec": "Dec",
}
_LEADING_DAY = re.compile(r"^\s*[^\W\d]+\.?,\s*")
_WORD = re.compile(r"[^\W\d]+\.?")


def _anglicise(value: str) -> str:
    value = _LEADING_DAY.sub("", value)
    return _WORD.sub(lambda m: _MONTHS.get(m.group(0).rstrip(".").lower(), m.group(0)), value, count=1)


def plain_text(value: str | None, is_html: bool = True) -> str | None:
    """Tags removed (when HTML), entities decoded, whitespace collapsed; None when nothing is left."""
    if value is None:
        return None
    if is_html:
        value = _TAG.sub(" ", value)
    value = _SPACE.sub(" ", html.unescape(value)).strip()
    return value or None


_C0_OR_SPACE = "".join(chr(c) for c in range(0x20)) + " "


def absolute_http_url(link: str | None, base: str | None) -> str | None:
    """`link` resolved against `base`; None unless the result is an http(s) URL."""
    if not link or not isinstance(link, str):
        return None
    # As browsers do (WHATWG URL): C0 controls and spaces trimmed from both ends, tabs and newlines removed;
    # any other control character left inside makes the link unusable.
    link = link.strip(_C0_OR_SPACE).replace("\t", "").replace("\r", "").replace("\n", "")
    if any(c in _C0_OR_SPACE[:-1] or c == "\x7f" for c in link):
        return None
    try:
        resolved = urljoin(base, link) if base else link
    except ValueError:
        return None
    return resolved if http_url_problem(resolved) is None else None


def http_url_problem(url: str) -> str | None:
    """Why `url` is not an http(s) URL with a host (the only kind the desk fetches), or None when it is."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"not a URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"{scheme}: URLs are not fetched, only http and https" if scheme else "not an absolute URL"
    if not parts.netloc:
        return "the URL names no host"
    return None


# Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; surrogates; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str | None) -> str:
    """`text` without the characters XML 1.0 cannot carry; None is ''."""
    return _NOT_XML.sub("", text or "")
