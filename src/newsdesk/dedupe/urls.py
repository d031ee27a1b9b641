"""An article's identity is its canonical URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from courlan import normalize_url

# Parameters that say where a click came from, not which article it is .
_TRACKING_PREFIXES = ("utm_", "mc_", "at_", "pk_", "hsa_")
_TRACKING_NAMES = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ocid", "cmpid", "ito", "smid",
                   "rss", "feed", "ref", "ref_src", "src", "cmp", "guccounter", "_ga", "spm"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, tracking parameters removed, the rest sorted
    (courlan's normalisation; its strict mode also drops parameters that identify articles, so not that)."""
    # What urlsplit ignores (C0 and space at either end, tab and newline anywhere) is gone from the key too.
    url = url.strip().strip(_C0_OR_SPACE).replace("\t", "").replace("\r", "").replace("\n", "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "file", "urn") or (parts.scheme in ("http", "https") and not parts.netloc):
        raise ValueError(f"not an article URL: {url!r}")
    if _CONTROL.search(url):
        raise ValueError(f"not an article URL: {url!r} (control characters)")
    if any(c.isspace() for c in parts.netloc):
        raise ValueError(f"not an article URL: {url!r} (a space in the host)")
    if parts.scheme not in ("http", "https"):
        return parts.scheme + url[len(parts.scheme):] if url[:len(parts.scheme)].lower() == parts.scheme else url
    # courlan decodes and re-encodes the query, so one pass can expose what the next pass changes (an
    # encoded "&amp;" becomes a separator): the canonical form is the fixed point.
    current = _normalise(url)
    for _ in range(4):
        again = _normalise(current)
        if again == current:
            break
        current = again
    return current


def _normalise(url: str) -> str:
    try:
        parts = urlsplit(normalize_url(url))
    except ValueError as exc:
        raise ValueError(f"not an article URL: {url!r} ({exc})") from None
    kept = [p for p in parts.query.split("&")
            if p and not p.split("=", 1)[0].lower().startswith(_TRACKING_PREFIXES)
            and p.split("=", 1)[0].lower() not in _TRACKING_NAMES]
    return parts._replace(query="&".join(kept), fragment="").geturl()
